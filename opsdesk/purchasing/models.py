"""Suppliers and purchase orders (drafts come from replenishment; the full workflow grows here)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager


class SupplierStatusChoices(models.TextChoices):
    ACTIVE = "active", _("合作中")
    PROBATION = "probation", _("考察期")
    BLOCKED = "blocked", _("已停用")


class Supplier(models.Model):
    """A supplier of products, with its stated lead time and order terms."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="suppliers", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("承诺交期（天）"), default=3)
    min_order_value = models.DecimalField(_("起订金额"), max_digits=12, decimal_places=2, default=0)
    payment_terms = models.CharField(_("付款条件"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SupplierStatusChoices, default=SupplierStatusChoices.ACTIVE
    )

    permission_area = "catalog"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("供应商")
        verbose_name_plural = pgettext_lazy("plural", "供应商")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="supplier_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class PurchaseOrderStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已发送")
    CONFIRMED = "confirmed", _("已确认")
    PARTLY_RECEIVED = "partly_received", _("部分收货")
    RECEIVED = "received", _("已收货")
    CANCELLED = "cancelled", _("已取消")


#: Statuses whose lines still count as "on order" for replenishment (a draft is an order the plan already made).
OPEN_PURCHASE_ORDER_STATUSES = (
    PurchaseOrderStatusChoices.DRAFT,
    PurchaseOrderStatusChoices.SENT,
    PurchaseOrderStatusChoices.CONFIRMED,
    PurchaseOrderStatusChoices.PARTLY_RECEIVED,
)


class PurchaseOrder(models.Model):
    """An order to one supplier for one store, delivered on one expected day (drafts come from replenishment)."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("公司")
    )
    order_number = models.CharField(_("采购单号"), max_length=40)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("供应商")
    )
    store = models.ForeignKey(
        "core.Store", on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("门店")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=PurchaseOrderStatusChoices, default=PurchaseOrderStatusChoices.DRAFT
    )
    order_date = models.DateField(_("下单日期"))
    expected_date = models.DateField(_("预计到货日期"))
    total_value = models.DecimalField(_("金额"), max_digits=14, decimal_places=2, default=0)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    permission_area = "purchasing"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("采购单")
        verbose_name_plural = pgettext_lazy("plural", "采购单")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["company", "order_number"], name="purchaseorder_unique_number")
        ]
        indexes = [
            models.Index(fields=["store", "status", "expected_date"]),
            models.Index(fields=["supplier", "status"]),
        ]

    def __str__(self) -> str:
        return self.order_number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:purchase_order_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.store.region_id, "store_id": self.store_id}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PURCHASE_ORDER_STATUSES


class PurchaseOrderLine(models.Model):
    """One product on a purchase order, with the replenishment proposal it came from (if any)."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("采购单")
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="purchase_order_lines", verbose_name=_("商品")
    )
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4, default=0)
    received_quantity = models.DecimalField(_("已收数量"), max_digits=12, decimal_places=3, default=0)
    proposal = models.ForeignKey(
        "replenishment.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("补货建议"),
    )

    permission_area = "purchasing"
    scope_kind = "store"
    scope_field = "purchase_order__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("采购单明细")
        verbose_name_plural = pgettext_lazy("plural", "采购单明细")
        ordering = ["purchase_order", "pk"]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}/{self.product_id} × {self.quantity}"

    def get_additional_data(self) -> dict:
        order = self.purchase_order
        return {"company_id": order.company_id, "region_id": order.store.region_id, "store_id": order.store_id}

    @property
    def line_value(self):
        return self.quantity * self.unit_price
