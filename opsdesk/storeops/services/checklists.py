"""Writes of checklist templates: drafts are edited, publishing freezes a version and makes it current."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, assign_fields, confirm_in_scope, in_scope_for_update
from opsdesk.core.models import Store
from opsdesk.core.scoping import visible_store_ids
from opsdesk.storeops.choices import VersionStatusChoices
from opsdesk.storeops.models import (
    ChecklistTemplate,
    InspectionRun,
    InspectionSchedule,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
)
from opsdesk.storeops.services.common import TEMPLATE_AREA

TEMPLATE_FIELDS = {"code", "name", "description", "language", "is_active"}
ITEM_FIELDS = {
    "section", "position", "code", "text", "guidance", "kind", "topic", "weight", "is_critical", "is_photo_required",
    "pass_score", "min_value", "max_value", "unit", "options",
}


def template_is_used_beyond(*, actor, template: ChecklistTemplate) -> bool:
    """Whether a run or schedule uses the template in a store outside the actor's scope (another region...)."""
    if actor.has_company_scope:
        return False
    visible = visible_store_ids(actor)
    if InspectionRun.objects.filter(template_version__template=template).exclude(store_id__in=visible).exists():
        return True
    hidden_regions = Store.objects.filter(company_id=template.company_id).exclude(pk__in=visible).values("region_id")
    outside = (Q(store__isnull=False) & ~Q(store_id__in=visible)) | Q(region_id__in=hidden_regions)
    return InspectionSchedule.objects.filter(template=template).filter(outside).exists()


def _template_for_change(actor, template: ChecklistTemplate | int, action: str = "change") -> ChecklistTemplate:
    """The template locked for a change; one used beyond the actor's stores is read-only to them.

    A template is company master data, but its content decides every inspection that uses it: changing or
    publishing one used across regions is for company-scope users (with the templates change permission) only.
    """
    template = in_scope_for_update(actor, ChecklistTemplate, template, action)
    if template_is_used_beyond(actor=actor, template=template):
        raise PermissionDenied(_("该模板也用于你权限范围以外的门店，只有公司级用户可以修改。"))
    return template


def template_create(*, actor, data: dict[str, Any], pass_threshold: Decimal = Decimal("80")) -> ChecklistTemplate:
    """Create a template in the actor's company with an empty draft version 1."""
    assert_can(actor, TEMPLATE_AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        template = ChecklistTemplate(company_id=actor.company_id)
        assign_fields(template, data, TEMPLATE_FIELDS)
        template.full_clean()
        template.save()
        version = TemplateVersion(template=template, number=1, pass_threshold=pass_threshold)
        version.full_clean()
        version.save()
        confirm_in_scope(actor, template, "add")
    return template


def template_update(*, actor, template: ChecklistTemplate, data: dict[str, Any]) -> ChecklistTemplate:
    """Change a template's name, description, language or active flag (content changes go through drafts)."""
    assert_can(actor, TEMPLATE_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        template = _template_for_change(actor, template)
        assign_fields(template, data, TEMPLATE_FIELDS)
        template.full_clean()
        template.save()
    return template


def template_delete(*, actor, template: ChecklistTemplate) -> None:
    """Delete a template that no run or schedule uses (otherwise deactivate it)."""
    assert_can(actor, TEMPLATE_AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        template = _template_for_change(actor, template, "delete")
        try:
            ChecklistTemplate.objects.filter(pk=template.pk).update(current_version=None)
            template.delete()
        except models.ProtectedError as error:
            raise ValidationError(_("该模板已被巡检记录或计划使用，不能删除；请改为停用。")) from error


def template_draft(*, actor, template: ChecklistTemplate) -> TemplateVersion:
    """The template's draft version: the open one, or a copy of the current version (copy-on-write)."""
    assert_can(actor, TEMPLATE_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        template = _template_for_change(actor, template)
        draft = template.versions.filter(status=VersionStatusChoices.DRAFT).first()
        if draft is not None:
            return draft
        source = template.current_version
        number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = TemplateVersion.objects.create(
            template=template, number=number,
            pass_threshold=source.pass_threshold if source else Decimal("80"),
        )
        if source is not None:
            _copy_content(source, draft)
    return draft


def _copy_content(source: TemplateVersion, target: TemplateVersion) -> None:
    for section in source.sections.prefetch_related("items"):
        items = list(section.items.all())
        section.pk = None
        section.version = target
        section.save()
        for item in items:
            item.pk = None
            item.section = section
        TemplateItem.objects.bulk_create(items)


def _draft_of(actor, template: ChecklistTemplate) -> TemplateVersion:
    draft = template_draft(actor=actor, template=template)
    if not draft.is_editable:
        raise ValidationError(_("只能修改草稿版本。"))
    return draft


def version_update(
    *, actor, template: ChecklistTemplate, pass_threshold: Decimal, change_note: str = ""
) -> TemplateVersion:
    """Set the draft's pass threshold and change note."""
    with transaction.atomic(), audit_actor(actor):
        draft = _draft_of(actor, template)
        draft.pass_threshold = pass_threshold
        draft.change_note = change_note
        draft.full_clean()
        draft.save()
    return draft


def section_add(*, actor, template: ChecklistTemplate, title: str) -> TemplateSection:
    """Append a section to the template's draft."""
    with transaction.atomic(), audit_actor(actor):
        draft = _draft_of(actor, template)
        position = (draft.sections.aggregate(p=Max("position"))["p"] or 0) + 1
        section = TemplateSection(version=draft, title=title, position=position)
        section.full_clean()
        section.save()
    return section


def item_save(
    *, actor, template: ChecklistTemplate, data: dict[str, Any], item: TemplateItem | None = None
) -> TemplateItem:
    """Create or change an item of the template's draft (items of published versions are frozen)."""
    with transaction.atomic(), audit_actor(actor):
        draft = _draft_of(actor, template)
        if item is None:
            item = TemplateItem()
        else:
            item = in_scope_for_update(actor, TemplateItem, item, "change")
            if item.section.version_id != draft.pk:
                raise ValidationError(_("只能修改草稿版本中的检查项。"))
        assign_fields(item, data, ITEM_FIELDS)
        if item.section_id is None or item.section.version_id != draft.pk:
            raise ValidationError({"section": _("请选择草稿中的分区。")})
        if not item.position:
            item.position = (item.section.items.aggregate(p=Max("position"))["p"] or 0) + 1
        if TemplateItem.objects.filter(section__version=draft, code=item.code).exclude(pk=item.pk).exists():
            raise ValidationError({"code": _("同一版本内检查项编码不能重复。")})
        item.full_clean()
        item.save()
        confirm_in_scope(actor, item, "change")
    return item


def item_delete(*, actor, item: TemplateItem) -> None:
    """Remove an item from a draft."""
    assert_can(actor, TEMPLATE_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        item = TemplateItem.objects.for_user(actor, "change").select_related("section__version").get(pk=item.pk)
        _template_for_change(actor, item.section.version.template_id)
        if not item.section.version.is_editable:
            raise ValidationError(_("只能修改草稿版本。"))
        item.delete()


def template_publish(*, actor, template: ChecklistTemplate, change_note: str = "") -> TemplateVersion:
    """Freeze the draft and make it the current version; runs already started keep the version they used."""
    assert_can(actor, TEMPLATE_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        template = _template_for_change(actor, template)
        draft = template.versions.filter(status=VersionStatusChoices.DRAFT).first()
        if draft is None:
            raise ValidationError(_("没有待发布的草稿。"))
        if not TemplateItem.objects.filter(section__version=draft).exclude(kind="note").exists():
            raise ValidationError(_("草稿至少需要一个计分检查项。"))
        if template.current_version_id:
            TemplateVersion.objects.filter(pk=template.current_version_id).update(status=VersionStatusChoices.RETIRED)
        draft.status = VersionStatusChoices.PUBLISHED
        draft.published_at = timezone.now()
        if change_note:
            draft.change_note = change_note
        draft.save()
        template.current_version = draft
        template.save(update_fields=["current_version"])
    return draft


def template_build(*, actor, company, spec: dict[str, Any]) -> ChecklistTemplate:
    """Create and publish a whole template from a spec (demo data, imports, tests).

    spec = {"code", "name", "language"?, "description"?, "pass_threshold"?,
            "sections": [{"title", "items": [{"code", "text", "kind"?, "weight"?, ...}]}]}
    """
    if actor is not None:
        assert_can(actor, TEMPLATE_AREA, "add")
        if actor.company_id != company.pk:
            raise PermissionDenied(_("不能为其他公司建模板。"))
    with transaction.atomic(), audit_actor(actor):
        template = ChecklistTemplate(
            company=company, code=spec["code"], name=spec["name"], language=spec.get("language", "zh-hans"),
            description=spec.get("description", ""),
        )
        template.full_clean()
        template.save()
        version = TemplateVersion.objects.create(
            template=template, number=1, status=VersionStatusChoices.PUBLISHED, published_at=timezone.now(),
            pass_threshold=Decimal(str(spec.get("pass_threshold", 80))),
        )
        for s_index, section_spec in enumerate(spec["sections"], start=1):
            section = TemplateSection.objects.create(version=version, title=section_spec["title"], position=s_index)
            for i_index, item_spec in enumerate(section_spec["items"], start=1):
                item = TemplateItem(section=section, position=i_index, **item_spec)
                if not isinstance(item.weight, Decimal):
                    item.weight = Decimal(str(item.weight))
                item.full_clean()
                item.save()
        template.current_version = version
        template.save(update_fields=["current_version"])
    return template
