"""Tables of the purchasing app (django-tables2): sorting, pagination and the export columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from opsdesk.purchasing.models import Contract, PurchaseOrder, SupplierPurchaseOrder


class PurchaseOrderTable(tables.Table):
    order_number = tables.Column(linkify=True)
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("供应商"), order_by=("supplier__code",))
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    created_by = tables.Column(accessor="created_by__username", verbose_name=_("创建人"), default="—")

    class Meta:
        model = PurchaseOrder
        fields = ("order_number", "supplier", "store", "status", "order_date", "expected_date", "total_value",
                  "created_by")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-order_date", "-order_number")


class ContractTable(tables.Table):
    code = tables.Column(linkify=True)
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("供应商"), order_by=("supplier__code",))

    class Meta:
        model = Contract
        fields = ("code", "title", "supplier", "starts_on", "ends_on", "status")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("ends_on",)


class PortalOrderTable(tables.Table):
    order_number = tables.Column(linkify=True)
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))

    class Meta:
        model = SupplierPurchaseOrder
        fields = ("order_number", "store", "status", "order_date", "expected_date", "promised_date", "total_value")
        attrs = {"class": "table table-sm table-hover align-middle"}
        order_by = ("-order_date", "-order_number")
