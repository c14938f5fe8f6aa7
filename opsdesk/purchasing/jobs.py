"""Background work of the purchasing app (django-tasks): the nightly supplier scorecards and the daily expiry
reminders of supplier documents."""

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


@task()
def send_company_document_reminders(company_id: int) -> int:
    """E-mail the reminders about a company's expiring supplier documents (idempotent: once per expiry date)."""
    from opsdesk.purchasing.services import document_reminders_send

    return document_reminders_send(company_id=company_id)


def enqueue_document_reminders() -> None:
    """Queue the reminders of every company with supplier documents that have an expiry date (daily, 07:30)."""
    companies = (Company.objects.filter(suppliers__documents__expires_on__isnull=False).distinct()
                 .values_list("pk", flat=True))
    for company_id in companies:
        send_company_document_reminders.enqueue(company_id)
