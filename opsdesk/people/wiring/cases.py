"""HR cases: the "people_cases" permission area, the audit trail (every text masked), the menu and the inbox provider
("people_case": open cases the user owns without a step for 14 days)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.navigation import MenuItem
from opsdesk.core.permissions import ALL, READ, WRITE, user_can

#: The role decides what a user may do with the cases they can read; which cases they read is decided by the case
#: (owner, HR, members: see models.cases). Only HR and the administrator delete.
CASE_GRANTS = {
    R.ADMIN: ALL, R.HR: ALL, R.COO: WRITE, R.REGIONAL_MANAGER: WRITE, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.STAFF: READ, R.AUDITOR: READ,
}

MENU_ITEMS = [MenuItem(pgettext_lazy("plural", "人事案件"), "people:case_list", "people_cases")]

#: Texts of a case never land in the audit trail in clear (the trail is read by people who may not read cases).
MASKED = {"HrCase": ["title", "description", "outcome"], "HrCaseStep": ["description"],
          "HrCaseDocument": ["title", "original_name", "file"]}


def mask_text(value: str) -> str:
    """Every case text in the audit trail: "***" (empty stays empty)."""
    return "" if value in ("", "None") else "***"


class StaleCaseProvider:
    """Open HR cases the user owns with no step for 14 days (key "case:<pk>")."""

    name = "people_case"
    label = gettext_lazy("人事案件")

    def _item(self, stale) -> InboxItem:
        from opsdesk.people.selectors.cases import STALE_DAYS

        case = stale.case
        due = end_of_day(stale.last_activity + timedelta(days=STALE_DAYS))
        return InboxItem(
            provider=self.name, key=f"case:{case.pk}", severity=Sev.HIGH if stale.idle_days >= 2 * STALE_DAYS
            else Sev.MEDIUM, due=due,
            title=deferred(lambda: _("人事案件 %(number)s 已 %(days)s 天无进展") % {"number": case.number,
                                                                              "days": stale.idle_days}),
            detail=deferred(lambda: case.get_case_type_display()),
            store_id=case.store_id, store_name=deferred(lambda: str(case.store) if case.store_id else _("总部")),
            company_id=case.company_id, link=deferred(case.get_absolute_url), source_owner_id=case.owner_id)

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        from opsdesk.people.selectors.cases import stale_cases_owned_by

        if not user_can(user, "people_cases", "view"):
            return []
        return [self._item(stale) for stale in stale_cases_owned_by(user, timezone.localdate(now))]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        from opsdesk.people.selectors.cases import stale_cases_owned_by

        kind, _sep, number = key.partition(":")
        if kind != "case" or not number.isascii() or not number.isdigit():
            return None
        for stale in stale_cases_owned_by(user, timezone.localdate(now)) if user_can(user, "people_cases",
                                                                                    "view") else []:
            if stale.case.pk == int(number):
                return self._item(stale)
        return None


PROVIDER = StaleCaseProvider()


def provider_factory() -> StaleCaseProvider:
    return PROVIDER


def register() -> None:
    """Called from the people app's ready()."""
    from auditlog.registry import auditlog

    from opsdesk.core import extensions
    from opsdesk.core.permissions import register_area
    from opsdesk.people.models import cases

    register_area("people_cases", CASE_GRANTS)
    for model in (cases.HrCase, cases.HrCaseStep, cases.HrCaseDocument):
        if not auditlog.contains(model):
            auditlog.register(model, mask_fields=MASKED[model.__name__],
                              mask_callable="opsdesk.people.wiring.cases.mask_text")
    extensions.register_inbox_provider(provider_factory)
