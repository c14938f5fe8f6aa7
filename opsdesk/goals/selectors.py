"""Reads of goals: the running goals of a user's scope, goals needing attention, the cascade tree, the league
table of a level and the chart series of one goal."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from opsdesk.goals.choices import GoalStatusChoices, LevelChoices
from opsdesk.goals.models import Goal, GoalMeasurement

ATTENTION = (GoalStatusChoices.AT_RISK, GoalStatusChoices.OFF_TRACK)


def running_goals(*, user, today: date) -> QuerySet[Goal]:
    """The user's goals whose period contains `today`."""
    return Goal.objects.for_user(user).filter(period_start__lte=today, period_end__gte=today)


def goals_needing_attention(*, user, today: date) -> QuerySet[Goal]:
    """Running goals of the user's scope measured at risk or off track, the least likely first."""
    return (running_goals(user=user, today=today).filter(status__in=ATTENTION)
            .select_related("store", "region", "person").order_by("probability", "pk"))


def cascade_tree(*, user, goal: Goal) -> list[tuple[int, Goal]]:
    """The goal's descendants the user can see, depth first: (depth, goal)."""
    visible = Goal.objects.for_user(user).select_related("store", "region", "person")
    rows: list[tuple[int, Goal]] = []

    def walk(parent: Goal, depth: int) -> None:
        for child in visible.filter(parent=parent).order_by("region__code", "store__code", "pk"):
            rows.append((depth, child))
            walk(child, depth + 1)

    walk(goal, 1)
    return rows


def league_table(*, user, kpi_code: str, level: str, period_start: date) -> list[Goal]:
    """Goals of one KPI, level and period start the user can see, ranked by probability then actual vs target
    (the best first)."""
    goals = Goal.objects.for_user(user).filter(kpi_code=kpi_code, period_start=period_start).select_related(
        "store", "region", "person")
    if level == LevelChoices.STORE:
        goals = goals.filter(store__isnull=False, person__isnull=True)
    elif level == LevelChoices.REGION:
        goals = goals.filter(store__isnull=True, region__isnull=False, person__isnull=True)
    elif level == LevelChoices.PERSON:
        goals = goals.filter(person__isnull=False)
    else:
        goals = goals.filter(store__isnull=True, region__isnull=True, person__isnull=True)
    direction = goals.first().definition.direction if goals.exists() and goals.first().definition else "higher"

    def attainment(goal: Goal) -> float:
        if goal.actual is None or not goal.target:
            return float("-inf")
        ratio = (goal.projection if goal.projection is not None else goal.actual) / goal.target
        return ratio if direction == "higher" else -ratio

    return sorted(goals, key=lambda goal: (-(goal.probability if goal.probability is not None else -1),
                                           -attainment(goal), goal.pk))


def league_choices(*, user) -> list[tuple[str, date]]:
    """The (KPI code, period start) pairs the user's goals have, newest period first."""
    return list(Goal.objects.for_user(user).values_list("kpi_code", "period_start").distinct().order_by(
        "-period_start", "kpi_code"))


def measurement_series(*, user, goal: Goal) -> list[GoalMeasurement]:
    """The goal's measurements, oldest first."""
    return list(GoalMeasurement.objects.for_user(user).filter(goal=goal).order_by("as_of"))
