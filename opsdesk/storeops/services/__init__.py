"""Writes of store operations: `<entity>_<action>(*, actor, ...)`, validated, atomic, audited, re-read in scope."""

from opsdesk.storeops.services.actions import (
    action_create,
    action_delete,
    action_escalate,
    action_progress,
    action_update,
    action_verify,
    actions_escalate_overdue,
    can_progress,
    escalation_chain,
    escalation_target_level,
)
from opsdesk.storeops.services.checklists import (
    item_delete,
    item_save,
    section_add,
    template_build,
    template_create,
    template_delete,
    template_draft,
    template_is_used_beyond,
    template_publish,
    template_update,
    version_update,
)
from opsdesk.storeops.services.facilities import (
    compliance_send_reminders,
)
from opsdesk.storeops.services.runs import (
    answer_save,
    photo_add,
    photo_delete,
    run_begin,
    run_cancel,
    run_complete,
    run_delete,
    run_score,
    run_start,
)
from opsdesk.storeops.services.schedules import (
    schedule_create,
    schedule_delete,
    schedule_update,
    schedules_generate_runs,
)
from opsdesk.storeops.services.tieins import stock_check_close, stock_check_raise, training_decide, training_suggest

__all__ = [
    "action_create", "action_delete", "action_escalate", "action_progress", "action_update", "action_verify",
    "actions_escalate_overdue", "answer_save", "can_progress",
    "compliance_send_reminders", "escalation_chain",
    "escalation_target_level", "item_delete", "item_save",
    "photo_add", "photo_delete", "run_begin", "run_cancel", "run_complete", "run_delete",
    "run_score", "run_start", "schedule_create", "schedule_delete", "schedule_update", "schedules_generate_runs",
    "section_add", "stock_check_close", "stock_check_raise", "template_build", "template_create", "template_delete",
    "template_draft", "template_is_used_beyond", "template_publish", "template_update", "training_decide",
    "training_suggest", "version_update",
]
