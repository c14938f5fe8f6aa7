"""Writes of inspection schedules and the job that turns them into due runs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, assign_fields, confirm_in_scope, in_scope_for_update
from opsdesk.core.scoping import visible_store_ids
from opsdesk.storeops.choices import FrequencyChoices, RunStatusChoices
from opsdesk.storeops.models import InspectionRun, InspectionSchedule
from opsdesk.storeops.services.common import AREA, TEMPLATE_AREA

SCHEDULE_FIELDS = {"template", "store", "region", "frequency", "weekday", "day_of_month", "assignee_role", "assignee",
                   "start_date", "is_active"}


def _check_targets(actor, schedule: InspectionSchedule) -> None:
    from opsdesk.core.models import Store
    from opsdesk.core.selectors import is_assignable

    if schedule.store_id and schedule.store_id not in visible_store_ids(actor):
        raise ValidationError({"store": _("该门店不在你的权限范围内。")})
    if schedule.region_id:
        region_stores = set(Store.objects.filter(region_id=schedule.region_id).values_list("pk", flat=True))
        if not region_stores or not region_stores <= set(visible_store_ids(actor)):
            raise ValidationError({"region": _("只能为你负责的整个区域排期。")})
    if not is_assignable(schedule.assignee, company_id=actor.company_id, area=AREA, store_id=schedule.store_id,
                         action="add"):
        raise ValidationError({"assignee": _("指派人看不到该门店，或其角色不能执行巡检。")})


def schedule_create(*, actor, data: dict[str, Any]) -> InspectionSchedule:
    """Create a schedule for a store or a whole region in the actor's scope."""
    assert_can(actor, TEMPLATE_AREA, "add")
    with transaction.atomic(), audit_actor(actor):
        schedule = InspectionSchedule(company_id=actor.company_id)
        assign_fields(schedule, data, SCHEDULE_FIELDS)
        _check_targets(actor, schedule)
        schedule.full_clean()
        schedule.save()
        confirm_in_scope(actor, schedule, "add")
    return schedule


def schedule_update(*, actor, schedule: InspectionSchedule, data: dict[str, Any]) -> InspectionSchedule:
    """Change a schedule (runs already generated keep their due dates)."""
    assert_can(actor, TEMPLATE_AREA, "change")
    with transaction.atomic(), audit_actor(actor):
        schedule = in_scope_for_update(actor, InspectionSchedule, schedule, "change")
        assign_fields(schedule, data, SCHEDULE_FIELDS)
        _check_targets(actor, schedule)
        schedule.full_clean()
        schedule.save()
        confirm_in_scope(actor, schedule, "change")
    return schedule


def schedule_delete(*, actor, schedule: InspectionSchedule) -> None:
    """Delete a schedule; its runs stay (unlinked)."""
    assert_can(actor, TEMPLATE_AREA, "delete")
    with transaction.atomic(), audit_actor(actor):
        InspectionSchedule.objects.for_user(actor, "delete").get(pk=schedule.pk).delete()


def period_due_date(schedule: InspectionSchedule, today: date) -> date | None:
    """The due date of the schedule's period containing `today` (None for ad hoc or before the start)."""
    if schedule.frequency == FrequencyChoices.DAILY:
        due = today
    elif schedule.frequency == FrequencyChoices.WEEKLY:
        due = today - timedelta(days=today.weekday()) + timedelta(days=schedule.weekday)
    elif schedule.frequency == FrequencyChoices.MONTHLY:
        due = today.replace(day=schedule.day_of_month)
    else:
        return None
    return due if due >= schedule.start_date else None


def schedules_generate_runs(*, today: date | None = None) -> int:
    """The scheduling job: create this period's run for every active schedule and target store (idempotent).

    Open runs of an earlier period that were never started become "missed".
    """
    today = today or timezone.localdate()
    created = 0
    schedules = InspectionSchedule.objects.filter(is_active=True, template__is_active=True,
                                                  template__current_version__isnull=False).select_related("template")
    with audit_actor(None):
        for schedule in schedules:
            due = period_due_date(schedule, today)
            if due is None:
                continue
            for store in schedule.target_stores():
                created += _ensure_run(schedule, store, due)
    return created


def _ensure_run(schedule: InspectionSchedule, store, due: date) -> int:
    runs = InspectionRun.objects.filter(schedule=schedule, store=store)
    if runs.filter(due_date=due).exists():
        return 0
    with transaction.atomic():
        runs.filter(status=RunStatusChoices.SCHEDULED, due_date__lt=due).update(status=RunStatusChoices.MISSED)
        try:
            with transaction.atomic():
                InspectionRun.objects.create(
                    store=store, template_version_id=schedule.template.current_version_id, schedule=schedule,
                    due_date=due, assignee_role=schedule.assignee_role, assignee=schedule.assignee,
                )
        except IntegrityError:  # another worker created it first
            return 0
    return 1
