"""Suppliers (contacts, documents, complaints), contracts and prices, purchase orders, receipts and scorecards."""

import uuid
from decimal import Decimal
from pathlib import Path

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager
from opsdesk.purchasing.choices import (
    ComplaintSeverityChoices,
    ComplaintStatusChoices,
    ContractStatusChoices,
    RejectionReasonChoices,
    StandingChoices,
    SupplierDocumentKindChoices,
)


class SupplierStatusChoices(models.TextChoices):
    ACTIVE = "active", _("合作中")
    PROBATION = "probation", _("考察期")
    BLOCKED = "blocked", _("已停用")


class Supplier(models.Model):
    """A supplier of products, with its stated lead time and order terms.

    `contact_name`, `phone` and `email` are the supplier's order contact: purchase orders are e-mailed to `email`
    and imports fill these columns. The contact book is `SupplierContact`; saving the primary contact through the
    services copies its name, phone and e-mail here (migration 0006 seeded a primary contact from these fields).
    """

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
    categories = models.ManyToManyField(
        "catalog.ProductCategory", blank=True, related_name="suppliers", verbose_name=_("供应品类")
    )
    notes = models.TextField(_("备注"), blank=True)
    responsible = models.ForeignKey(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("负责人"), help_text=_("接收该供应商文件到期提醒的同事；留空则提醒公司的供应商管理人员。"),
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

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:supplier_overview", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class ManagedSupplier(Supplier):
    """Suppliers as supplier management reaches them (overview, master data, contacts, documents): the same rows,
    under the "supplier_management" permission area instead of the catalog's read access."""

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        proxy = True
        verbose_name = _("供应商档案")
        verbose_name_plural = pgettext_lazy("plural", "供应商档案")


class SupplierContact(models.Model):
    """A person at a supplier; several per supplier, at most one of them the primary contact."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("供应商"))
    name = models.CharField(_("姓名"), max_length=100)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)
    notes = models.TextField(_("备注"), blank=True)

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "supplier__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("供应商联系人")
        verbose_name_plural = pgettext_lazy("plural", "供应商联系人")
        ordering = ["supplier", "-is_primary", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["supplier"], condition=Q(is_primary=True),
                                               name="suppliercontact_one_primary")]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})" if self.title else self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:supplier_overview", args=[self.supplier_id]) + "#contacts"

    def get_additional_data(self) -> dict:
        return {"company_id": self.supplier.company_id}


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
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    promised_date = models.DateField(_("供应商承诺到货日期"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("修订版本"), default=0)

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

    @property
    def due_date(self):
        """The date the delivery is judged against: the supplier's promise, else the expected date."""
        return self.promised_date or self.expected_date


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
    contract_price = models.DecimalField(_("合同价"), max_digits=12, decimal_places=4, null=True, blank=True)
    rejected_quantity = models.DecimalField(_("拒收数量"), max_digits=12, decimal_places=3, default=0)

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

    @property
    def has_price_deviation(self) -> bool:
        """The order price differs from the contract price in force on the order date."""
        return self.contract_price is not None and self.unit_price != self.contract_price

    @property
    def open_quantity(self):
        return max(self.quantity - self.received_quantity, 0)


# --------------------------------------------------------------------------------------- suppliers' documents


def _document_path(instance, filename: str) -> str:
    """A random stored name (the user's file name is kept in `original_name`, never used as a path)."""
    return f"suppliers/{instance.supplier_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class SupplierDocument(models.Model):
    """A supplier's document (contract PDF, licence) with an optional expiry date for reminders."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="documents", verbose_name=_("供应商"))
    kind = models.CharField(_("类型"), max_length=20, choices=SupplierDocumentKindChoices,
                            default=SupplierDocumentKindChoices.LICENCE)
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=_document_path, blank=True)
    expires_on = models.DateField(_("到期日"), null=True, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    notes = models.TextField(_("备注"), blank=True)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), null=True, blank=True)

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "supplier__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("供应商文件")
        verbose_name_plural = pgettext_lazy("plural", "供应商文件")
        ordering = ["supplier", "expires_on"]
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:supplier_overview", args=[self.supplier_id]) + "#documents"

    def get_additional_data(self) -> dict:
        return {"company_id": self.supplier.company_id}

    @property
    def download_url(self) -> str:
        """The scoped download (files are never served from a public media URL)."""
        from django.urls import reverse

        return reverse("purchasing:supplier_document_download", args=[self.pk]) if self.file else ""


class SupplierDocumentReminder(models.Model):
    """The expiry reminder sent for a document about one expiry date: at most one per document and date."""

    document = models.ForeignKey(SupplierDocument, on_delete=models.CASCADE, related_name="reminders",
                                 verbose_name=_("供应商文件"))
    expires_on = models.DateField(_("到期日"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    recipients = models.JSONField(_("收件人"), default=list)

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "document__supplier__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("文件到期提醒")
        verbose_name_plural = pgettext_lazy("plural", "文件到期提醒")
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["document", "expires_on"],
                                               name="supplierdocumentreminder_once_per_expiry")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.expires_on}"


# --------------------------------------------------------------------------------------- contracts and prices


class Contract(models.Model):
    """A framework contract with a supplier: negotiated prices per SKU over a validity period."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("供应商"))
    code = models.CharField(_("合同编号"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    starts_on = models.DateField(_("生效日期"))
    ends_on = models.DateField(_("到期日期"))
    status = models.CharField(_("状态"), max_length=20, choices=ContractStatusChoices,
                              default=ContractStatusChoices.ACTIVE)
    document = models.FileField(_("合同文件"), upload_to="contracts/", blank=True)
    terms = models.TextField(_("合同条款"), blank=True, help_text=_("付款、交货、退换货等约定"))

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("采购合同")
        verbose_name_plural = pgettext_lazy("plural", "采购合同")
        ordering = ["-starts_on", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="contract_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:contract_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("到期日期不能早于生效日期。")})


class ContractPrice(models.Model):
    """A negotiated price of one SKU under a contract, valid over a period, with MOQ, pack size and lead time."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="prices", verbose_name=_("合同"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="contract_prices",
                                verbose_name=_("商品"))
    unit_price = models.DecimalField(_("合同单价"), max_digits=12, decimal_places=4,
                                     validators=[MinValueValidator(Decimal("0.0001"))])
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"))
    min_order_quantity = models.PositiveIntegerField(_("最小起订量"), default=1, validators=[MinValueValidator(1)])
    pack_size = models.PositiveIntegerField(_("箱规"), default=1, validators=[MinValueValidator(1)])
    lead_time_days = models.PositiveSmallIntegerField(_("承诺交期（天）"), default=3)

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "contract__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("合同价格")
        verbose_name_plural = pgettext_lazy("plural", "合同价格")
        ordering = ["product", "-valid_from"]
        indexes = [models.Index(fields=["product", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.product} @ {self.unit_price:.2f}"

    def get_absolute_url(self) -> str:
        return self.contract.get_absolute_url() + "#contract-prices"

    def get_additional_data(self) -> dict:
        return {"company_id": self.contract.company_id}

    def clean(self) -> None:
        """End on or after start, and no overlap with another price of the same SKU in the same contract."""
        from django.core.exceptions import ValidationError

        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("截止日期不能早于起始日期。")})
        if self.contract_id and self.product_id and self.valid_from and self.valid_to:
            overlapping = (ContractPrice.objects.filter(contract_id=self.contract_id, product_id=self.product_id,
                                                        valid_from__lte=self.valid_to, valid_to__gte=self.valid_from)
                           .exclude(pk=self.pk).order_by("valid_from").first())
            if overlapping is not None:
                message = _("该商品在本合同中已有 %(start)s 至 %(end)s 的价格，有效期不能重叠。")
                raise ValidationError({"valid_from": message % {"start": overlapping.valid_from,
                                                                "end": overlapping.valid_to}})


# --------------------------------------------------------------------------------------- order history, receipts


class PurchaseOrderRevision(models.Model):
    """One tracked change to a purchase order after it was sent (who, when, and the fields before and after)."""

    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="revisions",
                                       verbose_name=_("采购单"))
    number = models.PositiveIntegerField(_("版本"))
    changed_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("修改人"))
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)
    changes = models.JSONField(_("变更内容"), default=dict)

    permission_area = "purchasing"
    scope_kind = "store"
    scope_field = "purchase_order__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("采购单修订")
        verbose_name_plural = pgettext_lazy("plural", "采购单修订")
        ordering = ["purchase_order", "number"]

    def __str__(self) -> str:
        return f"{self.purchase_order_id} r{self.number}"


def _receipt_photo_path(instance, filename: str) -> str:
    return f"receipts/{instance.line_id}/{filename}"


class Receipt(models.Model):
    """Units of one order line received on a day, with the units rejected and why (posted to stock once)."""

    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipts",
                             verbose_name=_("采购单明细"))
    date = models.DateField(_("收货日期"))
    quantity_received = models.DecimalField(_("到货数量"), max_digits=12, decimal_places=3)
    quantity_rejected = models.DecimalField(_("拒收数量"), max_digits=12, decimal_places=3, default=0)
    rejection_reason = models.CharField(_("拒收原因"), max_length=20, choices=RejectionReasonChoices, blank=True)
    photo = models.ImageField(_("照片"), upload_to=_receipt_photo_path, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    stock_posted = models.BooleanField(_("已入库"), default=False)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("收货人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = "purchasing"
    scope_kind = "store"
    scope_field = "line__purchase_order__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("收货记录")
        verbose_name_plural = pgettext_lazy("plural", "收货记录")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.date}: {self.quantity_received}"

    def get_additional_data(self) -> dict:
        order = self.line.purchase_order
        return {"company_id": order.company_id, "store_id": order.store_id}

    @property
    def quantity_accepted(self):
        return self.quantity_received - self.quantity_rejected


class SupplierReturn(models.Model):
    """Units sent back to the supplier from a receipt (rejected units or later finds)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="returns", verbose_name=_("收货记录"))
    date = models.DateField(_("退货日期"))
    quantity = models.DecimalField(_("退货数量"), max_digits=12, decimal_places=3)
    reason = models.CharField(_("原因"), max_length=20, choices=RejectionReasonChoices)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, null=True)

    permission_area = "purchasing"
    scope_kind = "store"
    scope_field = "receipt__line__purchase_order__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("退货")
        verbose_name_plural = pgettext_lazy("plural", "退货")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.date}: {self.quantity}"

    def get_absolute_url(self) -> str:
        """The purchase order the returned units came with (its page lists the returns)."""
        from django.urls import reverse

        return reverse("purchasing:purchase_order_detail", args=[self.receipt.line.purchase_order_id]) + "#returns"

    def get_additional_data(self) -> dict:
        order = self.receipt.line.purchase_order
        return {"company_id": order.company_id, "store_id": order.store_id}


# --------------------------------------------------------------------------------------- scorecards


class SupplierScore(models.Model):
    """A supplier's persisted scorecard for one month (see opsdesk.engine.suppliers)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="scores", verbose_name=_("供应商"))
    period = models.DateField(_("月份"))
    lines = models.PositiveIntegerField(_("行数"))
    otif_lines = models.PositiveIntegerField(_("准时足量行数"))
    otif_line_rate = models.FloatField(_("准时足量率（按行）"))
    otif_quantity_rate = models.FloatField(_("准时足量率（按数量）"))
    fill_rate = models.FloatField(_("满足率"))
    rejection_rate = models.FloatField(_("拒收率"), null=True)
    lead_time_mean = models.FloatField(_("平均交期（天）"), null=True)
    lead_time_std = models.FloatField(_("交期波动（天）"), null=True)
    price_variance = models.FloatField(_("价格偏差"), null=True)
    complaints = models.PositiveIntegerField(_("投诉数"), default=0)
    score = models.FloatField(_("得分"))
    standing = models.CharField(_("评级"), max_length=20, choices=StandingChoices)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    permission_area = "supplier_management"
    scope_kind = "company"
    scope_field = "supplier__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("供应商评分")
        verbose_name_plural = pgettext_lazy("plural", "供应商评分")
        ordering = ["supplier", "period"]
        constraints = [models.UniqueConstraint(fields=["supplier", "period"], name="supplierscore_unique_period")]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.period:%Y-%m}: {self.score:.2f}"


# --------------------------------------------------------------------------------------- complaints


class SupplierComplaint(models.Model):
    """A complaint about a supplier's product, usually found at a store; counted in the supplier's scorecard for
    the month of its date. The supplier is stored (from the order line, else the product's supplier)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    store = models.ForeignKey("core.Store", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("商品"))
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("供应商"))
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="complaints", verbose_name=_("采购单明细"))
    receipt = models.ForeignKey(Receipt, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints",
                                verbose_name=_("收货记录"))
    date = models.DateField(_("投诉日期"))
    severity = models.CharField(_("严重程度"), max_length=20, choices=ComplaintSeverityChoices,
                                default=ComplaintSeverityChoices.MAJOR)
    description = models.TextField(_("问题描述"))
    status = models.CharField(_("状态"), max_length=20, choices=ComplaintStatusChoices,
                              default=ComplaintStatusChoices.OPEN)
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("处理人"))
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = "supplier_complaints"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("供应商投诉")
        verbose_name_plural = pgettext_lazy("plural", "供应商投诉")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["supplier", "date"]), models.Index(fields=["store", "status"])]

    def __str__(self) -> str:
        return f"TS{self.pk:06d}" if self.pk else "TS"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:complaint_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        region_id = self.store.region_id if self.store_id else None
        return {"company_id": self.company_id, "region_id": region_id, "store_id": self.store_id}

    @property
    def is_open(self) -> bool:
        return self.status == ComplaintStatusChoices.OPEN

    @staticmethod
    def scope_queryset(queryset, user):
        """Store complaints in the user's stores; complaints without a store only for company-wide users."""
        from opsdesk.core.scoping import visible_store_ids

        if not user.company_id:
            return queryset.none()
        condition = Q(store_id__in=visible_store_ids(user))
        if user.has_company_scope:
            condition |= Q(store__isnull=True)
        return queryset.filter(condition, company_id=user.company_id)


# --------------------------------------------------------------------------------------- the supplier portal


class SupplierPurchaseOrder(PurchaseOrder):
    """Purchase orders as a supplier's user reaches them: only its own supplier's orders, once sent."""

    permission_area = "supplier_portal"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        proxy = True
        verbose_name = _("供应商采购单")
        verbose_name_plural = pgettext_lazy("plural", "供应商采购单")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("purchasing:portal_order_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        supplier_id = getattr(user, "supplier_id", None)
        if not supplier_id or not user.company_id:
            return queryset.none()
        return queryset.filter(company_id=user.company_id, supplier_id=supplier_id).exclude(
            status=PurchaseOrderStatusChoices.DRAFT)
