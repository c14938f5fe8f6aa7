"""The risk register: categories with appetite, the company's 5 x 5 matrix, risks with controls, response actions and
reviews, and key risk indicators (a KPI with amber/red thresholds) whose breaches propose a new likelihood."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids, visible_stores
from opsdesk.engine import risk as scoring
from opsdesk.risks.choices import (
    ActionStatusChoices,
    AxisChoices,
    ControlKindChoices,
    DrillStatusChoices,
    EffectivenessChoices,
    IncidentKindChoices,
    IncidentSeverityChoices,
    IncidentStatusChoices,
    KriStatusChoices,
    LevelChoices,
    RiskStatusChoices,
    ScenarioChoices,
    TreatmentChoices,
)

AREA = "risks"
CONFIG_AREA = "risks_config"
INCIDENT_AREA = "incidents"
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
FUTURE_GRACE_MINUTES = 10


def scope_condition(user, prefix: str = "") -> Q:
    """Rows of the user's scope: company-wide rows for company-wide users, region rows of the regions the user's
    stores lie in, store rows of the user's stores, and company rows published to stores for everyone in the
    company. `prefix` is the lookup path to the risk ("" on Risk itself, "risk__" on its children)."""
    if not user.company_id:
        return Q(pk__in=[])
    company = Q(**{f"{prefix}company_id": user.company_id})
    if user.has_company_scope:
        return company
    store_ids = visible_store_ids(user)
    region_ids = visible_stores(user).values("region_id")
    return company & (
        Q(**{f"{prefix}store_id__in": store_ids})
        | Q(**{f"{prefix}store__isnull": True, f"{prefix}region_id__in": region_ids})
        | Q(**{f"{prefix}store__isnull": True, f"{prefix}region__isnull": True,
               f"{prefix}is_published_to_stores": True})
    )


def writable_condition(user, prefix: str = "") -> Q:
    """Rows the user may change besides seeing them: a risk that spans more than the user's scope (a company
    risk for a store or region user, a region risk for a user who does not hold the whole region) is read-only."""
    if user.has_company_scope:
        return Q()
    return Q(**{f"{prefix}store__isnull": False}) | Q(**{f"{prefix}store__isnull": True,
                                                       f"{prefix}region_id__in": user.scope_regions.values("pk")})


class RiskScopedQuerySet(ScopedQuerySet):
    """Risk rows: seen by scope (see `scope_condition`), changed only within the user's own part."""

    risk_prefix = ""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view":
            return queryset
        return queryset.filter(writable_condition(user, self.risk_prefix))


class RiskChildQuerySet(RiskScopedQuerySet):
    risk_prefix = "risk__"


def kpi_choices() -> list[tuple[str, str]]:
    """Every registered KPI (the goals' KPI library): code and name in the active language."""
    from opsdesk.core.extensions import kpis

    return [(code, definition.name()) for code, definition in kpis().items()]


class RiskSettings(models.Model):
    """A company's matrix settings: where the levels start and how often each level is reviewed."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="risk_settings",
                                   verbose_name=_("公司"))
    medium_from = models.PositiveSmallIntegerField(_("“中”起始分值"), default=5)
    high_from = models.PositiveSmallIntegerField(_("“高”起始分值"), default=10)
    critical_from = models.PositiveSmallIntegerField(_("“极高”起始分值"), default=17)
    review_days_low = models.PositiveSmallIntegerField(_("低风险复核周期（天）"), default=365)
    review_days_medium = models.PositiveSmallIntegerField(_("中风险复核周期（天）"), default=180)
    review_days_high = models.PositiveSmallIntegerField(_("高风险复核周期（天）"), default=90)
    review_days_critical = models.PositiveSmallIntegerField(_("极高风险复核周期（天）"), default=30)

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("风险矩阵设置")
        verbose_name_plural = pgettext_lazy("plural", "风险矩阵设置")

    def __str__(self) -> str:
        return str(_("风险矩阵设置"))

    def get_absolute_url(self) -> str:
        return reverse("risks:risksettings_detail", args=[self.pk])

    def clean(self) -> None:
        if not 1 < self.medium_from < self.high_from < self.critical_from <= 25:
            raise ValidationError({"high_from": _("分值区间须递增：1 < 中 < 高 < 极高 ≤ 25。")})

    @property
    def bands(self) -> tuple[int, int, int]:
        return (self.medium_from, self.high_from, self.critical_from)

    def review_days(self, level: str) -> int:
        return getattr(self, f"review_days_{level}")

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class MatrixLevel(models.Model):
    """The company's definition of one likelihood or impact level (e.g. 可能性 4 = 一年内很可能发生)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="risk_matrix_levels",
                                verbose_name=_("公司"))
    axis = models.CharField(_("维度"), max_length=12, choices=AxisChoices)
    value = models.PositiveSmallIntegerField(_("等级"), validators=LEVEL_VALIDATORS)
    name = models.CharField(_("名称"), max_length=50)
    definition = models.TextField(_("定义"), blank=True)

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("矩阵等级定义")
        verbose_name_plural = pgettext_lazy("plural", "矩阵等级定义")
        ordering = ["axis", "value"]
        constraints = [models.UniqueConstraint(fields=["company", "axis", "value"], name="risk_matrix_level_unique")]

    def __str__(self) -> str:
        return f"{self.get_axis_display()} {self.value} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("risks:matrixlevel_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class RiskCategory(models.Model):
    """A risk category (the seed's five: financial, legal, market, technology, HR; plus custom) with its appetite:
    the highest residual score the company accepts without further treatment."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="risk_categories",
                                verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=50)
    appetite = models.PositiveSmallIntegerField(_("风险偏好（可接受的最高剩余分值）"), default=9,
                                                validators=[MinValueValidator(1), MaxValueValidator(25)])
    measures = models.CharField(_("主要应对措施"), max_length=200, blank=True)

    permission_area = CONFIG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("风险类别")
        verbose_name_plural = pgettext_lazy("plural", "风险类别")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="risk_category_unique_code")]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    def get_absolute_url(self) -> str:
        return reverse("risks:riskcategory_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class Risk(models.Model):
    """One risk: where it lives (company, region or store), its cause and consequence, the inherent and residual
    position on the matrix, the treatment and the review cadence."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="risks", verbose_name=_("公司"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="risks",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="risks",
                              verbose_name=_("门店"))
    code = models.CharField(_("编号"), max_length=32)
    title = models.CharField(_("风险"), max_length=200)
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="risks",
                                 verbose_name=_("类别"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("责任人"))
    cause = models.TextField(_("原因"), blank=True)
    consequence = models.TextField(_("后果"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("固有可能性"), validators=LEVEL_VALIDATORS, default=3)
    impact = models.PositiveSmallIntegerField(_("固有影响"), validators=LEVEL_VALIDATORS, default=3)
    residual_likelihood = models.PositiveSmallIntegerField(_("剩余可能性"), default=3, editable=False)
    residual_impact = models.PositiveSmallIntegerField(_("剩余影响"), default=3, editable=False)
    residual_score = models.PositiveSmallIntegerField(_("剩余分值"), default=9, editable=False)
    residual_level = models.CharField(_("剩余等级"), max_length=10, choices=LevelChoices, default="medium",
                                      editable=False)
    treatment = models.CharField(_("应对策略"), max_length=10, choices=TreatmentChoices,
                                 default=TreatmentChoices.REDUCE)
    status = models.CharField(_("状态"), max_length=10, choices=RiskStatusChoices, default=RiskStatusChoices.OPEN)
    is_published_to_stores = models.BooleanField(_("发布给门店"), default=False,
                                                 help_text=_("公司级风险对所有门店可见"))
    last_reviewed_on = models.DateField(_("上次复核"), null=True, blank=True)
    next_review_on = models.DateField(_("下次复核"), null=True, blank=True, editable=False)
    created_on = models.DateField(_("登记日期"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(RiskScopedQuerySet)()

    class Meta:
        verbose_name = _("风险")
        verbose_name_plural = pgettext_lazy("plural", "风险")
        ordering = ["-residual_score", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="risk_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        # The residual position, its level and the next review date are derived state: kept in step on every save.
        self.recompute()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("risks:risk_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user))

    def clean(self) -> None:
        if self.store_id and self.region_id and self.store.region_id != self.region_id:
            raise ValidationError({"region": _("门店不属于所选区域。")})
        if self.store_id:
            self.region_id = self.store.region_id
        if self.category_id and self.company_id and self.category.company_id != self.company_id:
            raise ValidationError({"category": _("类别不属于本公司。")})

    @property
    def inherent_score(self) -> int:
        return scoring.score(self.likelihood, self.impact)

    @property
    def inherent_level(self) -> str:
        return scoring.level(self.inherent_score, self.settings().bands)

    @property
    def is_above_appetite(self) -> bool:
        return self.status == RiskStatusChoices.OPEN and self.residual_score > self.category.appetite

    @property
    def scope_label(self) -> str:
        return str(self.store or self.region or _("全公司"))

    def settings(self) -> RiskSettings:
        cached = getattr(self, "_risk_settings", None)
        if cached is None:
            cached = RiskSettings.objects.filter(company_id=self.company_id).first() or RiskSettings(
                company_id=self.company_id)
            self._risk_settings = cached
        return cached

    def recompute(self, today: date | None = None) -> None:
        """Residual position from the controls, its level, and the next review date from the level's cadence."""
        controls = [scoring.Control(c.kind, c.effectiveness) for c in self.controls.all()] if self.pk else []
        result = scoring.residual(self.likelihood, self.impact, controls)
        settings_ = self.settings()
        self.residual_likelihood, self.residual_impact = result.likelihood, result.impact
        self.residual_score = result.score
        self.residual_level = scoring.level(result.score, settings_.bands)
        start = self.last_reviewed_on or today or self.created_on or date.today()
        self.next_review_on = start + timedelta(days=settings_.review_days(self.residual_level))

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


class _RiskChild(models.Model):
    """Rows that belong to a risk: scoped through it."""

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(RiskChildQuerySet)()

    class Meta:
        abstract = True

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(scope_condition(user, "risk__"))

    def get_additional_data(self) -> dict:
        return self.risk.get_additional_data()


class RiskControl(_RiskChild):
    """A control on a risk: preventive ones lower the likelihood, mitigating ones the impact, by effectiveness."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls", verbose_name=_("风险"))
    description = models.CharField(_("控制措施"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=ControlKindChoices,
                            default=ControlKindChoices.PREVENTIVE)
    effectiveness = models.CharField(_("有效性"), max_length=10, choices=EffectivenessChoices,
                                     default=EffectivenessChoices.PARTIAL)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))

    class Meta:
        verbose_name = _("控制措施")
        verbose_name_plural = pgettext_lazy("plural", "控制措施")
        ordering = ["risk", "pk"]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.risk.save()  # its residual position follows its controls

    def get_absolute_url(self) -> str:
        return reverse("risks:riskcontrol_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        risk = self.risk
        result = super().delete(*args, **kwargs)
        risk.save()
        return result


class RiskAction(_RiskChild):
    """A response action (owner, due date, status); open ones past due reach the owner's inbox."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions", verbose_name=_("风险"))
    title = models.CharField(_("应对行动"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=ActionStatusChoices,
                              default=ActionStatusChoices.OPEN)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("应对行动")
        verbose_name_plural = pgettext_lazy("plural", "应对行动")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("risks:riskaction_detail", args=[self.pk])


class RiskReview(_RiskChild):
    """A review of a risk: the position it had then (inherent and residual), who reviewed it and what they said."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("风险"))
    reviewed_on = models.DateField(_("复核日期"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("复核人"))
    likelihood = models.PositiveSmallIntegerField(_("可能性"))
    impact = models.PositiveSmallIntegerField(_("影响"))
    residual_score = models.PositiveSmallIntegerField(_("剩余分值"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("风险复核")
        verbose_name_plural = pgettext_lazy("plural", "风险复核")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk.code} {self.reviewed_on}"

    def get_absolute_url(self) -> str:
        return self.risk.get_absolute_url()


class KeyRiskIndicator(models.Model):
    """A KPI watched for a risk: amber and red thresholds over a trailing window of days, measured nightly; a
    breach proposes a higher likelihood for the risk and reaches the risk owner's inbox."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="key_risk_indicators",
                                verbose_name=_("公司"))
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators",
                             verbose_name=_("关联风险"))
    name = models.CharField(_("名称"), max_length=100)
    kpi_code = models.CharField(_("指标"), max_length=64, choices=kpi_choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))
    amber = models.FloatField(_("预警阈值"))
    red = models.FloatField(_("超限阈值"))
    window_days = models.PositiveSmallIntegerField(_("统计窗口（天）"), default=28,
                                                   validators=[MinValueValidator(1), MaxValueValidator(366)])
    is_active = models.BooleanField(_("启用"), default=True)
    status = models.CharField(_("状态"), max_length=10, choices=KriStatusChoices, default=KriStatusChoices.UNKNOWN,
                              editable=False)
    last_value = models.FloatField(_("最新值"), null=True, blank=True, editable=False)
    last_measured_on = models.DateField(_("最近测量"), null=True, blank=True, editable=False)
    breached_since = models.DateField(_("超限起始"), null=True, blank=True, editable=False)
    proposed_likelihood = models.PositiveSmallIntegerField(_("建议可能性"), null=True, blank=True, editable=False)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(RiskScopedQuerySet)()

    class Meta:
        verbose_name = _("关键风险指标")
        verbose_name_plural = pgettext_lazy("plural", "关键风险指标")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:keyriskindicator_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        if not user.company_id:
            return queryset.none()
        company = Q(company_id=user.company_id)
        if user.has_company_scope:
            return queryset.filter(company)
        return queryset.filter(company & (
            Q(store_id__in=visible_store_ids(user))
            | Q(store__isnull=True, region_id__in=visible_stores(user).values("region_id"))))

    def clean(self) -> None:
        from opsdesk.core.extensions import kpis

        definition = kpis().get(self.kpi_code)
        if definition is None:
            raise ValidationError({"kpi_code": _("未知的指标代码“%(code)s”。") % {"code": self.kpi_code}})
        try:
            scoring.kri_status(None, self.amber, self.red, definition.direction)
        except ValueError:
            raise ValidationError({"red": _("超限阈值须比预警阈值更差（该指标%(direction)s为好）。") % {
                "direction": _("越高") if definition.direction == "higher" else _("越低")}}) from None
        if self.store_id:
            self.region_id = self.store.region_id

    @property
    def scope_label(self) -> str:
        return str(self.store or self.region or _("全公司"))

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.region_id, "store_id": self.store_id}


class KriMeasurement(models.Model):
    """One nightly measurement of a KRI (the history behind "red for 3 weeks")."""

    indicator = models.ForeignKey(KeyRiskIndicator, on_delete=models.CASCADE, related_name="measurements",
                                  verbose_name=_("关键风险指标"))
    measured_on = models.DateField(_("测量日期"))
    value = models.FloatField(_("值"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=KriStatusChoices)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("指标测量")
        verbose_name_plural = pgettext_lazy("plural", "指标测量")
        ordering = ["-measured_on"]
        constraints = [models.UniqueConstraint(fields=["indicator", "measured_on"], name="kri_measurement_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.measured_on}"

    def get_absolute_url(self) -> str:
        return reverse("risks:krimeasurement_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(indicator__in=KeyRiskIndicator.objects.for_user(user))


class Incident(models.Model):
    """Something that happened in a store (an injury, a food-safety case, a theft, an outage...): reported at once,
    investigated to a root cause, linked to the risk it realised, closed with its corrective actions; a serious one
    notifies the chain above the store immediately."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("门店"))
    number = models.CharField(_("编号"), max_length=32, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=IncidentKindChoices)
    severity = models.CharField(_("严重程度"), max_length=10, choices=IncidentSeverityChoices,
                                default=IncidentSeverityChoices.MODERATE)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("经过"), blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    reported_at = models.DateTimeField(_("上报时间"), auto_now_add=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("上报人"), editable=False)
    immediate_actions = models.TextField(_("现场处置"), blank=True)
    investigation = models.TextField(_("调查"), blank=True)
    root_cause = models.TextField(_("根本原因"), blank=True)
    risk = models.ForeignKey(Risk, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents",
                             verbose_name=_("关联风险"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("负责人"))
    status = models.CharField(_("状态"), max_length=15, choices=IncidentStatusChoices,
                              default=IncidentStatusChoices.REPORTED)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(_("通报时间"), null=True, blank=True, editable=False)
    notified_to = models.CharField(_("已通报"), max_length=500, blank=True, editable=False)
    photo = models.ImageField(_("照片"), upload_to="incidents/%Y/%m/", blank=True)
    corrective_actions = models.ManyToManyField("storeops.CorrectiveAction", blank=True, related_name="incidents",
                                                verbose_name=_("整改任务"))

    permission_area = INCIDENT_AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = pgettext_lazy("plural", "事件")
        ordering = ["-occurred_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="incident_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("risks:incident_detail", args=[self.pk])

    def clean(self) -> None:
        occurred = self.occurred_at
        if isinstance(occurred, datetime) and timezone.is_naive(occurred):  # the API may send local time
            occurred = timezone.make_aware(occurred)
        # A few minutes of grace: a phone's clock may run ahead of the server's.
        if occurred and occurred > timezone.now() + timedelta(minutes=FUTURE_GRACE_MINUTES):
            raise ValidationError({"occurred_at": _("发生时间不能晚于现在。")})

    @property
    def is_serious(self) -> bool:
        from opsdesk.risks.choices import SERIOUS_SEVERITIES

        return self.severity in SERIOUS_SEVERITIES

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.store.region_id, "store_id": self.store_id}


class EmergencyPlanQuerySet(ScopedQuerySet):
    """Only a user with the whole company changes the company's plan templates; stores change their copies."""

    def for_user(self, user, action: str = "view") -> ScopedQuerySet:
        queryset = super().for_user(user, action)
        if action == "view" or getattr(user, "has_company_scope", False):
            return queryset
        return queryset.filter(store__isnull=False)


class EmergencyPlan(models.Model):
    """An emergency plan for a scenario (fire, outage, recall...): roles, steps and contacts. A company plan (no
    store) is the template; a store's copy carries the store's own contacts and roles. Its drill checklist is
    built from the steps and run by the store-operations inspection runner."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="emergency_plans",
                                verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="emergency_plans",
                              verbose_name=_("门店"), help_text=_("留空为公司模板"))
    source = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
                               verbose_name=_("来源模板"), editable=False)
    scenario = models.CharField(_("场景"), max_length=20, choices=ScenarioChoices)
    title = models.CharField(_("名称"), max_length=200)
    roles = models.TextField(_("职责分工"), blank=True, help_text=_("每行一个：角色：职责"))
    steps = models.TextField(_("处置步骤"), help_text=_("每行一步；演练检查表由此生成"))
    contacts = models.TextField(_("联系人"), blank=True, help_text=_("每行一个：姓名 电话"))
    drill_every_days = models.PositiveSmallIntegerField(_("演练周期（天）"), default=180)
    checklist = models.ForeignKey("storeops.ChecklistTemplate", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("演练检查表"), editable=False)

    permission_area = INCIDENT_AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(EmergencyPlanQuerySet)()

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = pgettext_lazy("plural", "应急预案")
        ordering = ["scenario", "store__code"]

    def __str__(self) -> str:
        return f"{self.title}{f' · {self.store.code}' if self.store_id else ''}"

    def get_absolute_url(self) -> str:
        return reverse("risks:emergencyplan_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """Company plans for everyone in the company (they are the templates stores follow); store copies by
        store scope."""
        if not user.company_id:
            return queryset.none()
        return queryset.filter(Q(company_id=user.company_id) & (
            Q(store__isnull=True) | Q(store_id__in=visible_store_ids(user))))

    def step_lines(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "store_id": self.store_id,
                "region_id": self.store.region_id if self.store_id else None}


class Drill(models.Model):
    """A store's drill of an emergency plan: scheduled, run as the plan's checklist (an inspection run, with its
    timing, findings and corrective actions), done when that run is completed."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="drills", verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="drills", verbose_name=_("门店"))
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.PROTECT, related_name="drills",
                             verbose_name=_("应急预案"))
    scheduled_for = models.DateField(_("计划日期"))
    status = models.CharField(_("状态"), max_length=15, choices=DrillStatusChoices,
                              default=DrillStatusChoices.SCHEDULED, editable=False)
    run = models.OneToOneField("storeops.InspectionRun", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="drill", verbose_name=_("演练检查"), editable=False)
    participants = models.PositiveSmallIntegerField(_("参与人数"), null=True, blank=True)
    findings = models.TextField(_("发现的问题"), blank=True)

    permission_area = INCIDENT_AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = pgettext_lazy("plural", "应急演练")
        ordering = ["-scheduled_for", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.title} · {self.store.code} · {self.scheduled_for}"

    def get_absolute_url(self) -> str:
        return reverse("risks:drill_detail", args=[self.pk])

    def clean(self) -> None:
        if self.plan_id and self.store_id and self.plan.store_id not in (None, self.store_id):
            raise ValidationError({"plan": _("该预案是另一家门店的副本。")})

    @property
    def duration_minutes(self) -> int | None:
        """Minutes from the start of the drill's checklist to its completion."""
        run = self.run
        if run is None or run.started_at is None or run.completed_at is None:
            return None
        return round((run.completed_at - run.started_at).total_seconds() / 60)

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "region_id": self.store.region_id, "store_id": self.store_id}
