"""The demo company's launch records and its first assortment review (so the review page opens with proposals, as
the nightly job would leave it): every product the demo put on sale in its last half year is a launch (all
stores, from its first day of sales), with a first-four-weeks target around what it then sold, so some launches
run below plan and the "products launched" goal has something to count."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Sum

from opsdesk.sales.assortment import assortment_review_run
from opsdesk.sales.models import ProductLaunch, SkuDaySales

LAUNCH_WINDOW_DAYS = 183
MIN_HISTORY_DAYS = 200  # a product selling from the first days of the demo's history is not new
TRACKED_WEEKS = 4


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """Launch records of the demo company (rebuilt each time) and its assortment proposals."""
    return {"launches": _launches(company, end_date), "assortment_proposals": assortment_review_run(company.pk)}


def _launches(company, end_date: date) -> int:
    facts = SkuDaySales.objects.filter(store__company=company)
    history_start = facts.aggregate(first=Min("date"))["first"]
    if history_start is None or (end_date - history_start).days < MIN_HISTORY_DAYS:
        return 0
    firsts = (facts.values("product_id").annotate(first=Min("date"))
              .filter(first__gt=max(history_start + timedelta(days=30), end_date - timedelta(days=LAUNCH_WINDOW_DAYS)))
              .order_by("first", "product_id"))
    launches = []
    for index, row in enumerate(firsts):
        sold = facts.filter(product_id=row["product_id"], date__gte=row["first"],
                            date__lt=row["first"] + timedelta(weeks=TRACKED_WEEKS)).aggregate(units=Sum("quantity"))
        factor = Decimal("1.25") if index % 3 == 0 else Decimal("0.9")  # every third launch is behind its plan
        target = ((sold["units"] or Decimal(0)) * factor).quantize(Decimal("0.1"))
        launches.append(ProductLaunch(company=company, product_id=row["product_id"], launch_date=row["first"],
                                      weeks=TRACKED_WEEKS, target_units=max(target, Decimal("1.0"))))
    with transaction.atomic():
        ProductLaunch.objects.filter(company=company).delete()
        ProductLaunch.objects.bulk_create(launches)
    return len(launches)
