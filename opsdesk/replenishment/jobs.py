"""Background work of the replenishment app (django-tasks): the on-demand plan and the nightly plan."""

from django_tasks import task

from opsdesk.core.models import Company


@task()
def execute_plan_run(run_id: int) -> int:
    """Execute a queued plan run (idempotent: a finished run is left alone)."""
    from opsdesk.replenishment.services import plan_run_execute

    return plan_run_execute(run_id).pk


def enqueue_nightly_plan() -> None:
    """Queue tonight's plan for every company with stores (called once a day by the scheduler at 03:00)."""
    from opsdesk.replenishment.services import plan_run_request

    for company in Company.objects.filter(stores__isnull=False).distinct():
        plan_run_request(actor=None, company=company, kind="nightly")
