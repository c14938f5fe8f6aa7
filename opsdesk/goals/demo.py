"""The goals of the demo company: the seed's four quarterly goals (Q1 sales +10 % on last year, Q2 customer
satisfaction 90 %, Q3 two new products launched, Q4 four staff trainings held), set for the year of the demo's last
day so that they can be measured against its data (a year after it would have no data yet). The sales goal is
cascaded to the regions by last year's share and on to the stores; every goal is measured weekly through its
period (up to the demo's last day), so the goal pages have a progress chart."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from opsdesk.core.extensions import kpis
from opsdesk.core.models import User
from opsdesk.goals import services
from opsdesk.goals.choices import LevelChoices, SplitMethodChoices, TargetKindChoices
from opsdesk.goals.models import Goal, period_bounds

# (quarter, title, KPI code, target kind, value)
SEED_GOALS = (
    (1, "一季度销售额较去年同期增长 10%", "sales_revenue", TargetKindChoices.RELATIVE, 10.0),
    (2, "二季度顾客满意度达到 90%", "service_csat", TargetKindChoices.ABSOLUTE, 90.0),
    (3, "三季度上市 2 个新品", "sales_launched_products", TargetKindChoices.ABSOLUTE, 2.0),
    (4, "四季度开展 4 场员工培训", "people_trainings_held", TargetKindChoices.ABSOLUTE, 4.0),
)


def _measure_weekly(goal: Goal, end_date: date) -> int:
    """Measure the goal every 7 days from its period's first week up to min(period end, end_date), and on that day."""
    last = min(goal.period_end, end_date)
    days = []
    day = goal.period_start + timedelta(days=6)
    while day < last:
        days.append(day)
        day += timedelta(days=7)
    days.append(last)
    for day in days:
        services.goal_measure(goal, day)
    return len(days)


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """The demo's goals (registered with core.demo.extensions)."""
    definitions = kpis()
    coo = User.objects.filter(company=company, role="coo").order_by("username").first()
    year = end_date.year
    goals, measurements = 0, 0
    with transaction.atomic():
        for quarter, title, code, kind, value in SEED_GOALS:
            if code not in definitions:
                continue
            start, _end = period_bounds("quarter", date(year, 3 * quarter - 2, 1))
            goal = Goal(company=company, title=title, kpi_code=code, period_kind="quarter", period_start=start,
                        target_kind=kind, is_published_to_stores=True, owner=coo)
            if kind == TargetKindChoices.RELATIVE:
                goal.relative_percent = value
            else:
                goal.target_value = value
            try:
                goal.full_clean()
            except Exception:  # no data last year at this scale: fall back to the target as typed
                goal.target_kind, goal.target_value, goal.relative_percent = TargetKindChoices.ABSOLUTE, value, None
                goal.full_clean()
            goal.save()
            goals += 1
            family = [goal]
            if code == "sales_revenue" and coo is not None:
                regions = services.goal_cascade(actor=coo, goal=goal, level=LevelChoices.REGION,
                                                method=SplitMethodChoices.SHARE)
                family += regions
                for region_goal in regions:
                    family += services.goal_cascade(actor=coo, goal=region_goal, level=LevelChoices.STORE,
                                                    method=SplitMethodChoices.SHARE)
                goals += len(family) - 1
            if start <= end_date:
                for member in family:
                    measurements += _measure_weekly(member, end_date)
    return {"goals": goals, "measurements": measurements}
