"""Stock facts: stock-on-hand snapshots per store x SKU."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.catalog.models import Product
from opsdesk.core.models import Store
from opsdesk.core.scoping import ScopedManager


class StockSnapshot(models.Model):
    """Units on hand of one SKU in one store at the end of a day."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="stock_snapshots", verbose_name=_("门店"), db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="stock_snapshots", verbose_name=_("商品"), db_index=False
    )
    date = models.DateField(_("日期"))
    on_hand = models.DecimalField(_("在库数量"), max_digits=12, decimal_places=3)
    on_order = models.DecimalField(_("在途数量"), max_digits=12, decimal_places=3, default=0)
    unit_cost = models.DecimalField(_("单位成本"), max_digits=12, decimal_places=2, default=0)

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("库存快照")
        verbose_name_plural = pgettext_lazy("plural", "库存快照")
        constraints = [models.UniqueConstraint(fields=["store", "product", "date"], name="stocksnapshot_unique_day")]
        indexes = [models.Index(fields=["store", "date"])]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id} {self.date}: {self.on_hand}"


class GoodsReceipt(models.Model):
    """Units of one SKU received into a store from a supplier on a day, under a delivery reference."""

    store = models.ForeignKey(  # indexed by the unique (store, product, date, reference)
        Store, on_delete=models.CASCADE, related_name="goods_receipts", verbose_name=_("门店"), db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="goods_receipts", verbose_name=_("商品")
    )
    supplier = models.ForeignKey(
        "purchasing.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goods_receipts",
        verbose_name=_("供应商"),
    )
    date = models.DateField(_("日期"))
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=3)
    unit_cost = models.DecimalField(_("单位成本"), max_digits=12, decimal_places=4, default=0)
    reference = models.CharField(_("单据号"), max_length=64, blank=True, default="")

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("收货")
        verbose_name_plural = pgettext_lazy("plural", "收货")
        constraints = [
            models.UniqueConstraint(fields=["store", "product", "date", "reference"], name="goodsreceipt_unique_line")
        ]
        indexes = [models.Index(fields=["store", "date"])]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id} {self.date}: {self.quantity}"
