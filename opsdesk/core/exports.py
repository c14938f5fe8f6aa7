"""CSV and XLSX exports with formula escaping (see `escape_cell`); people appear by their display names, and XLSX
sheets open with a frozen, filterable header row and columns fitted to their content."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice

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
#: XLSX column widths (Excel's character units) fit the header and the first rows, between these bounds: the sheet is
#: streamed, so later rows are not measured; a cell longer than the cap shows cut off (its text stays whole).
WIDTH_SAMPLE_ROWS = 500
MIN_COLUMN_WIDTH = 6
MAX_COLUMN_WIDTH = 50


def escape_cell(value):
    """Neutralise spreadsheet formulas in text cells (prefix '); numbers, dates and numbers written as text pass
    through unchanged. A user is written as their display name (full name, else user name)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = value if isinstance(value, str) else (_person_name(value) or str(value))
    if _NUMBER.fullmatch(text):
        return text
    stripped = text.lstrip(LEADING_SPACE)
    if (stripped and stripped[0] in FORMULA_STARTS) or text[:1] in ("\t", "\r", "\n"):
        return "'" + text
    return text


def _person_name(value) -> str | None:
    """The display name of a user (the export shows 张伟, not manager_sh001), None for anything else."""
    from django.contrib.auth import get_user_model

    if isinstance(value, get_user_model()):
        return value.display_name
    return None


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
    """Build an XLSX workbook (write-only mode, so memory stays flat for long exports): a bold header row that stays
    frozen and carries the autofilter, and column widths fitted to the header and the first rows."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    header_values = [escape_cell(cell) for cell in header]
    rows = iter(rows)
    sample = [_xlsx_row(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    # Columns and panes go out before the first row: write-only mode writes them ahead of the data.
    for index, width in enumerate(_column_widths([header_values, *sample]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_bold_cells(sheet, header_values))
    last_row = 1
    for values in chain(sample, (_xlsx_row(row) for row in rows)):
        sheet.append(values)
        last_row += 1
    if header_values:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header_values))}{last_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_row(row: Sequence) -> list:
    return [_xlsx_value(escape_cell(cell)) for cell in row]


def _bold_cells(sheet, values: Sequence) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    bold = Font(bold=True)
    cells = [WriteOnlyCell(sheet, value=value) for value in values]
    for cell in cells:
        cell.font = bold
    return cells


def _column_widths(rows: Sequence[Sequence]) -> list[float]:
    """One width per column: the widest cell of `rows` plus a margin, within MIN/MAX_COLUMN_WIDTH."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index == len(widths):
                widths.append(0)
            widths[index] = max(widths[index], _display_width(value))
    return [float(min(max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)) for width in widths]


def _display_width(value) -> int:
    """Characters a cell shows, counting wide (CJK) characters twice; dates as openpyxl formats them."""
    if isinstance(value, datetime):
        return len("yyyy-mm-dd h:mm:ss")
    if isinstance(value, date):
        return len("yyyy-mm-dd")
    text = "" if value is None else str(value)
    return max((sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
                for line in text.splitlines()), default=0)


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
