"""Goals: a registered KPI with a target over a period for a scope (the company, a region, a store or a person),
cascaded from a parent goal, and its daily measurements (actual to date, projection, probability, status)."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids, visible_stores
from opsdesk.goals.choices import (
    GoalStatusChoices,
    LevelChoices,
    MeasureAreaChoices,
    PeriodKindChoices,
    PlanStatusChoices,
    ResourceKindChoices,
    SplitMethodChoices,
    TargetKindChoices,
)

AREA = "goals"
#: Work plans have their own permission area: store managers draft their store's plan (goals are read-only to
#: them), and "approve" is granted to the levels above a store.
PLAN_AREA = "workplans"

#: KPIs that add up over days and stores although their aggregation text does not say so plainly (code -> bool).
ADDITIVE_OVERRIDES: dict[str, bool] = {}


def kpi_choices() -> list[tuple[str, str]]:
    """Every registered KPI: code and name in the active language."""
    from opsdesk.core.extensions import kpis

    return [(code, definition.name()) for code, definition in kpis().items()]


def is_additive(definition) -> bool:
    """Whether a KPI adds up over days and stores (sales, transactions, incidents, trainings held): a currency or
    count measured as a sum or count over the days of the period, not a ratio and not a level at one date."""
    if definition.code in ADDITIVE_OVERRIDES:
        return ADDITIVE_OVERRIDES[definition.code]
    text = definition.aggregation
    return (definition.unit in ("currency", "count") and "÷" not in text and "/" not in text and " at " not in text
            and ("days" in text or "period" in text))


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The month, quarter or year that contains `day`: (first day, last day)."""
    if kind == PeriodKindChoices.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if kind == PeriodKindChoices.QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        last_month = first_month + 2
        return date(day.year, first_month, 1), date(day.year, last_month,
                                                    calendar.monthrange(day.year, last_month)[1])
    return date(day.year, day.month, 1), date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def scope_condition(user, prefix: str = "") -> Q:
    """Goals a user sees: all of the company's for company-wide users; otherwise the goals of the user's stores,
    of the regions the user holds, the user's own person goals, and company or region goals published to stores
    (a region goal only to the region's stores). Never another store's goal."""
    if not user.company_id:
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": user.company_id})
    if user.has_company_scope:
        return company
    regions_held = user.scope_regions.values("pk")
    regions_seen = visible_stores(user).values("region_id")
    published = Q(**{f"{prefix}store__isnull": True, f"{prefix}is_published_to_stores": True}) & (
        Q(**{f"{prefix}region__isnull": True}) | Q(**{f"{prefix}region_id__in": regions_seen}))
    return company & (
        Q(**{f"{prefix}store_id__in": visible_store_ids(user)})
        | Q(**{f"{prefix}store__isnull": True, f"{prefix}region_id__in": regions_held})
        | Q(**{f"{prefix}person_id": user.pk})
        | published
    )


def writable_condition(user, prefix: str = "") -> Q:
    """Goals a user may change: company-wide users all; regional managers their regions' and stores' goals;
    supervisors their stores' (a company goal, or a region goal of a region they do not hold, is read-only)."""
    if user.has_company_scope:
        return Q()
    return Q(**{f"{prefix}store_id__in": visible_store_ids(user)}) | Q(
        **{f"{prefix}store__isnull": True, f"{prefix}region_id__in": user.scope_regions.values("pk")})


class GoalQuerySet(ScopedQuerySet):
    """Goals: seen by scope (see `scope_condition`), changed only within the user's own part."""

    goal_prefix = ""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view":
            return queryset
        return queryset.filter(writable_condition(user, self.goal_prefix))


class MeasurementQuerySet(GoalQuerySet):
    goal_prefix = "goal__"


class Goal(models.Model):
    """A KPI target for a scope and a period, set absolutely or against the same period last year, owned by a
    person and possibly cascaded from a parent goal."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="goals", verbose_name=_("公司"))
    title = models.CharField(pgettext_lazy("goals", "目标"), max_length=200)
    kpi_code = models.CharField(pgettext_lazy("goals", "指标"), max_length=64, choices=kpi_choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=pgettext_lazy("goals", "个人"),
                               help_text=_("个人目标按其门店（或区域、全公司）的数据计量"))
    is_published_to_stores = models.BooleanField(_("发布给门店"), default=False,
                                                 help_text=_("公司或区域目标对（区域内）门店可见"))
    period_kind = models.CharField(_("周期"), max_length=10, choices=PeriodKindChoices,
                                   default=PeriodKindChoices.QUARTER)
    period_start = models.DateField(_("周期开始"), help_text=_("周期内任一天；保存时取所在月、季或年的第一天"))
    period_end = models.DateField(_("周期结束"), editable=False)
    target_kind = models.CharField(_("目标方式"), max_length=10, choices=TargetKindChoices,
                                   default=TargetKindChoices.ABSOLUTE)
    target_value = models.FloatField(pgettext_lazy("goals", "目标值"), null=True, blank=True,
                                     help_text=_("绝对目标时填写"))
    relative_percent = models.FloatField(_("较去年同期（%）"), null=True, blank=True,
                                         help_text=_("相对目标时填写，如 10 表示较去年同期增长 10%"))
    baseline = models.FloatField(_("基线（去年同期）"), null=True, blank=True, editable=False)
    target = models.FloatField(pgettext_lazy("goals", "目标"), null=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("上级目标"))
    split_method = models.CharField(_("分解方式"), max_length=10, choices=SplitMethodChoices, blank=True,
                                    editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=GoalStatusChoices,
                              default=GoalStatusChoices.NO_DATA, editable=False)
    actual = models.FloatField(_("至今实际"), null=True, editable=False)
    projection = models.FloatField(_("期末预计"), null=True, editable=False)
    probability = models.FloatField(_("达成概率"), null=True, editable=False)
    measured_on = models.DateField(_("计量日期"), null=True, editable=False)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(GoalQuerySet)()

    class Meta:
        verbose_name = pgettext_lazy("goals", "目标")
        verbose_name_plural = pgettext_lazy("plural", "目标")
        ordering = ["period_start", "kpi_code", "region_id", "store_id", "pk"]
        indexes = [models.Index(fields=["company", "period_start"])]

    def __str__(self) -> str:
        return f"{self.title} · {self.scope_label}"

    def get_absolute_url(self) -> str:
        return reverse("goals:goal_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user))

    @property
    def level(self) -> str:
        if self.person_id:
            return LevelChoices.PERSON
        if self.store_id:
            return LevelChoices.STORE
        return LevelChoices.REGION if self.region_id else LevelChoices.COMPANY

    @property
    def scope_label(self) -> str:
        if self.person_id:
            return str(self.person)
        return str(self.store or self.region or _("全公司"))

    @property
    def definition(self):
        from opsdesk.core.extensions import kpis

        return kpis().get(self.kpi_code)

    def kpi_scope(self):
        """Where the goal is measured: its store, its region's stores, or the whole company."""
        from opsdesk.core.extensions import KpiScope

        if self.store_id:
            return KpiScope(company_id=self.company_id, store_ids=(self.store_id,))
        if self.region_id:
            stores = Store.objects.filter(region_id=self.region_id).order_by("pk").values_list("pk", flat=True)
            return KpiScope(company_id=self.company_id, store_ids=tuple(stores))
        return KpiScope(company_id=self.company_id)

    def clean(self) -> None:
        errors = {}
        if self.store_id:
            if self.region_id and self.store.region_id != self.region_id:
                errors["region"] = _("门店不属于所选区域。")
            self.region_id = self.store.region_id
        if self.person_id and self.company_id and self.person.company_id != self.company_id:
            errors["person"] = _("所选对象不存在或不在你的权限范围内。")
        if self.period_start:
            self.period_start, self.period_end = period_bounds(self.period_kind, self.period_start)
        definition = self.definition
        if definition is None:
            errors["kpi_code"] = _("未知的指标代码“%(code)s”。") % {"code": self.kpi_code}
        if self.parent_id:
            parent = self.parent
            if parent.kpi_code != self.kpi_code or parent.company_id != self.company_id:
                errors["parent"] = _("上级目标须为同一公司、同一指标。")
            elif self.period_start and not parent.period_start <= self.period_start <= parent.period_end:
                errors["parent"] = _("周期须在上级目标的周期之内。")
        if self.target_kind == TargetKindChoices.ABSOLUTE:
            if self.target_value is None:
                errors["target_value"] = _("请填写目标值。")
            self.baseline = None
            self.target = self.target_value
        elif self.relative_percent is None:
            errors["relative_percent"] = _("请填写较去年同期的百分比。")
        elif definition is not None and self.period_start and self.company_id:
            self.baseline = self.measure_baseline()
            if self.baseline is None:
                errors["relative_percent"] = _("去年同期没有数据，无法按相对目标计算。")
            else:
                self.target = round(self.baseline * (1 + self.relative_percent / 100), 2)
        if errors:
            raise ValidationError(errors)

    def last_year_period(self) -> tuple[date, date]:
        from opsdesk.goals.services import last_year

        return last_year(self.period_start), last_year(self.period_end)

    def measure_baseline(self) -> float | None:
        """The KPI over the same period last year, in the goal's scope."""
        return self.definition.measure(self.kpi_scope(), self.last_year_period())

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


class GoalMeasurement(models.Model):
    """One day's measurement of a goal: the KPI to date, its projection to the period end with a 10-90 % band,
    the probability of reaching the target, the status and a sentence explaining it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements",
                             verbose_name=pgettext_lazy("goals", "目标"))
    as_of = models.DateField(_("计量日期"))
    actual = models.FloatField(_("至今实际"), null=True)
    projection = models.FloatField(_("期末预计"), null=True)
    lower = models.FloatField(_("预计下限"), null=True)
    upper = models.FloatField(_("预计上限"), null=True)
    probability = models.FloatField(_("达成概率"), null=True)
    status = models.CharField(_("状态"), max_length=10, choices=GoalStatusChoices, default=GoalStatusChoices.NO_DATA)
    method = models.CharField(_("预计方法"), max_length=20, blank=True)
    explanation = models.CharField(_("说明"), max_length=300, blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(MeasurementQuerySet)()

    class Meta:
        verbose_name = _("目标计量")
        verbose_name_plural = pgettext_lazy("plural", "目标计量")
        ordering = ["-as_of", "goal_id"]
        constraints = [models.UniqueConstraint(fields=["goal", "as_of"], name="goal_measurement_unique_day")]

    def __str__(self) -> str:
        return f"{self.goal.title} @ {self.as_of.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("goals:goalmeasurement_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user, "goal__"))

    def get_additional_data(self) -> dict:
        return self.goal.get_additional_data()


# ------------------------------------------------------------------------------------------------ work plans


def plan_scope_condition(user, prefix: str = "") -> Q:
    """Work plans a user sees: all of the company's for company-wide users; otherwise the plans of the user's
    stores, the plans of the regions that hold them (or that the user holds) and the company's plans."""
    if not user.company_id:
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": user.company_id})
    if user.has_company_scope:
        return company
    stores = visible_store_ids(user)
    if not stores and not user.scope_regions.exists():
        return Q(pk__in=[])
    regions = Q(**{f"{prefix}region_id__in": visible_stores(user).values("region_id")}) | Q(
        **{f"{prefix}region_id__in": user.scope_regions.values("pk")})
    return company & (
        Q(**{f"{prefix}store_id__in": stores})
        | (Q(**{f"{prefix}store__isnull": True}) & regions)
        | Q(**{f"{prefix}store__isnull": True, f"{prefix}region__isnull": True})
    )


def plan_writable_condition(user, prefix: str = "") -> Q:
    """Plans a user may change (or approve): company-wide users all; others their stores' plans and the plans of
    the regions they hold (the company's plan, a region plan of a supervisor, are read-only)."""
    if user.has_company_scope:
        return Q()
    return Q(**{f"{prefix}store_id__in": visible_store_ids(user)}) | Q(
        **{f"{prefix}store__isnull": True, f"{prefix}region_id__in": user.scope_regions.values("pk")})


class WorkPlanQuerySet(ScopedQuerySet):
    """Work plans and their parts: seen by scope, changed only within the user's own part."""

    plan_prefix = ""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view":
            return queryset
        return queryset.filter(plan_writable_condition(user, self.plan_prefix))


class PlanPartQuerySet(WorkPlanQuerySet):
    plan_prefix = "plan__"


class WorkPlan(models.Model):
    """The annual (or quarterly) work plan of a scope: its goals come from the goals of the scope and period, its
    measures, resources and risks are kept with it; submitted to and approved by the next level, versioned."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="work_plans", verbose_name=_("公司"))
    title = models.CharField(_("标题"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(4)],
                                               help_text=_("留空为年度计划"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    summary = models.TextField(_("概述"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatusChoices, default=PlanStatusChoices.DRAFT,
                              editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("提交人"), editable=False)
    return_comment = models.TextField(_("退回意见"), blank=True, editable=False)

    permission_area = PLAN_AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(WorkPlanQuerySet)()

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = pgettext_lazy("plural", "工作计划")
        ordering = ["-year", "quarter", "region_id", "store_id", "pk"]

    def __str__(self) -> str:
        return f"{self.title} · {self.scope_label}"

    def get_absolute_url(self) -> str:
        return reverse("goals:workplan_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(plan_scope_condition(user))

    @property
    def level(self) -> str:
        if self.store_id:
            return LevelChoices.STORE
        return LevelChoices.REGION if self.region_id else LevelChoices.COMPANY

    @property
    def scope_label(self) -> str:
        return str(self.store or self.region or _("全公司"))

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def period(self) -> tuple[date, date]:
        if self.quarter:
            return period_bounds(PeriodKindChoices.QUARTER, date(self.year, 3 * self.quarter - 2, 1))
        return date(self.year, 1, 1), date(self.year, 12, 31)

    @property
    def is_editable(self) -> bool:
        """A submitted plan waits for its decision; any other state may be edited (an approved or returned plan
        then starts its next draft version)."""
        return self.status != PlanStatusChoices.SUBMITTED

    def clean(self) -> None:
        if self.store_id:
            if self.region_id and self.store.region_id != self.region_id:
                raise ValidationError({"region": _("门店不属于所选区域。")})
            self.region_id = self.store.region_id
        if self.year and self.company_id:
            twins = WorkPlan.objects.filter(company_id=self.company_id, region_id=self.region_id,
                                            store_id=self.store_id, year=self.year, quarter=self.quarter)
            if twins.exclude(pk=self.pk).exists():
                raise ValidationError(_("该范围和周期已有工作计划。"))

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


class _PlanPart(models.Model):
    """Rows that belong to a work plan: scoped through it."""

    permission_area = PLAN_AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(PlanPartQuerySet)()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(plan_scope_condition(user, "plan__"))

    def get_additional_data(self) -> dict:
        return self.plan.get_additional_data()


class PlanMeasure(_PlanPart):
    """One measure of a work plan in an area (store management, people, process, customer service): what, who,
    in which quarters, and the project, training plan, risk or risk response it carries out."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="measures",
                             verbose_name=_("工作计划"))
    area = models.CharField(_("领域"), max_length=10, choices=MeasureAreaChoices)
    title = models.CharField(_("措施"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    quarters = models.CharField(_("季度"), max_length=7, help_text=_("安排在哪些季度，如 1,3"))
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("项目"))
    training_plan = models.ForeignKey("people.TrainingPlan", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("培训计划"))
    risk = models.ForeignKey("risks.Risk", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("风险"))
    risk_action = models.ForeignKey("risks.RiskAction", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("应对行动"))

    class Meta:
        verbose_name = _("计划措施")
        verbose_name_plural = pgettext_lazy("plural", "计划措施")
        ordering = ["plan", "area", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def quarter_list(self) -> list[int]:
        return sorted({int(part) for part in self.quarters.split(",") if part.strip().isdigit()})

    def clean(self) -> None:
        numbers = [part.strip() for part in (self.quarters or "").split(",") if part.strip()]
        if not numbers or any(part not in {"1", "2", "3", "4"} for part in numbers):
            raise ValidationError({"quarters": _("请选择 1 至 4 季度。")})
        self.quarters = ",".join(sorted(set(numbers)))


class PlanResource(_PlanPart):
    """A resource a work plan needs (training, tools, a budget line): what, how much, and the budget line."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="resources",
                             verbose_name=_("工作计划"))
    kind = models.CharField(_("类型"), max_length=10, choices=ResourceKindChoices)
    description = models.CharField(_("说明"), max_length=200)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    budget_line = models.ForeignKey("budgets.BudgetLine", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("预算行"))

    class Meta:
        verbose_name = _("计划资源")
        verbose_name_plural = pgettext_lazy("plural", "计划资源")
        ordering = ["plan", "kind", "pk"]

    def __str__(self) -> str:
        return self.description


class WorkPlanVersion(_PlanPart):
    """A frozen version of a work plan: the snapshot taken when it was submitted, and the decision on it."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="versions",
                             verbose_name=_("工作计划"))
    number = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=10, choices=PlanStatusChoices,
                              default=PlanStatusChoices.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("提交人"))
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)
    snapshot = models.JSONField(_("快照"), default=dict)

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = pgettext_lazy("plural", "计划版本")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="work_plan_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan.title} v{self.number}"
