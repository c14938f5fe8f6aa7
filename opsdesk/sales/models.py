"""Sales facts: daily store totals, daily store x SKU sales, and promotions."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids

HOLIDAY_HELP = _("0 无, a 公共假日, b 复活节/春节, c 圣诞/国庆")


class FactSourceChoices(models.TextChoices):
    """Where a daily sales row came from: imported as it is, or rolled up from a finer grain (see sales.rollups)."""

    IMPORTED = "imported", _("导入")
    LINES = "lines", _("由销售明细汇总")
    SKU_DAY = "sku_day", _("由商品日销售汇总")


class StoreDaySales(models.Model):
    """One store's totals for one day (sales, customers, transactions, open and promo flags)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="day_sales", verbose_name=_("门店"))
    date = models.DateField(_("日期"))
    sales_amount = models.DecimalField(_("销售额"), max_digits=14, decimal_places=2, default=0)
    # Unknown cost is NULL, never 0: margins are computed over the days that have a cost.
    cost_amount = models.DecimalField(_("销售成本"), max_digits=14, decimal_places=2, null=True, blank=True)
    customers = models.PositiveIntegerField(_("客流"), default=0)
    transactions = models.PositiveIntegerField(_("交易笔数"), default=0)
    is_open = models.BooleanField(_("营业"), default=True)
    is_promo = models.BooleanField(_("促销"), default=False)
    state_holiday = models.CharField(_("法定假日"), max_length=1, default="0", help_text=HOLIDAY_HELP)
    is_school_holiday = models.BooleanField(_("学校假期"), default=False)
    # A derived row never overwrites an imported one; an import of totals replaces a derived one.
    source = models.CharField(_("来源"), max_length=10, choices=FactSourceChoices, default=FactSourceChoices.IMPORTED,
                              db_default=FactSourceChoices.IMPORTED)  # raw fact writers (the demo) name no source

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("门店日销售")
        verbose_name_plural = pgettext_lazy("plural", "门店日销售")
        constraints = [models.UniqueConstraint(fields=["store", "date"], name="storedaysales_unique_day")]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.store_id} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("sales:storedaysales_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.store.company_id, "region_id": self.store.region_id, "store_id": self.store_id}


class SkuDaySales(models.Model):
    """Units and revenue of one SKU in one store on one day; a stockout day is flagged (not zero demand)."""

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="sku_day_sales", verbose_name=_("门店"), db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="day_sales", verbose_name=_("商品"), db_index=False
    )
    date = models.DateField(_("日期"))
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=3, default=0)
    revenue = models.DecimalField(_("销售额"), max_digits=14, decimal_places=2, default=0)
    # 0 reads as "no cost known" at this grain (the KPIs and the explorer leave such rows out of margins).
    cost = models.DecimalField(_("成本"), max_digits=14, decimal_places=2, default=0)
    is_promo = models.BooleanField(_("促销"), default=False)
    is_stockout = models.BooleanField(_("缺货"), default=False)
    source = models.CharField(_("来源"), max_length=10, choices=FactSourceChoices, default=FactSourceChoices.IMPORTED,
                              db_default=FactSourceChoices.IMPORTED)  # raw fact writers (the demo) name no source

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("商品日销售")
        verbose_name_plural = pgettext_lazy("plural", "商品日销售")
        constraints = [models.UniqueConstraint(fields=["store", "product", "date"], name="skudaysales_unique_day")]
        indexes = [models.Index(fields=["store", "date"]), models.Index(fields=["product", "date"])]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("sales:skudaysales_detail", args=[self.pk])


class PromotionStatusChoices(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    CANCELLED = "cancelled", _("已取消")


class PromotionQuerySet(ScopedQuerySet):
    """Promotions reachable by a user; one that spans more than the user's stores is read-only to them."""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view" or getattr(user, "has_company_scope", False):
            return queryset
        # Changing or deleting a promotion that also runs in stores the user cannot see (or in every store: no
        # stores chosen) would change other regions' plans: such a promotion reads as absent for writes.
        links = Promotion.stores.through.objects
        outside = links.exclude(store_id__in=visible_store_ids(user)).values("promotion_id")
        return queryset.filter(pk__in=links.values("promotion_id")).exclude(pk__in=outside)


class Promotion(models.Model):
    """A planned promotion: a discount on a category (or everything) in some stores over a date range."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="promotions", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    discount_percent = models.DecimalField(_("折扣（%）"), max_digits=5, decimal_places=2, default=0)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("品类")
    )
    stores = models.ManyToManyField(Store, blank=True, related_name="promotions", verbose_name=_("门店"))
    promotion_type = models.CharField(_("促销类型"), max_length=20, default="discount", blank=True,
                                      choices=[("discount", _("折扣")), ("multibuy", _("多买优惠")),
                                               ("display", _("陈列/堆头")), ("coupon", _("优惠券"))])
    cost = models.DecimalField(_("促销费用"), max_digits=14, decimal_places=2, default=0, blank=True,
                               help_text=_("陈列费、广告等固定费用（不含折扣让利）"))
    # Proposed by a store-level planner, approved (or cancelled) by a regional or company-wide user; only approved
    # promotions feed the forecast, replenishment and the calendar. Imported and company-planned ones start approved.
    status = models.CharField(_("审批状态"), max_length=10, choices=PromotionStatusChoices,
                              default=PromotionStatusChoices.APPROVED, editable=False)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   editable=False, verbose_name=_("提出人"))
    decided_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   editable=False, verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True, editable=False)

    permission_area = "promotions"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager.from_queryset(PromotionQuerySet)()

    class Meta:
        verbose_name = _("促销")
        verbose_name_plural = pgettext_lazy("plural", "促销")
        ordering = ["-start_date"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="promotion_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:promotion_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class SalesLine(models.Model):
    """One invoice line from a POS or web shop: a sale, or a return (negative quantity, `is_return`)."""

    # The FK indexes are left out: the unique (store, invoice, line_no) and (product, date) indexes cover them,
    # and every index costs time on bulk imports.
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="sales_lines", verbose_name=_("门店"), db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="sales_lines", verbose_name=_("商品"), db_index=False
    )
    invoice = models.CharField(_("发票号"), max_length=40)
    line_no = models.PositiveIntegerField(_("行号"))
    sold_at = models.DateTimeField(_("时间"))
    date = models.DateField(_("日期"))
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=4)
    amount = models.DecimalField(_("行金额"), max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text=_("文件给出的本行金额（折后，退货为负）；空 = 数量 × 单价"))
    customer_id = models.CharField(_("客户"), max_length=40, blank=True)
    is_return = models.BooleanField(_("退货"), default=False)
    cost = models.DecimalField(_("成本"), max_digits=14, decimal_places=2, null=True, blank=True,
                               help_text=_("本行的销售成本（数量 × 单位成本）；空 = 未知"))

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("销售明细")
        verbose_name_plural = pgettext_lazy("plural", "销售明细")
        constraints = [models.UniqueConstraint(fields=["store", "invoice", "line_no"], name="salesline_unique_line")]
        indexes = [models.Index(fields=["store", "date"]), models.Index(fields=["product", "date"])]

    def __str__(self) -> str:
        return f"{self.invoice}/{self.line_no}"

    def get_absolute_url(self) -> str:
        return reverse("sales:salesline_detail", args=[self.pk])


class StoreCalendarDay(models.Model):
    """A store's planned day (the known future for forecasting): open, promotion and holiday flags."""

    store = models.ForeignKey(  # indexed by the unique (store, date)
        Store, on_delete=models.CASCADE, related_name="calendar_days", verbose_name=_("门店"), db_index=False
    )
    date = models.DateField(_("日期"))
    is_open = models.BooleanField(_("营业"), default=True)
    is_promo = models.BooleanField(_("促销"), default=False)
    state_holiday = models.CharField(_("法定假日"), max_length=1, default="0", help_text=HOLIDAY_HELP)
    is_school_holiday = models.BooleanField(_("学校假期"), default=False)

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("门店日历")
        verbose_name_plural = pgettext_lazy("plural", "门店日历")
        constraints = [models.UniqueConstraint(fields=["store", "date"], name="storecalendarday_unique_day")]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.store_id} {self.date}"

    def get_additional_data(self) -> dict:
        return {"company_id": self.store.company_id, "region_id": self.store.region_id, "store_id": self.store_id}


class SavedExplorerView(models.Model):
    """A user's saved sales-explorer query (measures, dimensions, period, filters, comparisons, chart)."""

    user = models.ForeignKey(
        "core.User", on_delete=models.CASCADE, related_name="saved_sales_views", verbose_name=_("用户")
    )
    name = models.CharField(_("名称"), max_length=100)
    params = models.JSONField(_("查询参数"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    permission_area = "facts"

    class Meta:
        verbose_name = _("销售分析视图")
        verbose_name_plural = pgettext_lazy("plural", "销售分析视图")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedexplorerview_unique_name")]

    def __str__(self) -> str:
        return self.name


class PromotionEvaluation(models.Model):
    """What a finished promotion earned: uplift over the no-promotion baseline, halo, cannibalisation, dip, ROI."""

    promotion = models.OneToOneField(Promotion, on_delete=models.CASCADE, related_name="evaluation",
                                     verbose_name=_("促销"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    series_count = models.PositiveIntegerField(_("序列数"), default=0)
    units_uplift = models.FloatField(_("增量销量"), null=True, blank=True)
    units_uplift_share = models.FloatField(_("销量提升率"), null=True, blank=True)
    revenue_uplift = models.FloatField(_("增量销售额"), null=True, blank=True)
    margin_uplift = models.FloatField(_("增量毛利"), null=True, blank=True)
    net_margin = models.FloatField(_("扣费用后净增毛利"), null=True, blank=True)
    roi = models.FloatField(_("投资回报率"), null=True, blank=True)
    verdict = models.CharField(_("结论"), max_length=20, blank=True,
                               choices=[("pays", _("赚钱")), ("loses", _("亏钱")), ("unclear", _("不确定")),
                                        ("no_data", _("无数据"))])
    confidence = models.FloatField(_("置信度"), null=True, blank=True)
    details = models.JSONField(_("明细"), default=dict, blank=True)

    permission_area = "promotions"
    scope_kind = "company"
    scope_field = "promotion__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("促销评估")
        verbose_name_plural = pgettext_lazy("plural", "促销评估")

    def __str__(self) -> str:
        return f"{self.promotion_id}: {self.verdict}"


class StoreProductStatus(models.Model):
    """A product's assortment status in one store (absent = listed); replenishment skips delisted items."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("门店"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("商品"))
    status = models.CharField(_("状态"), max_length=20, default="listed",
                              choices=[("listed", _("在售")), ("delisted", _("已下架"))])
    changed_at = models.DateTimeField(_("变更时间"), auto_now=True)

    permission_area = "facts"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("门店商品状态")
        verbose_name_plural = pgettext_lazy("plural", "门店商品状态")
        constraints = [models.UniqueConstraint(fields=["store", "product"], name="storeproductstatus_unique")]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id}: {self.status}"


class AssortmentProposal(models.Model):
    """A proposal of the assortment review for one store x product: delist, extend or substitute."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("门店"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("商品"))
    kind = models.CharField(_("建议"), max_length=20,
                            choices=[("delist", _("下架")), ("extend", _("引入")), ("substitute", _("替换"))])
    replacement = models.ForeignKey(Product, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                    verbose_name=_("替换为"))
    state = models.CharField(_("状态"), max_length=20, default="proposed",
                             choices=[("proposed", _("待审核")), ("approved", _("已批准")), ("done", _("已执行")),
                                      ("rejected", _("已驳回"))])
    figures = models.JSONField(_("指标"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("审核人"))

    permission_area = "assortment"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("品项调整建议")
        verbose_name_plural = pgettext_lazy("plural", "品项调整建议")
        ordering = ["state", "store", "kind", "pk"]
        indexes = [models.Index(fields=["store", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.product_id} @ {self.store_id}"

    def get_absolute_url(self) -> str:
        return reverse("sales:assortment_detail", args=[self.pk])


class ProductLaunchQuerySet(ScopedQuerySet):
    """Launches reachable by a user: of their company, and in one of their stores (or in every store)."""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if getattr(user, "has_company_scope", False):
            return queryset
        in_my_stores = ProductLaunch.stores.through.objects.filter(store_id__in=visible_store_ids(user))
        with_stores = ProductLaunch.stores.through.objects.values("productlaunch_id")
        return queryset.filter(models.Q(pk__in=in_my_stores.values("productlaunch_id"))
                               | ~models.Q(pk__in=with_stores))


class ProductLaunch(models.Model):
    """A new product's launch: stores, date and the first weeks' unit target, against the analogue forecast."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("商品"))
    stores = models.ManyToManyField(Store, blank=True, related_name="+", verbose_name=_("门店"))
    launch_date = models.DateField(_("上市日期"))
    weeks = models.PositiveSmallIntegerField(_("跟踪周数"), default=4)
    target_units = models.DecimalField(_("目标销量"), max_digits=12, decimal_places=1, default=0)

    permission_area = "promotions"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager.from_queryset(ProductLaunchQuerySet)()

    class Meta:
        verbose_name = _("新品上市")
        verbose_name_plural = pgettext_lazy("plural", "新品上市")
        ordering = ["-launch_date", "pk"]

    def __str__(self) -> str:
        return f"{self.product} {self.launch_date}"

    def get_absolute_url(self) -> str:
        return reverse("sales:launch_detail", args=[self.pk])
