"""Stockout risk: store x SKUs of the latest plan that run out before the next delivery."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, deferred, end_of_day

#: The inbox groups these lines per store, so a store's count should be its real count: a high bound only.
LIMIT = 300


def _item(proposal, now, company_id: int) -> InboxItem:
    urgency = proposal.urgency
    severity = Sev.CRITICAL if urgency < 0 else Sev.HIGH if urgency < 2 else Sev.MEDIUM
    days = max(0.0, min(proposal.days_until_stockout, 365.0))
    return InboxItem(
        provider=PROVIDER.name, key=str(proposal.pk), severity=severity,
        title=deferred(lambda: _("缺货风险：%(sku)s %(name)s") % {"sku": proposal.product.sku,
                                                               "name": proposal.product.name}),
        detail=deferred(lambda: _("在库 %(on_hand).0f，约 %(days).1f 天后缺货，缺货概率 %(p).0f%%") % {
            "on_hand": proposal.on_hand, "days": days, "p": 100 * proposal.stockout_probability}),
        due=end_of_day((now + timedelta(days=int(days))).date()), store_id=proposal.store_id,
        store_name=deferred(proposal.store.__str__), company_id=company_id, link=deferred(proposal.get_absolute_url))


class StockoutProvider:
    name = "stockout"
    group_by_store = True  # one line per store in the inbox, expandable to the SKUs
    label = gettext_lazy("缺货风险")

    def items_for_user(self, user, now):
        from opsdesk.replenishment.selectors import stockout_risks_for_user

        # The user's scope lies in the user's company: no per-row company look-up.
        return [_item(p, now, user.company_id) for p in stockout_risks_for_user(user, limit=LIMIT)]

    def item_for_user(self, user, key, now):
        from opsdesk.replenishment.models import Proposal

        proposal = Proposal.objects.for_user(user).filter(pk=int(key) if key.isdigit() else 0, is_at_risk=True
                                                          ).select_related("store", "product").first()
        return _item(proposal, now, user.company_id) if proposal else None


PROVIDER = StockoutProvider()
