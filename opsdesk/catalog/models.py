"""Product categories and products (company master data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager


class ProductCategory(models.Model):
    """A product category, optionally nested (生鲜 > 水果)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="categories", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级品类")
    )

    permission_area = "catalog"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("品类")
        verbose_name_plural = pgettext_lazy("plural", "品类")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="category_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class Product(models.Model):
    """A stock-keeping unit with its unit, pack size, cost, price and main supplier."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="products", verbose_name=_("公司"))
    sku = models.CharField(_("商品编码"), max_length=64)
    barcode = models.CharField(_("条码"), max_length=64, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("品类"),
    )
    unit = models.CharField(_("单位"), max_length=20, default="件")
    pack_size = models.PositiveIntegerField(_("箱规"), default=1)
    cost = models.DecimalField(_("成本价"), max_digits=12, decimal_places=2)
    price = models.DecimalField(_("零售价"), max_digits=12, decimal_places=2)
    supplier = models.ForeignKey(
        "purchasing.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("供应商"),
    )
    shelf_life_days = models.PositiveIntegerField(_("保质期（天）"), null=True, blank=True)
    is_active = models.BooleanField(_("在售"), default=True)

    permission_area = "catalog"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = pgettext_lazy("plural", "商品")
        ordering = ["sku"]
        constraints = [models.UniqueConstraint(fields=["company", "sku"], name="product_unique_sku")]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}
