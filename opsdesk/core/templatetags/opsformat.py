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
