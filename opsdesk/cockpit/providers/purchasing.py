"""Purchasing: late deliveries and expiring contracts. Registered only once the purchasing selectors
`late_deliveries_for_user(user)` and `expiring_contracts_for_user(user, days=30)` exist."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.inbox import InboxItem, end_of_day


def _selector(name: str):
    try:
        from opsdesk.purchasing import selectors
    except ImportError:
        return None
    return getattr(selectors, name, None)


def _due(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return end_of_day(value)
    return None


def _store_of(obj):
    store = getattr(obj, "store", None)
    return (store.pk, str(store), store.company_id) if store is not None else (None, "", obj.company_id)


class _PurchasingProvider:
    name = ""
    label = ""
    selector = ""
    due_attributes: tuple[str, ...] = ()
    severity = Sev.MEDIUM

    def _objects(self, user):
        function = _selector(self.selector)
        return list(function(user)) if function else []

    def _item(self, obj) -> InboxItem:
        store_id, store_name, company_id = _store_of(obj)
        due = next((_due(getattr(obj, a, None)) for a in self.due_attributes if _due(getattr(obj, a, None))), None)
        link = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        return InboxItem(provider=self.name, key=str(obj.pk), severity=self.severity, title=self.title(obj),
                         due=due, store_id=store_id, store_name=store_name, company_id=company_id, link=link)

    def title(self, obj) -> str:
        return str(obj)

    def items_for_user(self, user, now):
        return [self._item(obj) for obj in self._objects(user)]

    def item_for_user(self, user, key, now):
        return next((self._item(obj) for obj in self._objects(user) if str(obj.pk) == key), None)


class LateDeliveryProvider(_PurchasingProvider):
    name = "late_delivery"
    label = gettext_lazy("延迟到货")
    selector = "late_deliveries_for_user"
    due_attributes = ("due_date", "expected_date")
    severity = Sev.HIGH

    def title(self, obj) -> str:
        return _("采购订单延迟到货：%(order)s") % {"order": obj}


class ExpiringContractProvider(_PurchasingProvider):
    name = "expiring_contract"
    label = gettext_lazy("合同即将到期")
    selector = "expiring_contracts_for_user"
    due_attributes = ("ends_on",)

    def title(self, obj) -> str:
        return _("合同即将到期：%(contract)s") % {"contract": obj}


def available_providers() -> list:
    """The purchasing providers whose selectors exist (checked at start-up and again on each read)."""
    return [LateDeliveryProvider(), ExpiringContractProvider()]
