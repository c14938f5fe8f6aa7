"""The demo company's operating costs: a monthly cost per store and category for the months its sales cover, in
line with each store's sales (rent fixed for the year, labour and utilities following the month's sales with a
seasonal swing for air conditioning and heating, marketing and maintenance lumpy), so budgets and the store P&L
have actuals to compare with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from opsdesk.finance.models import OperatingCost

#: (category as the operating-cost export names it, share of the store's sales)
CATEGORIES = (("房租", 0.055), ("人工", 0.095), ("水电", 0.022), ("推广", 0.012), ("维修保养", 0.008),
              ("培训", 0.002))
#: Utilities by calendar month (cooling in summer, heating in winter).
UTILITY_SEASON = (1.25, 1.2, 1.0, 0.9, 0.95, 1.15, 1.35, 1.35, 1.1, 0.9, 0.95, 1.15)
CENT = Decimal("0.01")


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """Monthly operating costs of every store of the demo company up to `end_date`'s month (idempotent)."""
    from opsdesk.sales.models import StoreDaySales

    rng = np.random.default_rng(seed + 11)
    monthly = (StoreDaySales.objects.filter(store__company=company, date__lte=end_date)
               .annotate(month=TruncMonth("date")).values("store_id", "month").annotate(sales=Sum("sales_amount"))
               .order_by("store_id", "month"))
    by_store: dict[int, list[tuple[date, float]]] = {}
    for row in monthly:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        by_store.setdefault(row["store_id"], []).append((month, float(row["sales"] or 0)))
    rows = []
    for store_id, months in by_store.items():
        yearly_rent = {}
        for month, sales in months:
            rent = yearly_rent.setdefault(month.year, _rent(months, month.year))
            for category, share in CATEGORIES:
                amount = _amount(category, share, sales, rent, month, rng)
                rows.append(OperatingCost(store_id=store_id, date=month, is_monthly=True, category=category,
                                          amount=Decimal(amount).quantize(CENT)))
    with transaction.atomic():
        OperatingCost.objects.filter(store__company=company).delete()
        OperatingCost.objects.bulk_create(rows, batch_size=5_000)
    return {"operating_costs": len(rows)}


def _rent(months: list[tuple[date, float]], year: int) -> float:
    """A year's monthly rent: 5.5 % of the store's average month that year (a lease does not follow the till)."""
    sales = [value for month, value in months if month.year == year]
    return 0.055 * (sum(sales) / len(sales)) if sales else 0.0


def _amount(category: str, share: float, sales: float, rent: float, month: date, rng) -> float:
    if category == "房租":
        return rent
    if category == "水电":
        return sales * share * UTILITY_SEASON[month.month - 1] * rng.normal(1.0, 0.04)
    if category in ("推广", "维修保养"):
        return sales * share * rng.gamma(4.0, 0.25)  # mean 1, lumpy
    return sales * share * rng.normal(1.0, 0.03)
