"""CSV and XLSX exports of the store list: formulas are neutralised, numbers and dates stay typed, scope holds."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from opsdesk.core.exports import escape_cell
from opsdesk.core.testing.factories import StoreFactory

DANGEROUS = {
    "name": "=HYPERLINK(\"http://x\")",
    "city": "+86-city",
    "address": "-2+3",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),  # a number written as text stays a number (a quarantine download round-trips)
        ("-1", "-1"),
        ("-1,000.25", "-1,000.25"),
        ("-2+3", "'-2+3"),
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\u3000=1+1", "'\u3000=1+1"),
        ("＝1+1", "'＝1+1"),
        ("|calc!A1", "'|calc!A1"),
        ("+86 138 0000 0000", "'+86 138 0000 0000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcell", "'\tcell"),
        ("\rcell", "'\rcell"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (-3, -3),
        (Decimal("-1.5"), Decimal("-1.5")),
        (date(2024, 5, 1), date(2024, 5, 1)),
    ],
)
def test_escape_cell(value, expected):
    # given / when
    escaped = escape_cell(value)
    # then
    assert escaped == expected
    assert type(escaped) is type(expected)


@pytest.fixture
def dangerous_store(org):
    """A store whose text cells start with formula characters, plus a typed area and opening date."""
    return StoreFactory(
        region=org.region_a, code="@EVIL", floor_area=Decimal("-12.5"), opening_date=date(2021, 3, 4), **DANGEROUS
    )


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_escapes_formula_cells(client, org, dangerous_store):
    # given
    client.force_login(org.users["regional_manager"])
    # when
    response = client.get(reverse("core:store_list"), {"export": "csv", "q": "EVIL"})
    # then
    rows = _csv_rows(response)
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="stores.csv"'
    assert len(rows) == 2
    assert len(header) == 9
    assert [row[key] for key in header[:2]] == ["'@EVIL", "'=HYPERLINK(\"http://x\")"]
    assert "'+86-city" in rows[1]
    assert "'-2+3" in rows[1]
    assert "-12.5" in rows[1]


def test_xlsx_export_escapes_text_and_keeps_numbers_and_dates_typed(client, org, dangerous_store):
    # given
    client.force_login(org.users["coo"])
    # when
    response = client.get(reverse("core:store_list"), {"export": "xlsx", "q": "EVIL"})
    # then
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="stores.xlsx"'
    assert len(rows) == 2
    values = rows[1]
    assert values[0] == "'@EVIL"
    assert values[1] == "'=HYPERLINK(\"http://x\")"
    assert "'+86-city" in values
    assert "'-2+3" in values
    assert -12.5 in values
    assert datetime(2021, 3, 4, 0, 0) in values  # openpyxl reads dates back as datetimes


def test_export_holds_only_the_stores_in_scope_after_filters(client, org):
    # given
    client.force_login(org.users["supervisor"])
    # when
    response = client.get(reverse("core:store_list"), {"export": "csv", "sort": "-code"})
    # then
    assert [row[0] for row in _csv_rows(response)[1:]] == ["A2", "A1"]


def test_unknown_export_format_is_a_bad_request(client, org):
    # given
    client.force_login(org.users["coo"])
    # when
    response = client.get(reverse("core:store_list"), {"export": "pdf"})
    # then
    assert response.status_code == 400
