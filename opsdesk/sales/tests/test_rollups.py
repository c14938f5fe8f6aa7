"""Every grain feeds everything: golden rollups lines -> SKU day -> store day (returns, partial cost), imported
rows winning over derived ones, incremental refresh after each import."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from opsdesk.catalog.models import Product
from opsdesk.core.models import Company, Region, Store
from opsdesk.imports.services import import_run
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreDaySales
from opsdesk.sales.rollups import sales_rollup_refresh

LINE_HEADER = ["门店", "小票号", "商品编码", "时间", "数量", "单价", "客户", "成本"]
D1, D2 = date(2024, 5, 1), date(2024, 5, 2)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop(db):
    """Company 'RU' with stores A and B, products P1..P3."""
    company = Company.objects.create(code="RU", name="汇总测试")
    region = Region.objects.create(company=company, code="R", name="区")
    stores = {code: Store.objects.create(company=company, region=region, code=code, name=code, city="上海")
              for code in ("A", "B")}
    products = {sku: Product.objects.create(company=company, sku=sku, name=sku, cost=1, price=2)
                for sku in ("P1", "P2", "P3")}
    return {"company": company, "stores": stores, "products": products}


@pytest.fixture
def write_csv(tmp_path):
    counter = {"n": 0}

    def _write(rows: list[list]) -> str:
        counter["n"] += 1
        path = tmp_path / f"file{counter['n']}.csv"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return str(path)

    return _write


def _import(shop, path, kind, **options):
    batch = import_run(actor=None, company=shop["company"], kind=kind, path=path, **options)
    assert batch.status == "committed", (batch.status, batch.message)
    return batch


LINES = [
    LINE_HEADER,
    # store A, day 1: two invoices, one customer known; P1 has cost on both lines, P2 on none
    ["A", "T1", "P1", "2024-05-01 09:00", "2", "2.50", "C1", "3.00"],
    ["A", "T1", "P2", "2024-05-01 09:00", "1", "4.00", "C1", ""],
    ["A", "T2", "P1", "2024-05-01 10:00", "1", "2.50", "", "1.50"],
    # store A, day 2: a sale and a return of P1 (the return takes its cost back), every line costed
    ["A", "T3", "P1", "2024-05-02 09:00", "3", "2.50", "C2", "4.50"],
    ["A", "R1", "P1", "2024-05-02 11:00", "-1", "2.50", "C2", "1.50"],
    ["A", "T4", "P3", "2024-05-02 12:00", "1", "10.00", "C3", "6.00"],
    # store B, day 1: no customer ids
    ["B", "T5", "P2", "2024-05-01 09:00", "5", "4.00", "", "12.00"],
]


def _sku_days():
    return list(SkuDaySales.objects.order_by("store__code", "date", "product__sku").values_list(
        "store__code", "product__sku", "date", "quantity", "revenue", "cost", "source"))


def _store_days():
    return list(StoreDaySales.objects.order_by("store__code", "date").values_list(
        "store__code", "date", "sales_amount", "cost_amount", "transactions", "customers", "source"))


def test_lines_roll_up_to_sku_days_and_store_days_with_returns_and_partial_cost(shop, write_csv):
    # given / when
    batch = _import(shop, write_csv(LINES), "sales_lines")
    # then
    assert _sku_days() == [
        ("A", "P1", D1, Decimal("3.000"), Decimal("7.50"), Decimal("4.50"), "lines"),
        ("A", "P2", D1, Decimal("1.000"), Decimal("4.00"), Decimal("0.00"), "lines"),  # no cost known: 0 at this grain
        ("A", "P1", D2, Decimal("2.000"), Decimal("5.00"), Decimal("3.00"), "lines"),  # 3 sold, 1 returned
        ("A", "P3", D2, Decimal("1.000"), Decimal("10.00"), Decimal("6.00"), "lines"),
        ("B", "P2", D1, Decimal("5.000"), Decimal("20.00"), Decimal("12.00"), "lines"),
    ]
    assert _store_days() == [
        ("A", D1, Decimal("11.50"), None, 2, 1, "lines"),  # P2's cost unknown: the day's cost is unknown
        ("A", D2, Decimal("15.00"), Decimal("9.00"), 2, 2, "lines"),  # R1, a return, is no transaction
        ("B", D1, Decimal("20.00"), Decimal("12.00"), 1, 0, "lines"),
    ]
    assert batch.report["rollup"] == {
        "sku_days": 5, "store_days": 3,
        "totals": {"days": 0, "days_different": 0, "imported_sales": "0.00", "summed_sales": "0.00",
                   "difference": "0.00"}}


def test_imported_totals_win_over_the_lines_and_the_difference_is_reported(shop, write_csv):
    # given: store A's day 1 totals imported (with cost), then the lines
    totals = write_csv([["门店", "日期", "销售额", "销售成本", "交易笔数"], ["A", "2024-05-01", "12.00", "5.00", "3"]])
    _import(shop, totals, "store_day_sales")
    # when
    batch = _import(shop, write_csv(LINES), "sales_lines")
    # then: A day 1 stays as imported; the other days are derived
    assert _store_days() == [
        ("A", D1, Decimal("12.00"), Decimal("5.00"), 3, 0, "imported"),
        ("A", D2, Decimal("15.00"), Decimal("9.00"), 2, 2, "lines"),
        ("B", D1, Decimal("20.00"), Decimal("12.00"), 1, 0, "lines"),
    ]
    assert batch.report["rollup"]["totals"] == {
        "days": 1, "days_different": 1, "imported_sales": "12.00", "summed_sales": "11.50", "difference": "0.50"}
    # and a full refresh changes nothing of it
    sales_rollup_refresh(company_id=shop["company"].pk)
    assert _store_days()[0] == ("A", D1, Decimal("12.00"), Decimal("5.00"), 3, 0, "imported")


def test_an_import_of_totals_replaces_a_derived_row_whole(shop, write_csv):
    # given: the lines first (store A day 2 derived, cost 9.00)
    _import(shop, write_csv(LINES), "sales_lines")
    # when: totals without a cost column for that day
    batch = _import(shop, write_csv([["门店", "日期", "销售额"], ["A", "2024-05-02", "16.00"]]), "store_day_sales")
    # then: the derived cost is not left behind; the difference is reported
    assert _store_days()[1] == ("A", D2, Decimal("16.00"), None, 0, 0, "imported")
    assert (batch.rows_inserted, batch.rows_updated) == (1, 0)
    assert batch.report["rollup"]["totals"]["difference"] == "1.00"
    assert StoreDaySales.objects.count() == 3


def test_imported_sku_days_win_and_store_days_say_they_came_from_sku_days(shop, write_csv):
    # given: store A's P1 on day 1 imported at the SKU grain
    sku = write_csv([["门店", "商品编码", "日期", "数量", "销售额", "成本"],
                     ["A", "P1", "2024-05-01", "4", "9.00", "5.00"]])
    _import(shop, sku, "sku_day_sales")
    # when
    _import(shop, write_csv(LINES), "sales_lines")
    # then
    assert _sku_days()[0] == ("A", "P1", D1, Decimal("4.000"), Decimal("9.00"), Decimal("5.00"), "imported")
    assert _store_days()[0] == ("A", D1, Decimal("13.00"), None, 2, 1, "sku_day")


def test_sku_days_alone_feed_store_days(shop, write_csv):
    # given / when
    _import(shop, write_csv([["门店", "商品编码", "日期", "数量", "销售额", "成本"],
                             ["A", "P1", "2024-05-01", "4", "9.00", "5.00"],
                             ["A", "P2", "2024-05-01", "1", "3.00", "2.00"],
                             ["B", "P1", "2024-05-01", "1", "2.00", ""]]), "sku_day_sales")
    # then: B's SKU day has no cost, so B's day has none either
    assert _store_days() == [("A", D1, Decimal("12.00"), Decimal("7.00"), 0, 0, "sku_day"),
                             ("B", D1, Decimal("2.00"), None, 0, 0, "sku_day")]


def test_refresh_is_incremental_to_the_store_days_a_batch_touched(shop, write_csv):
    # given
    _import(shop, write_csv(LINES), "sales_lines")
    untouched = dict(StoreDaySales.objects.values_list("store__code", "pk"))["B"]
    # when: one more line for store A on day 2
    batch = _import(shop, write_csv([LINE_HEADER, ["A", "T9", "P2", "2024-05-02 18:00", "2", "4.00", "C9", "3.00"]]),
                    "sales_lines")
    # then: only A's day 2 was rebuilt; B's row is the same row
    assert (batch.report["rollup"]["sku_days"], batch.report["rollup"]["store_days"]) == (1, 1)
    assert StoreDaySales.objects.get(store__code="B").pk == untouched
    assert _store_days()[1] == ("A", D2, Decimal("23.00"), Decimal("12.00"), 3, 3, "lines")
    assert SalesLine.objects.count() == 8


def test_a_full_refresh_of_rows_up_to_date_changes_nothing(shop, write_csv):
    # given
    _import(shop, write_csv(LINES), "sales_lines")
    before = (_sku_days(), _store_days(), sorted(StoreDaySales.objects.values_list("pk", flat=True)))
    # when
    summary = sales_rollup_refresh(company_id=shop["company"].pk)
    # then
    assert (_sku_days(), _store_days(), sorted(StoreDaySales.objects.values_list("pk", flat=True))) == before
    assert (summary["sku_days"], summary["store_days"]) == (0, 0)


def test_derived_rows_whose_lines_are_gone_go_too(shop, write_csv):
    # given
    _import(shop, write_csv(LINES), "sales_lines")
    SalesLine.objects.filter(store__code="B").delete()
    # when
    summary = sales_rollup_refresh(company_id=shop["company"].pk)
    # then: B's SKU day and store day are deleted (the span is A's and B's from lines or SKU days still there)
    assert [row[0] for row in _store_days()] == ["A", "A"]
    assert SkuDaySales.objects.filter(store__code="B").count() == 0
    assert (summary["sku_days"], summary["store_days"]) == (1, 1)
