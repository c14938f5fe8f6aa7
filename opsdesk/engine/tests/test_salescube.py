"""Sales explorer engine: totals by every dimension equal an independent (pure Python) aggregation."""

from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pytest

from opsdesk.engine.salescube import DIMENSIONS, CubeQuery, CubeTables, explore, materialize

START = date(2024, 1, 1)
DAYS = 400


def _tables(seed: int = 3) -> tuple[CubeTables, list[dict]]:
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(DAYS):
        for store in (1, 2, 3):
            for product in (10, 11, 12, 13):
                if rng.random() < 0.2:
                    continue
                units = float(rng.integers(1, 9))
                cost = 0.0 if product == 13 else units * 2.0
                rows.append({"date": START + timedelta(days=day), "store_id": store, "product_id": product,
                             "units": units, "revenue": units * (3.0 + product % 3), "cost": cost,
                             "is_promo": False})
    sku = pa.Table.from_pylist(rows)
    store_rows = [{"date": START + timedelta(days=d), "store_id": s, "revenue": 100.0 + s, "transactions": 10 + s}
                  for d in range(DAYS) for s in (1, 2, 3)]
    stores = pa.table({"store_id": [1, 2, 3], "store": ["S1", "S2", "S3"], "region_id": [7, 7, 8],
                       "region": ["East", "East", "West"]})
    products = pa.table({"product_id": [10, 11, 12, 13], "product": ["A", "B", "C", "D"],
                         "category_id": [100, 100, 101, 101], "category": ["Food", "Food", "Home", "Home"],
                         "supplier_id": [5, 6, 5, 6], "supplier": ["P", "Q", "P", "Q"]})
    promotions = pa.Table.from_pylist([
        {"promotion_id": 1, "promotion": "Spring", "store_id": 1, "category_id": 100,
         "start_date": date(2024, 3, 1), "end_date": date(2024, 3, 10)},
        {"promotion_id": 2, "promotion": "All", "store_id": None, "category_id": None,
         "start_date": date(2024, 3, 5), "end_date": date(2024, 3, 6)},
    ])
    tables = CubeTables(sku=sku, store=pa.Table.from_pylist(store_rows), stores=stores, products=products,
                        promotions=promotions)
    return tables, rows


def _key(row: dict, dimension: str):
    store_region = {1: 7, 2: 7, 3: 8}
    category = {10: 100, 11: 100, 12: 101, 13: 101}
    supplier = {10: 5, 11: 6, 12: 5, 13: 6}
    day = row["date"]
    if dimension == "promotion":
        if date(2024, 3, 5) <= day <= date(2024, 3, 6):
            return 2
        in_spring = date(2024, 3, 1) <= day <= date(2024, 3, 10)
        return 1 if in_spring and row["store_id"] == 1 and category[row["product_id"]] == 100 else 0
    return {
        "region": lambda: store_region[row["store_id"]], "store": lambda: row["store_id"],
        "category": lambda: category[row["product_id"]], "product": lambda: row["product_id"],
        "supplier": lambda: supplier[row["product_id"]], "weekday": lambda: day.isoweekday(),
        "week": lambda: day.isocalendar()[0] * 100 + day.isocalendar()[1],
        "month": lambda: day.year * 100 + day.month,
    }[dimension]()


@pytest.mark.parametrize("dimension", sorted(DIMENSIONS))
def test_totals_by_every_dimension_equal_an_independent_aggregation(dimension):
    # given
    tables, rows = _tables()
    start, end = date(2024, 2, 1), date(2024, 12, 31)
    expected = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for row in rows:
        if start <= row["date"] <= end:
            bucket = expected[_key(row, dimension)]
            bucket[0] += row["revenue"]
            bucket[1] += row["units"]
            if row["cost"]:
                bucket[2] += row["revenue"] - row["cost"]
                bucket[3] += row["revenue"]
    # when
    result = explore(tables, CubeQuery(start, end, ("revenue", "units", "margin", "margin_percent", "price"),
                                       (dimension,))).to_pylist()
    # then
    got = {r[f"{dimension}_key"]: r for r in result}
    assert set(got) == set(expected)
    for key, (revenue, units, margin, costed) in expected.items():
        assert got[key]["revenue"] == pytest.approx(revenue, abs=1e-6)
        assert got[key]["units"] == pytest.approx(units, abs=1e-6)
        if costed:
            assert got[key]["margin"] == pytest.approx(margin, abs=1e-6)
            assert got[key]["margin_percent"] == pytest.approx(margin * 100 / costed, abs=1e-9)
        else:  # no row with a cost: no margin (never a margin at zero cost)
            assert (got[key]["margin"], got[key]["margin_percent"]) == (None, None)
        assert got[key]["price"] == pytest.approx(revenue / units, abs=1e-9)


def test_transactions_and_basket_by_store_and_none_by_category_without_lines():
    # given
    tables, _rows = _tables()
    query = CubeQuery(date(2024, 1, 1), date(2024, 1, 31), ("revenue", "transactions", "basket"), ("store",))
    # when
    by_store = {r["store_key"]: r for r in explore(tables, query).to_pylist()}
    by_category = explore(tables, CubeQuery(date(2024, 1, 1), date(2024, 1, 31), ("transactions",),
                                            ("category",))).to_pylist()
    # then: 31 days x (10 + store) transactions; basket = store revenue / transactions
    assert by_store[2]["transactions"] == 31 * 12
    assert by_store[2]["basket"] == pytest.approx(102 / 12)
    assert [r["transactions"] for r in by_category] == [None, None]


def test_last_year_aligns_364_days_back_by_weekday():
    # given
    tables, rows = _tables()
    start, end = date(2025, 1, 6), date(2025, 1, 12)  # a Monday to Sunday
    before = [r for r in rows if start - timedelta(days=364) <= r["date"] <= end - timedelta(days=364)]
    # when
    result = explore(tables, CubeQuery(start, end, ("revenue",), ("weekday",), compare=("last_year",)))
    # then: each weekday meets the same weekday a year earlier
    got = {r["weekday_key"]: r["revenue_last_year"] for r in result.to_pylist()}
    for weekday in range(1, 8):
        assert got[weekday] == pytest.approx(sum(r["revenue"] for r in before if r["date"].isoweekday() == weekday))


def test_filters_keep_only_the_chosen_keys_and_target_and_forecast_compare():
    # given
    tables, rows = _tables()
    tables.targets = pa.Table.from_pylist([{"date": date(2024, 1, d), "store_id": s, "target": 50.0}
                                           for d in range(1, 32) for s in (1, 2, 3)])
    tables.forecast_store = pa.Table.from_pylist([{"date": date(2024, 1, d), "store_id": 1, "revenue": 9.0}
                                                  for d in range(1, 32)])
    query = CubeQuery(date(2024, 1, 1), date(2024, 1, 31), ("revenue",), ("region",), filters={"store": (1, 3)},
                      compare=("target", "forecast"))
    # when
    got = {r["region_key"]: r for r in explore(tables, query).to_pylist()}
    # then
    east = sum(r["revenue"] for r in rows if r["store_id"] == 1 and r["date"] <= date(2024, 1, 31))
    assert got[7]["revenue"] == pytest.approx(east)
    assert got[7]["revenue_target"] == 31 * 50.0
    assert got[8]["revenue_target"] == 31 * 50.0
    assert got[7]["revenue_forecast"] == 31 * 9.0
    assert got[8]["revenue_forecast"] is None


def test_unknown_measure_is_refused():
    tables, _rows = _tables()
    with pytest.raises(ValueError, match="unknown measure"):
        explore(tables, CubeQuery(date(2024, 1, 1), date(2024, 1, 2), ("profit",)))


def test_materialized_tables_answer_the_same():
    # given
    tables, _rows = _tables()
    query = CubeQuery(date(2024, 2, 1), date(2025, 1, 31), ("revenue", "margin", "transactions"), ("month",),
                      filters={"store": (1, 2)}, compare=("last_year",))
    # when
    plain = explore(tables, query)
    loaded = explore(materialize(tables), CubeQuery(query.start, query.end, query.measures, query.dimensions,
                                                    query.filters, query.compare))
    # then
    assert loaded.to_pylist() == plain.to_pylist()
    promo = CubeQuery(date(2024, 3, 1), date(2024, 3, 31), ("units",), ("promotion",))
    assert explore(materialize(tables), promo).to_pylist() == explore(tables, promo).to_pylist()
