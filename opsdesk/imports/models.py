"""Ingestion records: the kept files, the batches with their row accounting, quarantined rows and mapping profiles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet
from opsdesk.imports.choices import BatchStatusChoices, ImportKindChoices, QuarantineKindChoices

FINISHED_STATUSES = frozenset(
    {
        BatchStatusChoices.COMMITTED,
        BatchStatusChoices.DRY_RUN,
        BatchStatusChoices.REJECTED,
        BatchStatusChoices.DUPLICATE,
        BatchStatusChoices.FAILED,
    }
)


def _batch_scope(queryset: ScopedQuerySet, user, prefix: str = "") -> ScopedQuerySet:
    """Company-wide users see the company's batches; everyone else sees the batches they started."""
    if not user.company_id:
        return queryset.none()
    condition = Q(**{f"{prefix}company_id": user.company_id})
    if not user.has_company_scope:
        condition &= Q(**{f"{prefix}created_by_id": user.pk})
    return queryset.filter(condition)


class ImportFile(models.Model):
    """An uploaded file, kept once under MEDIA_ROOT/imports/ and identified by its SHA-256."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(_("存储路径"), max_length=500, help_text=_("相对于 MEDIA_ROOT"))
    size_bytes = models.BigIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    purged_at = models.DateTimeField(
        _("文件删除时间"), null=True, blank=True, help_text=_("保留期满后删除了存储的文件（批次及报告保留）")
    )

    class Meta:
        verbose_name = _("导入文件")
        verbose_name_plural = pgettext_lazy("plural", "导入文件")
        constraints = [models.UniqueConstraint(fields=["company", "sha256"], name="importfile_unique_sha")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def path(self):
        from pathlib import Path

        return Path(settings.MEDIA_ROOT) / self.stored_path


class MappingProfile(models.Model):
    """A named column mapping (file header -> field) and fixed values for one kind of import from one source."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("数据来源"), max_length=100, blank=True, help_text=_("例如：收银系统 A、ERP 导出"))
    kind = models.CharField(_("导入类型"), max_length=32, choices=ImportKindChoices)
    columns = models.JSONField(_("列映射"), default=dict, help_text=_("字段 -> 文件列名"))
    defaults = models.JSONField(
        _("固定值"), default=dict, blank=True, help_text=_("字段 -> 固定值（文件中没有该列时）")
    )
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    permission_area = "imports"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("映射方案")
        verbose_name_plural = pgettext_lazy("plural", "映射方案")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "kind", "name"], name="mappingprofile_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:profile_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class ImportBatch(models.Model):
    """One run of one file as one kind: who, when, the mapping used, and the row accounting
    (rows read = committed + quarantined + skipped duplicates)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("公司"))
    kind = models.CharField(_("导入类型"), max_length=32, choices=ImportKindChoices)
    file = models.ForeignKey(ImportFile, on_delete=models.PROTECT, related_name="batches", verbose_name=_("文件"))
    status = models.CharField(_("状态"), max_length=20, choices=BatchStatusChoices, default=BatchStatusChoices.DRAFT)
    is_dry_run = models.BooleanField(_("试运行"), default=False)
    mapping = models.JSONField(_("列映射"), default=dict)
    defaults = models.JSONField(_("固定值"), default=dict, blank=True)
    mapping_profile = models.ForeignKey(
        MappingProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("映射方案"),
    )
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    header = models.JSONField(_("文件表头"), default=list, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True, help_text=_("文件 SHA-256 + 类型 + 映射"))
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("与此批次相同")
    )
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_committed = models.PositiveIntegerField(_("写入行数"), default=0)
    rows_quarantined = models.PositiveIntegerField(_("隔离行数"), default=0)
    rows_skipped_duplicates = models.PositiveIntegerField(_("跳过重复行"), default=0)
    rows_invalid = models.PositiveIntegerField(_("有错误的行"), default=0)
    # The committed rows split by what they did to the table (committed = inserted + updated + unchanged).
    rows_inserted = models.PositiveIntegerField(_("新增行数"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新行数"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("未变化行数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    # What the batch did beyond its rows: masters created (or, on a dry run, that would be), the daily sales rolled
    # up from it and the difference between imported totals and the lines' sums.
    report = models.JSONField(_("报告"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    permission_area = "imports"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = pgettext_lazy("plural", "导入批次")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.file.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return _batch_scope(queryset, user)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_balanced(self) -> bool:
        """The row-accounting identity every finished batch satisfies."""
        return self.rows_read == self.rows_committed + self.rows_quarantined + self.rows_skipped_duplicates

    @property
    def has_change_counts(self) -> bool:
        """Whether the committed rows are split into inserted / updated / unchanged (a kind with its own writer
        may not report the split)."""
        return self.rows_committed == self.rows_inserted + self.rows_updated + self.rows_unchanged


class QuarantineRow(models.Model):
    """A row that was not written: its row number, raw values, and the first problem (column, value, reason);
    `errors` lists every problem found in the row."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="quarantine", verbose_name=_("批次"))
    kind = models.CharField(
        _("类别"), max_length=10, choices=QuarantineKindChoices, default=QuarantineKindChoices.ERROR
    )
    row_number = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=200, blank=True)
    value = models.TextField(_("值"), blank=True)
    reason = models.CharField(_("原因"), max_length=300)
    errors = models.JSONField(_("全部问题"), default=list)
    raw = models.JSONField(_("原始值"), default=list)

    permission_area = "imports"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("隔离行")
        verbose_name_plural = pgettext_lazy("plural", "隔离行")
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "kind", "row_number"])]

    def __str__(self) -> str:
        return f"#{self.batch_id} row {self.row_number}: {self.reason}"

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        return _batch_scope(queryset, user, prefix="batch__")
