"""Idempotent by content: a sales line is the same line whatever columns were mapped; another mapping of the same
file updates, never duplicates, and the batch says how many rows changed."""

from decimal import Decimal

from opsdesk.imports.services import import_run
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreDaySales

HEADER = ["Order ID", "SKU", "Order Date", "Quantity", "Unit Price", "Customer", "Cost"]
ROWS = [
    ["O-1", "P1", "2024-05-01", "2", "3.00", "C1", "4.00"],
    ["O-1", "P2", "2024-05-01", "1", "5.00", "C1", "3.00"],
    ["O-1", "P1", "2024-05-01", "1", "3.00", "C1", "2.00"],  # the same product again: the invoice's third line
    ["O-2", "P3", "2024-05-02", "4", "1.50", "C2", "4.00"],
]
BASE = {"invoice": "Order ID", "product": "SKU", "sold_at": "Order Date", "quantity": "Quantity",
        "unit_price": "Unit Price"}


def _lines():
    return list(SalesLine.objects.order_by("invoice", "line_no").values_list(
        "invoice", "line_no", "product__sku", "quantity", "customer_id", "cost"))


def _import(chain, path, mapping):
    # An explicit mapping of exactly these columns (the others unmapped), whatever the header guess would add.
    columns = {field: "" for field in ("customer_id", "cost", "line_no", "is_return", "store")}
    return import_run(actor=None, company=chain["company"], kind="sales_lines", path=path,
                      mapping={**columns, **mapping}, defaults={"store": "S1"})


def test_the_same_file_with_more_columns_mapped_updates_the_lines_it_has(chain, write_file):
    # given: the file imported with the five required columns only
    path = write_file("orders.csv", [HEADER, *ROWS])
    first = _import(chain, path, BASE)
    before = _lines()
    # when: again, with the customer column mapped too, then with the cost as well
    second = _import(chain, path, {**BASE, "customer_id": "Customer"})
    third = _import(chain, path, {**BASE, "customer_id": "Customer", "cost": "Cost"})
    # then: the same four lines, now with their customers and costs; each batch says what it changed
    assert before == [("O-1", 1, "P1", Decimal("2.000"), "", None), ("O-1", 2, "P2", Decimal("1.000"), "", None),
                      ("O-1", 3, "P1", Decimal("1.000"), "", None), ("O-2", 1, "P3", Decimal("4.000"), "", None)]
    assert _lines() == [
        ("O-1", 1, "P1", Decimal("2.000"), "C1", Decimal("4.00")),
        ("O-1", 2, "P2", Decimal("1.000"), "C1", Decimal("3.00")),
        ("O-1", 3, "P1", Decimal("1.000"), "C1", Decimal("2.00")),
        ("O-2", 1, "P3", Decimal("4.000"), "C2", Decimal("4.00")),
    ]
    counts = [(b.status, b.rows_inserted, b.rows_updated, b.rows_unchanged) for b in (first, second, third)]
    assert counts == [("committed", 4, 0, 0), ("committed", 0, 4, 0), ("committed", 0, 4, 0)]
    # and the rollups follow: one store day per date, its cost known once every line has one
    assert list(SkuDaySales.objects.order_by("date", "product__sku").values_list("product__sku", "quantity", "cost")) \
        == [("P1", Decimal("3.000"), Decimal("6.00")), ("P2", Decimal("1.000"), Decimal("3.00")),
            ("P3", Decimal("4.000"), Decimal("4.00"))]
    assert list(StoreDaySales.objects.order_by("date").values_list("sales_amount", "cost_amount", "customers")) == [
        (Decimal("14.00"), Decimal("9.00"), 1), (Decimal("6.00"), Decimal("4.00"), 1)]


def test_another_mapping_of_the_same_content_changes_nothing(chain, write_file):
    # given: the lines imported with every column mapped
    full = {**BASE, "customer_id": "Customer", "cost": "Cost"}
    _import(chain, write_file("orders.csv", [HEADER, *ROWS]), full)
    before = (_lines(), list(StoreDaySales.objects.values_list("pk", "sales_amount", "cost_amount")))
    # when: the same lines in a file with its columns in another order and other names, mapped accordingly
    order = [6, 5, 4, 3, 2, 1, 0]
    renamed = ["成本", "客户", "单价", "数量", "日期", "商品", "单号"]
    moved = write_file("orders-2.csv", [renamed, *[[row[i] for i in order] for row in ROWS]])
    batch = _import(chain, moved, {"invoice": "单号", "product": "商品", "sold_at": "日期", "quantity": "数量",
                                   "unit_price": "单价", "customer_id": "客户", "cost": "成本"})
    # then
    assert (batch.status, batch.rows_inserted, batch.rows_updated, batch.rows_unchanged) == ("committed", 0, 0, 4)
    assert (_lines(), list(StoreDaySales.objects.values_list("pk", "sales_amount", "cost_amount"))) == before
