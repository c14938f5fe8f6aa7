"""Schedules, inspection runs with their answers and photos, and findings (failed answers of completed runs)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import INTERNAL_ROLE_CHOICES
from opsdesk.core.models import Company, Region, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids, visible_stores
from opsdesk.storeops.choices import FrequencyChoices, RunStatusChoices
from opsdesk.storeops.models.checklists import ChecklistTemplate, TemplateItem, TemplateVersion

AREA = "storeops"
OPEN_RUN_STATUSES = (RunStatusChoices.SCHEDULED, RunStatusChoices.IN_PROGRESS)


class InspectionSchedule(models.Model):
    """A recurring inspection of one store, or of every store of a region, assigned to a role or a person."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", verbose_name=_("公司"))
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="schedules",
                                 verbose_name=_("检查表"))
    store = models.ForeignKey(Store, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                              verbose_name=_("门店"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("区域"), help_text=_("按区域排期时，区域内每家门店各生成一次检查"))
    frequency = models.CharField(_("频率"), max_length=20, choices=FrequencyChoices, default=FrequencyChoices.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        _("星期"), default=0, choices=[(i, label) for i, label in enumerate(
            [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")])],
        help_text=_("每周检查的截止日"),
    )
    day_of_month = models.PositiveSmallIntegerField(_("每月几号"), default=1, help_text=_("1-28，每月检查的截止日"))
    assignee_role = models.CharField(_("指派角色"), max_length=32, choices=INTERNAL_ROLE_CHOICES, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("指派人"))
    start_date = models.DateField(_("开始日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("启用"), default=True)

    # Planning (like checklists): supervisors and above write, stores read.
    permission_area = "storeops_templates"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("巡检计划")
        verbose_name_plural = pgettext_lazy("plural", "巡检计划")
        ordering = ["template__code", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(store__isnull=False) & Q(region__isnull=True))
                | (Q(store__isnull=True) & Q(region__isnull=False)),
                name="schedule_store_xor_region",
            )
        ]

    def __str__(self) -> str:
        target = self.store or self.region
        return f"{self.template} · {target} · {self.get_frequency_display()}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:schedule_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """A store schedule by store scope; a region schedule when the user sees a store of the region."""
        region_ids = visible_stores(user).values("region_id")
        return queryset.filter(Q(store_id__in=visible_store_ids(user)) | Q(region_id__in=region_ids))

    def clean(self) -> None:
        if bool(self.store_id) == bool(self.region_id):
            raise ValidationError(_("请选择一家门店或一个区域（二选一）。"))
        if not 1 <= self.day_of_month <= 28:
            raise ValidationError({"day_of_month": _("请填 1 到 28。")})
        if self.template_id and self.company_id and self.template.company_id != self.company_id:
            raise ValidationError({"template": _("检查表不属于本公司。")})

    def target_stores(self) -> models.QuerySet:
        if self.store_id:
            return Store.objects.filter(pk=self.store_id)
        return Store.objects.filter(region_id=self.region_id, status="open")

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id, "store_id": self.store_id, "region_id": self.region_id}


class InspectionRun(models.Model):
    """One inspection of one store against one template version: answered item by item, scored, signed off."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="inspection_runs", verbose_name=_("门店"))
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="runs",
                                         verbose_name=_("检查表版本"))
    schedule = models.ForeignKey(InspectionSchedule, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="runs", verbose_name=_("计划"))
    status = models.CharField(_("状态"), max_length=20, choices=RunStatusChoices, default=RunStatusChoices.SCHEDULED)
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    assignee_role = models.CharField(_("指派角色"), max_length=32, choices=INTERNAL_ROLE_CHOICES, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("指派人"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("检查人"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    is_passed = models.BooleanField(_("合格"), null=True, blank=True)
    has_critical_failure = models.BooleanField(_("关键项不合格"), default=False)
    failed_count = models.PositiveIntegerField(_("不合格项数"), default=0)
    signed_by_name = models.CharField(_("签名"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("签名时间"), null=True, blank=True)
    note = models.TextField(_("总结"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("巡检记录")
        verbose_name_plural = pgettext_lazy("plural", "巡检记录")
        ordering = ["-due_date", "-pk"]
        indexes = [models.Index(fields=["store", "status", "due_date"]), models.Index(fields=["completed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "store", "due_date"], name="run_unique_schedule_period",
                                    condition=Q(schedule__isnull=False)),
        ]

    def __str__(self) -> str:
        day = self.due_date or (self.created_at and timezone.localdate(self.created_at))
        return f"{self.store.name} · {self.template_version.template.name} · {day or ''}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:run_detail", args=[self.pk])

    @property
    def template(self) -> ChecklistTemplate:
        return self.template_version.template

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RUN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()

    def get_additional_data(self) -> dict:
        return {"company_id": self.store.company_id, "region_id": self.store.region_id, "store_id": self.store_id}


class InspectionAnswer(models.Model):
    """The answer to one item in one run (the field used depends on the item kind)."""

    run = models.ForeignKey(InspectionRun, on_delete=models.CASCADE, related_name="answers", verbose_name=_("巡检"))
    item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("检查项"))
    is_not_applicable = models.BooleanField(_("不适用"), default=False)
    is_pass = models.BooleanField(_("合格"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    number = models.DecimalField(_("数值"), max_digits=12, decimal_places=3, null=True, blank=True)
    choice = models.CharField(_("选项"), max_length=200, blank=True)
    note = models.TextField(_("备注"), blank=True)
    is_failed = models.BooleanField(_("不合格"), default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("填写人"))
    answered_at = models.DateTimeField(_("填写时间"), auto_now=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "run__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("检查答案")
        verbose_name_plural = pgettext_lazy("plural", "检查答案")
        constraints = [models.UniqueConstraint(fields=["run", "item"], name="answer_unique_item")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.item_id}"

    def get_additional_data(self) -> dict:
        store = self.run.store
        return {"company_id": store.company_id, "region_id": store.region_id, "store_id": store.pk}


def _photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"storeops/runs/{instance.run_id}/{uuid.uuid4().hex}.jpg"


class InspectionPhoto(models.Model):
    """A photo taken during a run, re-encoded to JPEG without metadata (see storeops.images)."""

    run = models.ForeignKey(InspectionRun, on_delete=models.CASCADE, related_name="photos", verbose_name=_("巡检"))
    item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("检查项"))
    image = models.ImageField(_("照片"), upload_to=_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "run__store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("巡检照片")
        verbose_name_plural = pgettext_lazy("plural", "巡检照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:photo", args=[self.pk])

    def get_additional_data(self) -> dict:
        store = self.run.store
        return {"company_id": store.company_id, "region_id": store.region_id, "store_id": store.pk}


class Finding(models.Model):
    """A failed item of a completed run: the record that corrective actions and tie-ins hang from."""

    run = models.ForeignKey(InspectionRun, on_delete=models.CASCADE, related_name="findings", verbose_name=_("巡检"))
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("门店"))
    item = models.ForeignKey(TemplateItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查项"))
    answer = models.OneToOneField(InspectionAnswer, on_delete=models.CASCADE, related_name="finding",
                                  verbose_name=_("答案"))
    is_critical = models.BooleanField(_("关键项"), default=False)
    description = models.TextField(_("描述"), blank=True)
    created_at = models.DateTimeField(_("发现时间"), default=timezone.now)

    permission_area = AREA
    scope_kind = "store"
    scope_field = "store_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("问题项")
        verbose_name_plural = pgettext_lazy("plural", "问题项")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "created_at"])]

    def __str__(self) -> str:
        return f"{self.store.name} · {self.item.text}"

    def get_absolute_url(self) -> str:
        return reverse("storeops:finding_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.store.company_id, "region_id": self.store.region_id, "store_id": self.store_id}
