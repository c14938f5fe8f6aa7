"""Day-first and month-first dates: detected from the whole file, given when ambiguous, never guessed."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from opsdesk.imports import dates
from opsdesk.imports.kinds import DATE_FORMAT
from opsdesk.imports.services import import_run
from opsdesk.sales.models import SalesLine, SkuDaySales

HEADER = ["门店编号", "商品编码", "日期", "数量", "单价"]


def _sku_rows(days: list[str]) -> list[list[str]]:
    return [HEADER] + [["S1", "P1", day, "1", "2"] for day in days]


@pytest.mark.parametrize(("values", "order"), [
    (["01/03/2024", "25/03/2024"], "dmy"),
    (["03/01/2024", "03/25/2024"], "mdy"),
    (["2024-03-25", "2024/3/26", "20240327"], "ymd"),
    (["1.3.24", "13.3.24"], "dmy"),
])
def test_the_order_is_read_from_the_values_that_tell(values, order):
    # when / then
    assert dates.detect_order(iter(values), "日期") == order


def test_a_file_of_only_ambiguous_or_of_both_orders_asks():
    # when / then
    with pytest.raises(dates.AmbiguousDates, match="既可读作日/月/年也可读作月/日/年"):
        dates.detect_order(iter(["01/03/2024", "02/03/2024"]), "日期")
    with pytest.raises(dates.AmbiguousDates, match="既有日在前"):
        dates.detect_order(iter(["25/03/2024", "03/26/2024"]), "日期")


def test_online_retail_month_first_datetimes_with_a_12_hour_clock():
    # given
    parse = dates.parser_for("datetime", "mdy")
    # when / then
    assert parse("12/1/2010 8:26") == datetime(2010, 12, 1, 8, 26)
    assert parse("12/9/2011 12:50 PM") == datetime(2011, 12, 9, 12, 50)
    assert parse("2011-12-09 12:50:00") == datetime(2011, 12, 9, 12, 50)  # ISO still reads in any order


def test_a_day_first_file_imports_with_the_detected_order(chain, write_file):
    # given: the first rows are ambiguous, a later one tells
    path = write_file("eu.csv", _sku_rows(["01/03/2024", "02/03/2024", "25/03/2024"]))
    # when
    batch = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    # then
    assert (batch.status, batch.rows_committed, batch.defaults.get(DATE_FORMAT)) == ("committed", 3, "dmy")
    assert sorted(SkuDaySales.objects.values_list("date", flat=True)) == [
        date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 25)]


def test_an_ambiguous_file_stops_before_writing_and_imports_once_the_order_is_given(chain, write_file):
    # given
    path = write_file("us.csv", _sku_rows(["01/03/2024", "02/03/2024"]))
    # when
    with pytest.raises(ValidationError, match="请在映射页选择日期格式"):
        import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    written_before = SkuDaySales.objects.count()
    batch = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path,
                       defaults={DATE_FORMAT: "mdy"})
    # then
    assert written_before == 0
    assert sorted(SkuDaySales.objects.values_list("date", flat=True)) == [date(2024, 1, 3), date(2024, 2, 3)]
    assert batch.rows_committed == 2


def test_sales_lines_with_month_first_invoice_dates(chain, write_file):
    # given: Online Retail's own spelling
    path = write_file("retail.csv", [
        ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice"],
        ["536365", "P1", "6", "12/1/2010 8:26", "2.55"], ["536366", "P2", "1", "12/13/2010 17:05", "1.00"]])
    # when
    batch = import_run(actor=None, company=chain["company"], kind="sales_lines", path=path, defaults={"store": "S1"})
    # then
    assert batch.rows_committed == 2
    assert sorted(SalesLine.objects.values_list("date", flat=True)) == [date(2010, 12, 1), date(2010, 12, 13)]
