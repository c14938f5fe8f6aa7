"""Writes of inspections: start, answer item by item, photos, complete (score, sign-off, findings, actions)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, assert_store_in_scope, confirm_in_scope, in_scope_for_update
from opsdesk.storeops import scoring
from opsdesk.storeops.choices import ItemKindChoices, ItemTopicChoices, PriorityChoices, RunStatusChoices
from opsdesk.storeops.images import process_upload
from opsdesk.storeops.models import (
    ChecklistTemplate,
    CorrectiveAction,
    Finding,
    InspectionAnswer,
    InspectionPhoto,
    InspectionRun,
    TemplateItem,
)
from opsdesk.storeops.services.common import AREA

ANSWER_FIELDS = ("is_not_applicable", "is_pass", "score", "number", "choice", "note")
MAX_PHOTOS_PER_ITEM = 6
#: Default due days and priority of the action a finding raises, by what the item is about.
URGENT_TOPICS = frozenset({ItemTopicChoices.FIRE_SAFETY, ItemTopicChoices.FOOD_SAFETY})


def run_start(*, actor, store, template: ChecklistTemplate) -> InspectionRun:
    """Start an ad hoc inspection of a store with the template's current version."""
    assert_can(actor, AREA, "add")
    assert_store_in_scope(actor, store)
    template = ChecklistTemplate.objects.for_user(actor).filter(pk=template.pk).first()
    if (template is None or template.company_id != store.company_id or not template.is_active
            or template.current_version_id is None):
        raise ValidationError(_("该检查表未发布或已停用。"))
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        run = InspectionRun(
            store=store, template_version_id=template.current_version_id, status=RunStatusChoices.IN_PROGRESS,
            due_date=timezone.localdate(now), inspector=actor, started_at=now, assignee=actor,
        )
        run.full_clean()
        run.save()
        confirm_in_scope(actor, run, "add")
    return run


def _open_run(actor, run: InspectionRun) -> InspectionRun:
    assert_can(actor, AREA, "add")
    run = in_scope_for_update(actor, InspectionRun, run, "add")
    if not run.is_open:
        raise ValidationError(_("该巡检已结束，不能再修改。"))
    if run.status == RunStatusChoices.SCHEDULED:
        run.status = RunStatusChoices.IN_PROGRESS
        run.started_at = timezone.now()
        run.inspector = actor
        run.save(update_fields=["status", "started_at", "inspector"])
    return run


def run_begin(*, actor, run: InspectionRun) -> InspectionRun:
    """Open a scheduled run for answering (the actor becomes the inspector)."""
    with transaction.atomic(), audit_actor(actor):
        return _open_run(actor, run)


def _item_of(run: InspectionRun, item: TemplateItem) -> TemplateItem:
    try:
        items = TemplateItem.objects.select_related("section")
        return items.get(pk=item.pk, section__version_id=run.template_version_id)
    except TemplateItem.DoesNotExist as error:
        raise ValidationError(_("检查项不属于本次巡检的检查表版本。")) from error


def _clean_answer(item: TemplateItem, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(ANSWER_FIELDS)
    if unknown:
        raise ValidationError({name: _("不可修改的字段。") for name in sorted(unknown)})
    values = dict(data)
    if "score" in values and values["score"] is not None:
        score = int(values["score"])
        if not 1 <= score <= 5:
            raise ValidationError({"score": _("评分须在 1 到 5 之间。")})
        values["score"] = score
    if "number" in values and values["number"] not in (None, ""):
        try:
            values["number"] = Decimal(str(values["number"]))
        except InvalidOperation as error:
            raise ValidationError({"number": _("请输入数字。")}) from error
    elif "number" in values:
        values["number"] = None
    if values.get("choice") and values["choice"] not in {o.get("label") for o in item.options}:
        raise ValidationError({"choice": _("无效的选项。")})
    return values


def _answer_value(item: TemplateItem, answer: InspectionAnswer | None, photo_count: int) -> scoring.AnswerValue | None:
    if answer is None:
        return scoring.AnswerValue(photo_count=photo_count) if photo_count else None
    return scoring.AnswerValue(
        is_not_applicable=answer.is_not_applicable, is_pass=answer.is_pass, score=answer.score, number=answer.number,
        choice=answer.choice, photo_count=photo_count,
    )


def item_spec(item: TemplateItem) -> scoring.ItemSpec:
    """The scoring view of a template item."""
    return scoring.ItemSpec(
        id=item.pk, kind=item.kind, weight=item.weight, is_critical=item.is_critical, pass_score=item.pass_score,
        min_value=item.min_value, max_value=item.max_value,
        options=tuple((str(o.get("label", "")), bool(o.get("passes", True))) for o in item.options or ()),
    )


def answer_save(*, actor, run: InspectionRun, item: TemplateItem, data: dict[str, Any]) -> InspectionAnswer:
    """Save (create or change) the answer to one item of an open run; returns the answer with `is_failed` set."""
    with transaction.atomic(), audit_actor(actor):
        run = _open_run(actor, run)
        item = _item_of(run, item)
        values = _clean_answer(item, data)
        answer = InspectionAnswer.objects.filter(run=run, item=item).first() or InspectionAnswer(run=run, item=item)
        for name, value in values.items():
            setattr(answer, name, "" if value is None and name in ("choice", "note") else value)
        photo_count = InspectionPhoto.objects.filter(run=run, item=item).count()
        answer.is_failed = scoring.item_fails(item_spec(item), _answer_value(item, answer, photo_count))
        answer.answered_by = actor
        answer.full_clean()
        answer.save()
    return answer


def photo_add(*, actor, run: InspectionRun, item: TemplateItem | None, upload) -> InspectionPhoto:
    """Attach a photo to a run (and item): validated, re-encoded to JPEG, EXIF stripped."""
    content = process_upload(upload)
    with transaction.atomic(), audit_actor(actor):
        run = _open_run(actor, run)
        if item is not None:
            item = _item_of(run, item)
            if InspectionPhoto.objects.filter(run=run, item=item).count() >= MAX_PHOTOS_PER_ITEM:
                raise ValidationError(_("每个检查项最多 %(n)d 张照片。") % {"n": MAX_PHOTOS_PER_ITEM})
        photo = InspectionPhoto(run=run, item=item, uploaded_by=actor)
        photo.image.save(content.name, content, save=False)
        photo.save()
        if item is not None and item.kind == ItemKindChoices.PHOTO:
            InspectionAnswer.objects.get_or_create(run=run, item=item, defaults={"answered_by": actor})
    return photo


def photo_delete(*, actor, photo: InspectionPhoto) -> None:
    """Remove a photo from an open run: the uploader's own, or any with change permission on the run's store."""
    with transaction.atomic(), audit_actor(actor):
        photo = InspectionPhoto.objects.for_user(actor, "add").select_for_update().get(pk=photo.pk)
        # checked before the run is touched: a refused delete must not even start a scheduled run
        is_uploader = photo.uploaded_by_id is not None and photo.uploaded_by_id == actor.pk
        if not is_uploader and not InspectionRun.objects.for_user(actor, "change").filter(pk=photo.run_id).exists():
            raise PermissionDenied(_("只有上传人或可修改该门店巡检的角色可以删除这张照片。"))
        _open_run(actor, photo.run)
        storage, name = photo.image.storage, photo.image.name
        photo.delete()
        transaction.on_commit(lambda: storage.delete(name))


def run_score(run: InspectionRun) -> tuple[scoring.RunScore, list[int]]:
    """Score a run from its stored answers; also returns the ids of items still unanswered."""
    items = list(TemplateItem.objects.filter(section__version_id=run.template_version_id))
    answers = {a.item_id: a for a in InspectionAnswer.objects.filter(run=run)}
    photos = dict(
        InspectionPhoto.objects.filter(run=run, item__isnull=False).values_list("item_id").annotate(n=Count("pk"))
    )
    specs, values, missing = [], {}, []
    for item in items:
        spec = item_spec(item)
        specs.append(spec)
        value = _answer_value(item, answers.get(item.pk), photos.get(item.pk, 0))
        if value is not None:
            values[item.pk] = value
        answered = scoring.is_answered(spec, value)
        needs_photo = item.is_photo_required and not photos.get(item.pk) and not (value and value.is_not_applicable)
        if not answered or needs_photo:
            missing.append(item.pk)
    return scoring.score_run(specs, values, run.template_version.pass_threshold), missing


def run_complete(*, actor, run: InspectionRun, signed_by_name: str, note: str = "") -> InspectionRun:
    """Score and sign off a run; each failed item becomes a finding with a corrective action, and tie-ins fire."""
    from opsdesk.storeops.services.tieins import stock_check_raise, training_suggest

    signed_by_name = (signed_by_name or "").strip()
    if not signed_by_name:
        raise ValidationError({"signed_by_name": _("请签名（填写姓名）。")})
    with transaction.atomic(), audit_actor(actor):
        run = _open_run(actor, run)
        result, missing = run_score(run)
        if missing:
            raise ValidationError(_("还有 %(n)d 项未完成（含必须拍照的项）。") % {"n": len(missing)})
        now = timezone.now()
        run.status = RunStatusChoices.COMPLETED
        run.completed_at = run.signed_at = now
        run.signed_by_name = signed_by_name
        run.note = note
        run.score, run.is_passed = result.score, result.is_passed
        run.has_critical_failure = result.has_critical_failure
        run.failed_count = len(result.failed_item_ids)
        run.save()
        InspectionAnswer.objects.filter(run=run).update(is_failed=False)
        InspectionAnswer.objects.filter(run=run, item_id__in=result.failed_item_ids).update(is_failed=True)
        owner = default_action_owner(run.store) or actor
        for answer in InspectionAnswer.objects.filter(run=run, is_failed=True).select_related("item"):
            finding = Finding.objects.create(
                run=run, store=run.store, item=answer.item, answer=answer, is_critical=answer.item.is_critical,
                description=answer.note, created_at=now,
            )
            _raise_action(run, finding, owner=owner, actor=actor, now=now)
            if answer.item.topic == ItemTopicChoices.STOCK_ON_SHELF:
                stock_check_raise(run=run, finding=finding)
            if answer.item.topic in (ItemTopicChoices.SERVICE, ItemTopicChoices.GROOMING):
                training_suggest(store=run.store, item=answer.item, now=now)
    return run


def action_defaults(item: TemplateItem) -> tuple[str, int]:
    """(priority, due in days) of the action a failed item raises."""
    if item.is_critical:
        return PriorityChoices.CRITICAL, 1
    if item.topic in URGENT_TOPICS:
        return PriorityChoices.HIGH, 2
    return PriorityChoices.MEDIUM, 3


def _raise_action(run, finding: Finding, *, owner, actor, now) -> CorrectiveAction:
    priority, days = action_defaults(finding.item)
    text = finding.answer.note.strip()
    action = CorrectiveAction(
        store=run.store, finding=finding, title=_("整改：%(item)s") % {"item": finding.item.text}, description=text,
        owner=owner, priority=priority, due_date=timezone.localdate(now) + timedelta(days=days), created_by=actor,
        created_at=now,
    )
    action.full_clean()
    action.save()
    return action


def default_action_owner(store):
    """The store's manager (an active store-manager user whose scope names the store), else None."""
    from opsdesk.core.choices import RoleChoices
    from opsdesk.core.models import User

    return (
        User.objects.filter(role=RoleChoices.STORE_MANAGER, is_active=True, company_id=store.company_id,
                            scope_stores=store)
        .order_by("pk")
        .first()
    )


def run_cancel(*, actor, run: InspectionRun) -> InspectionRun:
    """Cancel an open run (supervisor level: needs change)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        run = in_scope_for_update(actor, InspectionRun, run, "change")
        if not run.is_open:
            raise ValidationError(_("只能取消未完成的巡检。"))
        run.status = RunStatusChoices.CANCELLED
        run.save(update_fields=["status"])
    return run


def run_delete(*, actor, run: InspectionRun) -> None:
    """Delete a run with its answers, photos, findings and their actions' links."""
    assert_can(actor, AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        run = InspectionRun.objects.for_user(actor, "delete").get(pk=run.pk)
        names = [p.image.name for p in run.photos.all()]
        storage = InspectionPhoto._meta.get_field("image").storage
        run.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])

