"""XLSX exports open ready to read: a bold, frozen header row with an autofilter over the data, columns fitted to
their content (wide characters counted twice, capped), and people shown by their names."""

import csv
import io
from datetime import date, datetime

from django.urls import reverse
from openpyxl import load_workbook

from opsdesk.core.exports import (
    MAX_COLUMN_WIDTH,
    MIN_COLUMN_WIDTH,
    WIDTH_SAMPLE_ROWS,
    csv_response,
    escape_cell,
    xlsx_bytes,
)
from opsdesk.core.testing.factories import StoreFactory, UserFactory


def _sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def _widths(sheet) -> dict[str, float]:
    return {letter: dimension.width for letter, dimension in sorted(sheet.column_dimensions.items())}


def test_the_header_row_is_frozen_bold_and_filters_every_row():
    # given
    header = ["门店", "Sales", "Opened"]
    rows = [["SH001 上海徐汇店", 1250.5, date(2021, 3, 4)], ["BJ002", 7, date(2022, 1, 1)]]
    # when
    sheet = _sheet(xlsx_bytes(header, rows, sheet_title="stores"))
    # then
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    assert [cell.font.bold for cell in sheet[1]] == [True, True, True]
    assert [cell.font.bold for cell in sheet[2]] == [False, False, False]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["门店", "Sales", "Opened"],
        ["SH001 上海徐汇店", 1250.5, datetime(2021, 3, 4)],
        ["BJ002", 7, datetime(2022, 1, 1)],
    ]


def test_column_widths_fit_the_widest_cell_counting_wide_characters_twice():
    # given: "SH001 上海徐汇店" is 6 narrow + 5 wide characters = 16 columns; a date shows 10; "Sales" 5
    header = ["门店", "Sales", "Opened"]
    rows = [["SH001 上海徐汇店", 1250.5, date(2021, 3, 4)], ["BJ002", 7, date(2022, 1, 1)]]
    # when
    sheet = _sheet(xlsx_bytes(header, rows))
    # then: the widest cell plus 2
    assert _widths(sheet) == {"A": 18.0, "B": 8.0, "C": 12.0}


def test_column_widths_are_capped_and_have_a_floor():
    # given
    header = ["x", "note"]
    rows = [["", "长" * 200], ["a", "short"]]
    # when
    sheet = _sheet(xlsx_bytes(header, rows))
    # then
    assert _widths(sheet) == {"A": float(MIN_COLUMN_WIDTH), "B": float(MAX_COLUMN_WIDTH)}


def test_widths_measure_the_first_rows_and_the_filter_still_covers_every_row():
    # given: the sample ends before the one long value
    rows = [[f"r{index}"] for index in range(WIDTH_SAMPLE_ROWS)] + [["a much longer value than the sample"]]
    # when
    sheet = _sheet(xlsx_bytes(["code"], iter(rows)))
    # then
    assert _widths(sheet) == {"A": 6.0}
    assert sheet.auto_filter.ref == f"A1:A{WIDTH_SAMPLE_ROWS + 2}"
    assert sheet.cell(row=WIDTH_SAMPLE_ROWS + 2, column=1).value == "a much longer value than the sample"


def test_a_header_without_rows_still_gets_its_filter_and_frozen_row():
    # given / when
    sheet = _sheet(xlsx_bytes(["code", "name"], []))
    # then
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B1"
    assert _widths(sheet) == {"A": 6.0, "B": 6.0}


def test_a_user_in_a_row_is_written_as_their_display_name():
    # given
    named = UserFactory.build(username="manager_sh001", first_name="Wei", last_name="Zhang")
    unnamed = UserFactory.build(username="clerk_007", first_name="", last_name="")
    # when
    sheet = _sheet(xlsx_bytes(["owner", "assignee"], [[named, unnamed]]))
    # then: the full name, else the user name
    assert [cell.value for cell in sheet[2]] == ["Wei Zhang", "clerk_007"]
    assert escape_cell(named) == "Wei Zhang"


def test_the_store_list_export_opens_frozen_filtered_and_fitted(client, org):
    # given
    StoreFactory(region=org.region_a, code="WIDE1", name="一家名字很长很长的门店", opening_date=date(2021, 3, 4))
    client.force_login(org.users["coo"])
    # when
    response = client.get(reverse("core:store_list"), {"export": "xlsx", "q": "WIDE1"})
    # then
    sheet = _sheet(response.content)
    assert response.status_code == 200
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=sheet.max_column).column_letter}2"
    assert sheet["B2"].value == "一家名字很长很长的门店"
    assert sheet.column_dimensions["B"].width == 24.0  # 11 wide characters + 2
    assert all(MIN_COLUMN_WIDTH <= width <= MAX_COLUMN_WIDTH for width in _widths(sheet).values())


def test_a_user_in_a_csv_row_is_written_as_their_display_name():
    # given
    named = UserFactory.build(username="manager_sh001", first_name="Wei", last_name="Zhang")
    # when
    response = csv_response("owners", ["owner"], [[named]])
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # then
    assert rows == [["owner"], ["Wei Zhang"]]
