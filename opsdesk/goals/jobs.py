"""Background jobs of goals (django-tasks): the nightly measurement of every running goal."""

from django_tasks import task


@task()
def measure_goals() -> int:
    """Measure every goal whose period is running (or ended yesterday) for today; returns how many."""
    from opsdesk.core.models import Company
    from opsdesk.goals.services import goals_measure_all
    from opsdesk.goals.targets import sync_sales_targets

    measured = goals_measure_all()
    # A relative sales goal's target follows last year's facts: keep the cockpit's targets in step (this writes, and
    # refreshes the rollups, only where a target changed).
    for company_id in Company.objects.values_list("pk", flat=True):
        sync_sales_targets(company_id)
    return measured


@task()
def measure_company_goals(company_id: int) -> int:
    """Measure one company's running goals for today (after its facts changed); returns how many."""
    from opsdesk.goals.services import goals_measure_all

    return goals_measure_all(company_id=company_id)


def enqueue_company_measurement(company_id: int) -> None:
    """The `facts_changed` hook: queue the company's measurement (idempotent per day, so a duplicate does no
    harm)."""
    measure_company_goals.enqueue(company_id)
