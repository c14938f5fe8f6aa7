"""REST API of goals (/api/v1/goals/): the KPI library (read), the kit's operations on goals and the goals'
measurements (read), and work plans (read: list, and one plan with its content and versions). Out of scope answers
404."""

from django.http import Http404
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from opsdesk.core.api_support import PageNumberPagination, require_area
from opsdesk.core.extensions import kpis
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.goals import selectors, specs
from opsdesk.goals.models import AREA, PLAN_AREA, WorkPlan

router = Router(tags=["goals"])


class KpiOut(Schema):
    code: str
    name: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    aggregation: str
    description: str


@router.get("/kpis/", response=list[KpiOut])
def kpi_list(request):
    """Every registered KPI: name, unit, direction (higher or lower is better) and its formula in plain words."""
    if not user_can(request.auth, AREA, "view"):
        raise HttpError(403, "Forbidden")
    english = (get_language() or "").startswith("en")
    return [KpiOut(code=d.code, name=d.name(), name_zh=d.name_zh, name_en=d.name_en, unit=d.unit,
                   direction=d.direction, aggregation=d.aggregation,
                   description=d.description_en if english else d.description_zh) for d in kpis().values()]


for _spec in specs.ALL:
    _spec.register_api(router)


class PlanOut(Schema):
    id: int
    title: str
    level: str
    scope: str
    year: int
    quarter: int | None
    status: str
    version: int
    owner: str


class PlanVersionOut(Schema):
    number: int
    status: str
    submitted_by: str
    submitted_at: str
    decided_by: str
    decided_at: str
    comment: str


class PlanDetailOut(PlanOut):
    content: dict
    versions: list[PlanVersionOut]


def _plan_out(plan: WorkPlan) -> dict:
    return {"id": plan.pk, "title": plan.title, "level": plan.level, "scope": plan.scope_label, "year": plan.year,
            "quarter": plan.quarter, "status": plan.status, "version": plan.version,
            "owner": plan.owner.display_name if plan.owner else ""}


@router.get("/plans/", response=list[PlanOut], summary="List work plans", operation_id="goals_workplan_list")
@paginate(PageNumberPagination)
def plan_list(request):
    """The work plans of the user's scope, newest year first."""
    require_area(request, PLAN_AREA, "view")
    plans = WorkPlan.objects.for_user(request.auth).select_related("store", "region", "owner")
    return [_plan_out(plan) for plan in plans]


@router.get("/plans/{plan_id}/", response=PlanDetailOut, summary="One work plan",
            operation_id="goals_workplan_get")
def plan_detail(request, plan_id: int):
    """One plan: its facts, its content (goals with measured actual and projection, measures, resources, risks)
    and its frozen versions."""
    plan = scoped_or_none(WorkPlan, request.auth, plan_id)
    if plan is None:
        raise Http404
    versions = [{"number": v.number, "status": v.status,
                 "submitted_by": v.submitted_by.display_name if v.submitted_by else "",
                 "submitted_at": v.submitted_at.isoformat(),
                 "decided_by": v.decided_by.display_name if v.decided_by else "",
                 "decided_at": v.decided_at.isoformat() if v.decided_at else "", "comment": v.comment}
                for v in plan.versions.select_related("submitted_by", "decided_by")]
    return {**_plan_out(plan), "content": selectors.plan_content(plan), "versions": versions}
