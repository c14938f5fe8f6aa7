"""Quarantine round trip (issue #14 item 8): the download holds exactly the quarantined rows, values as the file had
them plus the reason; duplicates are a download of their own; the fixed download imports and nothing doubles."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook, load_workbook

from opsdesk.core.testing.factories import make_user
from opsdesk.imports.services import import_run
from opsdesk.sales.models import SkuDaySales

HEADER = ["门店编号", "商品编码", "日期", "数量", "单价"]
QUARANTINED = [
    ["S1", "P2", "2024-05-01", "-4", "2.5", "3", "数量=-4.0: 数量为负（退货请按销售明细导入并标记退货）"],
    ["S1", "P3", "2024-13-45", "1", "2", "4", "日期=2024-13-45: 日期不存在"],
    ["S9", "P1", "2024-05-01", "2", "2", "5", "门店编号=S9: 未知门店编号"],
]


def _run(chain, path):
    batch = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    assert batch.status == "committed", (batch.status, batch.message)
    return batch


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _sku_days():
    return list(SkuDaySales.objects.order_by("store__code", "product__sku", "date").values_list(
        "store__code", "product__sku", "date", "quantity", "revenue"))


def test_the_quarantine_download_round_trips_through_csv_and_excel(chain, write_file, client):
    # given: a file with one good row, three bad rows and one duplicate of the good row
    path = write_file("sales.csv", [
        HEADER,
        ["S1", "P1", "2024-05-01", "3", "2.5"],
        ["S1", "P2", "2024-05-01", "-4", "2.5"],
        ["S1", "P3", "2024-13-45", "1", "2"],
        ["S9", "P1", "2024-05-01", "2", "2"],
        ["S1", "P1", "2024-05-01", "3", "2.5"],
    ])
    batch = _run(chain, path)
    client.force_login(make_user("coo", company=chain["company"]))
    url = f"/imports/batches/{batch.pk}/quarantine/"
    # when
    as_csv = _csv_rows(client.get(f"{url}?format=csv"))
    as_xlsx = _xlsx_rows(client.get(f"{url}?format=xlsx"))
    duplicates = _csv_rows(client.get(f"{url}?format=csv&kind=duplicate"))
    # then: exactly the three quarantined rows, as the file wrote them (-4 stays -4), with their reasons
    assert (batch.rows_read, batch.rows_committed, batch.rows_quarantined, batch.rows_skipped_duplicates) == (
        5, 1, 3, 1)
    assert as_csv == [[*HEADER, "原行号", "错误"], *QUARANTINED]
    assert as_xlsx == [[*HEADER, "原行号", "错误"], *[[*row[:5], int(row[5]), row[6]] for row in QUARANTINED]]
    # and the duplicate is a download of its own
    assert duplicates == [[*HEADER, "原行号", "错误"],
                          ["S1", "P1", "2024-05-01", "3", "2.5", "6",
                           "文件内重复（与前面的行键相同：store, product, date）"]]
    # when: the rows are fixed in the downloaded CSV and it is imported again
    fixed = [row[:] for row in as_csv]
    fixed[1][3], fixed[2][2], fixed[3][0] = "4", "2024-05-02", "S2"
    again = _run(chain, write_file("fixed.csv", fixed))
    # then: all three commit, nothing is quarantined or doubled
    assert (again.rows_read, again.rows_committed, again.rows_quarantined, again.rows_skipped_duplicates) == (
        3, 3, 0, 0)
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (3, 0, 0)
    expected = [
        ("S1", "P1", date(2024, 5, 1), Decimal("3.000"), Decimal("7.50")),
        ("S1", "P2", date(2024, 5, 1), Decimal("4.000"), Decimal("10.00")),
        ("S1", "P3", date(2024, 5, 2), Decimal("1.000"), Decimal("2.00")),
        ("S2", "P1", date(2024, 5, 1), Decimal("2.000"), Decimal("4.00")),
    ]
    assert _sku_days() == expected
    # when: the same fixes made in the Excel download are imported too
    workbook = Workbook()
    sheet = workbook.active
    for row in as_xlsx:
        sheet.append(row)
    sheet["D2"], sheet["C3"], sheet["A4"] = 4, "2024-05-02", "S2"
    xlsx_path = write_file("fixed.xlsx", b"")
    workbook.save(xlsx_path)
    from_excel = _run(chain, xlsx_path)
    # then: the same three rows, unchanged; still four SKU days
    assert (from_excel.rows_read, from_excel.rows_committed, from_excel.rows_quarantined) == (3, 3, 0)
    assert (from_excel.rows_inserted, from_excel.rows_updated, from_excel.rows_unchanged) == (0, 0, 3)
    assert _sku_days() == expected
