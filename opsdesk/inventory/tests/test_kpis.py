"""Inventory KPIs against hand computations on small facts of the shared organisation, their scope and None cases.

Company A: stores a1, a2 (region A), b1, b2 (region B); company B: store x1 (see core/testing/org.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from opsdesk.catalog.models import Product
from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.inventory import kpis
from opsdesk.inventory.models import StockSnapshot
from opsdesk.replenishment.models import PlanRun
from opsdesk.sales.models import SkuDaySales, StoreDaySales

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def scope_of(*stores) -> KpiScope:
    return KpiScope(company_id=stores[0].company_id, store_ids=tuple(store.pk for store in stores))


def product(company, sku: str, *, cost: str = "3.00", is_active: bool = True) -> Product:
    return Product.objects.get_or_create(company=company, sku=sku, defaults={
        "name": sku, "cost": Decimal(cost), "price": Decimal("5.00"), "is_active": is_active})[0]


def fact(store, item, day: date, *, stockout: bool = False) -> SkuDaySales:
    quantity = Decimal(0) if stockout else Decimal(2)
    return SkuDaySales.objects.create(store=store, product=item, date=day, quantity=quantity,
                                      revenue=quantity * 5, is_stockout=stockout)


# ------------------------------------------------------------------------------------------------ stockout rate


def test_stockout_rate_counts_flagged_days_over_the_pairs_open_days(org):
    # given: 1-10 March at a1, closed on the 5th; milk sold from the 1st, bread from the 6th
    a1 = org.stores["a1"]
    period = (date(2026, 3, 1), date(2026, 3, 10))
    milk, bread = product(org.company, "I-MILK"), product(org.company, "I-BREAD")
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 5), is_open=False)
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 6), sales_amount=Decimal("10"))  # open
    milk_days = {1: False, 3: True, 4: True, 5: True, 8: False}  # day -> out of stock (the 5th: closed)
    bread_days = {6: False, 9: True}
    for item, days in ((milk, milk_days), (bread, bread_days)):
        for day, out in days.items():
            fact(a1, item, date(2026, 3, day), stockout=out)
    fact(a1, milk, date(2026, 2, 28), stockout=True)  # before the period
    fact(a1, milk, date(2026, 3, 11), stockout=True)  # after it
    fact(org.stores["a2"], milk, date(2026, 3, 2), stockout=True)  # another store
    other_milk = product(org.other_company, "I-MILK")
    fact(org.stores["x1"], other_milk, date(2026, 3, 2), stockout=True)  # another company
    # when
    value = kpis.stockout_rate_percent(scope_of(a1), period)
    company = kpis.stockout_rate_percent(KpiScope(company_id=org.company.pk), period)
    # then: by hand, every pair from its first day to the 10th, the closed 5th left out
    closed = {5}
    pair_days = sum(len([d for d in range(min(days), 11) if d not in closed]) for days in (milk_days, bread_days))
    out_days = sum(1 for days in (milk_days, bread_days) for d, out in days.items() if out and d not in closed)
    assert (out_days, pair_days) == (3, 14)
    assert value == pytest.approx(out_days * 100 / pair_days, abs=1e-12)
    # a2's milk: out on the 2nd, counted from the 2nd to the 10th (9 days)
    assert company == pytest.approx((3 + 1) * 100 / (14 + 9), abs=1e-12)


def test_stockout_rate_of_a_large_panel_matches_a_dense_grid(org):
    # given: a seeded panel of 2 stores x 6 SKUs x 31 days with gaps, closed days and stockouts
    rng = np.random.default_rng(11)
    stores = [org.stores["a1"], org.stores["b1"]]
    items = [product(org.company, f"I-P{i}") for i in range(6)]
    closed = {(store.pk, day) for store in stores for day in rng.choice(np.arange(1, 32), 3, replace=False).tolist()}
    StoreDaySales.objects.bulk_create([StoreDaySales(store_id=s, date=date(2026, 3, d), is_open=False)
                                       for s, d in closed])
    rows = []
    for store in stores:
        for item in items:
            for day in range(1, 32):
                draw = rng.random()
                if (store.pk, day) in closed or draw < 0.4:
                    continue  # no fact: no sale and not out of stock
                rows.append(SkuDaySales(store=store, product=item, date=date(2026, 3, day),
                                        quantity=Decimal(0 if draw > 0.85 else 1), is_stockout=draw > 0.85))
    SkuDaySales.objects.bulk_create(rows)
    # when
    value = kpis.stockout_rate_percent(scope_of(*stores), MARCH)
    # then: a dense grid by hand, pair by pair and day by day
    first: dict[tuple[int, int], int] = {}
    for row in rows:
        key = (row.store_id, row.product_id)
        first[key] = min(first.get(key, 99), row.date.day)
    pair_days = sum(1 for (store_id, _p), start in first.items() for day in range(start, 32)
                    if (store_id, day) not in closed)
    out_days = sum(1 for row in rows if row.is_stockout)
    assert value == pytest.approx(out_days * 100 / pair_days, abs=1e-9)


def test_stockout_rate_without_sales_facts_is_none(org):
    fact(org.stores["a2"], product(org.company, "I-MILK"), date(2026, 3, 2), stockout=True)
    assert kpis.stockout_rate_percent(scope_of(org.stores["a1"]), MARCH) is None
    assert kpis.stockout_rate_percent(KpiScope(company_id=org.company.pk, store_ids=()), MARCH) is None


# ------------------------------------------------------------------------------------------------ overstock


def plan(company, plan_day: date, per_store: dict, *, status: str = "done", finished_hour: int = 3) -> PlanRun:
    finished = timezone.make_aware(timezone.datetime.combine(plan_day, timezone.datetime.min.time())) + timedelta(
        hours=finished_hour)
    summary = {"stores": {str(store.pk): {"store": store.pk, "overstock_value": value, "stock_value": 10 * value}
                          for store, value in per_store.items()}}
    return PlanRun.objects.create(company=company, status=status, plan_date=plan_day, summary=summary,
                                  finished_at=finished)


def test_overstock_value_reads_the_latest_plan_of_the_period(org):
    # given: plans of company A before, in and after March; a failed one; one of company B
    a1, a2, b1 = org.stores["a1"], org.stores["a2"], org.stores["b1"]
    plan(org.company, date(2026, 3, 1), {a1: 999.0})  # stock of 28 February: before the period
    plan(org.company, date(2026, 3, 20), {a1: 500.0, a2: 70.0})
    plan(org.company, date(2026, 4, 1), {a1: 120.5, a2: 30.25, b1: 7.0})  # stock of 31 March: the latest
    plan(org.company, date(2026, 4, 1), {a1: 1.0}, status="failed", finished_hour=5)
    plan(org.company, date(2026, 4, 2), {a1: 888.0})  # stock of 1 April: after the period
    plan(org.other_company, date(2026, 4, 1), {org.stores["x1"]: 5000.0})
    # when / then
    assert kpis.overstock_value(scope_of(a1), MARCH) == 120.5
    assert kpis.overstock_value(scope_of(a1, a2), MARCH) == 150.75
    assert kpis.overstock_value(KpiScope(company_id=org.company.pk), MARCH) == 157.75
    assert kpis.overstock_value(scope_of(org.stores["b2"]), MARCH) == 0.0  # in the plan's company, no overstock
    assert kpis.overstock_value(KpiScope(company_id=org.other_company.pk), MARCH) == 5000.0
    assert kpis.overstock_value(scope_of(a1), (date(2026, 2, 1), date(2026, 3, 18))) == 999.0
    assert kpis.overstock_value(scope_of(a1), (date(2026, 3, 1), date(2026, 3, 18))) is None


def test_overstock_value_without_a_plan_in_the_period_is_none(org):
    plan(org.company, date(2026, 3, 1), {org.stores["a1"]: 999.0})
    assert kpis.overstock_value(scope_of(org.stores["a1"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ days of cover


def test_days_of_cover_is_stock_at_the_end_over_the_average_daily_cost(org):
    # given: a1's snapshots (latest per SKU up to 31 March counts) and its cost of sales in March
    a1 = org.stores["a1"]
    milk, bread, tea = (product(org.company, sku) for sku in ("I-MILK", "I-BREAD", "I-TEA"))
    old = product(org.company, "I-OLD", is_active=False)
    snapshots = [  # (product, day, on hand, unit cost)
        (milk, date(2026, 2, 28), "10", "2.00"),
        (milk, date(2026, 3, 31), "12", "2.00"),  # the latest of milk: 24.00
        (milk, date(2026, 4, 1), "99", "2.00"),  # after the period
        (bread, date(2026, 3, 15), "-3", "4.00"),  # negative stock counts as none
        (tea, date(2025, 12, 31), "5", "0"),  # no unit cost: the product's 3.00, 15.00
        (old, date(2026, 3, 31), "100", "1.00"),  # delisted
    ]
    for item, day, on_hand, cost in snapshots:
        StockSnapshot.objects.create(store=a1, product=item, date=day, on_hand=Decimal(on_hand),
                                     unit_cost=Decimal(cost))
    StockSnapshot.objects.create(store=org.stores["a2"], product=milk, date=date(2026, 3, 31), on_hand=Decimal(50),
                                 unit_cost=Decimal("2.00"))
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 1), cost_amount=Decimal("62.00"))
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 15), cost_amount=Decimal("31.00"))
    StoreDaySales.objects.create(store=a1, date=date(2026, 4, 1), cost_amount=Decimal("9999.00"))
    # when
    value = kpis.days_of_cover(scope_of(a1), MARCH)
    # then: 39.00 of stock over 93.00 / 31 days of cost
    assert kpis.stock_value(scope_of(a1), MARCH[1]) == 39.0
    assert value == pytest.approx(39 / (93 / 31), abs=1e-9) == 13.0
    # a2 has stock but no cost of sales
    assert kpis.days_of_cover(scope_of(org.stores["a2"]), MARCH) is None
    # a1 and a2: (39 + 100) / 3
    assert kpis.days_of_cover(scope_of(a1, org.stores["a2"]), MARCH) == pytest.approx(139 / 3, abs=1e-9)


def test_stock_value_is_the_replenishment_plans_valuation(org):
    # given: stock at a1 and b1 (one SKU without a unit cost, one negative)
    from opsdesk.replenishment.selectors import plan_extract

    items = [product(org.company, sku, cost=cost) for sku, cost in (("I-A", "1.25"), ("I-B", "7.00"), ("I-C", "2"))]
    day = date(2026, 3, 31)
    for store, stock in ((org.stores["a1"], ("4", "0", "-2")), (org.stores["b1"], ("3.5", "8", "1"))):
        for item, on_hand, cost in zip(items, stock, ("3.00", "0", "2.50"), strict=True):
            StockSnapshot.objects.create(store=store, product=item, date=day, on_hand=Decimal(on_hand),
                                         unit_cost=Decimal(cost))
    # when
    extract = plan_extract(org.company)
    # then
    for store in (org.stores["a1"], org.stores["b1"]):
        mask = extract.store_ids == store.pk
        expected = float((extract.on_hand[mask] * extract.unit_cost[mask]).sum())
        assert kpis.stock_value(scope_of(store), day) == pytest.approx(expected, abs=1e-9)
    assert kpis.stock_value(scope_of(org.stores["b1"]), day) == pytest.approx(3.5 * 3 + 8 * 7 + 2.5, abs=1e-9)


def test_days_of_cover_without_stock_or_cost_is_none(org):
    StoreDaySales.objects.create(store=org.stores["a1"], date=date(2026, 3, 1), cost_amount=Decimal("62.00"))
    assert kpis.days_of_cover(scope_of(org.stores["a1"]), MARCH) is None  # no snapshot
    assert kpis.days_of_cover(scope_of(org.stores["b1"]), MARCH) is None  # nothing at all


def test_the_inventory_kpis_are_registered_with_unit_and_direction():
    registered = extensions.kpis()
    assert {code: (registered[code].unit, registered[code].direction) for code in registered
            if code.startswith("inventory_")} == {
        "inventory_stockout_rate": ("%", "lower"), "inventory_overstock_value": ("currency", "lower"),
        "inventory_days": ("days", "lower")}
    assert "inventory_shrink" not in registered  # no data to measure it (see kpis.py)
