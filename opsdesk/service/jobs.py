"""Background jobs of customer service (django-tasks): the SLA escalation sweep."""

from django_tasks import task


@task()
def escalate_tickets() -> int:
    """Escalate every open ticket whose SLA is about to break or broke; returns the number escalated."""
    from opsdesk.service.services import tickets_escalate

    return tickets_escalate()
