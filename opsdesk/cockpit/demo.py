"""Demo data of the cockpit: monthly sales targets per store (last year's month plus a growth goal)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from opsdesk.cockpit.models import SalesTarget

GROWTH = Decimal("1.06")


def _add_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """Targets for every store and month with sales (the first year: actual x 1.06), then the rollups."""
    from opsdesk.cockpit.rollups import rollup_refresh
    from opsdesk.sales.models import StoreDaySales

    monthly = (StoreDaySales.objects.filter(store__company=company).annotate(month=TruncMonth("date"))
               .values("store_id", "month").annotate(total=Sum("sales_amount")))
    actual = {(row["store_id"], row["month"]): row["total"] for row in monthly}
    targets = []
    months = sorted({month for _store, month in actual})
    last_month = end_date.replace(day=1)
    for store_id in sorted({store for store, _month in actual}):
        for month in [*months, *[_add_years(m, 1) for m in months if _add_years(m, 1) > months[-1]]]:
            if month > last_month.replace(year=last_month.year + 1):
                continue
            base = actual.get((store_id, _add_years(month, -1))) or actual.get((store_id, month))
            if base:
                targets.append(SalesTarget(store_id=store_id, month=month, amount=(base * GROWTH).quantize(
                    Decimal("0.01"))))
    SalesTarget.objects.filter(store__company=company).delete()
    SalesTarget.objects.bulk_create(targets, batch_size=5_000)
    counts = rollup_refresh(company)
    return {"targets": len(targets), **counts}
