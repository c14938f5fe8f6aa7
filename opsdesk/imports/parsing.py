"""Cell parsers for imported files: dates (ISO, 2015/6/19, 20150619, Excel serials, with or without time),
numbers (thousand separators, currency signs, accounting negatives), flags. Each raises `CellError(reason)`."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.utils.translation import gettext as _

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
MAX_EXCEL_SERIAL = 2958465  # 9999-12-31

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2})(\d{2})(\d{2})?)?$")
_SERIAL_RE = re.compile(r"^\d{1,7}(?:\.\d+)?$")
_CURRENCY_RE = re.compile(r"[¥￥$£€\s\u00a0]|元|RMB|CNY|USD|GBP|EUR", re.IGNORECASE)
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
# A number as a person writes it: no exponent (1e3), no digit-group underscores (1_000), no inf/nan.
_PLAIN_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")

TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "是", "开", "营业", "open", "x", "√", "1.0"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "否", "关", "停业", "closed", "", "0.0"})


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown to the user."""


@lru_cache(maxsize=65536)
def parse_datetime(text: str) -> datetime:
    """A naive datetime from the supported date and date-time spellings."""
    value = text.strip()
    match = _DATE_RE.match(value) or _COMPACT_RE.match(value)
    if match:
        year, month, day, hour, minute, second = (int(part) if part else 0 for part in match.groups())
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError as error:
            raise CellError(_("日期不存在")) from error
    if _SERIAL_RE.match(value):
        serial = float(value)
        if 1 <= serial <= MAX_EXCEL_SERIAL:
            days = math.floor(serial)
            seconds = round((serial - days) * 86400)
            return datetime.combine(EXCEL_EPOCH + timedelta(days=days), time()) + timedelta(seconds=seconds)
    raise CellError(_("无法识别的日期格式（试过 YYYY-MM-DD、YYYY/M/D、YYYYMMDD、Excel 序列号；"
                      "日/月/年或月/日/年的文件请选择日期格式）"))


@lru_cache(maxsize=65536)
def parse_date(text: str) -> date:
    """A date; a time part, if any, is ignored."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    return parse_datetime(text).date()


def parse_month_or_date(text: str) -> tuple[date, bool]:
    """A date, or a month (2015-06, 2015/6, 201506, 2015年6月) as (first day, True)."""
    value = text.strip()
    match = re.match(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?$", value)
    if match and not _COMPACT_RE.match(value):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1), True
    return parse_date(value), False


def parse_number(text: str) -> float:
    """A finite number; accepts 1,234.50, ¥1234, 1234元, £3.5, (12.00) and full-width minus; refuses what Python
    reads but a person does not write (1e3, 1_000, inf)."""
    if _PLAIN_RE.match(text):
        number = float(text)
    else:
        number = _parse_messy_number(text)
    if not math.isfinite(number):
        raise CellError(_("不是有效数字"))
    return number


def _parse_messy_number(text: str) -> float:
    value = _CURRENCY_RE.sub("", text).replace("−", "-").replace("，", ",")
    negative = value.startswith("(") and value.endswith(")")
    if negative:
        value = value[1:-1]
    if "," in value:
        if not _GROUPED_RE.match(value):
            raise CellError(_("不是有效数字"))
        value = value.replace(",", "")
    if not value:
        raise CellError(_("缺少数值"))
    if not _PLAIN_RE.match(value):
        if "_" in value or re.match(r"^[+-]?[\d.]+[eE][+-]?\d+$", value):
            raise CellError(_("不是常规写法的数字（不接受科学计数法如 1e3 或下划线如 1_000）"))
        raise CellError(_("不是有效数字"))
    number = float(value)
    return -number if negative else number


def parse_fraction(text: str) -> float:
    """A share such as a discount, as a fraction (0.2) or a percent (20%, 20 %), from 0 up to (not including) 1."""
    value = text.strip()
    is_percent = value.endswith(("%", "％"))
    number = parse_number(value[:-1].strip()) / 100 if is_percent else parse_number(value)
    if not 0 <= number < 1:
        raise CellError(_("应为 0 到 1 之间的比例（如 0.2）或百分数（如 20%），且小于 100%"))
    return round(number, 10)


def parse_integer(text: str) -> int:
    """A whole number (1,234 and 12.0 are accepted; 12.5 is not)."""
    number = parse_number(text)
    if number != int(number):
        raise CellError(_("应为整数"))
    return int(number)


def parse_bool(text: str) -> bool:
    """A yes/no flag: 1/0, true/false, yes/no, 是/否, open/closed."""
    value = text.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise CellError(_("应为 是/否（1/0）"))
