"""Background jobs of the risk register (django-tasks): the nightly measurement of the key risk indicators and the
scheduling of every store's next emergency drill."""

from django_tasks import task


@task()
def measure_indicators() -> int:
    """Measure every active key risk indicator for today; returns how many were measured."""
    from opsdesk.risks.services import kris_measure_all

    return kris_measure_all()


@task()
def schedule_drills() -> int:
    """Schedule the next drill of every store plan that has none scheduled or running; returns how many."""
    from opsdesk.risks.services import drills_schedule_all

    return len(drills_schedule_all())
