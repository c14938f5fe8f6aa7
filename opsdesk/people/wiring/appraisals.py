"""Appraisals: permission areas, audited models, menu items, the inbox provider (appraisals and 360 reviews due)
and the KPI `people_appraisal_completion`.

PeerReviewAnswer is never put under the audit trail (the middleware would record its author), nor is
PeerReviewRequest (its status change would time-stamp the answer); requests are audited when created, explicitly.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.navigation import MenuItem
from opsdesk.core.permissions import ALL, CHANGE, READ, VIEW, WRITE

#: Appraisals: HR and the COO all; line managers those of their stores; staff their own (view, self-review and
#: sign-off through `change`; the scope keeps them to their own); auditors read.
APPRAISAL_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: WRITE, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.STAFF: frozenset({VIEW, CHANGE}), R.AUDITOR: READ,
}
#: Reviewing someone else's appraisal (manager review, 360 requests, the manager's signature).
REVIEW_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: WRITE, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.AUDITOR: READ,
}
#: Calibration across a region or the company: HR, the COO and regional managers.
CALIBRATION_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: frozenset({VIEW, CHANGE}), R.AUDITOR: READ,
}
#: Cycles and templates: company master data kept by HR and the COO, read by line managers and auditors.
SETUP_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: READ, R.SUPERVISOR: READ, R.STORE_MANAGER: READ,
    R.AUDITOR: READ,
}

MENU_ITEMS = [
    MenuItem(pgettext_lazy("plural", "绩效考核"), "people:appraisal_list", "people_appraisals"),
    MenuItem(gettext_lazy("考核校准"), "people:appraisal_calibration", "people_appraisal_calibration"),
    MenuItem(gettext_lazy("同事评价邀请"), "people:peer_review_list", "people_appraisals"),
    MenuItem(pgettext_lazy("plural", "考核周期"), "people:appraisalcycle_list", "people_appraisal_setup"),
    MenuItem(pgettext_lazy("plural", "考核模板"), "people:appraisaltemplate_list", "people_appraisal_setup"),
]

PROVIDER_NAME = "people_appraisal"
MAX_ITEMS = 200
_TITLES = {
    "self_review": gettext_lazy("待自评：%(cycle)s"),
    "manager_review": gettext_lazy("待上级评价：%(name)s · %(cycle)s"),
    "sign_off": gettext_lazy("待签字确认：%(name)s · %(cycle)s"),
    "peer_review": gettext_lazy("同事评价邀请：%(name)s · %(cycle)s"),
}


class AppraisalProvider:
    """Self-reviews, manager reviews, sign-offs and 360 reviews the user has to do."""

    name = PROVIDER_NAME
    label = gettext_lazy("绩效考核")

    def _item(self, due_item):
        from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
        from opsdesk.core.inbox_items import SeverityChoices as Sev

        appraisal = due_item.appraisal
        employee = appraisal.employee
        key_pk = due_item.link.rstrip("/").rsplit("/", 1)[-1] if due_item.kind == "peer_review" else appraisal.pk
        return InboxItem(
            provider=PROVIDER_NAME, key=f"{due_item.kind}:{key_pk}",
            severity=Sev.HIGH if due_item.kind in ("manager_review", "sign_off") else Sev.MEDIUM,
            due=end_of_day(due_item.due) if due_item.due else None,
            title=deferred(lambda: str(_TITLES[due_item.kind]) % {"name": employee.name,
                                                                  "cycle": appraisal.cycle.name}),
            detail=deferred(lambda: appraisal.get_status_display()),
            store_id=employee.store_id,
            store_name=deferred(lambda: employee.store.name if employee.store_id else _("总部")),
            company_id=employee.company_id, link=due_item.link, source_owner_id=None)

    def items_for_user(self, user, now: datetime) -> list:
        from opsdesk.people.selectors.appraisals import appraisals_due

        return [self._item(item) for item in appraisals_due(user)][:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime):
        return next((item for item in self.items_for_user(user, now) if item.key == key), None)


PROVIDER = AppraisalProvider()


def provider_factory() -> AppraisalProvider:
    return PROVIDER


def cockpit_tiles(user, today) -> list:
    """The completion of the latest cycle in progress, over the appraisals the user reaches (not for staff)."""
    from django.urls import reverse

    from opsdesk.core.extensions import Tile
    from opsdesk.core.permissions import user_can
    from opsdesk.people.models.appraisals import AppraisalCycle
    from opsdesk.people.selectors.appraisals import appraisal_list

    if not user_can(user, "people_appraisal_review", "view") or not user.company_id:
        return []
    cycle = (AppraisalCycle.objects.filter(company_id=user.company_id, status__in=("open", "calibration"))
             .order_by("-period_end", "-pk").first())
    if cycle is None:
        return []
    appraisals = appraisal_list(user=user).filter(cycle=cycle)
    total = appraisals.count()
    if not total:
        return []
    done = appraisals.filter(status="done").count()
    percent = done * 100.0 / total
    return [Tile(label=_("考核完成率（%(cycle)s）") % {"cycle": cycle.name}, value=f"{percent:.0f}", unit="%",
                 url=f"{reverse('people:appraisal_list')}?cycle={cycle.pk}",
                 tone="good" if percent >= 90 else "warning" if percent >= 50 else "neutral")]


def register() -> None:
    """Called from the people app's ready()."""
    from opsdesk.core import audit, extensions
    from opsdesk.core.extensions import KpiDefinition
    from opsdesk.core.permissions import register_area
    from opsdesk.people.models import appraisals as models
    from opsdesk.people.selectors.appraisals import completion_percent

    register_area(models.AREA, APPRAISAL_GRANTS)
    register_area(models.REVIEW_AREA, REVIEW_GRANTS)
    register_area(models.CALIBRATION_AREA, CALIBRATION_GRANTS)
    register_area(models.SETUP_AREA, SETUP_GRANTS)
    for model in (models.AppraisalCycle, models.AppraisalTemplate, models.TemplateKpi, models.TemplateCompetency,
                  models.CompetencyRating):
        audit.register(model)
    # Reverse relations stay out of the appraisal's diff (never a list of its 360 answers or requests).
    audit.register(models.Appraisal, exclude_fields=["peer_answers", "peer_requests", "kpi_results",
                                                     "competency_ratings"])
    extensions.register_inbox_provider(provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_kpi(KpiDefinition(
        code="people_appraisal_completion", name_zh="绩效考核完成率", name_en="Appraisal completion", unit="%",
        direction="higher", aggregation="ratio of counts over the scope and the cycles ending in the period",
        description_zh="统计期内结束的考核周期中，已完成（员工与上级均已签字）的考核所占比例；按员工所在门店计入范围，"
                       "总部员工只计入全公司。",
        description_en="Of the appraisals of cycles ending in the period, the share done (signed by the employee and "
                       "the manager); counted by the employee's store, head-office staff only for the whole company.",
        measure=completion_percent))


__all__ = ["MENU_ITEMS", "PROVIDER_NAME", "register"]
