"""Fact imports: validation reasons, row accounting, idempotency, upserts, scope, returns, quarantine round trip."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from opsdesk.core.testing.factories import make_user
from opsdesk.finance.models import OperatingCost
from opsdesk.imports.kinds import RETURN_PREFIX
from opsdesk.imports.models import ImportBatch
from opsdesk.imports.selectors import quarantine_table
from opsdesk.imports.services import import_run
from opsdesk.inventory.models import GoodsReceipt, StockSnapshot
from opsdesk.sales.models import SalesLine, SkuDaySales, StoreCalendarDay, StoreDaySales

SKU_HEADER = ["门店编号", "商品编码", "日期", "数量", "单价"]
UNKNOWN_DATE = ("无法识别的日期格式（试过 YYYY-MM-DD、YYYY/M/D、YYYYMMDD、Excel 序列号；"
                "日/月/年或月/日/年的文件请选择日期格式）")


def _run(chain, path, kind="sku_day_sales", **options) -> ImportBatch:
    return import_run(actor=options.pop("actor", None), company=chain["company"], kind=kind, path=path, **options)


def _reasons(batch) -> list[tuple[int, str, str, str]]:
    return list(batch.quarantine.order_by("row_number").values_list("row_number", "column", "value", "reason"))


def test_every_bad_row_is_reported_with_row_column_value_and_reason(chain, write_file):
    # given
    path = write_file(
        "sales.csv",
        [
            SKU_HEADER,
            ["S1", "P1", "2024-05-01", "3", "2.5"],
            ["S9", "P1", "2024-05-01", "3", "2.5"],
            ["S1", "NOPE", "2024-05-01", "3", "2.5"],
            ["S1", "P2", "2024-05-01", "-2", "2.5"],
            ["S1", "P2", "2024-05-02", "1", "0"],
            ["S1", "P2", "1999-12-31", "1", "1"],
            ["S1", "P2", "2099-01-01", "1", "1"],
            ["S1", "P2", "soon", "1", "1"],
            ["S1", "P1", "2024-05-01", "4", "2.5"],
            ["S1", "POST", "2024-05-01", "1", "18"],
        ],
    )
    # when
    batch = _run(chain, path)
    # then
    assert (
        batch.status,
        batch.rows_read,
        batch.rows_committed,
        batch.rows_quarantined,
        batch.rows_skipped_duplicates,
    ) == ("committed", 10, 1, 8, 1)
    assert _reasons(batch) == [
        (3, "门店编号", "S9", "未知门店编号"),
        (4, "商品编码", "NOPE", "未知商品编码"),
        (5, "数量", "-2.0", "数量为负（退货请按销售明细导入并标记退货）"),
        (6, "单价", "0.0", "单价为 0 或负数"),
        (7, "日期", "1999-12-31", "日期早于 2000-01-01"),
        (8, "日期", "2099-01-01", "日期在未来"),
        (9, "日期", "soon", UNKNOWN_DATE),
        (10, "", "", "文件内重复（与前面的行键相同：store, product, date）"),
        (11, "商品编码", "POST", "非商品编码（运费、手续费、手工调整等），不计入需求"),
    ]
    assert list(SkuDaySales.objects.values_list("quantity", "revenue")) == [(Decimal("3.000"), Decimal("7.50"))]


def test_same_file_again_is_a_no_op_and_an_overlapping_file_upserts(chain, write_file):
    # given
    first = write_file(
        "may.csv", [SKU_HEADER, ["S1", "P1", "2024-05-01", "3", "2"], ["S1", "P1", "2024-05-02", "4", "2"]]
    )
    overlap = write_file(
        "may2.csv", [SKU_HEADER, ["S1", "P1", "2024-05-02", "5", "2"], ["S1", "P1", "2024-05-03", "6", "2"]]
    )
    # when
    batch = _run(chain, first)
    again = _run(chain, first)
    later = _run(chain, overlap)
    # then
    assert again.status == "duplicate"
    assert again.duplicate_of_id == batch.pk
    assert again.rows_committed == 0
    assert later.rows_committed == 2
    assert list(SkuDaySales.objects.order_by("date").values_list("date", "quantity")) == [
        (date(2024, 5, 1), Decimal("3.000")),
        (date(2024, 5, 2), Decimal("5.000")),
        (date(2024, 5, 3), Decimal("6.000")),
    ]


def test_store_day_totals_rossmann_shape(chain, write_file):
    # given: the columns of Rossmann's train.csv (newest first), store codes as numbers
    path = write_file(
        "train.csv",
        [
            ["Store", "DayOfWeek", "Date", "Sales", "Customers", "Open", "Promo", "StateHoliday", "SchoolHoliday"],
            ["S1", "5", "2015-06-19", "4202", "487", "1", "1", "0", "0"],
            ["S2", "7", "2015-06-14", "0", "0", "0", "0", "a", "1"],
            ["S3", "7", "2015-06-14", "-5", "0", "0", "0", "x", "1"],
        ],
    )
    # when
    batch = _run(chain, path, kind="store_day_sales")
    # then
    assert (batch.rows_committed, batch.rows_quarantined) == (2, 1)
    assert _reasons(batch) == [(4, "StateHoliday", "x", "法定假日应为 0、a、b 或 c")]
    closed = StoreDaySales.objects.get(store=chain["stores"]["S2"])
    assert (closed.is_open, closed.state_holiday, closed.is_school_holiday, closed.sales_amount) == (
        False,
        "a",
        True,
        0,
    )


def test_sales_lines_handle_returns_cancellations_and_derived_line_numbers(chain, write_file):
    # given: Online Retail's columns; no store column (a fixed value), no line number column
    path = write_file(
        "retail.csv",
        [
            ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"],
            ["536365", "P1", "HEART", "6", "2010-12-01 08:26:00", "2.55", "17850", "United Kingdom"],
            ["536365", "P2", "LANTERN", "6", "2010-12-01 08:26:00", "3.39", "", "United Kingdom"],
            ["536365", "P2", "LANTERN", "6", "2010-12-01 08:26:00", "3.39", "", "United Kingdom"],
            ["C536379", "P1", "HEART", "-1", "2010-12-01 09:41:00", "2.55", "14527", "United Kingdom"],
            ["536380", "P1", "damaged", "-10", "2010-12-01 09:45:00", "0", "", "United Kingdom"],
            ["536381", "M", "Manual", "1", "2010-12-01 09:45:00", "0.85", "", "United Kingdom"],
            ["536382", "P3", "FREE", "1", "2010-12-01 09:45:00", "0", "", "United Kingdom"],
        ],
    )
    # when
    batch = _run(chain, path, kind="sales_lines", defaults={"store": "S1"})
    # then
    assert (batch.rows_read, batch.rows_committed, batch.rows_quarantined, batch.rows_skipped_duplicates) == (
        7,
        3,
        3,
        1,
    )
    assert [reason for *_rest, reason in _reasons(batch)] == [
        "文件内重复（与前面的行键相同：store, invoice, product, sold_at, quantity, unit_price, customer_id）",
        "单价为 0",  # the damaged-stock write-off: a negative quantity is a return, and a return needs a price
        "非商品编码（运费、手续费、手工调整等），不计入需求",
        "单价为 0",
    ]
    lines = list(
        SalesLine.objects.order_by("invoice", "line_no").values_list(
            "invoice", "line_no", "quantity", "is_return", "customer_id", "date"
        )
    )
    assert lines == [
        ("536365", 1, Decimal("6.000"), False, "17850", date(2010, 12, 1)),
        ("536365", 2, Decimal("6.000"), False, "", date(2010, 12, 1)),
        ("C536379", 1, Decimal("-1.000"), True, "14527", date(2010, 12, 1)),
    ]


def test_returns_are_what_the_file_says_never_an_assumed_invoice_prefix(chain, write_file):
    # given: US order ids start with "CA-"; the file has an explicit return column
    header = ["Order ID", "SKU", "Quantity", "Order Date", "Unit Price", "Return"]
    rows = [["CA-1001", "P1", "2", "2024-05-01", "3.50", "0"], ["CA-1002", "P2", "-1", "2024-05-01", "4.00", "1"],
            ["CA-1003", "P3", "-1", "2024-05-01", "4.00", "0"], ["US-1004", "P1", "1", "2024-05-01", "3.50", ""],
            ["US-1005", "P1", "-3", "2024-05-01", "3.50", ""]]
    path = write_file("us.csv", [header, *rows])
    # when
    batch = _run(chain, path, kind="sales_lines", defaults={"store": "S1"}, mapping={
        "invoice": "Order ID", "product": "SKU", "quantity": "Quantity", "sold_at": "Order Date",
        "unit_price": "Unit Price", "is_return": "Return"})
    # then: an explicit 0 is a sale whatever the prefix; an empty cell falls back to the quantity's sign
    assert [reason for *_rest, reason in _reasons(batch)] == ["负数量但退货列为否"]
    assert list(SalesLine.objects.order_by("invoice").values_list("invoice", "quantity", "is_return")) == [
        ("CA-1001", Decimal("2.000"), False), ("CA-1002", Decimal("-1.000"), True),
        ("US-1004", Decimal("1.000"), False), ("US-1005", Decimal("-3.000"), True)]


def test_an_invoice_prefix_marks_returns_only_when_the_import_names_it(chain, write_file):
    # given: Online Retail's cancellations "C…" with positive quantities written by some exports
    header = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice"]
    rows = [["C536379", "P1", "1", "2010-12-01 09:41:00", "2.55"], ["536380", "P2", "2", "2010-12-01 09:45:00", "1"]]
    # when
    plain = _run(chain, write_file("a.csv", [header, *rows]), kind="sales_lines", defaults={"store": "S1"})
    flagged = list(SalesLine.objects.order_by("invoice").values_list("invoice", "is_return"))
    SalesLine.objects.all().delete()
    prefixed = _run(chain, write_file("b.csv", [header, *rows]), kind="sales_lines",
                    defaults={"store": "S1", RETURN_PREFIX: "c"})
    # then
    assert (plain.rows_committed, prefixed.rows_committed) == (2, 2)
    assert flagged == [("536380", False), ("C536379", False)]
    assert list(SalesLine.objects.order_by("invoice").values_list("invoice", "quantity", "is_return")) == [
        ("536380", Decimal("2.000"), False), ("C536379", Decimal("-1.000"), True)]


def test_fixed_quarantine_file_reimports_into_the_same_lines(chain, write_file):
    # given: a sales-line file with one bad price
    header = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]
    path = write_file(
        "lines.csv",
        [
            header,
            ["900", "P1", "1", "2011-01-02 10:00", "1.5", "7"],
            ["900", "P2", "2", "2011-01-02 10:00", "=cmd|x", "7"],
        ],
    )
    batch = _run(chain, path, kind="sales_lines", defaults={"store": "S1"})
    # when: the quarantine download is fixed and imported again
    export_header, rows = quarantine_table(batch, batch.quarantine.all())
    rows = list(rows)
    assert export_header == [*header, "line_no", "原行号", "错误"]
    assert rows == [["900", "P2", "2", "2011-01-02 10:00", "=cmd|x", "7", "2", 3, "UnitPrice==cmd|x: 不是有效数字"]]
    rows[0][4] = "2.25"
    fixed = write_file("fixed.csv", [export_header, rows[0]])
    again = _run(chain, fixed, kind="sales_lines", defaults={"store": "S1"})
    # then: the fixed row became line 2 of invoice 900, nothing counted twice
    assert (again.rows_committed, again.rows_quarantined) == (1, 0)
    assert list(SalesLine.objects.order_by("line_no").values_list("line_no", "unit_price")) == [
        (1, Decimal("1.5000")),
        (2, Decimal("2.2500")),
    ]


def test_quarantine_export_escapes_formulas(chain, write_file, client):
    # given
    path = write_file("sales.csv", [SKU_HEADER, ['=HYPERLINK("x")', "P1", "2024-05-01", "1", "2"]])
    batch = _run(chain, path)
    user = make_user("coo", company=chain["company"])
    client.force_login(user)
    # when
    response = client.get(f"/imports/batches/{batch.pk}/quarantine/?format=csv")
    xlsx = client.get(f"/imports/batches/{batch.pk}/quarantine/?format=xlsx")
    # then
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [*SKU_HEADER, "原行号", "错误"]
    assert rows[1][0] == '\'=HYPERLINK("x")'
    assert rows[1][-1] == '门店编号=\'=HYPERLINK("x"): 未知门店编号'.replace("'", "", 1)
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_importer_writes_only_stores_in_scope(chain, write_file):
    # given: a store manager of S1
    manager = make_user("store_manager", stores=[chain["stores"]["S1"]])
    path = write_file(
        "sales.csv", [SKU_HEADER, ["S1", "P1", "2024-05-01", "1", "2"], ["S3", "P1", "2024-05-01", "1", "2"]]
    )
    # when
    batch = _run(chain, path, actor=manager)
    # then
    assert (batch.rows_committed, batch.rows_quarantined) == (1, 1)
    assert _reasons(batch) == [(3, "门店编号", "S3", "未知门店编号")]
    assert list(SkuDaySales.objects.values_list("store__code", flat=True)) == ["S1"]


def test_staff_and_auditor_may_not_import(chain, write_file):
    # given
    from django.core.exceptions import PermissionDenied

    path = write_file("sales.csv", [SKU_HEADER, ["S1", "P1", "2024-05-01", "1", "2"]])
    for role in ("staff", "auditor"):
        user = make_user(role, company=chain["company"])
        # when / then
        with pytest.raises(PermissionDenied):
            _run(chain, path, actor=user)
    assert ImportBatch.objects.count() == 0
    assert SkuDaySales.objects.count() == 0


def test_dry_run_writes_nothing_but_reports(chain, write_file):
    # given
    path = write_file(
        "sales.csv", [SKU_HEADER, ["S1", "P1", "2024-05-01", "1", "2"], ["S9", "P1", "2024-05-01", "1", "2"]]
    )
    # when
    batch = _run(chain, path, dry_run=True)
    real = _run(chain, path)
    # then
    assert (batch.status, batch.rows_committed, batch.rows_quarantined) == ("dry_run", 1, 1)
    assert real.status == "committed"
    assert SkuDaySales.objects.count() == 1


def test_stock_receipts_costs_and_calendar(chain, write_file):
    # given
    stock = write_file(
        "stock.csv",
        [["门店编号", "商品编码", "日期", "库存"], ["S1", "P1", "2024-05-01", "12"], ["S1", "P2", "2024-05-01", "-1"]],
    )
    receipts = write_file(
        "grn.csv",
        [
            ["门店编号", "商品编码", "收货日期", "收货数量", "进价", "送货单号"],
            ["S1", "P1", "2024-05-01", "24", "1.2", "GRN-1"],
            ["S1", "P1", "2024-05-01", "0", "1", "GRN-2"],
        ],
    )
    costs = write_file(
        "costs.csv",
        [
            ["门店编号", "月份", "费用类别", "金额"],
            ["S1", "2024-05", "房租", "¥12,000"],
            ["S1", "2024-05-03", "水电", "830.5"],
        ],
    )
    calendar = write_file(
        "test.csv",
        [
            ["Store", "DayOfWeek", "Date", "Open", "Promo", "StateHoliday", "SchoolHoliday"],
            ["S1", "4", "2026-12-31", "1", "1", "0", "0"],
        ],
    )
    # when
    batches = [
        _run(chain, stock, kind="stock_snapshots"),
        _run(chain, receipts, kind="goods_receipts"),
        _run(chain, costs, kind="operating_costs"),
        _run(chain, calendar, kind="calendar"),
    ]
    # then
    assert [(b.rows_committed, b.rows_quarantined) for b in batches] == [(1, 1), (1, 1), (2, 0), (1, 0)]
    assert StockSnapshot.objects.get().on_hand == Decimal("12.000")
    assert GoodsReceipt.objects.get().reference == "GRN-1"
    assert list(OperatingCost.objects.order_by("date").values_list("date", "is_monthly", "category", "amount")) == [
        (date(2024, 5, 1), True, "房租", Decimal("12000.00")),
        (date(2024, 5, 3), False, "水电", Decimal("830.50")),
    ]
    day = StoreCalendarDay.objects.get()
    assert (day.date, day.is_open, day.is_promo) == (date(2026, 12, 31), True, True)


def test_unreadable_file_fails_with_a_clear_message(chain, write_file):
    # given
    path = write_file("bad.csv", b"\xff\xfe\x00garbage")
    # when / then
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _run(chain, path)


def test_xlsx_with_date_cells_and_excel_serials_and_gzip_csv(chain, tmp_path):
    # given: an Excel sheet whose dates are a date cell and a bare serial number, and the same rows gzip'd as CSV
    import gzip
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["门店编号", "日期", "销售额(元)", "来客数"])
    sheet.append(["S1", datetime(2024, 5, 1), "¥1,234.50", 80])
    sheet.append(["S2", 45413, 99.5, 12])
    xlsx = tmp_path / "days.xlsx"
    workbook.save(xlsx)
    gz = tmp_path / "days.csv.gz"
    gz.write_bytes(gzip.compress("门店编号,日期,销售额,客流\nS3,2024/5/1,\"2,000\",5\n".encode("gbk")))
    # when
    batch = _run(chain, xlsx, kind="store_day_sales")
    second = _run(chain, gz, kind="store_day_sales")
    # then
    assert (batch.rows_committed, second.rows_committed) == (2, 1)
    rows = StoreDaySales.objects.order_by("store__code").values_list("store__code", "date", "sales_amount", "customers")
    assert list(rows) == [
        ("S1", date(2024, 5, 1), Decimal("1234.50"), 80),
        ("S2", date(2024, 5, 1), Decimal("99.50"), 12),
        ("S3", date(2024, 5, 1), Decimal("2000.00"), 5),
    ]


def test_a_duplicate_names_the_earlier_batch_only_to_someone_who_may_open_it(chain, write_file):
    # given: the COO imported a file; a store manager and the COO bring the very same file again
    coo = make_user("coo", company=chain["company"])
    manager = make_user("store_manager", stores=[chain["stores"]["S1"]])
    path = write_file("sales.csv", [SKU_HEADER, ["S1", "P1", "2024-05-01", "1", "2"]])
    first = _run(chain, path, actor=coo)
    # when
    by_manager = _run(chain, path, actor=manager)
    by_coo = _run(chain, path, actor=coo)
    # then
    assert by_manager.status == by_coo.status == "duplicate"
    assert by_manager.message == "同一文件已按相同映射导入过，本次未写入任何数据。"
    assert by_coo.message == f"同一文件已按相同映射导入（批次 #{first.pk}），本次未写入任何数据。"
    assert SkuDaySales.objects.count() == 1
