"""Rollups the cockpit reads (refreshed by the nightly run and after imports), sales targets, and the persisted
state of action-inbox items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.cockpit.choices import InboxStatusChoices, RollupLevelChoices
from opsdesk.core.models import Company, Store
from opsdesk.core.scoping import ScopedManager, visible_store_ids


class SalesTarget(models.Model):
    """A store's sales target for one month (the first day of the month stands for the month)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("门店"))
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("目标销售额"), max_digits=14, decimal_places=2)
    # Who set it: "" for an import or a typed row, "goal:<id>" for a store sales goal (see cockpit.targets).
    source = models.CharField(_("来源"), max_length=40, blank=True, default="", editable=False)

    permission_area = "cockpit"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("销售目标")
        verbose_name_plural = pgettext_lazy("plural", "销售目标")
        constraints = [models.UniqueConstraint(fields=["store", "month"], name="salestarget_unique_month")]

    def __str__(self) -> str:
        return f"{self.store_id} {self.month:%Y-%m}"


class DayRollup(models.Model):
    """One day of one store, region or company: actuals, daily target and (future days) the forecast.

    Rows of the three levels let a company- or region-wide user read a handful of rows instead of summing
    hundreds of stores per request; the cockpit picks the coarsest rows that cover the user's scope exactly.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=RollupLevelChoices)
    entity_id = models.PositiveIntegerField()
    date = models.DateField()
    sales = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    cost = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    customers = models.PositiveIntegerField(default=0)
    transactions = models.PositiveIntegerField(default=0)
    target = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    forecast = models.FloatField(null=True, blank=True)
    forecast_lower = models.FloatField(null=True, blank=True)
    forecast_upper = models.FloatField(null=True, blank=True)
    has_actuals = models.BooleanField(default=False)
    # Stores whose facts arrived for the day, and stores expected to report (see rollups.expected_reporting): a day
    # with fewer reporting than expected is incomplete and left out of comparisons.
    stores_reporting = models.PositiveIntegerField(default=0)
    stores_expected = models.PositiveIntegerField(default=0)

    permission_area = "cockpit"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "entity_id", "date"], name="dayrollup_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.entity_id} {self.date}"

    @staticmethod
    def scope_queryset(queryset, user):
        """Store rows of visible stores; region and company rows only where the user sees all of them
        (the selector decides that; here: same company, and store rows restricted to the scope)."""
        from django.db.models import Q

        stores = visible_store_ids(user)
        condition = Q(level=RollupLevelChoices.STORE, entity_id__in=stores)
        if user.company_id:
            condition |= Q(company_id=user.company_id, level__in=[RollupLevelChoices.REGION,
                                                                  RollupLevelChoices.COMPANY])
        return queryset.filter(condition)


class StoreStockRollup(models.Model):
    """One store's snapshot at the last day with sales: month to date against target and last year (the league
    table reads these 200 rows instead of summing day rows), and inventory health from the latest finished plan."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="+")
    sales_day = models.DateField(null=True)
    last_sales_day = models.DateField(null=True)  # this store's own last day with facts (data freshness)
    mtd_sales = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    mtd_target = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    last_year_mtd_sales = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    plan_run_id = models.PositiveIntegerField(null=True)
    as_of = models.DateField(null=True)
    stock_value = models.FloatField(default=0)
    daily_cost = models.FloatField(default=0)
    stockout_count = models.PositiveIntegerField(default=0)
    overstock_count = models.PositiveIntegerField(default=0)
    overstock_value = models.FloatField(default=0)
    inspection_score = models.FloatField(null=True, blank=True)
    open_actions = models.PositiveIntegerField(default=0)
    overdue_actions = models.PositiveIntegerField(default=0)

    permission_area = "cockpit"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    def __str__(self) -> str:
        return f"{self.store_id} stock"


class StoreSkuRollup(models.Model):
    """A store x SKU over the last 28 days and the 28 before (the SKU level of the drill-down)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+", db_index=False)
    period_end = models.DateField()
    units = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    sales = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    cost = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    previous_sales = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    stockout_days = models.PositiveSmallIntegerField(default=0)

    permission_area = "cockpit"
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "product"], name="storeskurollup_unique")]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id}"


class InboxItemState(models.Model):
    """What people did with one inbox item (assign, comment, snooze, done, escalation), keyed by provider and
    the provider's object key; the item itself is recomputed from its source on every read."""

    provider = models.CharField(max_length=40)
    object_key = models.CharField(max_length=80)
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=InboxStatusChoices, default=InboxStatusChoices.OPEN)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("负责人"))
    snoozed_until = models.DateTimeField(_("暂缓至"), null=True, blank=True)
    snooze_reason = models.CharField(_("暂缓原因"), max_length=300, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级层级"), default=0)
    # The item's escalation level when it was assigned: the assignee owns it until it climbs past that level.
    assigned_level = models.PositiveSmallIntegerField(_("指派时的升级层级"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    permission_area = "inbox"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("待办状态")
        verbose_name_plural = pgettext_lazy("plural", "待办状态")
        constraints = [models.UniqueConstraint(fields=["provider", "object_key"], name="inboxitemstate_unique")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.object_key}"

    @staticmethod
    def scope_queryset(queryset, user):
        from django.db.models import Q

        condition = Q(store_id__in=visible_store_ids(user))
        if user.has_company_scope and user.company_id:
            condition |= Q(store__isnull=True, company_id=user.company_id)
        return queryset.filter(condition)

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "store_id": self.store_id}


class InboxComment(models.Model):
    """A comment on an inbox item."""

    state = models.ForeignKey(InboxItemState, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("评论"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
