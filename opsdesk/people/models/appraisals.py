"""Appraisals: cycles, templates (weighted KPIs and competencies), appraisals with their measured KPI results and
competency ratings, and anonymous 360 peer reviews.

Who reaches an appraisal (`appraisal_scope`): company-wide users the company's; store-, region- and supervisor
users the appraisals of employees of their stores (head office: only company-wide users); everyone their own
appraisal and the appraisals they manage; staff only their own. A peer answer keeps no link to its author, no
time (only the cycle's date bucket) and a random key, and is never under the audit trail.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager, visible_store_ids

__all__ = [
    "Appraisal",
    "AppraisalCycle",
    "AppraisalKpiResult",
    "AppraisalTemplate",
    "CompetencyRating",
    "PeerReviewAnswer",
    "PeerReviewRequest",
    "TemplateCompetency",
    "TemplateKpi",
]

#: Permission areas: appraisals (read; self-review and sign-off of one's own), reviewing others' appraisals,
#: calibration, and the set-up (cycles and templates).
AREA = "people_appraisals"
REVIEW_AREA = "people_appraisal_review"
CALIBRATION_AREA = "people_appraisal_calibration"
SETUP_AREA = "people_appraisal_setup"

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
PERCENT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class CycleKindChoices(models.TextChoices):
    QUARTERLY = "quarterly", _("季度")
    YEARLY = "yearly", _("年度")


class CycleStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CALIBRATION = "calibration", _("校准中")
    CLOSED = "closed", _("已结束")


class AppraisalStatusChoices(models.TextChoices):
    SELF_REVIEW = "self_review", _("待自评")
    MANAGER_REVIEW = "manager_review", _("待上级评价")
    CALIBRATION = "calibration", _("待校准")
    SIGN_OFF = "sign_off", _("待签字确认")
    DONE = "done", _("已完成")


class ScoringRuleChoices(models.TextChoices):
    LINEAR = "linear", _("线性（门槛 0 分，目标 80 分，挑战 100 分）")
    STEP = "step", _("阶梯（门槛 60 分，目标 80 分，挑战 100 分）")


class PeerRequestStatusChoices(models.TextChoices):
    REQUESTED = "requested", _("待评价")
    ANSWERED = "answered", _("已评价")
    CLOSED = "closed", _("已结束（未评价）")


def employee_context(employee) -> dict:
    """The audit trail's scope keys of an employee's record."""
    context = {"company_id": employee.company_id, "store_id": employee.store_id}
    if employee.store_id:
        context["region_id"] = employee.store.region_id
    return context


def appraisal_condition(user, prefix: str = "") -> Q:
    """Which appraisals (`prefix` leads from the model to the appraisal) a user reaches, role aside."""
    own = Q(**{f"{prefix}employee__user": user})
    if user.role == RoleChoices.STAFF:
        return own
    condition = own | Q(**{f"{prefix}manager": user})
    condition |= Q(**{f"{prefix}employee__store_id__in": visible_store_ids(user)})
    if user.has_company_scope and user.company_id:
        condition |= Q(**{f"{prefix}employee__store__isnull": True, f"{prefix}employee__company_id": user.company_id})
    return condition


class AppraisalCycle(models.Model):
    """An appraisal round of a company over a period (a quarter, a year)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="appraisal_cycles",
                                verbose_name=_("公司"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CycleKindChoices, default=CycleKindChoices.QUARTERLY)
    period_start = models.DateField(_("考核期开始"))
    period_end = models.DateField(_("考核期结束"))
    self_review_due = models.DateField(_("自评截止"))
    manager_review_due = models.DateField(_("上级评价截止"))
    status = models.CharField(_("状态"), max_length=20, choices=CycleStatusChoices, default=CycleStatusChoices.DRAFT)
    peers_enabled = models.BooleanField(_("启用 360 同事评价"), default=False)

    permission_area = SETUP_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = pgettext_lazy("plural", "考核周期")
        ordering = ["-period_end", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="appraisalcycle_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:appraisalcycle_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _gettext("考核期结束不能早于开始。")
        if self.self_review_due and self.manager_review_due and self.manager_review_due < self.self_review_due:
            errors["manager_review_due"] = _gettext("上级评价截止不能早于自评截止。")
        if errors:
            raise ValidationError(errors)

    @property
    def period_label(self) -> str:
        """"2026Q3" for a calendar quarter, "2026" for a calendar year, else "2026-07-01–2026-09-30"."""
        start, end = self.period_start, self.period_end
        if start.day == 1 and start.month % 3 == 1 and end.year == start.year and end.month == start.month + 2 \
                and self.kind == CycleKindChoices.QUARTERLY:
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return str(start.year)
        return f"{start.isoformat()}–{end.isoformat()}"


class AppraisalTemplate(models.Model):
    """What an appraisal weighs: KPIs (kpi_share %) and competencies (the rest), for a position or by default."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="appraisal_templates",
                                verbose_name=_("公司"))
    name = models.CharField(_("名称"), max_length=100)
    position = models.ForeignKey("people.Position", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="appraisal_templates", verbose_name=_("职位"),
                                 help_text=_("留空即为默认模板（未设模板的职位使用）"))
    kpi_share = models.PositiveSmallIntegerField(_("KPI 占比（%）"), default=60, validators=PERCENT_VALIDATORS,
                                                 help_text=_("其余为能力素质占比"))

    permission_area = SETUP_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("考核模板")
        verbose_name_plural = pgettext_lazy("plural", "考核模板")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="appraisaltemplate_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:appraisaltemplate_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    def clean(self) -> None:
        if self.position_id and self.company_id and self.position.company_id != self.company_id:
            raise ValidationError({"position": _gettext("所选对象不存在或不在你的权限范围内。")})

    def weight_problems(self) -> list[str]:
        """Why the template cannot be used yet: weights that do not add up to 100 (empty when it can)."""
        problems = []
        parts = ((self.kpis, self.kpi_share, _gettext("KPI")), (self.competencies, 100 - self.kpi_share,
                                                                 _gettext("能力素质")))
        for lines, share, label in parts:
            total = lines.aggregate(total=Sum("weight"))["total"] or 0
            if share and total != 100:
                problems.append(_gettext("模板“%(name)s”的%(part)s权重合计为 %(total)s，应为 100。") % {
                    "name": self.name, "part": label, "total": total})
        return problems


class _TemplateLine(models.Model):
    """Shared by the KPI and competency lines of a template: a weight whose lines add up to at most 100."""

    weight = models.PositiveSmallIntegerField(_("权重（%）"), validators=[MinValueValidator(1), MaxValueValidator(100)])

    permission_area = SETUP_AREA
    scope_kind = "company"
    scope_field = "template__company_id"
    objects = ScopedManager()

    class Meta:
        abstract = True

    def get_additional_data(self) -> dict:
        return {"company_id": self.template.company_id}

    def _check_weight_sum(self, label: str) -> None:
        if not self.template_id or not self.weight:
            return
        others = type(self).objects.filter(template_id=self.template_id).exclude(pk=self.pk)
        total = others.aggregate(total=Sum("weight"))["total"] or 0
        if total + self.weight > 100:
            raise ValidationError({"weight": _gettext(
                "%(part)s权重合计不能超过 100：已有 %(total)s，加上本项 %(weight)s 为 %(sum)s。") % {
                "part": label, "total": total, "weight": self.weight, "sum": total + self.weight}})


class TemplateKpi(_TemplateLine):
    """A KPI of a template: a registered KPI code, its weight and the values scoring 0, 80 and 100 points."""

    template = models.ForeignKey(AppraisalTemplate, on_delete=models.CASCADE, related_name="kpis",
                                 verbose_name=_("考核模板"))
    kpi_code = models.CharField(_("KPI"), max_length=64)
    threshold = models.DecimalField(_("门槛值（0 分）"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("目标值（80 分）"), max_digits=14, decimal_places=2)
    stretch = models.DecimalField(_("挑战值（100 分）"), max_digits=14, decimal_places=2)
    rule = models.CharField(_("计分规则"), max_length=20, choices=ScoringRuleChoices, default=ScoringRuleChoices.LINEAR)

    class Meta:
        verbose_name = _("模板 KPI")
        verbose_name_plural = pgettext_lazy("plural", "模板 KPI")
        ordering = ["template", "-weight", "pk"]
        constraints = [models.UniqueConstraint(fields=["template", "kpi_code"], name="templatekpi_unique_code")]

    def __str__(self) -> str:
        return f"{self.template} · {self.kpi_name} {self.weight}%"

    def get_absolute_url(self) -> str:
        return reverse("people:templatekpi_detail", args=[self.pk])

    @property
    def definition(self):
        from opsdesk.core.extensions import kpis

        return kpis().get(self.kpi_code)

    @property
    def kpi_name(self) -> str:
        definition = self.definition
        return definition.name() if definition else self.kpi_code

    @property
    def higher_is_better(self) -> bool:
        definition = self.definition
        return definition is None or definition.direction == "higher"

    def clean(self) -> None:
        if self.kpi_code and self.definition is None:
            raise ValidationError({"kpi_code": _gettext("未知的 KPI 代码“%(code)s”。") % {"code": self.kpi_code}})
        if None not in (self.threshold, self.target, self.stretch):
            ordered = (self.threshold < self.target <= self.stretch if self.higher_is_better
                       else self.threshold > self.target >= self.stretch)
            if not ordered:
                message = (_gettext("该 KPI 越高越好：门槛值 < 目标值 ≤ 挑战值。") if self.higher_is_better
                           else _gettext("该 KPI 越低越好：门槛值 > 目标值 ≥ 挑战值。"))
                raise ValidationError({"target": message})
        self._check_weight_sum(_gettext("KPI "))


class TemplateCompetency(_TemplateLine):
    """A competency of a template (服务意识, 团队管理...), rated 1-5, optionally tied to a catalogue skill."""

    template = models.ForeignKey(AppraisalTemplate, on_delete=models.CASCADE, related_name="competencies",
                                 verbose_name=_("考核模板"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    skill = models.ForeignKey("people.Skill", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("对应技能"))

    class Meta:
        verbose_name = _("模板能力项")
        verbose_name_plural = pgettext_lazy("plural", "模板能力项")
        ordering = ["template", "-weight", "pk"]

    def __str__(self) -> str:
        return f"{self.template} · {self.name} {self.weight}%"

    def get_absolute_url(self) -> str:
        return reverse("people:templatecompetency_detail", args=[self.pk])

    def clean(self) -> None:
        self._check_weight_sum(_gettext("能力素质"))


class Appraisal(models.Model):
    """One employee's appraisal in a cycle: measured KPIs, competency ratings, the rating and the sign-off."""

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="appraisals",
                              verbose_name=_("考核周期"))
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="appraisals",
                                 verbose_name=_("员工"))
    template = models.ForeignKey(AppraisalTemplate, on_delete=models.PROTECT, related_name="appraisals",
                                 verbose_name=_("考核模板"))
    manager = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="managed_appraisals", verbose_name=_("评价上级"))
    status = models.CharField(_("状态"), max_length=20, choices=AppraisalStatusChoices,
                              default=AppraisalStatusChoices.SELF_REVIEW)
    kpi_score = models.DecimalField(_("KPI 得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    competency_score = models.DecimalField(_("能力素质得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    overall_score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    proposed_rating = models.PositiveSmallIntegerField(_("建议评级"), null=True, blank=True,
                                                       validators=RATING_VALIDATORS)
    final_rating = models.PositiveSmallIntegerField(_("最终评级"), null=True, blank=True, validators=RATING_VALIDATORS)
    calibration_note = models.TextField(_("校准说明"), blank=True)
    self_comment = models.TextField(_("自评总结"), blank=True)
    manager_comment = models.TextField(_("上级评语"), blank=True)
    kpi_measured_at = models.DateTimeField(_("KPI 取数时间"), null=True, blank=True)
    employee_signed_at = models.DateTimeField(_("员工签字时间"), null=True, blank=True)
    manager_signed_at = models.DateTimeField(_("上级签字时间"), null=True, blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("绩效考核")
        verbose_name_plural = pgettext_lazy("plural", "绩效考核")
        ordering = ["-cycle__period_end", "employee__employee_no"]
        constraints = [models.UniqueConstraint(fields=["cycle", "employee"], name="appraisal_unique_employee")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.employee.name}"

    def get_absolute_url(self) -> str:
        return reverse("people:appraisal_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(appraisal_condition(user))

    def get_additional_data(self) -> dict:
        return employee_context(self.employee)

    @property
    def rating(self) -> int | None:
        """The final rating once calibrated, else the proposed one."""
        return self.final_rating if self.final_rating is not None else self.proposed_rating


class _AppraisalPart(models.Model):
    """A row that belongs to an appraisal and is reached like it."""

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse("people:appraisal_detail", args=[self.appraisal_id])

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(appraisal_condition(user, "appraisal__"))

    def get_additional_data(self) -> dict:
        return employee_context(self.appraisal.employee)


class AppraisalKpiResult(_AppraisalPart):
    """One KPI of an appraisal as measured from the product's data: value, score, scope, period and source."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="kpi_results",
                                  verbose_name=_("绩效考核"))
    kpi_code = models.CharField(_("KPI"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))
    threshold = models.DecimalField(_("门槛值"), max_digits=14, decimal_places=2)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2)
    stretch = models.DecimalField(_("挑战值"), max_digits=14, decimal_places=2)
    rule = models.CharField(_("计分规则"), max_length=20, choices=ScoringRuleChoices)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)
    value = models.FloatField(_("实测值"), null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    scope_label = models.CharField(_("取数范围"), max_length=200)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    source_text = models.CharField(_("来源"), max_length=300)
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    measured_at = models.DateTimeField(_("取数时间"))

    class Meta:
        verbose_name = _("KPI 结果")
        verbose_name_plural = pgettext_lazy("plural", "KPI 结果")
        ordering = ["appraisal", "-weight", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {'—' if self.value is None else round(self.value, 2)}"


class CompetencyRating(_AppraisalPart):
    """A competency of an appraisal: the employee's own rating and the manager's, 1-5, with comments."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="competency_ratings",
                                  verbose_name=_("绩效考核"))
    competency = models.ForeignKey(TemplateCompetency, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("模板能力项"))
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    weight = models.PositiveSmallIntegerField(_("权重（%）"))
    self_rating = models.PositiveSmallIntegerField(_("自评"), null=True, blank=True, validators=RATING_VALIDATORS)
    manager_rating = models.PositiveSmallIntegerField(_("上级评分"), null=True, blank=True,
                                                      validators=RATING_VALIDATORS)
    self_comment = models.TextField(_("自评说明"), blank=True)
    manager_comment = models.TextField(_("上级说明"), blank=True)

    class Meta:
        verbose_name = _("能力评分")
        verbose_name_plural = pgettext_lazy("plural", "能力评分")
        ordering = ["appraisal", "-weight", "pk"]

    def __str__(self) -> str:
        return self.name


class PeerReviewRequest(_AppraisalPart):
    """A colleague asked for an anonymous 360 review: who was asked and whether they answered (the date only).

    The employee appraised never reaches these rows; the answer itself lives in `PeerReviewAnswer`, unlinked.
    """

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="peer_requests",
                                  verbose_name=_("绩效考核"))
    reviewer = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="peer_review_requests",
                                 verbose_name=_("评价人"))
    status = models.CharField(_("状态"), max_length=20, choices=PeerRequestStatusChoices,
                              default=PeerRequestStatusChoices.REQUESTED)
    requested_on = models.DateField(_("邀请日期"))
    answered_on = models.DateField(_("评价日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("同事评价邀请")
        verbose_name_plural = pgettext_lazy("plural", "同事评价邀请")
        ordering = ["appraisal", "reviewer__username"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "reviewer"], name="peerrequest_unique_reviewer")]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.reviewer.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("people:peer_review_answer", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        """The reviewer's own requests; reviewers of others' appraisals the requests of those (never of their own
        appraisal)."""
        from opsdesk.core.permissions import user_can

        condition = Q(reviewer=user)
        if user_can(user, REVIEW_AREA, "view"):
            condition |= appraisal_condition(user, "appraisal__") & ~Q(appraisal__employee__user=user)
        return queryset.filter(condition)


class PeerReviewAnswer(_AppraisalPart):
    """An anonymous 360 answer: ratings per competency and a comment, with no author, no time and a random key.

    `period_bucket` is the cycle's last day (never the day of answering). Shown only aggregated, from three answers.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="peer_answers",
                                  verbose_name=_("绩效考核"))
    ratings = models.JSONField(_("评分"), default=dict, help_text=_("{能力评分 id: 1-5}"))
    comment = models.TextField(_("评语"), blank=True)
    period_bucket = models.DateField(_("所属周期"))

    class Meta:
        verbose_name = _("同事评价")
        verbose_name_plural = pgettext_lazy("plural", "同事评价")
        ordering = ["appraisal", "id"]

    def __str__(self) -> str:
        return _gettext("匿名同事评价")
