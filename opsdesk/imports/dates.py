"""Dates written day-first or month-first (03/04/2024): the order is the file's, given by the import (option
`@date_format`: ymd, dmy or mdy) or detected from the file's own values. A value whose first part is above 12 is
day-first, one whose second part is above 12 is month-first; a file holding only values both ways readable is
ambiguous and the import asks, never guesses."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache, partial

from django.utils.translation import gettext as _

from opsdesk.imports import parsing

ORDERS = ("auto", "ymd", "dmy", "mdy")
#: Values read before a file whose dates show no day/month pattern is taken as year-first (ISO, 2015/6/19, serials).
PLAIN_SAMPLE = 1000
#: Day/month values read after the order is known, looking for the other order (a mixed file); then the scan stops.
CONFIRM_SAMPLE = 20_000

_DAY_MONTH_RE = re.compile(
    r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?)?$"
)


class AmbiguousDates(ValueError):
    """The file's dates can be read day-first and month-first; the message says which column and how to choose."""


@lru_cache(maxsize=65536)
def _parse_ordered(text: str, order: str) -> datetime:
    match = _DAY_MONTH_RE.match(text.strip())
    if match is None:
        return parsing.parse_datetime(text)
    first, second, year, hour, minute, second_part, meridiem = match.groups()
    day, month = (int(first), int(second)) if order == "dmy" else (int(second), int(first))
    year_number = int(year) + (2000 if len(year) == 2 else 0)
    hours = int(hour or 0)
    if meridiem:
        hours = hours % 12 + (12 if meridiem.lower() == "pm" else 0)
    try:
        return datetime(year_number, month, day, hours, int(minute or 0), int(second_part or 0))
    except ValueError as error:
        raise parsing.CellError(_("日期不存在（按 %(order)s 读取）") % {"order": order.upper()}) from error


def parser_for(kind: str, order: str):
    """The cell parser of a date or date-time field for a file written in `order` (ymd: the standard parsers)."""
    if order not in ("dmy", "mdy"):
        return {"date": parsing.parse_date, "datetime": parsing.parse_datetime}[kind]
    if kind == "datetime":
        return partial(_parse_ordered, order=order)
    return lambda text: _parse_ordered(text, order).date()


def detect_order(values, column: str) -> str:
    """The order of a file's date values (an iterable of cell texts): "dmy", "mdy" or "ymd" (no day/month values
    among the first PLAIN_SAMPLE). Raises AmbiguousDates when only ambiguous values were seen, or both orders."""
    day_first = month_first = False
    example, seen, day_month_seen = "", 0, 0
    for text in values:
        text = text.strip()
        if not text:
            continue
        seen += 1
        match = _DAY_MONTH_RE.match(text)
        if match is None:
            if seen >= PLAIN_SAMPLE and not day_month_seen:
                return "ymd"
            continue
        day_month_seen += 1
        first, second = int(match.group(1)), int(match.group(2))
        day_first = day_first or (first > 12 >= second)
        month_first = month_first or (second > 12 >= first)
        if day_first and month_first:
            raise AmbiguousDates(_("“%(column)s”列的日期既有日在前（如 %(a)s）也有月在前的写法，无法统一读取。")
                                 % {"column": column, "a": text})
        example = example or text
        if (day_first or month_first) and day_month_seen >= CONFIRM_SAMPLE:
            break
    if not day_month_seen:
        return "ymd"
    if day_first != month_first:
        return "dmy" if day_first else "mdy"
    raise AmbiguousDates(
        _("“%(column)s”列的日期（如 %(example)s）既可读作日/月/年也可读作月/日/年：请在映射页选择日期格式"
          "（命令行 --date-format dmy 或 mdy）。") % {"column": column, "example": example})


def today_example(order: str) -> str:
    """How today's date is written in `order` (for the mapping page's choices)."""
    today = date.today()
    return {"dmy": today.strftime("%d/%m/%Y"), "mdy": today.strftime("%m/%d/%Y")}.get(order, today.isoformat())
