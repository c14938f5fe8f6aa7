"""Permission-matrix declarations of goals (see core/testing/matrix.py).

A goal of store a1 is in scope; `org.store_for(user, False)` gives the out-of-scope store (b1 for store and region
users, the other company's store for company-wide users)."""

from __future__ import annotations

from datetime import date

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.goals import specs
from opsdesk.goals.models import AREA, Goal, GoalMeasurement


def _goal(org, user, in_scope) -> Goal:
    store = org.store_for(user, in_scope)
    return Goal.objects.create(company=store.company, store=store, region=store.region, title="矩阵目标",
                               kpi_code="sales_revenue", period_kind="month", period_start=date(2026, 11, 1),
                               period_end=date(2026, 11, 30), target_value=1000.0, target=1000.0)


def _goal_data(org, user, goal):
    return {"title": "矩阵目标", "kpi_code": "sales_revenue", "region": "", "store": org.stores["a1"].pk,
            "person": "", "is_published_to_stores": "", "period_kind": "month", "period_start": "2026-11-01",
            "target_kind": "absolute", "target_value": "1000", "relative_percent": "", "owner": "", "parent": ""}


def _measurement(org, user, in_scope) -> GoalMeasurement:
    return GoalMeasurement.objects.create(goal=_goal(org, user, in_scope), as_of=date(2026, 11, 15), actual=400.0,
                                          projection=800.0, lower=700.0, upper=900.0, probability=0.02,
                                          status="off_track")


ROUTES = [
    *spec_routes(specs.goal, _goal, _goal_data),
    *spec_routes(specs.measurement, _measurement),
    Route("goals:goal_cascade", "action", area=AREA, action="change", make_object=_goal,
          post_data=lambda org, user, obj: {"level": "store", "method": "equal"}),
    Route("goals:goal_measure", "action", area=AREA, action="change", make_object=_goal,
          post_data=lambda org, user, obj: {}),
    Route("goals:league", "list", area=AREA),
    Route("goals:kpi_library", "list", area=AREA),
    Route("GET /api/v1/goals/kpis/", "api-list", area=AREA),
]
