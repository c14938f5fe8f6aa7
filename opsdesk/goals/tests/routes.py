"""Permission-matrix declarations of goals (see core/testing/matrix.py).

A goal of store a1 is in scope; `org.store_for(user, False)` gives the out-of-scope store (b1 for store and region
users, the other company's store for company-wide users)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.goals import selectors, specs
from opsdesk.goals.models import AREA, PLAN_AREA, Goal, GoalMeasurement, PlanMeasure, PlanResource, WorkPlan

_counter = {"n": 0}


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


def _plan(org, user, in_scope, status: str = "draft") -> WorkPlan:
    """A store plan (a1 in scope); a submitted one was submitted by the store manager (or, for the store manager
    itself, by the supervisor), so that an approver is never its submitter."""
    _counter["n"] += 1
    store = org.store_for(user, in_scope)
    submitter = org.users["supervisor" if user is not None and user.role == "store_manager" else "store_manager"]
    plan = WorkPlan.objects.create(company=store.company, region=store.region, store=store, year=2000 + _counter["n"],
                                   title="矩阵计划", status=status,
                                   submitted_by=submitter if status == "submitted" else None)
    if status == "submitted":
        plan.versions.create(number=1, submitted_by=submitter, submitted_at=timezone.now(),
                             snapshot=selectors.plan_content(plan))
    return plan


def _submitted(org, user, in_scope) -> WorkPlan:
    return _plan(org, user, in_scope, "submitted")


def _plan_data(org, user, plan):
    _counter["n"] += 1
    return {"title": "矩阵计划（改）", "year": str(plan.year if plan else 2000 + _counter["n"]), "quarter": "",
            "region": "", "store": org.stores["a1"].pk, "owner": "", "summary": "矩阵"}


def _measure(org, user, in_scope) -> PlanMeasure:
    return PlanMeasure.objects.create(plan=_plan(org, user, in_scope), area="people", title="矩阵措施", quarters="1")


def _measure_data(org, user, obj):
    return {"area": "process", "title": "矩阵措施（改）", "description": "", "owner": "", "quarters": ["2", "3"],
            "project": "", "training_plan": "", "risk": "", "risk_action": ""}


def _resource(org, user, in_scope) -> PlanResource:
    return PlanResource.objects.create(plan=_plan(org, user, in_scope), kind="tools", description="矩阵资源")


def _resource_data(org, user, obj):
    return {"kind": "budget", "description": "矩阵资源（改）", "amount": "1200", "budget_line": ""}


def _version(org, user, in_scope):
    return _submitted(org, user, in_scope).versions.get()


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
    *[route for route in spec_routes(specs.workplan, _plan, _plan_data) if not route.is_api],
    Route("goals:measure_add", "action", area=PLAN_AREA, action="change", make_object=_plan,
          methods=("GET", "POST"), post_data=_measure_data),
    Route("goals:measure_edit", "action", area=PLAN_AREA, action="change", make_object=_measure,
          methods=("GET", "POST"), post_data=_measure_data),
    Route("goals:measure_delete", "action", area=PLAN_AREA, action="change", make_object=_measure,
          post_data=lambda org, user, obj: {}),
    Route("goals:resource_add", "action", area=PLAN_AREA, action="change", make_object=_plan,
          methods=("GET", "POST"), post_data=_resource_data),
    Route("goals:resource_edit", "action", area=PLAN_AREA, action="change", make_object=_resource,
          methods=("GET", "POST"), post_data=_resource_data),
    Route("goals:resource_delete", "action", area=PLAN_AREA, action="change", make_object=_resource,
          post_data=lambda org, user, obj: {}),
    Route("goals:workplan_submit", "action", area=PLAN_AREA, action="change", make_object=_plan,
          post_data=lambda org, user, obj: {}),
    Route("goals:workplan_approve", "action", area=PLAN_AREA, action="approve", make_object=_submitted,
          post_data=lambda org, user, obj: {"comment": ""}),
    Route("goals:workplan_return", "action", area=PLAN_AREA, action="approve", make_object=_submitted,
          post_data=lambda org, user, obj: {"comment": "请补充人员措施"}),
    Route("goals:workplan_versions", "detail", area=PLAN_AREA, make_object=_plan),
    Route("goals:workplan_download", "detail", area=PLAN_AREA, make_object=_plan),
    Route("goals:workplan_version_download", "detail", area=PLAN_AREA, make_object=_version),
    Route("GET /api/v1/goals/plans/", "api-list", area=PLAN_AREA, make_object=_plan),
    Route("GET /api/v1/goals/plans/{plan_id}/", "api-detail", area=PLAN_AREA, make_object=_plan),
]
