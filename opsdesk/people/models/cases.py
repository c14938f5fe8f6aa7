"""HR cases (staff issues and disputes): confidential by default, with their steps and documents.

Who reads a case: its owner, the HR role (within the HR user's scope) and the users explicitly added as members;
never the people the case is about (the parties' own accounts) unless they are the owner or added, and never the
line management of the store (store manager, supervisor, regional manager, COO) unless added. Who changes it: its
owner and HR (not when HR is a party). The system administrator is treated like anyone else: no reading unless
added. Every read is audited (see opsdesk.people.services.cases.case_access_record).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Company, Store
from opsdesk.core.permissions import user_can
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids

__all__ = ["HrCase", "HrCaseDocument", "HrCaseStep"]

AREA = "people_cases"


class HrCaseTypeChoices(models.TextChoices):
    GRIEVANCE = "grievance", _("申诉")
    DISPUTE = "dispute", _("纠纷")
    MISCONDUCT = "misconduct", _("违纪")
    PERFORMANCE = "performance", _("绩效问题")
    HARASSMENT = "harassment", _("骚扰")
    SAFETY = "safety", _("安全")
    OTHER = "other", _("其他")


class HrCaseStatusChoices(models.TextChoices):
    OPEN = "open", _("待处理")
    INVESTIGATING = "investigating", _("调查中")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")


OPEN_CASE_STATUSES = (HrCaseStatusChoices.OPEN, HrCaseStatusChoices.INVESTIGATING)


def _is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.company_id)


def _hr_reach(user) -> Q:
    """The cases HR reaches: those of the HR user's scope (head office for company-wide HR), except the cases the
    HR user is a party to."""
    in_scope = Q(store_id__in=visible_store_ids(user))
    if user.has_company_scope:
        in_scope |= Q(store__isnull=True)
    party = HrCase.parties.through.objects.filter(hrcase_id=OuterRef("pk"), employee__user_id=user.pk)
    return in_scope & ~Exists(party)


def readable_condition(user) -> Q:
    """The cases a user may read: owned, added as member, or (HR) reached; the caller has checked the role."""
    condition = Q(owner_id=user.pk) | Q(members=user.pk)
    return condition | _hr_reach(user) if user.role == RoleChoices.HR else condition


def writable_condition(user) -> Q:
    """The cases a user may change (fields, steps, documents, readers): owned, or (HR) reached."""
    condition = Q(owner_id=user.pk)
    return condition | _hr_reach(user) if user.role == RoleChoices.HR else condition


class CaseScopedQuerySet(ScopedQuerySet):
    """`for_user(user, action)`: "view" gives the readable cases, any other action the writable ones."""

    def for_user(self, user, action: str = "view") -> CaseScopedQuerySet:
        if not user_can(user, AREA, action) or not _is_active_user(user):
            return self.none()
        condition = readable_condition if action == "view" else writable_condition
        matching = HrCase._base_manager.filter(Q(company_id=user.company_id) & condition(user)).values("pk")
        return self.filter(pk__in=matching)


class StepQuerySet(ScopedQuerySet):
    """Steps and documents: those of the cases the user may read ("view") or change (any other action)."""

    def for_user(self, user, action: str = "view") -> StepQuerySet:
        return self.filter(case__in=HrCase.objects.for_user(user, action).values("pk"))


class HrCase(models.Model):
    """A confidential HR case: a grievance, dispute, misconduct, harassment... with its parties and outcome."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="hr_cases", verbose_name=_("公司"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, null=True, blank=True, related_name="hr_cases",
                              verbose_name=_("门店"), help_text=_("空表示总部"))
    number = models.CharField(_("编号"), max_length=20, editable=False)
    case_type = models.CharField(_("类型"), max_length=20, choices=HrCaseTypeChoices,
                                 default=HrCaseTypeChoices.GRIEVANCE)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"), blank=True)
    parties = models.ManyToManyField("people.Employee", blank=True, related_name="hr_cases",
                                     verbose_name=_("当事人"))
    owner = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="owned_hr_cases",
                              verbose_name=_("负责人"))
    members = models.ManyToManyField("core.User", blank=True, related_name="hr_case_memberships",
                                     verbose_name=_("授权查阅人"))
    status = models.CharField(_("状态"), max_length=20, choices=HrCaseStatusChoices,
                              default=HrCaseStatusChoices.OPEN)
    opened_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(CaseScopedQuerySet)()

    class Meta:
        verbose_name = _("人事案件")
        verbose_name_plural = pgettext_lazy("plural", "人事案件")
        ordering = ["-opened_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="hrcase_unique_number")]

    def __str__(self) -> str:
        # The number only: the title is confidential and this text lands in the audit trail's object_repr.
        return self.number or _("新案件")

    def get_absolute_url(self) -> str:
        return reverse("people:case_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        """The readable cases (see the module docstring)."""
        return queryset.filter(company_id=user.company_id).filter(readable_condition(user)).distinct()

    def get_additional_data(self) -> dict:
        # No store or region: store- and region-scoped audit readers (store line management) never list case
        # entries; company-wide ones see masked entries (see wiring.cases: every text field is masked).
        return {"company_id": self.company_id}

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("结案日期不能早于立案日期。")})
        if self.store_id and self.company_id and self.store.company_id != self.company_id:
            raise ValidationError({"store": _("所选对象不存在或不在你的权限范围内。")})


class HrCaseStep(models.Model):
    """One step of an HR case: an interview, a warning, a hearing... dated and signed by its author."""

    case = models.ForeignKey(HrCase, on_delete=models.CASCADE, related_name="steps", verbose_name=_("案件"))
    date = models.DateField(_("日期"))
    description = models.TextField(_("内容"))
    author = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(StepQuerySet)()

    class Meta:
        verbose_name = _("案件进展")
        verbose_name_plural = pgettext_lazy("plural", "案件进展")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.case} · {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(case__in=HrCase.scope_queryset(HrCase._base_manager.all(), user).values("pk"))

    def get_additional_data(self) -> dict:
        return {"company_id": self.case.company_id}


def _document_path(instance, filename: str) -> str:
    """A random stored name (the uploaded name is kept in `original_name`, never used as a path)."""
    return f"people/cases/{instance.case_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class HrCaseDocument(models.Model):
    """A document of an HR case (statement, warning letter, photo), served only through the scoped download."""

    case = models.ForeignKey(HrCase, on_delete=models.CASCADE, related_name="documents", verbose_name=_("案件"))
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to=_document_path)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey("core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "custom"
    objects = ScopedManager.from_queryset(StepQuerySet)()

    class Meta:
        verbose_name = _("案件文件")
        verbose_name_plural = pgettext_lazy("plural", "案件文件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} · {_('文件')} {self.pk}"

    def get_absolute_url(self) -> str:
        return self.case.get_absolute_url()

    @property
    def download_url(self) -> str:
        return reverse("people:case_document_download", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset, user):
        return queryset.filter(case__in=HrCase.scope_queryset(HrCase._base_manager.all(), user).values("pk"))

    def get_additional_data(self) -> dict:
        return {"company_id": self.case.company_id}
