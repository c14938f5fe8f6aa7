"""Rollups equal an independent aggregation of the facts (exact, in Decimal), at every level."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from opsdesk.cockpit.choices import RollupLevelChoices as L
from opsdesk.cockpit.models import DayRollup, StoreSkuRollup
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import LAST_DAY, make_facts
from opsdesk.sales.models import SkuDaySales, StoreDaySales


def _independent(company):
    """Sum the facts in Python, keyed like the rollups: (level, entity, date) -> (sales, cost, customers, tx)."""
    expected = defaultdict(lambda: [Decimal(0), Decimal(0), 0, 0])
    for fact in StoreDaySales.objects.filter(store__company=company).select_related("store"):
        for key in ((L.STORE, fact.store_id), (L.REGION, fact.store.region_id), (L.COMPANY, company.pk)):
            row = expected[(*key, fact.date)]
            row[0] += fact.sales_amount
            row[1] += fact.cost_amount
            row[2] += fact.customers
            row[3] += fact.transactions
    return {key: tuple(value) for key, value in expected.items()}


def test_day_rollups_equal_an_independent_aggregation_of_the_facts(org):
    # given
    make_facts(org.stores.values(), days=120)
    # when
    counts = rollup_refresh(org.company)
    # then
    rows = DayRollup.objects.filter(company=org.company, has_actuals=True)
    actual = {(r.level, r.entity_id, r.date): (r.sales, r.cost, r.customers, r.transactions) for r in rows}
    assert actual == _independent(org.company)
    assert len(actual) == 120 * (4 + 2 + 1)
    assert counts["stock_rows"] == 4


def test_daily_targets_spread_the_month_target_and_sum_up_the_levels(org):
    # given
    make_facts(org.stores.values(), days=40)
    # when
    rollup_refresh(org.company)
    # then: 31,000.00 in March (31 days) is 1,000.00 a day per store; region A has two stores
    march = LAST_DAY.replace(day=1)
    store_row = DayRollup.objects.get(level=L.STORE, entity_id=org.stores["a1"].pk, date=march)
    region_row = DayRollup.objects.get(level=L.REGION, entity_id=org.region_a.pk, date=march)
    company_row = DayRollup.objects.get(level=L.COMPANY, entity_id=org.company.pk, date=march)
    assert (store_row.target, region_row.target, company_row.target) == (
        Decimal("1000.00"), Decimal("2000.00"), Decimal("4000.00"))


def test_sku_rollups_equal_the_last_28_days_of_sku_facts(org):
    # given
    make_facts([org.stores["a1"]], days=60)
    # when
    rollup_refresh(org.company)
    # then
    start = LAST_DAY - timedelta(days=28)
    expected = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), 0])
    for fact in SkuDaySales.objects.filter(store=org.stores["a1"], date__gt=start):
        row = expected[fact.product_id]
        row[0] += fact.quantity
        row[1] += fact.revenue
        row[2] += fact.cost
        row[3] += int(fact.is_stockout)
    actual = {r.product_id: [r.units, r.sales, r.cost, r.stockout_days]
              for r in StoreSkuRollup.objects.filter(store=org.stores["a1"])}
    assert actual == dict(expected)


def test_refresh_is_idempotent(org):
    # given
    make_facts([org.stores["a1"]], days=10)
    rollup_refresh(org.company)
    before = sorted(DayRollup.objects.values_list("level", "entity_id", "date", "sales"))
    # when
    rollup_refresh(org.company)
    # then
    assert sorted(DayRollup.objects.values_list("level", "entity_id", "date", "sales")) == before
