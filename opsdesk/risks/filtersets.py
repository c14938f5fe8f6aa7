"""Filters the kit does not derive from a field: "above appetite" on the register and "in breach" on the indicators,
so the cockpit tiles link lists holding exactly the rows they count."""

from __future__ import annotations

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from opsdesk.core.kit.builders import build_filterset
from opsdesk.risks.choices import KriStatusChoices, RiskStatusChoices


def risk_filterset(spec) -> type:
    """The register's filters plus `above_appetite` (open, residual score above the category's appetite)."""
    base = build_filterset(spec)

    def filter_above_appetite(self, queryset, name, value):
        above = queryset.filter(status=RiskStatusChoices.OPEN, residual_score__gt=F("category__appetite"))
        return above if value else queryset.exclude(pk__in=above.values("pk"))

    return type("RiskFilterSet", (base,), {
        "above_appetite": django_filters.BooleanFilter(label=_("高于风险偏好"), method="filter_above_appetite"),
        "filter_above_appetite": filter_above_appetite})


def indicator_filterset(spec) -> type:
    """The indicators' filters plus `breached` (active and amber or red)."""
    base = build_filterset(spec)

    def filter_breached(self, queryset, name, value):
        breached = queryset.filter(is_active=True, status__in=[KriStatusChoices.AMBER, KriStatusChoices.RED])
        return breached if value else queryset.exclude(pk__in=breached.values("pk"))

    return type("KeyRiskIndicatorFilterSet", (base,), {
        "breached": django_filters.BooleanFilter(label=_("预警中"), method="filter_breached"),
        "filter_breached": filter_breached})
