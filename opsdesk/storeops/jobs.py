"""Background jobs of store operations (django-tasks). Each is idempotent, so a worker or a cron line may run it
as often as it likes; `opsdesk.storeops.jobs.run_daily()` runs all three in order."""

from __future__ import annotations

from django_tasks import task

from opsdesk.storeops import services


@task()
def generate_scheduled_runs() -> int:
    """Create this period's runs for every active schedule (and mark superseded unstarted runs missed)."""
    return services.schedules_generate_runs()


@task()
def escalate_overdue_actions() -> int:
    """Escalate overdue corrective actions one level per rule step (supervisor, regional manager, COO)."""
    return services.actions_escalate_overdue()


@task()
def send_compliance_reminders() -> int:
    """Mail store managers and supervisors about licences and checks inside their reminder window."""
    return services.compliance_send_reminders()


def run_daily() -> dict[str, int]:
    """Run every store-operations job now, in this process (the CLI and tests call this)."""
    return {
        "runs_created": services.schedules_generate_runs(),
        "escalations": services.actions_escalate_overdue(),
        "reminders": services.compliance_send_reminders(),
    }
