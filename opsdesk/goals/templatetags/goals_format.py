"""`{{ value|kpi_value:unit }}`: a KPI value as people read it (see `goals.services.format_value`)."""

from django import template

register = template.Library()


@register.filter
def kpi_value(value, unit: str = "") -> str:
    from opsdesk.goals.services import format_value

    return format_value(value, unit)


@register.filter
def probability(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
