"""Background work of the forecasting app (django-tasks): the on-demand run and the nightly run."""

from django_tasks import task

from opsdesk.core.models import Company


@task()
def execute_forecast_run(run_id: int) -> int:
    """Execute a queued forecasting run (idempotent: a finished run is left alone)."""
    from opsdesk.forecasting.services import forecast_run_execute

    return forecast_run_execute(run_id).pk


def enqueue_nightly_forecast() -> None:
    """Queue tonight's run for every company with stores (called once a day by the scheduler)."""
    from opsdesk.forecasting.services import forecast_run_request

    for company in Company.objects.filter(stores__isnull=False).distinct():
        forecast_run_request(actor=None, company=company, kind="nightly")
