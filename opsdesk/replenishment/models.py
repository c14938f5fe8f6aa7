"""Replenishment plan runs and their proposals (one per store x SKU, with its explanation and health), and each
company's replenishment policy settings."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import BackgroundRun, Company
from opsdesk.core.scoping import ScopedManager, visible_store_ids
from opsdesk.replenishment.choices import (
    PlanRunStatusChoices,
    ProposalStatusChoices,
    ReasonChoices,
    ServiceMeasureChoices,
)
from opsdesk.replenishment.defaults import DEFAULT_PARAMS

#: Stored instead of infinity (no demand forecast: the stock never runs out).
NEVER = 9999.0


class PlanRun(BackgroundRun):
    """One replenishment plan of a company: inputs version, progress and totals."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="plan_runs", verbose_name=_("公司"))
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanRunStatusChoices, default=PlanRunStatusChoices.QUEUED
    )
    forecast_run = models.ForeignKey(
        "forecasting.ForecastRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("所用预测"),
    )
    plan_date = models.DateField(_("计划日期"), null=True, blank=True)
    pair_count = models.PositiveIntegerField(_("门店×商品数"), default=0)
    order_count = models.PositiveIntegerField(_("建议补货行数"), default=0)
    order_value = models.FloatField(_("建议补货金额"), default=0)
    summary = models.JSONField(_("汇总"), default=dict, blank=True)

    permission_area = "replenishment"

    class Meta:
        verbose_name = _("补货计划运行")
        verbose_name_plural = pgettext_lazy("plural", "补货计划运行")
        ordering = ["-created_at", "-pk"]

    def get_absolute_url(self) -> str:
        return reverse("replenishment:run_detail", args=[self.pk])


class Proposal(models.Model):
    """The plan for one store x SKU in a run: the proposed order with its explanation and inventory health.

    Designed for 1,000,000 rows per run: plain float columns, written with raw `executemany`, read through the
    indexes below (run + store/supplier/category/reason, each ending in urgency for the default sort).
    """

    # No single-column index on run: every composite index below starts with it (fewer indexes, faster loads).
    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("运行"),
                            db_index=False)
    store = models.ForeignKey("core.Store", on_delete=models.CASCADE, related_name="+", verbose_name=_("门店"))
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("商品"))
    supplier = models.ForeignKey(
        "purchasing.Supplier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("供应商"),
    )
    category = models.ForeignKey(
        "catalog.ProductCategory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("品类"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatusChoices, default=ProposalStatusChoices.OPEN
    )
    reason = models.CharField(_("原因"), max_length=24, choices=ReasonChoices)
    urgency = models.FloatField(_("紧迫度（天）"), help_text=_("库存可用天数减去交期；负数表示到货前就会缺货"))
    days_until_stockout = models.FloatField(_("预计缺货天数"))
    # Inputs.
    on_hand = models.FloatField(_("在库"))
    on_order = models.FloatField(_("在途"))
    position = models.FloatField(_("库存位置"))
    lead_time_mean = models.FloatField(_("交期（天）"))
    lead_time_std = models.FloatField(_("交期标准差（天）"))
    review_days = models.FloatField(_("补货周期（天）"))
    abc_class = models.CharField(_("ABC"), max_length=1)
    xyz_class = models.CharField(_("XYZ"), max_length=1)
    service_level = models.FloatField(_("服务水平"))
    pack_size = models.PositiveIntegerField(_("箱规"))
    min_order_qty = models.PositiveIntegerField(_("最小起订量"))
    unit_cost = models.FloatField(_("单位成本"))
    mean_daily = models.FloatField(_("日均预测"))
    forecast_sigma = models.FloatField(_("预测误差（件/天）"))
    # Explanation.
    demand_horizon = models.FloatField(_("周期内需求"))
    safety_stock = models.FloatField(_("安全库存"))
    reorder_point = models.FloatField(_("再订货点"))
    order_up_to = models.FloatField(_("目标库存"))
    raw_need = models.FloatField(_("缺口"))
    rounding_added = models.FloatField(_("取整增加"))
    is_moq_applied = models.BooleanField(_("按起订量"), default=False)
    proposed_quantity = models.PositiveIntegerField(_("建议数量"))
    quantity = models.PositiveIntegerField(_("订货数量"))
    expected_date = models.DateField(_("预计到货"))
    # Inventory health.
    days_of_cover = models.FloatField(_("可售天数"))
    stockout_probability = models.FloatField(_("缺货概率"))
    is_at_risk = models.BooleanField(_("缺货风险"), default=False)
    overstock_units = models.FloatField(_("积压数量"))
    overstock_value = models.FloatField(_("积压金额"))
    stock_age_days = models.FloatField(_("库龄（天）"), null=True, blank=True)
    days_since_last_sale = models.FloatField(_("距上次销售（天）"))
    is_dead = models.BooleanField(_("滞销"), default=False)
    dead_value = models.FloatField(_("滞销金额"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修改人"), db_index=False,
    )
    edited_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    permission_area = "replenishment"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("补货建议")
        verbose_name_plural = pgettext_lazy("plural", "补货建议")
        ordering = ["urgency", "pk"]
        indexes = [
            models.Index(fields=["run", "urgency"], name="proposal_run_urg"),
            models.Index(fields=["run", "reason", "urgency"], name="proposal_run_reason_urg"),
            # the page's summary of the lines to order (count, units, value over a third of a 1,000,000-row run)
            # reads this index alone: 45 ms instead of 450 ms on SQLite
            models.Index(fields=["run", "reason", "quantity", "unit_cost"], name="proposal_run_reason_value"),
            models.Index(fields=["run", "store", "reason", "urgency"], name="proposal_run_store_urg"),
            models.Index(fields=["run", "supplier", "reason", "urgency"], name="proposal_run_supplier_urg"),
            models.Index(fields=["run", "category", "reason", "urgency"], name="proposal_run_category_urg"),
            models.Index(fields=["run", "store", "urgency"], name="proposal_run_store_all_urg"),
            models.Index(fields=["run", "overstock_value"], name="proposal_run_overstock"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.product_id} × {self.quantity}"

    def get_absolute_url(self) -> str:
        return reverse("replenishment:proposal_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        """Store scope; a company-wide user's scope is the company's runs, which lets the database walk the
        (run, reason, urgency) index instead of merging one range per store (1,000,000 rows: see benchmark.py)."""
        if user.has_company_scope and user.company_id:
            return queryset.filter(run__company_id=user.company_id)
        return queryset.filter(store_id__in=visible_store_ids(user))

    def get_additional_data(self) -> dict:
        return {"company_id": self.run.company_id, "region_id": self.store.region_id, "store_id": self.store_id}

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatusChoices.OPEN

    def quantity_error(self, quantity: int) -> str | None:
        """Why a quantity is not acceptable (multiple of the pack size, at least the MOQ, or zero), else None."""
        from django.utils.translation import gettext as _t

        if quantity < 0:
            return _t("数量不能为负数。")
        if quantity == 0:
            return None
        pack = max(self.pack_size, 1)
        if quantity % pack:
            return _t("数量必须是箱规 %(pack)s 的整数倍。") % {"pack": pack}
        if quantity < self.min_order_qty:
            return _t("数量不能低于最小起订量 %(moq)s（或填 0 表示不订）。") % {"moq": self.min_order_qty}
        return None


def _between(low: float, high: float) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


_LEVEL_HELP = _("0.50–0.9999；例如 0.98 表示 98%。含义取决于“服务水平口径”。")


class ReplenishmentSettings(models.Model):
    """A company's replenishment policy: service targets per ABC class, review period and health thresholds.

    One row per company; without a row the plan uses `defaults.DEFAULT_PARAMS` (see `selectors.plan_params`).
    """

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="replenishment_settings",
                                   verbose_name=_("公司"))
    service_level_a = models.FloatField(_("A 类服务水平"), default=DEFAULT_PARAMS["service_levels"][0],
                                        validators=_between(0.5, 0.9999), help_text=_LEVEL_HELP)
    service_level_b = models.FloatField(_("B 类服务水平"), default=DEFAULT_PARAMS["service_levels"][1],
                                        validators=_between(0.5, 0.9999), help_text=_LEVEL_HELP)
    service_level_c = models.FloatField(_("C 类服务水平"), default=DEFAULT_PARAMS["service_levels"][2],
                                        validators=_between(0.5, 0.9999), help_text=_LEVEL_HELP)
    service_measure = models.CharField(
        _("服务水平口径"), max_length=20, choices=ServiceMeasureChoices, default=DEFAULT_PARAMS["service_measure"],
        help_text=_("周期服务水平：每个补货周期不缺货的概率；单品满足率：每个门店×商品的需求中现货满足的比例；"
                    "分类总满足率：每个 ABC 类整体的满足率，以最低库存金额达成。"),
    )
    min_pair_fill_rate = models.FloatField(
        _("单品最低满足率"), null=True, blank=True, validators=_between(0.5, 0.9999),
        help_text=_("仅用于“分类总满足率”：允许个别商品的满足率降到此值以节省库存金额；须低于最低的分类目标。"
                    "留空表示每个商品至少保持安全库存不为负。"),
    )
    review_days = models.FloatField(_("补货周期（天）"), default=DEFAULT_PARAMS["review_days"],
                                    validators=_between(1, 90),
                                    help_text=_("两次下单之间的天数（1–90）：周期越长，每次订得越多。"))
    risk_days = models.PositiveSmallIntegerField(
        _("缺货风险天数"), default=DEFAULT_PARAMS["risk_days"], validators=_between(1, 60),
        help_text=_("在此天数（1–60）内缺货概率超过 20% 的商品标记为缺货风险。"))
    overstock_days = models.FloatField(
        _("积压天数"), default=DEFAULT_PARAMS["overstock_days"], validators=_between(7, 730),
        help_text=_("超过此天数（7–730）预测销量的库存计为积压。"))
    dead_days = models.PositiveSmallIntegerField(
        _("滞销天数"), default=DEFAULT_PARAMS["dead_days"], validators=_between(7, 365),
        help_text=_("有库存但连续此天数（7–365）没有销售的商品计为滞销。"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("修改人"),
    )

    permission_area = "replenishment"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("补货策略设置")
        verbose_name_plural = pgettext_lazy("plural", "补货策略设置")

    def __str__(self) -> str:
        return f"{self.company_id} {self._meta.verbose_name}"

    def get_absolute_url(self) -> str:
        return reverse("replenishment:settings")

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    def clean(self) -> None:
        """Finite numbers (NaN passes range validators) and a per-pair floor that only the pooled measure uses."""
        errors: dict[str, str] = {}
        for name in ("service_level_a", "service_level_b", "service_level_c", "min_pair_fill_rate",
                     "review_days", "overstock_days"):
            value = getattr(self, name)
            if isinstance(value, float) and not math.isfinite(value):
                errors[name] = _("请输入有限的数值。")
        floor = self.min_pair_fill_rate
        if floor is not None and "min_pair_fill_rate" not in errors:
            levels = [self.service_level_a, self.service_level_b, self.service_level_c]
            if self.service_measure != ServiceMeasureChoices.FILL_RATE_POOLED:
                errors["min_pair_fill_rate"] = _("单品最低满足率只用于“分类总满足率”口径，其他口径请留空。")
            elif all(isinstance(level, int | float) for level in levels) and floor >= min(levels):
                errors["min_pair_fill_rate"] = _("单品最低满足率必须低于最低的分类目标 %(level)s。") % {
                    "level": f"{min(levels):g}"}
        if errors:
            raise ValidationError(errors)
