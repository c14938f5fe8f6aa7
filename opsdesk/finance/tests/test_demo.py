"""The demo's operating costs follow each store's sales and land in the budget categories."""

from datetime import date
from decimal import Decimal

from opsdesk.finance.demo import CATEGORIES, demo_builder
from opsdesk.finance.models import OperatingCost
from opsdesk.sales.models import StoreDaySales


def test_monthly_costs_per_store_and_category_in_line_with_sales(org):
    # given: two months of sales for one store
    store = org.stores["a1"]
    for day, amount in ((date(2026, 1, 5), "10000.00"), (date(2026, 1, 20), "20000.00"), (date(2026, 2, 3), "40000")):
        StoreDaySales.objects.create(store=store, date=day, sales_amount=Decimal(amount), cost_amount=0,
                                     customers=1, transactions=1)
    # when
    counts = demo_builder(org.company, end_date=date(2026, 2, 28), seed=1)
    again = demo_builder(org.company, end_date=date(2026, 2, 28), seed=1)
    # then: 2 months × 6 categories, rebuilt not added; rent is 5.5 % of the year's average month
    assert counts == again == {"operating_costs": 2 * len(CATEGORIES)}
    rent = list(OperatingCost.objects.filter(category="房租").order_by("date").values_list("date", "amount"))
    assert rent == [(date(2026, 1, 1), Decimal("1925.00")), (date(2026, 2, 1), Decimal("1925.00"))]
    labour = OperatingCost.objects.get(category="人工", date=date(2026, 2, 1)).amount
    assert Decimal("3420") < labour < Decimal("4180")  # 9.5 % of 40,000 within ±10 %
    assert set(OperatingCost.objects.values_list("is_monthly", flat=True)) == {True}
