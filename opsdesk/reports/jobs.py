"""Background work of reports (django-tasks): the subscriptions' packs of the period just ended."""

from django_tasks import task


@task()
def send_due_packs() -> int:
    """Build and send today's due packs (weekly on Mondays, monthly on the 1st); returns how many were sent."""
    from django.utils import timezone

    from opsdesk.reports.services import subscriptions_run_due

    return len(subscriptions_run_due(today=timezone.localdate()))
