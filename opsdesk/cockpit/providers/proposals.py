"""Replenishment proposals waiting for approval: one item per store of the latest plan."""

from __future__ import annotations

from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, deferred, end_of_day


def _rows(user, store_id=None):
    from opsdesk.replenishment.models import Proposal
    from opsdesk.replenishment.selectors import latest_run

    run = latest_run(user=user)
    if run is None:
        return None, []
    queryset = Proposal.objects.for_user(user).filter(run=run, status="open", quantity__gt=0)
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    rows = (queryset.values("store_id", "store__code", "store__name", "store__company_id")
            .annotate(lines=Count("pk"), value=Sum(F("quantity") * F("unit_cost"))).order_by("store_id"))
    return run, list(rows)


def _item(run, row) -> InboxItem:
    return InboxItem(
        provider=PROVIDER.name, key=f"{run.pk}:{row['store_id']}", severity=Sev.HIGH,
        title=deferred(lambda: _("补货建议待审批：%(lines)s 行") % {"lines": row["lines"]}),
        detail=deferred(lambda: _("建议补货金额 %(value).0f") % {"value": row["value"] or 0}),
        due=end_of_day(run.plan_date or run.created_at.date()), store_id=row["store_id"],
        store_name=f"{row['store__code']} {row['store__name']}", company_id=row["store__company_id"],
        link=deferred(lambda: reverse("replenishment:proposal_list") + f"?store={row['store_id']}"))


class ProposalApprovalProvider:
    name = "proposals"
    label = gettext_lazy("补货待审批")

    def items_for_user(self, user, now):
        run, rows = _rows(user)
        return [_item(run, row) for row in rows]

    def item_for_user(self, user, key, now):
        run_id, _sep, store_id = key.partition(":")
        run, rows = _rows(user, int(store_id) if store_id.isdigit() else -1)
        if run is None or str(run.pk) != run_id or not rows:
            return None
        return _item(run, rows[0])


PROVIDER = ProposalApprovalProvider()
