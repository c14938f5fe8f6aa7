"""CSV and XLSX exports with formula escaping (see `escape_cell`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

#: What a spreadsheet may read as the start of a formula or a DDE call, after any leading white space (ASCII or
#: full-width): = + - @ |, and their full-width forms.
FORMULA_STARTS = frozenset("=+-@|＝＋－＠｜")
#: Leading characters a spreadsheet skips before reading a formula (tab, line breaks, spaces, ideographic space).
LEADING_SPACE = " \t\r\n\u3000\u00a0\u200b\ufeff"
#: A number as text ("-4", "+3.5", "-1,000.25", "-12%"): never escaped, so it round-trips as a number.
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?%?")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_cell(value):
    """Neutralise spreadsheet formulas in text cells (prefix '); numbers, dates and numbers written as text pass
    through unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    stripped = text.lstrip(LEADING_SPACE)
    if (stripped and stripped[0] in FORMULA_STARTS) or text[:1] in ("\t", "\r", "\n"):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """Stream rows as UTF-8 CSV with a BOM (so Excel opens Chinese text correctly)."""
    writer = csv.writer(_Echo())

    def generate():
        yield "\ufeff"
        yield writer.writerow([escape_cell(cell) for cell in header])
        for row in rows:
            yield writer.writerow([escape_cell(cell) for cell in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "export") -> bytes:
    """Build an XLSX workbook (write-only mode, so memory stays flat for long exports)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([escape_cell(cell) for cell in header])
    for row in rows:
        sheet.append([_xlsx_value(escape_cell(cell)) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(header, rows, sheet_title=filename), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(export_format: str, filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """CSV or XLSX by name; anything else is a ValueError (the view turns it into a 400)."""
    if export_format == "csv":
        return csv_response(filename, header, rows)
    if export_format == "xlsx":
        return xlsx_response(filename, header, rows)
    raise ValueError(f"unknown export format {export_format!r}")
