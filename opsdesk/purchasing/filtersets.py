"""FilterSets of the purchasing app: one FilterSet serves the list page and its export."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import ProductCategory
from opsdesk.core.filtersets import SearchFilterSet
from opsdesk.core.models import Store
from opsdesk.purchasing.choices import (
    ContractStatusChoices,
    DocumentExpiryChoices,
    RejectionReasonChoices,
    SupplierDocumentKindChoices,
)
from opsdesk.purchasing.models import (
    Contract,
    ManagedSupplier,
    PurchaseOrder,
    PurchaseOrderStatusChoices,
    Supplier,
    SupplierDocument,
    SupplierReturn,
    SupplierStatusChoices,
)


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


def _scoped_categories(request):
    return ProductCategory.objects.for_user(request.user) if request else ProductCategory.objects.none()


class SupplierFilterSet(SearchFilterSet):
    search_fields = ("code", "name", "contact_name", "email", "contacts__name")
    status = django_filters.ChoiceFilter(choices=SupplierStatusChoices.choices, label=_("状态"))
    categories = django_filters.ModelChoiceFilter(queryset=_scoped_categories, label=_("供应品类"))

    class Meta:
        model = ManagedSupplier
        fields = ["q", "status", "categories"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class SupplierDocumentFilterSet(SearchFilterSet):
    search_fields = ("title", "original_name", "supplier__name", "supplier__code")
    supplier = django_filters.ModelChoiceFilter(queryset=_scoped_suppliers, label=_("供应商"))
    kind = django_filters.ChoiceFilter(choices=SupplierDocumentKindChoices.choices, label=_("类型"))
    expiry = django_filters.ChoiceFilter(choices=DocumentExpiryChoices.choices, method="by_expiry",
                                         label=_("到期状态"))

    class Meta:
        model = SupplierDocument
        fields = ["q", "supplier", "kind", "expiry"]

    def by_expiry(self, queryset, name, value):
        today = timezone.localdate()
        soon = today + timedelta(days=30)
        conditions = {
            DocumentExpiryChoices.EXPIRED: Q(expires_on__lt=today),
            DocumentExpiryChoices.EXPIRING: Q(expires_on__gte=today, expires_on__lte=soon),
            DocumentExpiryChoices.VALID: Q(expires_on__gt=soon),
            DocumentExpiryChoices.NO_EXPIRY: Q(expires_on__isnull=True),
        }
        return queryset.filter(conditions[value])


class SupplierReturnFilterSet(SearchFilterSet):
    search_fields = ("receipt__line__purchase_order__order_number", "receipt__line__product__sku",
                     "receipt__line__product__name", "notes")
    store = django_filters.ModelChoiceFilter(queryset=_scoped_stores, field_name="receipt__line__purchase_order__store",
                                             label=_("门店"))
    supplier = django_filters.ModelChoiceFilter(queryset=_scoped_suppliers,
                                                field_name="receipt__line__purchase_order__supplier",
                                                label=_("供应商"))
    reason = django_filters.ChoiceFilter(choices=RejectionReasonChoices.choices, label=_("原因"))
    date = django_filters.DateFromToRangeFilter(label=_("退货日期"))

    class Meta:
        model = SupplierReturn
        fields = ["q", "store", "supplier", "reason"]
