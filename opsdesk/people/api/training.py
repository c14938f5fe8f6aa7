"""Training operations beside the kit's (under /api/v1/people/): a session's status, enrolment and attendance, and
the quarterly plan figures of a scope. Out of scope answers 404; bad input 422 naming the field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from opsdesk.core.api_support import Id, require_area
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import validation_error
from opsdesk.people.models.training import AREA, TrainingSession


class SessionStatusIn(Schema):
    action: str


class SessionStatusOut(Schema):
    id: int
    status: str


class EnrolIn(Schema):
    employee_id: Id


class EnrolmentOut(Schema):
    id: int
    session_id: int
    employee_id: int
    status: str


class AttendanceIn(Schema):
    attended: list[Id] = []
    absent: list[Id] = []


class AttendanceOut(Schema):
    changed: int


class PlanQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    region: Id | None = None
    store: Id | None = None


class PlanQuarterOut(Schema):
    quarter: int
    planned: int | None
    scheduled: int
    held: int
    attendance_rate: float | None
    trainees: int
    people: int
    hours: float
    cost_per_trainee: float | None
    pass_rate: float | None
    average_feedback: float | None


def _session(request: HttpRequest, object_id: int) -> TrainingSession:
    found = scoped_or_none(TrainingSession, request.auth, object_id, "change")
    if found is None:
        raise Http404
    return found


def _run(function, **kwargs):
    try:
        return function(**kwargs)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        raise validation_error(error) from error


def register(router) -> None:
    """Add the training operations to the people router."""
    from opsdesk.people.services import training as services

    @router.post("/training/sessions/{object_id}/status/", response=SessionStatusOut,
                 summary="Confirm, close (held) or cancel a training session")
    def session_status(request: HttpRequest, object_id: int, payload: SessionStatusIn):
        session = _session(request, object_id)
        actions = {"confirm": services.session_confirm, "close": services.session_close,
                   "cancel": services.session_cancel}
        if payload.action not in actions:
            raise validation_error(ValidationError({"action": "confirm, close or cancel"}))
        session = _run(actions[payload.action], actor=request.auth, session=session)
        return {"id": session.pk, "status": session.status}

    @router.post("/training/sessions/{object_id}/enrolments/", response={201: EnrolmentOut},
                 summary="Enrol an employee in a training session")
    def session_enrol(request: HttpRequest, object_id: int, payload: EnrolIn):
        from opsdesk.people.models import Employee

        session = _session(request, object_id)
        if not request.auth or not Employee.objects.for_user(request.auth, "view").filter(
                pk=payload.employee_id).exists():
            raise validation_error(ValidationError({"employee_id": "所选对象不存在或不在你的权限范围内。"}))
        enrolment = _run(services.enrolment_create, actor=request.auth, session=session,
                         employee=payload.employee_id)
        return Status(201, enrolment)

    @router.post("/training/sessions/{object_id}/attendance/", response=AttendanceOut,
                 summary="Mark enrolments of a session attended or absent (the trainer's list)")
    def session_attendance(request: HttpRequest, object_id: int, payload: AttendanceIn):
        session = _session(request, object_id)
        changed = _run(services.attendance_mark, actor=request.auth, session=session, attended=payload.attended,
                       absent=payload.absent)
        return {"changed": changed}

    @router.get("/training/plan/", response=list[PlanQuarterOut],
                summary="Quarterly training plan figures of the caller's scope, a region or a store")
    def training_plan(request: HttpRequest, query: Query[PlanQuery]):
        from opsdesk.people.selectors import training as selectors

        require_area(request, AREA, "view")
        scope = selectors.plan_scope(request.auth, region_id=query.region, store_id=query.store)
        if scope is None:
            raise Http404
        return [{"quarter": row.quarter, "planned": row.planned, "scheduled": row.figures.scheduled,
                 "held": row.figures.held, "attendance_rate": row.figures.attendance_rate,
                 "trainees": row.figures.attended, "people": row.figures.people, "hours": float(row.figures.hours),
                 "cost_per_trainee": row.figures.cost_per_trainee, "pass_rate": row.figures.pass_rate,
                 "average_feedback": row.figures.average_feedback}
                for row in selectors.plan_rows(request.auth, scope, query.year or timezone.localdate().year)]
