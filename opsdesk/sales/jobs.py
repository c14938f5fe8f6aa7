"""Background jobs of sales (django-tasks): the nightly evaluation of finished promotions and assortment review."""

from django_tasks import task


@task()
def review_sales_nightly() -> int:
    """Evaluate finished promotions not evaluated yet, recompute the open assortment proposals and write the explorer's
    extract of every company; returns how many promotions were evaluated."""
    from opsdesk.core.models import Company
    from opsdesk.sales.assortment import assortment_review_run
    from opsdesk.sales.explorer import explorer_cache_warm
    from opsdesk.sales.promotions import promotion_evaluations_refresh

    evaluated = 0
    for company_id in Company.objects.filter(stores__isnull=False).distinct().values_list("pk", flat=True):
        evaluated += promotion_evaluations_refresh(company_id)
        assortment_review_run(company_id)
        explorer_cache_warm(company_id)
    return evaluated


@task()
def explorer_warm(company_id: int) -> str:
    """Write the explorer's extract of one company (after its facts changed), so the next page reads Parquet."""
    from opsdesk.sales.explorer import explorer_cache_warm

    return str(explorer_cache_warm(company_id))


def enqueue_explorer_warm(company_id: int) -> None:
    """The `facts_changed` hook: queue the extract (idempotent: an extract of the same facts version is kept)."""
    explorer_warm.enqueue(company_id)
