"""The inbox provider of the budgets app ("budgets"): lines of this year's approved budget projected to overrun
(high when the overrun is 10 % or more, medium below), and stopped purchase orders awaiting the next level
(critical, for who may override).

Keys: "overrun:<line pk>", "stop:<override pk>".
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.budgets import selectors
from opsdesk.budgets.choices import OverrideStatusChoices
from opsdesk.budgets.models import AREA, CommitmentOverride
from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can

MAX_ITEMS = 200
PROVIDER_NAME = "budgets"


def overrun_figures(user, today) -> list[selectors.LineFigures]:
    """Lines of the user's scope in this year's approved budget projected to overrun, largest overrun first."""
    version = selectors.approved_version(user.company_id, today.year) if user.company_id else None
    if version is None:
        return []
    lines = list(selectors.version_lines(user, version))
    figures = selectors.line_figures(lines, company_id=user.company_id, year=today.year, today=today)
    return sorted((item for item in figures if item.projection.is_overrun), key=lambda item:
                  -item.projection.variance)


def _overrun_item(item: selectors.LineFigures, today) -> InboxItem:
    line, projection = item.line, item.projection
    return InboxItem(
        provider=PROVIDER_NAME, key=f"overrun:{line.pk}",
        severity=Sev.HIGH if (projection.variance_pct or 0) >= 10 else Sev.MEDIUM,
        due=end_of_day(today.replace(month=12, day=31)),
        title=deferred(lambda: _("预计超预算：%(line)s") % {"line": line}),
        detail=deferred(lambda: _("全年预算 %(budget).2f，预计 %(projected).2f（实际 %(actual).2f + 已承诺 "
                                  "%(committed).2f + 其余 %(rest).2f），超出 %(variance).2f") % {
            "budget": projection.budget, "projected": projection.projected, "actual": projection.actual,
            "committed": projection.committed, "rest": projection.rest, "variance": projection.variance}),
        store_id=line.store_id, store_name=deferred(lambda: line.cost_centre_label), company_id=line.company_id,
        link=reverse("budgets:control") + f"?version={line.version_id}")


def _awaiting(user):
    return (CommitmentOverride.objects.for_user(user).filter(status=OverrideStatusChoices.AWAITING,
                                                            order__status="draft")
            .select_related("order", "store", "line__category"))


def _stop_item(row: CommitmentOverride) -> InboxItem:
    return InboxItem(
        provider=PROVIDER_NAME, key=f"stop:{row.pk}", severity=Sev.CRITICAL,
        due=end_of_day(row.order.expected_date),
        title=deferred(lambda: _("采购单超预算被拦截，待批准：%(order)s") % {"order": row.order}),
        detail=deferred(lambda: _("%(category)s：可用 %(available).2f，本单 %(requested).2f") % {
            "category": row.line.category if row.line_id else "", "available": row.available,
            "requested": row.requested}),
        store_id=row.store_id, store_name=deferred(row.store.__str__), company_id=row.company_id,
        link=row.order.get_absolute_url(), source_owner_id=row.stopped_by_id)


class BudgetProvider:
    name = PROVIDER_NAME
    label = gettext_lazy("预算")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        today = timezone.localtime(now).date()
        items = []
        if user_can(user, AREA, "view"):
            items += [_overrun_item(item, today) for item in overrun_figures(user, today)[:MAX_ITEMS]]
        if user_can(user, AREA, "override"):
            items += [_stop_item(row) for row in _awaiting(user)[:MAX_ITEMS]]
        return sorted(items, key=lambda item: -item.severity)[:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit():
            return None
        today = timezone.localtime(now).date()
        if kind == "stop" and user_can(user, AREA, "override"):
            found = _awaiting(user).filter(pk=int(number)).first()
            return None if found is None else _stop_item(found)
        if kind == "overrun" and user_can(user, AREA, "view"):
            found = next((item for item in overrun_figures(user, today) if item.line.pk == int(number)), None)
            return None if found is None else _overrun_item(found, today)
        return None


PROVIDER = BudgetProvider()


def provider_factory() -> BudgetProvider:
    return PROVIDER
