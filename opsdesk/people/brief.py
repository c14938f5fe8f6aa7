"""The people section of the daily brief: headcount, turnover, open positions, training and readiness, read from
the KPIs the people areas register (a KPI that is not registered or has nothing to measure is left out)."""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from opsdesk.core.extensions import BriefSection, KpiScope, kpis

# (KPI code, line template, period): the period is the day itself or the month to date.
_LINES = (
    ("people_headcount", gettext_noop("在职人数 %(value)s"), "day"),
    ("people_turnover", gettext_noop("本月离职率 %(value)s"), "month"),
    ("people_open_positions", gettext_noop("在招岗位 %(value)s"), "day"),
    ("people_trainings_held", gettext_noop("本月已举办培训 %(value)s"), "month"),
    ("people_training_hours", gettext_noop("本月培训学时 %(value)s"), "month"),
    ("people_readiness_ready_now", gettext_noop("可立即晋升 %(value)s"), "day"),
)


def _text(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def brief_section(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                  ) -> BriefSection | None:
    """One line per people KPI that has a value for the scope; None when none has."""
    scope = KpiScope(company_id=company_id, store_ids=None if store_ids is None else tuple(store_ids))
    registered = kpis()
    with translation.override(language):
        lines = []
        for code, template, period in _LINES:
            definition = registered.get(code)
            if definition is None:
                continue
            value = definition.measure(scope, (day.replace(day=1) if period == "month" else day, day))
            if value is not None:
                lines.append(_(template) % {"value": _text(value, definition.unit)})
        return BriefSection(title=_("人员"), lines=lines) if lines else None
