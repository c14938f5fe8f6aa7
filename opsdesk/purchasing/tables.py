"""Tables of the purchasing app (django-tables2): sorting, pagination and the export columns."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from opsdesk.core.tables import PersonColumn
from opsdesk.purchasing.models import (
    Contract,
    ManagedSupplier,
    PurchaseOrder,
    SupplierComplaint,
    SupplierDocument,
    SupplierPurchaseOrder,
    SupplierReturn,
)

ATTRS = {"class": "table table-sm table-hover align-middle"}


class PurchaseOrderTable(tables.Table):
    order_number = tables.Column(linkify=True)
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("供应商"), order_by=("supplier__code",))
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), order_by=("store__code",))
    created_by = PersonColumn(accessor="created_by", verbose_name=_("创建人"))

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


class SupplierTable(tables.Table):
    code = tables.Column(linkify=True)
    responsible = PersonColumn(accessor="responsible", verbose_name=_("负责人"))

    class Meta:
        model = ManagedSupplier
        fields = ("code", "name", "status", "contact_name", "phone", "email", "payment_terms", "lead_time_days",
                  "responsible")
        attrs = ATTRS
        order_by = ("code",)


class SupplierDocumentTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.download_url or None)
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("供应商"), order_by=("supplier__code",),
                             linkify=lambda record: record.get_absolute_url())
    size = tables.Column(verbose_name=_("大小（KB）"))
    uploaded_by = PersonColumn(accessor="uploaded_by", verbose_name=_("上传人"))

    class Meta:
        model = SupplierDocument
        fields = ("title", "supplier", "kind", "expires_on", "original_name", "size", "uploaded_by", "uploaded_at")
        attrs = ATTRS
        order_by = ("expires_on",)

    def render_size(self, value):
        return f"{value / 1024:.0f}"

    def value_size(self, value):
        return value


class SupplierReturnTable(tables.Table):
    order = tables.Column(accessor="receipt__line__purchase_order__order_number", verbose_name=_("采购单"),
                          linkify=lambda record: record.get_absolute_url(),
                          order_by=("receipt__line__purchase_order__order_number",))
    supplier = tables.Column(accessor="receipt__line__purchase_order__supplier__name", verbose_name=_("供应商"))
    store = tables.Column(accessor="receipt__line__purchase_order__store__name", verbose_name=_("门店"))
    product = tables.Column(accessor="receipt__line__product", verbose_name=_("商品"),
                            order_by=("receipt__line__product__sku",))
    receipt_date = tables.Column(accessor="receipt__date", verbose_name=_("收货日期"))
    created_by = PersonColumn(accessor="created_by", verbose_name=_("经办人"))

    class Meta:
        model = SupplierReturn
        fields = ("date", "order", "supplier", "store", "product", "receipt_date", "quantity", "reason", "notes",
                  "created_by")
        attrs = ATTRS
        order_by = ("-date",)


class SupplierComplaintTable(tables.Table):
    reference = tables.Column(accessor="pk", verbose_name=_("编号"), linkify=lambda record: record.get_absolute_url())
    store = tables.Column(accessor="store__name", verbose_name=_("门店"), default="—", order_by=("store__code",))
    product = tables.Column(accessor="product", verbose_name=_("商品"), order_by=("product__sku",))
    supplier = tables.Column(accessor="supplier__name", verbose_name=_("供应商"), order_by=("supplier__code",))

    class Meta:
        model = SupplierComplaint
        fields = ("reference", "date", "store", "product", "supplier", "severity", "status", "description")
        attrs = ATTRS
        order_by = ("-date",)

    def render_reference(self, record):
        return str(record)

    def value_reference(self, record):
        return str(record)

    def render_description(self, value):
        return value if len(value) <= 60 else value[:59] + "…"
