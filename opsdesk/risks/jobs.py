"""Background jobs of the risk register (django-tasks): the nightly measurement of the key risk indicators."""

from django_tasks import task


@task()
def measure_indicators() -> int:
    """Measure every active key risk indicator for today; returns how many were measured."""
    from opsdesk.risks.services import kris_measure_all

    return kris_measure_all()
