"""REST operations of the skills area beyond the kit (/api/v1/people/): an employee's readiness with its parts,
the gap report, and completing a development action. Out of scope answers 404."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Query, Schema
from ninja.errors import HttpError

from opsdesk.core.api_support import require_area
from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.models import Store
from opsdesk.people.models import Employee
from opsdesk.people.models.skills import DEVELOPMENT_AREA, DevelopmentAction


class PartOut(Schema):
    name: str
    label: str
    value: float
    weight: float
    points: float
    detail: str


class GapOut(Schema):
    skill: str
    skill_code: str
    required_level: int
    level: int
    shortfall: int


class ReadinessOut(Schema):
    employee_id: int
    position: str | None
    next_position: str | None
    score: float
    band: str
    band_label: str
    ratings: list[int]
    ratings_missing: bool
    trainings_required: int
    trainings_attended: int
    months_in_role: int | None
    parts: list[PartOut]
    gaps: list[GapOut]


class GapRowOut(Schema):
    employee_id: int
    employee_no: str
    employee: str
    target: str
    position: str
    skill: str
    skill_code: str
    required_level: int
    level: int
    shortfall: int
    assessed_on: date | None


class GapFilters(Schema):
    store: str | None = None


class ActionOut(Schema):
    id: int
    status: str
    done_on: date | None


def _readiness_out(ready) -> dict:
    return {
        "employee_id": ready.employee.pk, "position": ready.position.name if ready.position else None,
        "next_position": ready.next_position.name if ready.next_position else None, "score": ready.score,
        "band": ready.band, "band_label": ready.band_label, "ratings": ready.ratings,
        "ratings_missing": ready.ratings_missing, "trainings_required": ready.trainings_required,
        "trainings_attended": ready.trainings_attended, "months_in_role": ready.months_in_role,
        "parts": [{"name": part.name, "label": part.label, "value": part.value, "weight": part.weight,
                   "points": part.points, "detail": part.detail} for part in ready.parts],
        "gaps": [{"skill": gap.skill.name, "skill_code": gap.skill.code, "required_level": gap.required_level,
                  "level": gap.level, "shortfall": gap.shortfall} for gap in ready.gaps],
    }


def register(router) -> None:
    """Add the skills operations to the people router."""

    @router.get("/employees/{object_id}/readiness/", response=ReadinessOut, summary="Readiness for the next step",
                operation_id="people_employee_readiness")
    def employee_readiness(request: HttpRequest, object_id: int):
        from opsdesk.core.permissions import user_can
        from opsdesk.people.selectors.skills import readiness

        employee = scoped_or_none(Employee, request.auth, object_id) if user_can(
            request.auth, DEVELOPMENT_AREA, "view") else None
        if employee is None:
            raise Http404
        return _readiness_out(readiness(employee))

    @router.get("/skill-gaps/", response=list[GapRowOut], summary="Skill gap report",
                operation_id="people_skill_gaps")
    def skill_gaps(request: HttpRequest, filters: Query[GapFilters]):
        from opsdesk.people.selectors.skills import employees_in_scope, gap_report

        require_area(request, DEVELOPMENT_AREA, "view")
        store_id = None
        if filters.store:
            if not is_valid_id(filters.store):
                raise HttpError(422, "store: not a valid id.")
            store = Store.objects.for_user(request.auth).filter(pk=int(filters.store)).first()
            if store is None:
                raise Http404
            store_id = store.pk
        rows = gap_report(employees_in_scope(request.auth, store_id=store_id))
        return [{"employee_id": row.employee.pk, "employee_no": row.employee.employee_no, "employee": row.employee.name,
                 "target": row.target, "position": row.position.name, "skill": row.gap.skill.name,
                 "skill_code": row.gap.skill.code, "required_level": row.gap.required_level, "level": row.gap.level,
                 "shortfall": row.gap.shortfall, "assessed_on": row.gap.assessed_on} for row in rows]

    @router.post("/development-actions/{object_id}/complete/", response=ActionOut,
                 summary="Mark a development action done", operation_id="people_developmentaction_complete")
    def complete_action(request: HttpRequest, object_id: int):
        from opsdesk.people.services.skills import action_complete

        action = scoped_or_none(DevelopmentAction, request.auth, object_id, "change")
        if action is None:
            raise Http404
        return action_complete(actor=request.auth, action=action)
