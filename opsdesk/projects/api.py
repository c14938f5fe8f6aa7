"""REST API of the projects app (/api/v1/projects/): the kit's operations on projects, tasks, dependencies, status
updates, budget lines, cost entries, tagged purchase orders and templates; plus a project's schedule, critical path
and Gantt data, and moving a task (its dependents follow). Out of scope answers 404."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import StrictSchema, validation_error
from opsdesk.projects import selectors, services, specs
from opsdesk.projects.models import Project, Task

router = Router(tags=["projects"])

for _spec in specs.ALL:
    _spec.register_api(router)


class ScheduleRowOut(Schema):
    id: int
    name: str
    start: date
    finish: date
    is_milestone: bool
    total_float: int
    is_critical: bool
    is_late: bool
    slippage: int | None
    forecast_finish: date


class ScheduleOut(Schema):
    project: int
    finish: date | None
    baseline_finish: date | None
    forecast_finish: date | None
    slippage: int | None
    critical_path: list[int]
    tasks: list[ScheduleRowOut]


class MoveIn(StrictSchema):
    start_date: date
    finish_date: date | None = None


class MoveOut(Schema):
    moved: list[int]
    critical_path: list[int]


def _project(request: HttpRequest, project_id: int) -> Project:
    found = scoped_or_none(Project, request.auth, project_id)
    if found is None:
        raise Http404
    return found


def _schedule_out(schedule) -> dict:
    return {"project": schedule.project.pk, "finish": schedule.finish, "baseline_finish": schedule.baseline_finish,
            "forecast_finish": schedule.forecast_finish, "slippage": schedule.slippage,
            "critical_path": schedule.critical_ids,
            "tasks": [{"id": row.task.pk, "name": row.task.name, "start": row.task.start_date,
                       "finish": row.task.finish_date, "is_milestone": row.task.is_milestone,
                       "total_float": row.total_float, "is_critical": row.is_critical, "is_late": row.is_late,
                       "slippage": row.slippage, "forecast_finish": row.forecast_finish} for row in schedule.rows]}


@router.get("/projects/{project_id}/schedule/", response=ScheduleOut, summary="A project's schedule",
            operation_id="projects_project_schedule")
def project_schedule(request: HttpRequest, project_id: int):
    return _schedule_out(selectors.project_schedule(_project(request, project_id)))


@router.get("/projects/{project_id}/critical-path/", response=list[int], summary="A project's critical path",
            operation_id="projects_project_critical_path")
def project_critical_path(request: HttpRequest, project_id: int):
    return selectors.project_schedule(_project(request, project_id)).critical_ids


@router.get("/projects/{project_id}/gantt/", response=list[dict], summary="A project's Gantt data (frappe-gantt)",
            operation_id="projects_project_gantt")
def project_gantt(request: HttpRequest, project_id: int):
    return selectors.gantt_data(selectors.project_schedule(_project(request, project_id)))


@router.post("/tasks/{task_id}/move/", response=MoveOut, summary="Move a task (its dependents follow)",
             operation_id="projects_task_move")
def task_move(request: HttpRequest, task_id: int, payload: MoveIn):
    task = scoped_or_none(Task, request.auth, task_id, "change")
    if task is None:
        raise Http404
    try:
        moved = services.task_move(actor=request.auth, task=task, start_date=payload.start_date,
                                   finish_date=payload.finish_date)
    except PermissionDenied as error:
        raise Http404 from error
    except DjangoValidationError as error:
        raise validation_error(error) from error
    return {"moved": [item.pk for item in moved],
            "critical_path": selectors.project_schedule(task.project).critical_ids}
