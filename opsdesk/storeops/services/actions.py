"""Writes of corrective actions: create, change, progress by the owner, verify by a supervisor, escalate."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.choices import RoleChoices
from opsdesk.core.kit.guards import (
    assert_can,
    assert_store_in_scope,
    assign_fields,
    confirm_in_scope,
    in_scope_for_update,
)
from opsdesk.core.permissions import user_can
from opsdesk.storeops.choices import ActionStatusChoices, EscalationLevelChoices
from opsdesk.storeops.images import process_upload
from opsdesk.storeops.models import ActionEscalation, CorrectiveAction
from opsdesk.storeops.models.actions import OPEN_ACTION_STATUSES
from opsdesk.storeops.services.common import AREA, VERIFY_AREA

ACTION_FIELDS = {"title", "description", "owner", "due_date", "priority"}
#: Days overdue at which an open action reaches each escalation level (the time-based rule).
ESCALATION_DAYS = {
    EscalationLevelChoices.SUPERVISOR: 1,
    EscalationLevelChoices.REGIONAL_MANAGER: 3,
    EscalationLevelChoices.COO: 7,
}
_NEXT_STATUS = {
    ActionStatusChoices.OPEN: {ActionStatusChoices.IN_PROGRESS, ActionStatusChoices.DONE},
    ActionStatusChoices.IN_PROGRESS: {ActionStatusChoices.DONE},
    ActionStatusChoices.DONE: {ActionStatusChoices.IN_PROGRESS},
    ActionStatusChoices.VERIFIED: set(),
}


#: The owner moves the action forward with the `view` grant (see `can_progress`), so owners need only see it.
OWNER_ACTION = "view"


def _check_owner(actor, store, owner) -> None:
    """The owner must be one of the assignable people: sees the store and holds the store-operations area."""
    from opsdesk.core.selectors import is_assignable

    if not is_assignable(owner, company_id=store.company_id, area=AREA, store_id=store.pk, action=OWNER_ACTION):
        raise ValidationError({"owner": _("责任人看不到该门店，或其角色不能处理整改任务。")})


def action_create(*, actor, store, data: dict[str, Any], finding=None) -> CorrectiveAction:
    """Raise a corrective action at a store (ad hoc, or from a finding)."""
    assert_can(actor, AREA, "add")
    assert_store_in_scope(actor, store)
    with transaction.atomic(), audit_actor(actor):
        action = CorrectiveAction(store=store, finding=finding, created_by=actor)
        assign_fields(action, data, ACTION_FIELDS)
        _check_owner(actor, store, action.owner)
        if finding is not None and finding.store_id != store.pk:
            raise ValidationError(_("问题项不属于该门店。"))
        action.full_clean()
        action.save()
        confirm_in_scope(actor, action, "add")
    return action


def action_update(*, actor, action: CorrectiveAction, data: dict[str, Any]) -> CorrectiveAction:
    """Change an action's title, owner, due date or priority (a new due date restarts the escalation)."""
    assert_can(actor, AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        action = in_scope_for_update(actor, CorrectiveAction, action, "change")
        old_due = action.due_date
        assign_fields(action, data, ACTION_FIELDS)
        _check_owner(actor, action.store, action.owner)
        if action.due_date != old_due and action.due_date >= timezone.localdate():
            action.escalation_level = EscalationLevelChoices.OWNER
            action.escalated_to = None
            action.escalations.all().delete()
        action.full_clean()
        action.save()
    return action


def can_progress(user, action: CorrectiveAction) -> bool:
    """The owner may move their own action forward; otherwise the role needs `change`."""
    return user_can(user, AREA, "change") or (action.owner_id == user.pk and user_can(user, AREA, "view"))


def action_progress(*, actor, action: CorrectiveAction, status: str, resolution_note: str | None = None,
                    evidence=None) -> CorrectiveAction:
    """Move an action to in progress or done, with a note and an evidence photo (re-encoded, EXIF stripped)."""
    content = process_upload(evidence) if evidence else None
    with transaction.atomic(), audit_actor(actor):
        action = in_scope_for_update(actor, CorrectiveAction, action, "view")
        if not can_progress(actor, action):
            raise PermissionDenied(_("只有责任人或主管可以更新该任务。"))
        if status != action.status and status not in _NEXT_STATUS[action.status]:
            raise ValidationError({"status": _("不允许的状态变更。")})
        if status == ActionStatusChoices.VERIFIED:
            raise ValidationError({"status": _("验证请使用验证操作。")})
        if content is not None:
            action.evidence.save(content.name, content, save=False)
        if resolution_note is not None:
            action.resolution_note = resolution_note
        action.status = status
        action.done_at = timezone.now() if status == ActionStatusChoices.DONE else None
        action.full_clean()
        action.save()
    return action


def action_verify(*, actor, action: CorrectiveAction, approve: bool, note: str = "") -> CorrectiveAction:
    """A supervisor (or above) confirms a done action, or sends it back to in progress."""
    assert_can(actor, VERIFY_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        action = in_scope_for_update(actor, CorrectiveAction, action, "view")
        if action.status != ActionStatusChoices.DONE:
            raise ValidationError(_("只有已完成的任务可以验证。"))
        if action.owner_id == actor.pk:
            raise PermissionDenied(_("责任人不能验证自己的任务。"))
        if approve:
            action.status = ActionStatusChoices.VERIFIED
            action.verified_by, action.verified_at = actor, timezone.now()
        else:
            action.status = ActionStatusChoices.IN_PROGRESS
            action.done_at = None
        if note:
            action.resolution_note = (action.resolution_note + "\n" if action.resolution_note else "") + (
                _("[验证] %(name)s：%(note)s") % {"name": actor.display_name, "note": note}
            )
        action.save()
    return action


def action_delete(*, actor, action: CorrectiveAction) -> None:
    """Delete an action (raised in error)."""
    assert_can(actor, AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        CorrectiveAction.objects.for_user(actor, "delete").get(pk=action.pk).delete()


def escalation_chain(store) -> dict[int, Any]:
    """Who stands above a store, found through users' roles and scopes: level -> user (or None).

    Supervisor: an active supervisor whose scope names the store or its region; regional manager: one whose
    scope names the region (or the store); COO: an active COO of the company (company scope first).
    """
    from opsdesk.core.models import User

    users = User.objects.filter(company_id=store.company_id, is_active=True).order_by("pk")
    covers = Q(scope_stores=store) | Q(scope_regions=store.region_id)
    return {
        EscalationLevelChoices.SUPERVISOR: users.filter(covers, role=RoleChoices.SUPERVISOR).distinct().first(),
        EscalationLevelChoices.REGIONAL_MANAGER: users.filter(covers, role=RoleChoices.REGIONAL_MANAGER)
        .distinct().first(),
        EscalationLevelChoices.COO: users.filter(role=RoleChoices.COO).order_by("-has_company_scope", "pk").first(),
    }


def escalation_target_level(days_overdue: int) -> int:
    """The level an action overdue by `days_overdue` days has reached under ESCALATION_DAYS."""
    level = EscalationLevelChoices.OWNER
    for candidate, days in sorted(ESCALATION_DAYS.items()):
        if days_overdue >= days:
            level = candidate
    return int(level)


def action_escalate(
    action: CorrectiveAction, *, today: date, chain: dict[int, Any] | None = None
) -> list[ActionEscalation]:
    """Escalate one open overdue action as far as the rule says; levels with nobody are passed over upward."""
    days_overdue = (today - action.due_date).days
    target = escalation_target_level(days_overdue)
    if not action.is_open or target <= action.escalation_level:
        return []
    chain = chain if chain is not None else escalation_chain(action.store)
    created = []
    reached_user, reached_level = None, action.escalation_level
    for level in range(action.escalation_level + 1, max(EscalationLevelChoices.values) + 1):
        user = chain.get(level)
        if level > target and reached_level >= target:
            break
        if user is None:
            continue
        created.append(ActionEscalation(action=action, level=level, escalated_to=user, days_overdue=days_overdue))
        reached_user, reached_level = user, level
    if not created:
        return []
    ActionEscalation.objects.bulk_create(created, ignore_conflicts=True)
    action.escalation_level, action.escalated_to = reached_level, reached_user
    action.save(update_fields=["escalation_level", "escalated_to"])
    return created


def actions_escalate_overdue(*, now=None) -> int:
    """The escalation job: escalate every open overdue action (idempotent; returns escalation steps written)."""
    today = timezone.localdate(now or timezone.now())
    steps = 0
    chains: dict[int, dict] = {}
    overdue = CorrectiveAction.objects.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today).select_related(
        "store", "owner"
    )
    with audit_actor(None):
        for action in overdue.iterator(chunk_size=500):
            if escalation_target_level((today - action.due_date).days) <= action.escalation_level:
                continue
            if action.store_id not in chains:
                chains[action.store_id] = escalation_chain(action.store)
            with transaction.atomic():
                written = action_escalate(action, today=today, chain=chains[action.store_id])
            steps += len(written)
            if written:
                _notify_escalation(action, written[-1])
    return steps


def _notify_escalation(action: CorrectiveAction, step: ActionEscalation) -> None:
    user = step.escalated_to
    if user is None or not user.email:
        return
    subject = _("整改任务逾期升级：%(title)s") % {"title": action.title}
    body = _("%(store)s 的整改任务“%(title)s”已逾期 %(days)d 天（截止 %(due)s），升级至你处理。") % {
        "store": action.store.name, "title": action.title, "days": step.days_overdue, "due": action.due_date,
    }
    # fail_silently: a mail outage must not stop the escalation job (the escalation row is the record).
    send_mail(subject, body, None, [user.email], fail_silently=True)
