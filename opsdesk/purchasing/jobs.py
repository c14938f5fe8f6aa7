"""Background work of the purchasing app (django-tasks): the nightly supplier scorecards."""

from django_tasks import task

from opsdesk.core.models import Company


@task()
def compute_company_scorecards(company_id: int) -> int:
    """Recompute a company's last 12 monthly scorecards (idempotent: the window is replaced)."""
    from opsdesk.purchasing.services import scorecards_compute

    return scorecards_compute(company_id=company_id)


def enqueue_nightly_scorecards() -> None:
    """Queue the scorecards of every company with suppliers (called once a day by the scheduler at 04:00)."""
    for company_id in Company.objects.filter(suppliers__isnull=False).distinct().values_list("pk", flat=True):
        compute_company_scorecards.enqueue(company_id)
