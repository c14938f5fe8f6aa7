"""FilterSets of the purchasing app: one FilterSet serves the list page and its export."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsdesk.core.filtersets import SearchFilterSet
from opsdesk.core.models import Store
from opsdesk.purchasing.choices import ContractStatusChoices
from opsdesk.purchasing.models import Contract, PurchaseOrder, PurchaseOrderStatusChoices, Supplier


def _scoped_stores(request):
    return Store.objects.for_user(request.user) if request else Store.objects.none()


def _scoped_suppliers(request):
    return Supplier.objects.for_user(request.user) if request else Supplier.objects.none()


class PurchaseOrderFilterSet(SearchFilterSet):
    search_fields = ("order_number", "notes")
    store = django_filters.ModelChoiceFilter(queryset=_scoped_stores, label=_("门店"))
    supplier = django_filters.ModelChoiceFilter(queryset=_scoped_suppliers, label=_("供应商"))
    status = django_filters.ChoiceFilter(choices=PurchaseOrderStatusChoices.choices, label=_("状态"))
    expected_date = django_filters.DateFromToRangeFilter(label=_("预计到货日期"))

    class Meta:
        model = PurchaseOrder
        fields = ["q", "store", "supplier", "status"]


class ContractFilterSet(SearchFilterSet):
    search_fields = ("code", "title", "supplier__name")
    supplier = django_filters.ModelChoiceFilter(queryset=_scoped_suppliers, label=_("供应商"))
    status = django_filters.ChoiceFilter(choices=ContractStatusChoices.choices, label=_("状态"))
    ends_on = django_filters.DateFromToRangeFilter(label=_("到期日期"))

    class Meta:
        model = Contract
        fields = ["q", "supplier", "status"]
