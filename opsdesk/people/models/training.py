"""Training: programmes (with their test questions), the trainings each position requires, sessions, enrolments
(attendance, test, feedback), enrolment proposals and the quarterly training plan per scope.

Two permission areas: "training_catalog" (programmes, questions, required trainings: company master data) and
"training" (sessions, enrolments, proposals, plans: scoped to stores). Staff reach their own enrolments only
through the self-service pages (my trainings, QR check-in), never through the "training" area.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids

__all__ = [
    "Enrolment",
    "PositionTraining",
    "TrainingPlan",
    "TrainingProgramme",
    "TrainingProposal",
    "TrainingQuestion",
    "TrainingSession",
]

AREA = "training"
CATALOG_AREA = "training_catalog"


class TrainingTopicChoices(models.TextChoices):
    SKILLS = "skills", _("专业技能")
    SERVICE_ATTITUDE = "service_attitude", _("服务态度")
    SAFETY = "safety", _("安全")
    PRODUCT_KNOWLEDGE = "product_knowledge", _("商品知识")
    MANAGEMENT = "management", _("管理能力")
    COMPLIANCE = "compliance", _("合规")


class TrainerKindChoices(models.TextChoices):
    INTERNAL = "internal", _("内部讲师")
    EXTERNAL = "external", _("外部讲师")


class SessionStatusChoices(models.TextChoices):
    PLANNED = "planned", _("计划中")
    CONFIRMED = "confirmed", _("已确认")
    HELD = "held", _("已举办")
    CANCELLED = "cancelled", _("已取消")


class EnrolmentStatusChoices(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    ATTENDED = "attended", _("已出席")
    ABSENT = "absent", _("缺席")
    CANCELLED = "cancelled", _("已取消")


class TrainingSourceChoices(models.TextChoices):
    MANUAL = "manual", _("手工")
    INSPECTION = "inspection", _("巡检建议")
    HIRE = "hire", _("新员工入职")
    PLAN = "plan", _("发展计划")


class CheckinMethodChoices(models.TextChoices):
    QR = "qr", _("扫码签到")
    LIST = "list", _("讲师点名")


class ProposalStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已报名")
    DISMISSED = "dismissed", _("已忽略")


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _session_scope(prefix: str, user) -> Q:
    """Sessions of the user's stores; head-office sessions (no store) for company-wide users and their trainer."""
    condition = Q(**{f"{prefix}store_id__in": visible_store_ids(user)})
    if user.company_id:
        head_office = Q(**{f"{prefix}store__isnull": True, f"{prefix}company_id": user.company_id})
        condition |= head_office & (Q() if user.has_company_scope else Q(**{f"{prefix}trainer_id": user.pk}))
    return condition


class TrainingProgramme(models.Model):
    """A training course the company runs (服务态度, 消防安全, 团队管理...), with its cost and optional test."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    topic = models.CharField(_("主题"), max_length=20, choices=TrainingTopicChoices)
    description = models.TextField(_("说明"), blank=True)
    skills = models.ManyToManyField("people.Skill", blank=True, related_name="programmes",
                                    verbose_name=_("培养技能"))
    duration_hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1,
                                         validators=[MinValueValidator(0)])
    trainer_kind = models.CharField(_("讲师类型"), max_length=20, choices=TrainerKindChoices,
                                    default=TrainerKindChoices.INTERNAL)
    cost_per_session = models.DecimalField(_("每场费用"), max_digits=12, decimal_places=2, default=0,
                                           validators=[MinValueValidator(0)])
    cost_per_trainee = models.DecimalField(_("每人费用"), max_digits=12, decimal_places=2, default=0,
                                           validators=[MinValueValidator(0)])
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("0-100；留空表示不考试"))
    inspection_topics = models.CharField(
        _("对应巡检主题"), max_length=200, blank=True,
        help_text=_("逗号分隔的巡检项主题（如 service, grooming）或检查项编码；巡检培训建议据此生成报名建议"))
    is_active = models.BooleanField(_("启用"), default=True)

    permission_area = CATALOG_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = pgettext_lazy("plural", "培训课程")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="training_programme_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:trainingprogramme_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}

    @property
    def inspection_keys(self) -> set[str]:
        """The inspection item topics and item codes this programme answers (see `inspection_topics`)."""
        return {part.strip().lower() for part in self.inspection_topics.replace("，", ",").split(",") if part.strip()}


class TrainingQuestion(models.Model):
    """One multiple-choice question of a programme's short test."""

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="questions",
                                  verbose_name=_("培训课程"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    text = models.CharField(_("题目"), max_length=300)
    choices = models.TextField(_("选项"), help_text=_("每行一个选项"))
    correct_choice = models.PositiveSmallIntegerField(_("正确选项"), validators=[MinValueValidator(1)],
                                                      help_text=_("正确选项的序号，从 1 开始"))

    permission_area = CATALOG_AREA
    scope_kind = "company"
    scope_field = "programme__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("考题")
        verbose_name_plural = pgettext_lazy("plural", "考题")
        ordering = ["programme", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("people:trainingquestion_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.programme.company_id}

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.correct_choice and self.correct_choice > len(self.choice_list):
            raise ValidationError({"correct_choice": _("正确选项的序号超出了选项数量。")})


class PositionTraining(models.Model):
    """A training a position requires (new hires are proposed it; readiness counts it)."""

    position = models.ForeignKey("people.Position", on_delete=models.CASCADE, related_name="required_trainings",
                                 verbose_name=_("职位"))
    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="positions",
                                  verbose_name=_("培训课程"))

    permission_area = CATALOG_AREA
    scope_kind = "company"
    scope_field = "position__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("职位必修培训")
        verbose_name_plural = pgettext_lazy("plural", "职位必修培训")
        ordering = ["position", "programme"]
        constraints = [models.UniqueConstraint(fields=["position", "programme"], name="position_training_unique")]

    def __str__(self) -> str:
        return f"{self.position.name} · {self.programme.name}"

    def get_absolute_url(self) -> str:
        return reverse("people:positiontraining_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.position.company_id}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.position_id and self.programme_id and self.position.company_id != self.programme.company_id:
            raise ValidationError({"programme": _("培训课程与职位不属于同一公司。")})


class TrainingSession(models.Model):
    """One run of a programme at a store (or at head office / off-site when the store is empty)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    programme = models.ForeignKey(TrainingProgramme, on_delete=models.PROTECT, related_name="sessions",
                                  verbose_name=_("培训课程"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"), help_text=_("留空表示总部或外部场地"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("讲师"))
    trainer_name = models.CharField(_("外部讲师姓名"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), default=20, validators=[MinValueValidator(1)])
    status = models.CharField(_("状态"), max_length=20, choices=SessionStatusChoices,
                              default=SessionStatusChoices.PLANNED)
    checkin_token = models.CharField(_("签到令牌"), max_length=64, unique=True, default=_new_token, editable=False)
    actual_cost = models.DecimalField(_("实际费用"), max_digits=12, decimal_places=2, null=True, blank=True,
                                      validators=[MinValueValidator(0)],
                                      help_text=_("留空时按课程的每场费用加每人费用 × 出席人数计算"))
    note = models.TextField(_("备注"), blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = pgettext_lazy("plural", "培训场次")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.programme.name} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("people:trainingsession_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(_session_scope("", user))

    def get_additional_data(self) -> dict:
        context = {"company_id": self.company_id, "store_id": self.store_id}
        if self.store_id:
            context["region_id"] = self.store.region_id
        return context

    @property
    def trainer_display(self) -> str:
        return self.trainer.display_name if self.trainer_id else self.trainer_name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        # A time typed without a zone is the company's local time (the form's and the API's plain "2026-12-10T10:00").
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and timezone.is_naive(value):
                setattr(self, name, timezone.make_aware(value))
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("结束时间必须晚于开始时间。")
        if self.store_id and self.company_id and self.store.company_id != self.company_id:
            errors["store"] = _("门店不属于该公司。")
        if self.programme_id and self.company_id and self.programme.company_id != self.company_id:
            errors["programme"] = _("培训课程不属于该公司。")
        if errors:
            raise ValidationError(errors)


class Enrolment(models.Model):
    """An employee's place in a session: attendance, test result and feedback."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="enrolments",
                                verbose_name=_("培训场次"))
    employee = models.ForeignKey("people.Employee", on_delete=models.PROTECT, related_name="enrolments",
                                 verbose_name=_("员工"))
    status = models.CharField(_("状态"), max_length=20, choices=EnrolmentStatusChoices,
                              default=EnrolmentStatusChoices.ENROLLED)
    source = models.CharField(_("来源"), max_length=20, choices=TrainingSourceChoices,
                              default=TrainingSourceChoices.MANUAL)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checkin_method = models.CharField(_("签到方式"), max_length=10, choices=CheckinMethodChoices, blank=True)
    test_score = models.PositiveSmallIntegerField(_("测试得分"), null=True, blank=True,
                                                  validators=[MaxValueValidator(100)])
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    feedback_rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True,
                                                       validators=[MinValueValidator(1), MaxValueValidator(5)])
    feedback_text = models.TextField(_("反馈"), blank=True)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = pgettext_lazy("plural", "培训报名")
        ordering = ["session", "employee"]
        constraints = [models.UniqueConstraint(fields=["session", "employee"], name="enrolment_unique_employee")]

    def __str__(self) -> str:
        return f"{self.employee.name} · {self.session.programme.name}"

    def get_absolute_url(self) -> str:
        return reverse("people:enrolment_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(_session_scope("session__", user))

    def get_additional_data(self) -> dict:
        return self.session.get_additional_data()


class TrainingProposal(models.Model):
    """A suggestion to enrol an employee in a programme (from an inspection, a hire or a development plan)."""

    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="training_proposals",
                                 verbose_name=_("员工"))
    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="proposals",
                                  verbose_name=_("培训课程"))
    reason = models.CharField(_("原因"), max_length=300)
    source = models.CharField(_("来源"), max_length=20, choices=TrainingSourceChoices,
                              default=TrainingSourceChoices.MANUAL)
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=ProposalStatusChoices,
                              default=ProposalStatusChoices.OPEN)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("报名"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训建议报名")
        verbose_name_plural = pgettext_lazy("plural", "培训建议报名")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.employee.name} · {self.programme.name}"

    def get_absolute_url(self) -> str:
        return reverse("people:trainingproposal_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        condition = Q(employee__store_id__in=visible_store_ids(user))
        if user.has_company_scope and user.company_id:
            condition |= Q(employee__store__isnull=True, employee__company_id=user.company_id)
        return queryset.filter(condition)

    def get_additional_data(self) -> dict:
        return self.employee.get_additional_data()


class TrainingPlan(models.Model):
    """How many sessions a scope (the company, a region or a store) plans in a quarter, and its budget."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    planned_sessions = models.PositiveIntegerField(_("计划场次"), default=0)
    budget = models.DecimalField(_("预算"), max_digits=12, decimal_places=2, default=0,
                                 validators=[MinValueValidator(0)])
    note = models.TextField(_("备注"), blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("培训计划")
        verbose_name_plural = pgettext_lazy("plural", "培训计划")
        ordering = ["-year", "quarter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["store", "year", "quarter"], condition=Q(store__isnull=False),
                                    name="training_plan_unique_store"),
            models.UniqueConstraint(fields=["region", "year", "quarter"],
                                    condition=Q(store__isnull=True, region__isnull=False),
                                    name="training_plan_unique_region"),
            models.UniqueConstraint(fields=["company", "year", "quarter"],
                                    condition=Q(store__isnull=True, region__isnull=True),
                                    name="training_plan_unique_company"),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} · {self.scope_label}"

    def get_absolute_url(self) -> str:
        return reverse("people:trainingplan_detail", args=[self.pk])

    @property
    def scope_label(self) -> str:
        if self.store_id:
            return self.store.name
        if self.region_id:
            return self.region.name
        return str(_("全公司"))

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """Store plans by store scope; a region's plan for users assigned the region; the company's for
        company-wide users."""
        condition = Q(store_id__in=visible_store_ids(user))
        if user.company_id:
            condition |= Q(store__isnull=True, region_id__in=user.scope_regions.values("pk"),
                           company_id=user.company_id)
            if user.has_company_scope:
                condition |= Q(store__isnull=True, company_id=user.company_id)
        return queryset.filter(condition)

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "store_id": self.store_id,
                "region_id": self.region_id or (self.store.region_id if self.store_id else None)}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.store_id:
            if self.company_id and self.store.company_id != self.company_id:
                raise ValidationError({"store": _("门店不属于该公司。")})
            self.region_id = self.store.region_id
        elif self.region_id and self.company_id and self.region.company_id != self.company_id:
            raise ValidationError({"region": _("区域不属于该公司。")})
