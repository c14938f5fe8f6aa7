"""Sales KPIs against hand computations on small facts of the shared organisation, their scope and their None cases;
and the registry's contract for every KPI of every app.

Company A: stores a1, a2 (region A), b1, b2 (region B); company B: store x1 (see core/testing/org.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from django.apps import apps
from django.utils.module_loading import import_string

from opsdesk.catalog.models import Product
from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.sales import kpis
from opsdesk.sales.models import SkuDaySales, StoreDaySales

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def scope_of(*stores) -> KpiScope:
    return KpiScope(company_id=stores[0].company_id, store_ids=tuple(store.pk for store in stores))


def company_scope(org) -> KpiScope:
    return KpiScope(company_id=org.company.pk)


def day_sales(store, day: date, sales: str, transactions: int = 0, cost: str = "0") -> StoreDaySales:
    return StoreDaySales.objects.create(store=store, date=day, sales_amount=Decimal(sales),
                                        cost_amount=Decimal(cost), transactions=transactions)


def sales_target(store, month: date, amount: str):
    # The target model lives in the cockpit, which a sales module may not import (see kpis._sales_target_model).
    return apps.get_model("cockpit", "SalesTarget").objects.create(store=store, month=month, amount=Decimal(amount))


def product(company, sku: str) -> Product:
    return Product.objects.get_or_create(company=company, sku=sku, defaults={
        "name": sku, "cost": Decimal("3.00"), "price": Decimal("5.00")})[0]


# ------------------------------------------------------------------------------------------------ revenue, basket


@pytest.fixture
def march_totals(org):
    """Store-day totals in and around March: (store key, day, sales, transactions)."""
    rows = [
        ("a1", date(2026, 3, 1), "1000.50", 40), ("a1", date(2026, 3, 15), "2000.25", 61),
        ("a1", date(2026, 3, 31), "0", 0),  # closed day: a row with nothing sold
        ("a2", date(2026, 3, 2), "500.00", 20),
        ("b1", date(2026, 3, 3), "700.00", 10),
        ("x1", date(2026, 3, 3), "99999.00", 999),  # company B
        ("a1", date(2026, 2, 28), "8888.00", 88), ("a1", date(2026, 4, 1), "7777.00", 77),  # outside March
    ]
    for key, day, sales, count in rows:
        day_sales(org.stores[key], day, sales, count)
    return rows


def expected_totals(rows, keys) -> tuple[Decimal, int]:
    chosen = [(Decimal(s), n) for key, day, s, n in rows if key in keys and MARCH[0] <= day <= MARCH[1]]
    return sum((s for s, _n in chosen), Decimal(0)), sum(n for _s, n in chosen)


def test_revenue_transactions_and_basket_add_the_scopes_store_days(org, march_totals):
    # given: the figures by hand
    sales_a1, count_a1 = expected_totals(march_totals, {"a1"})
    sales_company, count_company = expected_totals(march_totals, {"a1", "a2", "b1", "b2"})
    # when
    a1, company = scope_of(org.stores["a1"]), company_scope(org)
    # then
    assert (sales_a1, count_a1) == (Decimal("3000.75"), 101)
    assert kpis.revenue(a1, MARCH) == float(sales_a1)
    assert kpis.transactions(a1, MARCH) == 101.0
    assert kpis.basket(a1, MARCH) == pytest.approx(float(sales_a1) / 101, rel=1e-12)
    assert kpis.revenue(company, MARCH) == float(sales_company) == 4200.75  # company B's x1 left out
    assert kpis.transactions(company, MARCH) == count_company == 131
    assert kpis.basket(company, MARCH) == pytest.approx(4200.75 / 131, rel=1e-12)


def test_revenue_of_a_store_leaves_out_the_other_stores(org, march_totals):
    assert kpis.revenue(scope_of(org.stores["a2"]), MARCH) == 500.0
    assert kpis.revenue(scope_of(org.stores["a2"], org.stores["b1"]), MARCH) == 1200.0
    assert kpis.revenue(KpiScope(company_id=org.other_company.pk), MARCH) == 99999.0


def test_sales_kpis_without_store_days_are_none(org, march_totals):
    # b2 has no facts at all; a1's only March row with nothing sold has no transactions
    b2 = scope_of(org.stores["b2"])
    closed_day = (date(2026, 3, 31), date(2026, 3, 31))
    assert kpis.revenue(b2, MARCH) is None
    assert kpis.transactions(b2, MARCH) is None
    assert kpis.basket(b2, MARCH) is None
    assert kpis.revenue(scope_of(org.stores["a1"]), closed_day) == 0.0  # a day with a row: measured, zero
    assert kpis.basket(scope_of(org.stores["a1"]), closed_day) is None


# ------------------------------------------------------------------------------------------------ growth


def test_growth_compares_the_same_calendar_days_a_year_earlier(org):
    # given: March 2026 and March 2025 at a1 (plus days just outside last year's March), and b1 only this year
    a1, b1 = org.stores["a1"], org.stores["b1"]
    day_sales(a1, date(2026, 3, 10), "1500.00")
    day_sales(a1, date(2026, 3, 20), "1200.00")
    day_sales(a1, date(2025, 3, 1), "1000.00")
    day_sales(a1, date(2025, 3, 31), "1000.00")
    day_sales(a1, date(2025, 2, 28), "5000.00")  # before last year's period
    day_sales(a1, date(2025, 4, 1), "5000.00")  # after it
    day_sales(b1, date(2026, 3, 10), "300.00")
    day_sales(org.stores["x1"], date(2025, 3, 10), "100.00")  # company B
    # when
    store = kpis.growth_yoy_percent(scope_of(a1), MARCH)
    both = kpis.growth_yoy_percent(scope_of(a1, b1), MARCH)
    # then: (2700 - 2000) / 2000 and (3000 - 2000) / 2000
    assert store == pytest.approx(35.0, abs=1e-9)
    assert both == pytest.approx(50.0, abs=1e-9)


def test_growth_maps_29_february_to_28_february(org):
    # given: February 2024 (a leap year) against February 2023
    a1 = org.stores["a1"]
    day_sales(a1, date(2024, 2, 29), "1100.00")
    day_sales(a1, date(2023, 2, 28), "1000.00")
    day_sales(a1, date(2023, 3, 1), "9999.00")  # not the day after 28 February 2023
    # when
    value = kpis.growth_yoy_percent(scope_of(a1), (date(2024, 2, 1), date(2024, 2, 29)))
    # then
    assert kpis.last_year(date(2024, 2, 29)) == date(2023, 2, 28)
    assert value == pytest.approx(10.0, abs=1e-9)


def test_growth_without_last_year_or_this_year_is_none(org):
    a1 = org.stores["a1"]
    day_sales(a1, date(2026, 3, 10), "1500.00")  # no March 2025
    day_sales(org.stores["a2"], date(2025, 3, 10), "1500.00")  # no March 2026
    assert kpis.growth_yoy_percent(scope_of(a1), MARCH) is None
    assert kpis.growth_yoy_percent(scope_of(org.stores["a2"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ target


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def test_target_achievement_counts_the_targeted_store_months_over_the_periods_days(org):
    # given: 10-20 March (11 days); a1 targets 31,000 (1,000.00 a day), a2 1,000 (32.26 a day), b1 none
    a1, a2, b1 = org.stores["a1"], org.stores["a2"], org.stores["b1"]
    sales_target(a1, date(2026, 3, 1), "31000.00")
    sales_target(a2, date(2026, 3, 1), "1000.00")
    sales_target(a1, date(2026, 4, 1), "99999.00")  # April: outside the period
    sales_target(org.stores["x1"], date(2026, 3, 1), "5.00")  # company B
    day_sales(a1, date(2026, 3, 10), "6000.00")
    day_sales(a1, date(2026, 3, 20), "5000.00")
    day_sales(a1, date(2026, 3, 21), "9999.00")  # after the period
    day_sales(a2, date(2026, 3, 15), "354.86")
    day_sales(b1, date(2026, 3, 15), "8000.00")  # no target: not in the numerator
    period = (date(2026, 3, 10), date(2026, 3, 20))
    # when
    store = kpis.target_achievement_percent(scope_of(a1), period)
    company = kpis.target_achievement_percent(company_scope(org), period)
    # then: daily targets by hand (the month's amount / 31, to the cent)
    target_a1 = cents(Decimal("31000") / 31) * 11
    target_a2 = cents(Decimal("1000") / 31) * 11
    assert (target_a1, target_a2) == (Decimal("11000.00"), Decimal("354.86"))
    assert store == pytest.approx(float(Decimal("11000") * 100 / target_a1), abs=1e-9) == 100.0
    assert company == pytest.approx(float(Decimal("11354.86") * 100 / (target_a1 + target_a2)), abs=1e-9)


def test_target_of_a_quarter_adds_each_months_daily_target(org):
    # given: Q1 2026 at a1, one target per month (February has 28 days)
    a1 = org.stores["a1"]
    for month, amount in ((1, "31000.00"), (2, "14000.00"), (3, "62000.00")):
        sales_target(a1, date(2026, month, 1), amount)
    day_sales(a1, date(2026, 2, 14), "53500.00")
    # when
    value = kpis.target_achievement_percent(scope_of(a1), (date(2026, 1, 1), date(2026, 3, 31)))
    # then: 31 x 1,000 + 28 x 500 + 31 x 2,000 = 107,000
    assert value == pytest.approx(50.0, abs=1e-9)


def test_target_achievement_without_targets_is_none(org):
    day_sales(org.stores["b1"], date(2026, 3, 15), "8000.00")
    sales_target(org.stores["a1"], date(2026, 3, 1), "31000.00")
    assert kpis.target_achievement_percent(scope_of(org.stores["b1"]), MARCH) is None
    assert kpis.target_achievement_percent(KpiScope(company_id=org.other_company.pk), MARCH) is None


def test_target_and_sales_read_as_the_cockpit_rollups_read_them(org):
    # given: facts and targets of a1 and a2 over three months, rolled up as the cockpit's nightly run does
    a1, a2 = org.stores["a1"], org.stores["a2"]
    for store, amount in ((a1, "31000.00"), (a2, "1234.56")):
        for month in (1, 2, 3):
            sales_target(store, date(2026, month, 1), amount)
        for offset in range(0, 90, 7):
            day_sales(store, date(2026, 1, 1) + timedelta(days=offset), f"{100 + offset}.25", transactions=offset)
    # A runtime import: the sales package may not import the cockpit (import-linter), its test only checks it.
    import_string("opsdesk.cockpit.rollups.rollup_refresh")(org.company)
    day_rollup = apps.get_model("cockpit", "DayRollup")
    period = (date(2026, 1, 10), date(2026, 3, 5))
    # when
    rollup = day_rollup.objects.filter(level="store", entity_id__in=[a1.pk, a2.pk], date__gte=period[0],
                                       date__lte=period[1]).values_list("sales", "target", "transactions")
    sales = sum((row[0] for row in rollup), Decimal(0))
    target = sum((row[1] for row in rollup), Decimal(0))
    # then
    scope = scope_of(a1, a2)
    assert kpis.revenue(scope, period) == float(sales)
    assert kpis.transactions(scope, period) == sum(row[2] for row in rollup)
    assert kpis.target_achievement_percent(scope, period) == pytest.approx(float(sales * 100 / target), abs=1e-9)


# ------------------------------------------------------------------------------------------------ gross margin


def test_gross_margin_leaves_out_lines_without_cost(org):
    # given: store x SKU x day lines at a1 in March, one without cost; others outside the scope or period
    a1 = org.stores["a1"]
    milk, bread, tea = (product(org.company, sku) for sku in ("K-MILK", "K-BREAD", "K-TEA"))
    lines = [  # (product, day, revenue, cost)
        (milk, date(2026, 3, 2), "100.00", "60.00"),
        (bread, date(2026, 3, 2), "50.00", "20.00"),
        (tea, date(2026, 3, 3), "80.00", "0"),  # no cost recorded: excluded, not 100% margin
        (milk, date(2026, 3, 31), "30.00", "33.00"),  # sold below cost
    ]
    for item, day, revenue, cost in lines:
        SkuDaySales.objects.create(store=a1, product=item, date=day, revenue=Decimal(revenue), cost=Decimal(cost),
                                   quantity=Decimal("1"))
    SkuDaySales.objects.create(store=a1, product=milk, date=date(2026, 4, 1), revenue=Decimal("999"),
                               cost=Decimal("1"), quantity=Decimal("1"))
    SkuDaySales.objects.create(store=org.stores["a2"], product=milk, date=date(2026, 3, 2), revenue=Decimal("100"),
                               cost=Decimal("90"), quantity=Decimal("1"))
    # when
    store = kpis.gross_margin_percent(scope_of(a1), MARCH)
    region = kpis.gross_margin_percent(scope_of(a1, org.stores["a2"]), MARCH)
    # then: (180 - 113) / 180 and (280 - 203) / 280
    costed = [(Decimal(r), Decimal(c)) for _p, _d, r, c in lines if Decimal(c) != 0]
    revenue, cost = sum(r for r, _c in costed), sum(c for _r, c in costed)
    assert (revenue, cost) == (Decimal("180.00"), Decimal("113.00"))
    assert store == pytest.approx(float((revenue - cost) * 100 / revenue), abs=1e-9)
    assert region == pytest.approx(77 * 100 / 280, abs=1e-9)


def test_gross_margin_without_costed_lines_is_none(org):
    tea = product(org.company, "K-TEA")
    SkuDaySales.objects.create(store=org.stores["a1"], product=tea, date=date(2026, 3, 3), revenue=Decimal("80"),
                               cost=Decimal("0"), quantity=Decimal("1"))
    assert kpis.gross_margin_percent(scope_of(org.stores["a1"]), MARCH) is None
    assert kpis.gross_margin_percent(scope_of(org.stores["b1"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ registry


def test_the_sales_kpis_are_registered_with_unit_and_direction():
    registered = extensions.kpis()
    assert {code: (registered[code].unit, registered[code].direction) for code in registered
            if code.startswith("sales_")} == {
        "sales_revenue": ("currency", "higher"), "sales_growth_yoy": ("%", "higher"),
        "sales_vs_target": ("%", "higher"), "sales_gross_margin": ("%", "higher"),
        "sales_transactions": ("count", "higher"), "sales_basket": ("currency", "higher"),
        "sales_launched_products": ("count", "higher")}
    assert registered["sales_revenue"].measure is kpis.revenue


def test_every_registered_kpi_reads_in_both_languages():
    # given: every app's KPIs (service, sales, inventory, store operations, purchasing, ...)
    registered = extensions.kpis()
    # then
    assert {"service_csat", "sales_revenue", "inventory_stockout_rate", "storeops_inspection_score",
            "purchasing_supplier_otif"} <= set(registered)
    for code, definition in registered.items():
        assert definition.code == code
        for text in (definition.name_zh, definition.name_en, definition.description_zh, definition.description_en,
                     definition.aggregation):
            assert text.strip(), code
        assert definition.name("en") == definition.name_en
        assert definition.name("zh-hans") == definition.name_zh
        assert callable(definition.measure)


MEASURED_HERE = ("sales_", "inventory_", "storeops_", "purchasing_")


@pytest.mark.parametrize("scope_kind", ["store", "company"])
def test_every_kpi_measures_in_at_most_three_queries(org, march_totals, django_assert_max_num_queries, scope_kind):
    # given: facts in several stores (the query count must not grow with the stores or the rows)
    milk = product(org.company, "K-MILK")
    for key in ("a1", "a2", "b1"):
        sales_target(org.stores[key], date(2026, 3, 1), "31000.00")
        for day in range(1, 11):
            SkuDaySales.objects.create(store=org.stores[key], product=milk, date=date(2026, 3, day),
                                       revenue=Decimal("10"), cost=Decimal("6"), quantity=Decimal(1),
                                       is_stockout=day == 5)
    scope = scope_of(org.stores["a1"]) if scope_kind == "store" else company_scope(org)
    definitions = [d for code, d in extensions.kpis().items() if code.startswith(MEASURED_HERE)]
    # when / then
    assert len(definitions) == 14
    for definition in definitions:
        with django_assert_max_num_queries(3):
            definition.measure(scope, MARCH)
