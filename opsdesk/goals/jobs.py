"""Background jobs of goals (django-tasks): the nightly measurement of every running goal."""

from django_tasks import task


@task()
def measure_goals() -> int:
    """Measure every goal whose period is running (or ended yesterday) for today; returns how many."""
    from opsdesk.goals.services import goals_measure_all

    return goals_measure_all()


@task()
def measure_company_goals(company_id: int) -> int:
    """Measure one company's running goals for today (after its facts changed); returns how many."""
    from opsdesk.goals.services import goals_measure_all

    return goals_measure_all(company_id=company_id)


def enqueue_company_measurement(company_id: int) -> None:
    """The `facts_changed` hook: queue the company's measurement (idempotent per day, so a duplicate does no
    harm)."""
    measure_company_goals.enqueue(company_id)
