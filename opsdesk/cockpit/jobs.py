"""Background work of the cockpit (django-tasks): rollup refresh, inbox escalation, the daily brief."""

from __future__ import annotations

from django_tasks import task

from opsdesk.core.models import Company


@task()
def refresh_company_rollups(company_id: int) -> dict:
    """Rebuild one company's rollups (after an import or on demand)."""
    from opsdesk.cockpit.rollups import rollup_refresh

    return rollup_refresh(Company.objects.get(pk=company_id))


@task()
def refresh_all_rollups() -> int:
    """Nightly (after the plan): rebuild the rollups of every company with stores."""
    from opsdesk.cockpit.rollups import rollup_refresh

    companies = list(Company.objects.filter(stores__isnull=False).distinct())
    for company in companies:
        rollup_refresh(company)
    return len(companies)


def enqueue_rollup_refresh(company_id: int) -> None:
    """The `facts_changed` hook: queue a refresh (idempotent, so a duplicate does no harm)."""
    refresh_company_rollups.enqueue(company_id)


@task()
def escalate_inbox() -> int:
    """Persist the escalation of overdue inbox items of every company."""
    from opsdesk.cockpit.inbox import inbox_escalate

    return sum(inbox_escalate(company=company) for company in Company.objects.all())


@task()
def send_daily_briefs() -> dict[str, dict]:
    """Render and deliver yesterday's brief of every company to its configured channels; the result says, per
    company, which channels took it and which failed and why."""
    from opsdesk.cockpit.brief import brief_deliver_all, delivery_summary

    return delivery_summary(brief_deliver_all())
