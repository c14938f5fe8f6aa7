"""Writes of HR cases: create, update, add a member, add a step, upload a document; and the access audit.

A case's creator who is neither its owner nor HR is added as a member (a store manager reporting a case keeps
reading it); handing a case over keeps the previous owner as a member. Every write checks the actor may change the
case (owner, or HR not party to it) and re-reads it through the actor's scope before commit.
"""

from __future__ import annotations

import mimetypes
from datetime import date
from pathlib import Path
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import (
    assert_can,
    assign_fields,
    check_related_in_scope,
    confirm_in_scope,
    in_scope_for_update,
)
from opsdesk.core.kit.services import check_assignees
from opsdesk.core.permissions import role_can
from opsdesk.people.models import Employee
from opsdesk.people.models.cases import AREA, HrCase, HrCaseDocument, HrCaseStatusChoices, HrCaseStep

CASE_FIELDS = ("store", "case_type", "title", "description", "parties", "owner", "status", "opened_on",
               "closed_on", "outcome")
FINISHED = (HrCaseStatusChoices.RESOLVED, HrCaseStatusChoices.CLOSED)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Accepted suffix -> the content type the bytes must prove (the declared type is never trusted).
DOCUMENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                  ".webp": "image/webp"}
_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp"}


def _next_number(company_id: int, day: date) -> str:
    prefix = f"HR{day.year}-"
    count = HrCase._base_manager.filter(company_id=company_id, number__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


def _set_parties(actor, case: HrCase, parties) -> None:
    """Parties the actor may see; parties the actor cannot see stay as they are (never silently removed)."""
    chosen = {getattr(item, "pk", item) for item in parties or ()}
    reachable = Employee.objects.for_user(actor, "view")
    visible = set(reachable.filter(pk__in=chosen, company_id=case.company_id).values_list("pk", flat=True))
    if chosen - visible:
        raise ValidationError({"parties": _("所选对象不存在或不在你的权限范围内。")})
    hidden = set(case.parties.exclude(pk__in=reachable.values("pk")).values_list("pk", flat=True))
    case.parties.set(visible | hidden)


def _save(actor, case: HrCase, data: dict[str, Any]) -> HrCase:
    parties = data.pop("parties", None)
    assign_fields(case, data, CASE_FIELDS)
    if case.status in FINISHED and case.closed_on is None:
        case.closed_on = timezone.localdate()
    check_related_in_scope(actor, case, [name for name in data if name != "owner"])
    case.full_clean()
    check_assignees(actor, case, ["owner"] if "owner" in data or case._state.adding else [], AREA)
    case.save()
    if parties is not None:
        _set_parties(actor, case, parties)
    return case


def _keep_reading(actor, case: HrCase) -> None:
    """The actor, if neither owner nor HR, becomes a member (reported or handed over: still a reader)."""
    if case.owner_id != actor.pk and actor.role != "hr":
        case.members.add(actor)


def case_create(*, actor, data: dict[str, Any]) -> HrCase:
    """Open a case (number HR<year>-<n>); the creator stays a reader (see the module docstring)."""
    assert_can(actor, AREA, "add")
    data = dict(data)
    opened = data.get("opened_on") or timezone.localdate()
    data["opened_on"] = opened
    with transaction.atomic(), audit_actor(actor):
        case = HrCase(company_id=actor.company_id, created_by=actor, number=_next_number(actor.company_id, opened))
        _save(actor, case, data)
        _keep_reading(actor, case)
        confirm_in_scope(actor, case, "view")
    return case


def case_update(*, actor, instance: HrCase, data: dict[str, Any]) -> HrCase:
    """Change a case the actor may change (owner, or HR not party to it)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        case = in_scope_for_update(actor, HrCase, instance, "change")
        _save(actor, case, dict(data))
        _keep_reading(actor, case)
        confirm_in_scope(actor, case, "view")
    return case


def _writable(actor, case: HrCase) -> HrCase:
    assert_can(actor, AREA, "change")
    return in_scope_for_update(actor, HrCase, case, "change")


def case_member_add(*, actor, case: HrCase, user) -> HrCase:
    """Let one more person read the case: an active account of the company whose role may view cases."""
    with transaction.atomic(), audit_actor(actor):
        case = _writable(actor, case)
        if (user is None or user.company_id != case.company_id or not user.is_active
                or not role_can(user.role, AREA, "view")):
            raise ValidationError({"user": _("所选对象不存在或不在你的权限范围内。")})
        case.members.add(user)
        HrCaseStep.objects.create(case=case, date=timezone.localdate(), author=actor,
                                  description=_("授权 %(name)s 查阅本案件。") % {"name": user.display_name})
    return case


def case_member_remove(*, actor, case: HrCase, user) -> HrCase:
    """Take a reader off the case (the owner is never a member to remove)."""
    with transaction.atomic(), audit_actor(actor):
        case = _writable(actor, case)
        if user is None or not case.members.filter(pk=user.pk).exists():
            raise ValidationError({"user": _("所选对象不存在或不在你的权限范围内。")})
        case.members.remove(user)
        HrCaseStep.objects.create(case=case, date=timezone.localdate(), author=actor,
                                  description=_("取消 %(name)s 的查阅权限。") % {"name": user.display_name})
    return case


def case_step_add(*, actor, case: HrCase, day: date, description: str) -> HrCaseStep:
    """Record a step of the case (interview, warning, hearing...)."""
    with transaction.atomic(), audit_actor(actor):
        case = _writable(actor, case)
        step = HrCaseStep(case=case, date=day, description=(description or "").strip(), author=actor)
        if step.date and step.date < case.opened_on:
            raise ValidationError({"date": _("日期不能早于立案日期。")})
        step.full_clean()
        step.save()
    return step


def validate_case_document(upload) -> str:
    """The content type of an uploaded case document: PDF or an image (PNG, JPEG, WebP), at most 10 MB, judged
    by its bytes. ValidationError otherwise."""
    size = getattr(upload, "size", None) or 0
    if size <= 0 or size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("文件为空或超过 %(mb)d MB。") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)}})
    expected = DOCUMENT_TYPES.get(Path(getattr(upload, "name", "") or "").suffix.lower())
    if expected is None:
        raise ValidationError({"file": _("只接受 PDF 或图片（PNG、JPEG、WebP）。")})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    detected = "application/pdf" if head.startswith(b"%PDF-") else _image_type(upload)
    upload.seek(0)
    if detected != expected:
        raise ValidationError({"file": _("文件内容与类型不符。")})
    return expected


def _image_type(upload) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            if image.width * image.height > 40_000_000:
                return None
            image.verify()
            return _IMAGE_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def case_document_add(*, actor, case: HrCase, title: str, upload) -> HrCaseDocument:
    """Store a document of the case under a random name (served only through the scoped download)."""
    content_type = validate_case_document(upload)
    with transaction.atomic(), audit_actor(actor):
        case = _writable(actor, case)
        original = Path(getattr(upload, "name", "") or "").name[:255]
        document = HrCaseDocument(case=case, title=(title or original)[:200], original_name=original,
                                  content_type=content_type or mimetypes.guess_type(original)[0] or "",
                                  size=upload.size, uploaded_by=actor)
        document.file.save(original, upload, save=False)
        document.full_clean()
        document.save()
    return document


def case_access_record(*, actor, case: HrCase, channel: str, document: HrCaseDocument | None = None) -> LogEntry:
    """Audit one read of a case (page, api) or of one of its documents (download)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    target = document or case
    data = {"company_id": case.company_id, "channel": channel, "case": case.number}
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)), object_pk=str(target.pk), object_id=target.pk,
        object_repr=str(target)[:2000], action=LogEntry.Action.ACCESS, actor=actor, timestamp=timezone.now(),
        changes=None, additional_data=data)
