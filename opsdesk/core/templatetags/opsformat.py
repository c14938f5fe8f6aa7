"""Template filters for numbers in the active language: {{ x|money }}, {{ x|money_short }}, {{ x|count }},
{{ x|pct }} (x in percent points), {{ x|num:2 }}, {{ x|number_short }} (see opsdesk.core.formatting)."""

from django import template

from opsdesk.core import formatting

register = template.Library()


@register.filter
def money(value, digits=0):
    return formatting.money(value, digits=int(digits))


@register.filter
def money_short(value):
    return formatting.money_short(value)


@register.filter
def number_short(value):
    return formatting.number_short(value)


@register.filter
def count(value):
    return formatting.count(value)


@register.filter
def pct(value, digits=1):
    return formatting.percent(value, int(digits))


@register.filter
def num(value, digits=1):
    return formatting.decimal(value, int(digits))


@register.filter
def ratio_pct(value, digits=1):
    """A fraction (0.727) as a percentage (72.7%)."""
    number = formatting._number(value)
    return formatting.percent(None if number is None else number * 100, int(digits))


@register.filter
def hundred(value, digits=1):
    """A 0-1 score as points out of 100 (0.727 -> 72.7)."""
    number = formatting._number(value)
    return formatting.decimal(None if number is None else number * 100, int(digits))


@register.filter
def value_range(low, high):
    """{{ low|value_range:high }}: "0 – 4", "≤ -18", "≥ 2" (an open end is never shown as ∞)."""
    return formatting.quantity_range(low, high)
