"""Background work of the replenishment app (django-tasks): the on-demand plan and the nightly plan."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from opsdesk.core.models import Company

WAIT_FOR_FORECAST = timedelta(minutes=5)
MAX_WAITS = 24  # two hours


@task()
def execute_plan_run(run_id: int, waits: int = 0) -> int:
    """Execute a queued plan run (idempotent: a finished run is left alone).

    The nightly plan follows the nightly forecast: while a forecast of the company is still queued or running,
    the plan waits (re-queued a few minutes later) so that it plans on tonight's forecast, not yesterday's.
    """
    from opsdesk.forecasting.models import ForecastRun
    from opsdesk.forecasting.services import forecast_runs_recover
    from opsdesk.replenishment.models import PlanRun
    from opsdesk.replenishment.services import plan_run_execute

    run = PlanRun.objects.get(pk=run_id)
    # A forecast whose worker died would otherwise hold the plan for two hours: fail it (its retry is queued,
    # and the plan waits for that one instead).
    forecast_runs_recover(company=run.company)
    forecasting = ForecastRun.objects.filter(company_id=run.company_id, status__in=["queued", "running"]).exists()
    if forecasting and waits < MAX_WAITS:
        execute_plan_run.using(run_after=timezone.now() + WAIT_FOR_FORECAST).enqueue(run_id, waits + 1)
        return run_id
    return plan_run_execute(run_id).pk


def enqueue_nightly_plan() -> None:
    """Queue tonight's plan for every company with stores (called once a day by the scheduler at 03:00)."""
    from opsdesk.replenishment.services import plan_run_request

    for company in Company.objects.filter(stores__isnull=False).distinct():
        plan_run_request(actor=None, company=company, kind="nightly")
