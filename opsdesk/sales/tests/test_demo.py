"""The demo's launch records (products first sold in the last half year, with a target around their first weeks) and
its first assortment review."""

from datetime import date, timedelta
from decimal import Decimal

from opsdesk.catalog.models import Product
from opsdesk.inventory.models import StockSnapshot
from opsdesk.sales.demo import demo_builder
from opsdesk.sales.models import AssortmentProposal, ProductLaunch, SkuDaySales

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
    assert counts == again == {"launches": 1, "assortment_proposals": 0}
    launch = ProductLaunch.objects.get()
    assert (launch.product_id, launch.launch_date, launch.weeks, launch.target_units) == (
        new.pk, date(2026, 10, 1), 4, Decimal("70.0"))


def test_the_demo_opens_with_an_assortment_review(org):
    # given: a product sold every day and one with 6 on hand in store A1 that has not sold for the whole review window
    store = org.stores["a1"]
    seller, dust = (Product.objects.create(company=org.company, sku=sku, name=sku, cost=1, price=2)
                    for sku in ("SELLER", "DUST"))
    end = date(2026, 11, 30)
    _sell(store, seller, START, end)
    _sell(store, dust, START, date(2026, 2, 1))
    StockSnapshot.objects.create(store=store, product=dust, date=end, on_hand=Decimal("6"), unit_cost=Decimal("1.5"))
    # when the demo's sales builder runs twice
    counts = demo_builder(org.company, end_date=end, seed=1)
    again = demo_builder(org.company, end_date=end, seed=1)
    # then the dead item is proposed for delisting once, with its figures; the second run replaces it, adds none
    assert counts == {"launches": 0, "assortment_proposals": 1}
    assert again == {"launches": 0, "assortment_proposals": 1}
    proposal = AssortmentProposal.objects.get()
    assert (proposal.store, proposal.product, proposal.kind, proposal.state) == (store, dust, "delist", "proposed")
    assert proposal.figures["stock_value"] == 9.0
    assert proposal.figures["days_since_sale"] == 92.0  # no sale in the 91-day window: more than 91 days
