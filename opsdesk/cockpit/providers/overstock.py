"""Overstock: store x SKUs of the latest plan holding stock well beyond need (largest value first)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, deferred, end_of_day

#: The inbox groups these lines per store, so a store's count should be its real count: a high bound only.
LIMIT = 200
HIGH_VALUE = 5000.0


def _item(proposal, now, company_id: int) -> InboxItem:
    severity = Sev.MEDIUM if proposal.overstock_value >= HIGH_VALUE or proposal.is_dead else Sev.LOW
    return InboxItem(
        provider=PROVIDER.name, key=str(proposal.pk), severity=severity,
        title=deferred(lambda: _("库存积压：%(sku)s %(name)s") % {"sku": proposal.product.sku,
                                                               "name": proposal.product.name}),
        detail=deferred(lambda: _("积压 %(units).0f 件，金额 %(value).0f") % {"units": proposal.overstock_units,
                                                                      "value": proposal.overstock_value}),
        due=end_of_day((now + timedelta(days=7)).date()), store_id=proposal.store_id,
        store_name=deferred(proposal.store.__str__),
        company_id=company_id, link=deferred(proposal.get_absolute_url))


class OverstockProvider:
    name = "overstock"
    group_by_store = True  # one line per store in the inbox, expandable to the SKUs
    label = gettext_lazy("库存积压")

    def items_for_user(self, user, now):
        from opsdesk.replenishment.selectors import overstock_for_user

        # The user's scope lies in the user's company: no per-row company look-up.
        return [_item(p, now, user.company_id) for p in overstock_for_user(user, limit=LIMIT)]

    def item_for_user(self, user, key, now):
        from opsdesk.replenishment.models import Proposal

        proposal = Proposal.objects.for_user(user).filter(pk=int(key) if key.isdigit() else 0, overstock_value__gt=0
                                                          ).select_related("store", "product").first()
        return _item(proposal, now, user.company_id) if proposal else None


PROVIDER = OverstockProvider()
