"""Checklist templates: a template has numbered versions; each version has sections, and sections have items.

A run points at the version it used, so publishing a new version never changes past scores.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.models import Company
from opsdesk.core.scoping import ScopedManager
from opsdesk.storeops.choices import ItemKindChoices, ItemTopicChoices, VersionStatusChoices

TEMPLATE_AREA = "storeops_templates"


class ChecklistTemplate(models.Model):
    """A checklist (门店日常巡检表, 消防安全月检, ...) owned by the company; its content lives in versions."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="checklist_templates",
                                verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans",
                                choices=[("zh-hans", "简体中文"), ("en", "English")])
    is_active = models.BooleanField(_("启用"), default=True)
    current_version = models.ForeignKey(
        "storeops.TemplateVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("当前版本"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    permission_area = TEMPLATE_AREA
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("检查表模板")
        verbose_name_plural = pgettext_lazy("plural", "检查表模板")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="checklist_template_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("storeops:template_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class TemplateVersion(models.Model):
    """One version of a template: a draft while edited, then published (frozen) and later retired."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="versions",
                                 verbose_name=_("模板"))
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=20, choices=VersionStatusChoices,
                              default=VersionStatusChoices.DRAFT)
    pass_threshold = models.DecimalField(
        _("合格线（分）"), max_digits=5, decimal_places=1, default=Decimal("80.0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    change_note = models.CharField(_("修改说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    permission_area = TEMPLATE_AREA
    scope_kind = "company"
    scope_field = "template__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("模板版本")
        verbose_name_plural = pgettext_lazy("plural", "模板版本")
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatusChoices.DRAFT

    def get_additional_data(self) -> dict:
        return {"company_id": self.template.company_id}


class TemplateSection(models.Model):
    """A section of a template version (卫生, 陈列, 消防...)."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections",
                                verbose_name=_("版本"))
    position = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("标题"), max_length=200)

    permission_area = TEMPLATE_AREA
    scope_kind = "company"
    scope_field = "version__template__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("模板分区")
        verbose_name_plural = pgettext_lazy("plural", "模板分区")
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"company_id": self.version.template.company_id}


class TemplateItem(models.Model):
    """One question of a template version; `code` is stable across versions (used for trends and tie-ins)."""

    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="items",
                                verbose_name=_("分区"))
    position = models.PositiveIntegerField(_("顺序"), default=0)
    code = models.CharField(_("编码"), max_length=40)
    text = models.CharField(_("检查内容"), max_length=300)
    guidance = models.CharField(_("检查说明"), max_length=500, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ItemKindChoices, default=ItemKindChoices.PASS_FAIL)
    topic = models.CharField(_("主题"), max_length=20, choices=ItemTopicChoices, default=ItemTopicChoices.GENERAL)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(0)])
    is_critical = models.BooleanField(_("关键项"), default=False, help_text=_("关键项不合格则整次检查不合格"))
    is_photo_required = models.BooleanField(_("必须拍照"), default=False)
    pass_score = models.PositiveSmallIntegerField(
        _("合格分（1-5）"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("评分题：低于此分为不合格"),
    )
    min_value = models.DecimalField(_("下限"), max_digits=12, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(_("上限"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    options = models.JSONField(_("选项"), default=list, blank=True,
                               help_text=_('单选题：[{"label": "...", "passes": true}]'))

    permission_area = TEMPLATE_AREA
    scope_kind = "company"
    scope_field = "section__version__template__company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = pgettext_lazy("plural", "检查项")
        ordering = ["section__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scored(self) -> bool:
        return self.kind != ItemKindChoices.NOTE

    def clean(self) -> None:
        if self.kind == ItemKindChoices.CHOICE:
            if not isinstance(self.options, list) or len(self.options) < 2:
                raise ValidationError({"options": _("单选题至少需要两个选项。")})
            for option in self.options:
                if not isinstance(option, dict) or not str(option.get("label", "")).strip():
                    raise ValidationError({"options": _("每个选项都需要名称。")})
        if self.kind == ItemKindChoices.NUMBER and self.min_value is None and self.max_value is None:
            raise ValidationError({"min_value": _("数值题至少需要一个阈值。")})
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": _("上限不能小于下限。")})

    def get_additional_data(self) -> dict:
        return {"company_id": self.section.version.template.company_id}
