"""Recruitment: requisitions approved by the next level, candidates, their applications moving through the pipeline,
interviews with feedback, offers, and the onboarding checklist of a hire.

Scope: a requisition by its store's scope (head-office ones, store empty, for company-wide users only); applications,
interviews and onboarding checklists follow their requisition; a candidate is seen by company-wide users, by whoever
sees one of the requisitions the candidate applied to, and by the person who entered them.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids

__all__ = ["Application", "Candidate", "Interview", "OnboardingChecklist", "OnboardingTask", "Requisition"]

AREA = "recruitment"


class RequisitionStatusChoices(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    FILLED = "filled", _("已招满")
    CANCELLED = "cancelled", _("已取消")


class RequisitionReasonChoices(models.TextChoices):
    NEW_STORE = "new_store", _("新店开业")
    REPLACEMENT = "replacement", _("离职补缺")
    GROWTH = "growth", _("业务增长")


class CandidateSourceChoices(models.TextChoices):
    REFERRAL = "referral", _("内部推荐")
    JOB_BOARD = "job_board", _("招聘网站")
    WALK_IN = "walk_in", _("上门应聘")
    AGENCY = "agency", _("中介")
    INTERNAL = "internal", _("内部调岗")


class StageChoices(models.TextChoices):
    APPLIED = "applied", _("已投递")
    SCREENED = "screened", _("已筛选")
    INTERVIEW = "interview", _("面试中")
    OFFER = "offer", _("已发录用")
    HIRED = "hired", _("已入职")
    REJECTED = "rejected", _("未录用")


class RecommendationChoices(models.TextChoices):
    HIRE = "hire", _("建议录用")
    NO = "no", _("不建议")
    MAYBE = "maybe", _("待定")


def _requisition_condition(user, prefix: str = "") -> Q:
    """Rows whose requisition the user sees: its store in scope, or head office for a company-wide user."""
    condition = Q(**{f"{prefix}store_id__in": visible_store_ids(user)})
    if user.has_company_scope and user.company_id:
        condition |= Q(**{f"{prefix}store__isnull": True, f"{prefix}company_id": user.company_id})
    return condition


def _requisition_context(requisition: Requisition) -> dict:
    context = {"company_id": requisition.company_id, "store_id": requisition.store_id}
    if requisition.store_id:
        context["region_id"] = requisition.store.region_id
    return context


class Requisition(models.Model):
    """A request to hire `headcount` people for a position at a store (or head office), approved by the next level."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"), help_text=_("留空表示总部"))
    department = models.ForeignKey("people.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("部门"))
    position = models.ForeignKey("people.Position", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("职位"))
    headcount = models.PositiveSmallIntegerField(_("招聘人数"), default=1,
                                                 validators=[MinValueValidator(1), MaxValueValidator(200)])
    reason = models.CharField(_("招聘原因"), max_length=20, choices=RequisitionReasonChoices,
                              default=RequisitionReasonChoices.REPLACEMENT)
    description = models.TextField(_("岗位说明"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("申请人"))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("审批人"))
    status = models.CharField(_("状态"), max_length=20, choices=RequisitionStatusChoices,
                              default=RequisitionStatusChoices.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    # The day it became open (approved) and the day it stopped being open (filled or cancelled after approval):
    # "open positions at a date" reads these, not today's status.
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    target_start = models.DateField(_("期望到岗日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("招聘需求")
        verbose_name_plural = pgettext_lazy("plural", "招聘需求")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        place = self.store.name if self.store_id else _("总部")
        return f"{place} · {self.position.name} ×{self.headcount}"

    def get_absolute_url(self) -> str:
        return reverse("people:requisition_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """By store scope; head-office requisitions only for company-wide users."""
        return queryset.filter(_requisition_condition(user))

    def get_additional_data(self) -> dict:
        return _requisition_context(self)


def _resume_path(instance: Candidate, filename: str) -> str:
    """A random stored name (the user's file name is kept in `resume_name`, never used as a path)."""
    return f"people/resumes/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Candidate(models.Model):
    """A person applying for jobs; phone and email are personal (shown to HR, requesters and interviewers only)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    name = models.CharField(_("姓名"), max_length=100)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=CandidateSourceChoices,
                              default=CandidateSourceChoices.JOB_BOARD)
    resume = models.FileField(_("简历"), upload_to=_resume_path, blank=True)
    resume_name = models.CharField(_("简历文件名"), max_length=255, blank=True)
    resume_type = models.CharField(_("简历类型"), max_length=100, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    PERSONAL_FIELDS = ("phone", "email")

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = pgettext_lazy("plural", "候选人")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:candidate_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """Company-wide users: the company's candidates; others: those applying to a requisition they see, and
        those they entered."""
        if not user.company_id:
            return queryset.none()
        queryset = queryset.filter(company_id=user.company_id)
        if user.has_company_scope:
            return queryset
        applied = Application.objects.filter(_requisition_condition(user, "requisition__")).values("candidate_id")
        return queryset.filter(Q(pk__in=applied) | Q(created_by=user))

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class Application(models.Model):
    """A candidate in the pipeline of one requisition: applied -> screened -> interview -> offer -> hired/rejected."""

    requisition = models.ForeignKey(Requisition, on_delete=models.PROTECT, related_name="applications",
                                    verbose_name=_("招聘需求"))
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("候选人"))
    stage = models.CharField(_("阶段"), max_length=20, choices=StageChoices, default=StageChoices.APPLIED)
    stage_changed_at = models.DateTimeField(_("阶段变更时间"), null=True, blank=True)
    rejection_reason = models.CharField(_("未录用原因"), max_length=300, blank=True)
    salary_band = models.CharField(_("薪资档位"), max_length=20, blank=True)
    start_date = models.DateField(_("入职日期"), null=True, blank=True)
    offer_sent_on = models.DateField(_("录用通知发出日期"), null=True, blank=True)
    offer_accepted_on = models.DateField(_("接受录用日期"), null=True, blank=True)
    hired_on = models.DateField(_("转为员工日期"), null=True, blank=True)
    hired_employee = models.OneToOneField("people.Employee", on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("入职员工"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("应聘")
        verbose_name_plural = pgettext_lazy("plural", "应聘")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["requisition", "candidate"],
                                               name="application_unique_candidate")]

    def __str__(self) -> str:
        return f"{self.candidate.name} → {self.requisition.position.name}"

    def get_absolute_url(self) -> str:
        return reverse("people:application_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(_requisition_condition(user, "requisition__"))

    def get_additional_data(self) -> dict:
        return _requisition_context(self.requisition)


class Interview(models.Model):
    """An interview of an application by one interviewer, with a 1-5 rating, a recommendation and feedback."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interviews",
                                    verbose_name=_("应聘"))
    scheduled_at = models.DateTimeField(_("面试时间"))
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("面试官"))
    rating = models.PositiveSmallIntegerField(_("评分（1-5）"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    recommendation = models.CharField(_("建议"), max_length=10, choices=RecommendationChoices, blank=True)
    feedback = models.TextField(_("面试反馈"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("面试")
        verbose_name_plural = pgettext_lazy("plural", "面试")
        ordering = ["-scheduled_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.application.candidate.name} · {self.scheduled_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("people:interview_detail", args=[self.pk])

    @property
    def has_feedback(self) -> bool:
        return self.feedback_at is not None

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(_requisition_condition(user, "application__requisition__"))

    def get_additional_data(self) -> dict:
        return _requisition_context(self.application.requisition)


class OnboardingChecklist(models.Model):
    """A new hire's onboarding: the company's onboarding checklist (a store-operations checklist template) as tasks
    for the hiring manager, due two weeks after the start date."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="onboarding",
                                       verbose_name=_("应聘"))
    employee = models.ForeignKey("people.Employee", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("员工"))
    template = models.ForeignKey("storeops.ChecklistTemplate", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("检查表模板"))
    template_version = models.ForeignKey("storeops.TemplateVersion", on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+", verbose_name=_("检查表版本"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("负责人"))
    due_date = models.DateField(_("截止日期"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("入职清单")
        verbose_name_plural = pgettext_lazy("plural", "入职清单")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return str(_("入职清单：%(name)s") % {"name": self.employee.name})

    def get_absolute_url(self) -> str:
        return reverse("people:application_detail", args=[self.application_id])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(_requisition_condition(user, "application__requisition__"))

    def get_additional_data(self) -> dict:
        return _requisition_context(self.application.requisition)


class OnboardingTask(models.Model):
    """One item of an onboarding checklist (copied from the template's item), ticked off when done."""

    checklist = models.ForeignKey(OnboardingChecklist, on_delete=models.CASCADE, related_name="tasks",
                                  verbose_name=_("入职清单"))
    position = models.PositiveIntegerField(_("顺序"), default=0)
    item_code = models.CharField(_("检查项编码"), max_length=40, blank=True)
    section = models.CharField(_("分区"), max_length=200, blank=True)
    text = models.CharField(_("事项"), max_length=300)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("完成人"))

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("入职事项")
        verbose_name_plural = pgettext_lazy("plural", "入职事项")
        ordering = ["checklist", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return queryset.filter(_requisition_condition(user, "checklist__application__requisition__"))

    def get_additional_data(self) -> dict:
        return _requisition_context(self.checklist.application.requisition)
