"""The demo's launch records: products first sold in the last half year, with a target around their first weeks."""

from datetime import date, timedelta
from decimal import Decimal

from opsdesk.catalog.models import Product
from opsdesk.sales.demo import demo_builder
from opsdesk.sales.models import ProductLaunch, SkuDaySales

START = date(2026, 1, 1)


def _sell(store, product, first: date, last: date, units: str = "2") -> None:
    day = first
    while day <= last:
        SkuDaySales.objects.create(store=store, product=product, date=day, quantity=Decimal(units),
                                   revenue=Decimal("10"), cost=Decimal("6"))
        day += timedelta(days=1)


def test_products_first_sold_in_the_last_half_year_are_launches(org):
    # given: an old product sold all year, a new one from 1 October (2 a day), one from 1 March (too early)
    store = org.stores["a1"]
    old, new, early = (Product.objects.create(company=org.company, sku=sku, name=sku, cost=1, price=2)
                       for sku in ("OLD", "NEW", "EARLY"))
    end = date(2026, 11, 30)
    _sell(store, old, START, end)
    _sell(store, new, date(2026, 10, 1), end)
    _sell(store, early, date(2026, 3, 1), end)
    # when
    counts = demo_builder(org.company, end_date=end, seed=1)
    again = demo_builder(org.company, end_date=end, seed=1)
    # then: one launch, rebuilt not added; 28 days × 2 units × 1.25 = 70
    assert counts == again == {"launches": 1}
    launch = ProductLaunch.objects.get()
    assert (launch.product_id, launch.launch_date, launch.weeks, launch.target_units) == (
        new.pk, date(2026, 10, 1), 4, Decimal("70.0"))
