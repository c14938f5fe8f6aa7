"""Numbers as people read them, in the active language (Babel's CLDR data): money with its currency sign and group
separators, percentages with the % sign, counts, and large amounts in 万/亿 for Chinese readers (K/M/B in
English). Templates use the filters in `templatetags/opsformat.py`; charts and exports call these functions.

The currency is the signed-in user's company's (set per request by the language middleware); outside a request
(the brief, commands) it is CNY unless a caller passes one.
"""

from __future__ import annotations

from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from babel.numbers import format_compact_currency, format_compact_decimal, format_currency, format_decimal
from django.utils.translation import get_language, to_locale

current_currency: ContextVar[str] = ContextVar("opsdesk_currency", default="CNY")
DASH = "—"


def _locale(language: str | None = None) -> str:
    code = language or get_language() or "zh-hans"
    return "zh_Hans_CN" if code.lower().startswith("zh") else to_locale(code)


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def money(value, *, digits: int = 0, currency: str | None = None, language: str | None = None) -> str:
    """¥105,465,364 (zh) / CN¥105,465,364 (en); `digits` decimals; a dash for no value."""
    number = _number(value)
    if number is None:
        return DASH
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    return format_currency(number, currency or current_currency.get(), format=pattern, locale=_locale(language),
                           currency_digits=False)


def money_short(value, *, currency: str | None = None, language: str | None = None) -> str:
    """¥1.05亿 (zh) / CN¥105M (en): for tiles and chart labels; plain money below ten thousand."""
    number = _number(value)
    if number is None:
        return DASH
    if abs(number) < 10_000:
        return money(number, currency=currency, language=language)
    return format_compact_currency(number, currency or current_currency.get(), locale=_locale(language),
                                   fraction_digits=2)


def number_short(value, *, language: str | None = None) -> str:
    """1.05亿 / 1.2万 (zh), 105M / 12K (en)."""
    number = _number(value)
    if number is None:
        return DASH
    if abs(number) < 10_000:
        return count(number, language=language)
    return format_compact_decimal(number, locale=_locale(language), fraction_digits=2)


def count(value, *, language: str | None = None) -> str:
    """4,071: a whole number with group separators."""
    number = _number(value)
    if number is None:
        return DASH
    return format_decimal(number.quantize(Decimal(1)), format="#,##0", locale=_locale(language))


def decimal(value, digits: int | None = 1, *, language: str | None = None) -> str:
    """12,345.6: a number with `digits` decimals and group separators (trailing zeros kept); `digits=None` shows
    up to three decimals and drops trailing zeros (4.000 -> 4, 2.50 -> 2.5)."""
    number = _number(value)
    if number is None:
        return DASH
    pattern = "#,##0.###" if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(number, format=pattern, locale=_locale(language))


def percent(value, digits: int = 1, *, language: str | None = None) -> str:
    """24.1%: `value` is already in percent points (24.1 means 24.1 %)."""
    number = _number(value)
    if number is None:
        return DASH
    return decimal(number, digits, language=language) + "%"


def quantity_range(low, high, digits: int | None = None, *, language: str | None = None) -> str:
    """A range "0 – 4", open ends as "≤ 4" / "≥ 0" (never ±∞)."""
    low_number, high_number = _number(low), _number(high)
    if low_number is None and high_number is None:
        return DASH
    if low_number is None:
        return "≤ " + decimal(high_number, digits, language=language)
    if high_number is None:
        return "≥ " + decimal(low_number, digits, language=language)
    return f"{decimal(low_number, digits, language=language)} – {decimal(high_number, digits, language=language)}"
