"""Store sales goals set the cockpit's monthly sales targets (issue #16: targets are set here, not only imported).

A goal on net sales (`sales_revenue`) with a store and an absolute target (typed, relative to last year, or
cascaded from a region or company goal) becomes that store's monthly targets: a month goal its month; a quarter or
year goal split over its months by the store's sales in the same months last year (by days where there were none),
to the cent. Where two goals cover the same store and month, the shorter period wins (the month goal over the
quarter goal). The rows go through `core.hooks.write_sales_targets` under the source "goals": a row a goal no longer
names (the goal deleted or moved) is removed; an imported target of the same month is replaced.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from opsdesk.core import hooks
from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.engine.goals import split
from opsdesk.goals.models import Goal

SALES_KPI = "sales_revenue"
SOURCE = "goals"
PERIOD_RANK = {"month": 0, "quarter": 1, "year": 2}


def months_of(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def goal_month_targets(goal: Goal) -> dict[date, Decimal]:
    """The goal's target per month of its period (empty for a goal that sets no store target)."""
    if goal.kpi_code != SALES_KPI or goal.store_id is None or goal.person_id is not None or goal.target is None:
        return {}
    months = months_of(goal.period_start, goal.period_end)
    if len(months) == 1:
        return {months[0]: Decimal(str(round(goal.target, 2)))}
    measure = kpis()[SALES_KPI].measure
    scope = KpiScope(company_id=goal.company_id, store_ids=(goal.store_id,))
    weights = [float(measure(scope, (_last_year(m), _last_year(_month_end(m)))) or 0.0) for m in months]
    if not any(weights):
        weights = [calendar.monthrange(m.year, m.month)[1] for m in months]
    return {month: Decimal(str(part)) for month, part in zip(months, split(goal.target, weights), strict=True)}


def company_targets(company_id: int) -> dict[tuple[int, date], Decimal]:
    """Every store-month target the company's store sales goals set (the shortest period wins; then the latest
    goal)."""
    chosen: dict[tuple[int, date], tuple[tuple, Decimal]] = {}
    goals = Goal.objects.filter(company_id=company_id, kpi_code=SALES_KPI, store__isnull=False, person__isnull=True,
                                target__isnull=False)
    for goal in goals:
        rank = (PERIOD_RANK.get(goal.period_kind, 3), -goal.pk)
        for month, amount in goal_month_targets(goal).items():
            key = (goal.store_id, month)
            if key not in chosen or rank < chosen[key][0]:
                chosen[key] = (rank, amount)
    return {key: amount for key, (_rank, amount) in chosen.items()}


def sync_sales_targets(company_id: int) -> int:
    """Write the company's goal-set targets to the cockpit (rows of deleted or changed goals removed)."""
    return hooks.write_sales_targets(company_id, company_targets(company_id), SOURCE)
