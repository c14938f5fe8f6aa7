"""Writes of the projects app: the seeded templates, a project created from a template, moving a task (its
dependents follow), keeping dependencies, the baseline, status updates, kanban moves, cost imports and tasks
raised from corrective actions, risk responses and meeting decisions."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit import services as kit
from opsdesk.core.kit.guards import assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.engine import schedule as engine
from opsdesk.projects import selectors
from opsdesk.projects.choices import CostCategoryChoices, CostSourceChoices, TaskStatusChoices
from opsdesk.projects.models import (
    AREA,
    CostEntry,
    Dependency,
    Project,
    ProjectTemplate,
    StatusUpdate,
    Task,
    TemplateTask,
)
from opsdesk.projects.template_data import TEMPLATES

PROJECT_FIELDS = ("code", "name", "kind", "region", "store", "owner", "team", "start_date", "target_date", "status",
                  "health", "health_reason", "objectives", "description")


def projects_seed(company) -> dict[str, int]:
    """The company's templates (新店开业, 门店改造, 促销活动), idempotent."""
    created = 0
    for code, name, kind, description, rows in TEMPLATES:
        template, is_new = ProjectTemplate.objects.get_or_create(
            company=company, code=code, defaults={"name": name, "kind": kind, "description": description})
        if not is_new:
            continue
        TemplateTask.objects.bulk_create([
            TemplateTask(template=template, code=task_code, name=task_name, duration_days=duration,
                         predecessors=predecessors, estimate_hours=Decimal(hours), position=index)
            for index, (task_code, task_name, duration, predecessors, hours) in enumerate(rows)])
        created += 1
    return {"templates": created}


def template_offsets(template: ProjectTemplate) -> list[tuple[TemplateTask, int, list[tuple[str, int]]]]:
    """Each template task with its start offset (days from the project start) and its parsed predecessors."""
    tasks = list(template.tasks.order_by("position", "pk"))
    position = {task.code: index for index, task in enumerate(tasks)}
    parsed = [task.parsed_predecessors() for task in tasks]
    links = []
    for index, predecessors in enumerate(parsed):
        for code, lag in predecessors:
            if code not in position:
                raise ValidationError(_("模板任务 %(task)s 的前置任务 %(code)s 不存在。") % {
                    "task": tasks[index].code, "code": code})
            links.append(engine.Link(position[code], index, lag))
    starts, _finishes = engine.forward_pass([task.duration_days for task in tasks], links)
    return [(task, starts[index], parsed[index]) for index, task in enumerate(tasks)]


def project_create_from_template(*, actor, template: ProjectTemplate, data: dict[str, Any]) -> Project:
    """A project from a template on `data["start_date"]`: every task scheduled through its dependencies, the
    baseline taken, the target date the template's finish."""
    assert_can(actor, AREA, "add")
    if not ProjectTemplate.objects.for_user(actor).filter(pk=template.pk).exists():
        raise PermissionDenied(_("该对象不在你的权限范围内。"))
    start: date = data["start_date"]
    planned = template_offsets(template)
    finish = max((start + timedelta(days=offset + max(task.duration_days - 1, 0)) for task, offset, _p in planned),
                 default=start)
    values = {"kind": template.kind, "target_date": finish, **data}
    with transaction.atomic(), audit_actor(actor):
        project = kit.object_create(actor=actor, model=Project, data=values, fields=PROJECT_FIELDS,
                                    assignee_fields=("owner",))
        project.template = template
        project.save(update_fields=["template"])
        instantiate_template(project, planned)
        _take_baseline(project)
        return project


def instantiate_template(project: Project, planned) -> dict[str, Task]:
    """The planned template tasks (see `template_offsets`) as the project's tasks from its start date, with their
    dependencies."""
    tasks = {}
    for task, offset, _predecessors in planned:
        begin = project.start_date + timedelta(days=offset)
        end = begin if task.duration_days == 0 else begin + timedelta(days=task.duration_days - 1)
        tasks[task.code] = Task.objects.create(
            project=project, name=task.name, start_date=begin, finish_date=end, is_milestone=task.duration_days == 0,
            estimate_hours=task.estimate_hours, position=task.position, template_code=task.code)
    Dependency.objects.bulk_create([
        Dependency(predecessor=tasks[code], successor=tasks[task.code], lag_days=lag)
        for task, _offset, predecessors in planned for code, lag in predecessors])
    return tasks


def _take_baseline(project: Project) -> None:
    tasks = list(project.tasks.all())
    for task in tasks:
        task.baseline_start, task.baseline_finish = task.start_date, task.finish_date
    Task.objects.bulk_update(tasks, ["baseline_start", "baseline_finish"])
    project.baseline_taken_at = timezone.now()
    project.save(update_fields=["baseline_taken_at"])


def baseline_take(*, actor, project: Project) -> Project:
    """Snapshot every task's planned dates as the baseline (slippage is measured against it)."""
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, Project, project, "change")
        _take_baseline(current)
        return current


def _apply_starts(tasks: list[Task], starts: list[int], origin: date) -> list[Task]:
    """Move each task to its new start keeping its duration; returns the tasks that moved."""
    moved = []
    for task, offset in zip(tasks, starts, strict=True):
        new_start = origin + timedelta(days=offset)
        if new_start != task.start_date:
            duration = task.duration_days
            task.start_date = new_start
            task.finish_date = new_start if task.is_milestone else new_start + timedelta(days=duration - 1)
            moved.append(task)
    Task.objects.bulk_update(moved, ["start_date", "finish_date"])
    return moved


def task_move(*, actor, task: Task, start_date: date, finish_date: date | None = None) -> list[Task]:
    """Move (and optionally resize) a task; every task downstream moves by the same days and each task starts no
    earlier than its predecessors allow. Returns every task whose dates changed."""
    with transaction.atomic(), audit_actor(actor):
        current = in_scope_for_update(actor, Task, task, "change")
        project = Project.objects.select_for_update().get(pk=current.project_id)
        if finish_date is not None and not current.is_milestone:
            if finish_date < start_date:
                raise ValidationError({"finish_date": _("完成日期不能早于开始日期。")})
            current.finish_date = current.start_date + (finish_date - start_date)
            current.save(update_fields=["finish_date"])
        tasks = list(project.tasks.order_by("start_date", "position", "pk"))
        links = selectors.project_links(project)
        origin = min([start_date, *[item.start_date for item in tasks]])
        _origin, starts, durations, engine_links = selectors.network(tasks, links)
        starts = [(item.start_date - origin).days for item in tasks]
        index = next(i for i, item in enumerate(tasks) if item.pk == current.pk)
        new_starts = engine.move_task(starts, durations, engine_links, index, (start_date - origin).days)
        moved = _apply_starts(tasks, new_starts, origin)
        if finish_date is not None and current.pk not in {item.pk for item in moved}:
            moved.append(next(item for item in tasks if item.pk == current.pk))
        confirm_in_scope(actor, current, "change")
        return moved


def project_reschedule(project: Project) -> list[Task]:
    """Push tasks that start before their predecessors allow (after a dependency or a date changed)."""
    tasks = list(project.tasks.order_by("start_date", "position", "pk"))
    if not tasks:
        return []
    origin, starts, durations, links = selectors.network(tasks, selectors.project_links(project))
    try:
        new_starts, _finishes = engine.forward_pass(durations, links, floors=starts)
    except engine.CycleError as error:
        raise ValidationError({"predecessor": _("依赖关系形成了循环。")}) from error
    return _apply_starts(tasks, new_starts, origin)


def dependency_create(*, actor, data: dict[str, Any]) -> Dependency:
    """Add a dependency (no cycles), then push the successor and its dependents as far as it requires."""
    with transaction.atomic():
        link = kit.object_create(actor=actor, model=Dependency, data=data,
                                 fields=("predecessor", "successor", "lag_days"))
        project_reschedule(link.successor.project)
        return link


def dependency_update(*, actor, instance: Dependency, data: dict[str, Any]) -> Dependency:
    with transaction.atomic():
        link = kit.object_update(actor=actor, instance=instance, data=data,
                                 fields=("predecessor", "successor", "lag_days"))
        project_reschedule(link.successor.project)
        return link


def task_update(*, actor, instance: Task, data: dict[str, Any], fields) -> Task:
    """Change a task; when its dates changed, its dependents follow (as when dragged on the Gantt)."""
    with transaction.atomic():
        dates = {name: data.pop(name) for name in ("start_date", "finish_date") if name in data}
        task = kit.object_update(actor=actor, instance=instance, data=data, fields=fields,
                                 assignee_fields=("assignee",))
        if dates:
            start = dates.get("start_date", task.start_date)
            finish = dates.get("finish_date", task.finish_date if "start_date" not in dates
                               else start + (task.finish_date - task.start_date))
            task_move(actor=actor, task=task, start_date=start, finish_date=finish)
            task.refresh_from_db()
        return task


def task_set_status(*, actor, task: Task, status: str) -> Task:
    """Move a task to a kanban column (done sets progress to 100)."""
    if status not in TaskStatusChoices.values:
        raise ValidationError({"status": _("未知状态。")})
    data: dict[str, Any] = {"status": status}
    if status == TaskStatusChoices.DONE:
        data["progress"] = 100
    return kit.object_update(actor=actor, instance=task, data=data, fields=("status", "progress"))


def status_update_create(*, actor, data: dict[str, Any]) -> StatusUpdate:
    """A weekly note; the project's health and reason follow the latest note."""
    with transaction.atomic():
        update = kit.object_create(actor=actor, model=StatusUpdate, data=data,
                                   fields=("project", "week_of", "health", "reason", "note"), initial={"author": actor})
        project = update.project
        latest = project.status_updates.order_by("-week_of", "-pk").first()
        if latest.pk == update.pk:
            kit.object_update(actor=actor, instance=project,
                              data={"health": update.health, "health_reason": update.reason},
                              fields=("health", "health_reason"))
        return update


# ------------------------------------------------------------------------------------------------ tasks from elsewhere


SOURCE_KINDS = ("corrective_action", "risk_action", "meeting")


def source_object(actor, kind: str, pk: int | None):
    """The source a task is raised from, read through the actor's scope (None when unknown or out of scope)."""
    if kind == "corrective_action":
        from opsdesk.storeops.models import CorrectiveAction

        return CorrectiveAction.objects.for_user(actor).filter(pk=pk).first()
    if kind == "risk_action":
        from opsdesk.risks.models import RiskAction

        return RiskAction.objects.for_user(actor).filter(pk=pk).first()
    return None


def task_create_from_source(*, actor, project: Project, kind: str, source=None, text: str = "",
                            start_date: date, finish_date: date, assignee=None) -> Task:
    """A project task raised from a corrective action, a risk response action or a meeting decision (free text);
    the task keeps a note of where it came from."""
    if kind not in SOURCE_KINDS:
        raise ValidationError({"kind": _("未知来源。")})
    if kind == "meeting":
        if not text.strip():
            raise ValidationError({"text": _("请填写会议决议。")})
        name, note = text.strip()[:200], _("会议决议")
    else:
        if source is None:
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        name = source.title[:200]
        label = _("整改措施") if kind == "corrective_action" else _("风险应对行动")
        note = f"{label} #{source.pk}"
    data = {"project": project, "name": name, "start_date": start_date, "finish_date": finish_date,
            "assignee": assignee}
    with transaction.atomic():
        task = kit.object_create(actor=actor, model=Task, data=data,
                                 fields=("project", "name", "start_date", "finish_date", "assignee"),
                                 initial={"source": note}, assignee_fields=("assignee",))
        return task


# ------------------------------------------------------------------------------------------------ imported costs

#: Project codes (-> pk) the running "project_costs" import may write to; set when the batch's writer starts (the
#: validator runs in the same process, after it), read by `cost_import_check`.
_IMPORT_PROJECTS: ContextVar[dict[str, int] | None] = ContextVar("projects_cost_import", default=None)


class ProjectCostWriter:
    """Writes the rows of a "project_costs" import: one cost entry per (project, reference), updated in place when
    imported again, never duplicated. Only projects the importer may change are known to the import."""

    def __init__(self, batch):
        self.company_id, self.actor = batch.company_id, batch.created_by
        projects = Project.objects.filter(company_id=self.company_id)
        if self.actor is not None:
            assert_can(self.actor, AREA, "change")
            projects = Project.objects.for_user(self.actor, "change")
        _IMPORT_PROJECTS.set(dict(projects.values_list("code", "pk")))

    def write(self, records: list[dict]):
        from opsdesk.imports.upsert import ChangeCounts

        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        for record in records:
            values = {"category": record["category"], "date": record["date"],
                      "amount": Decimal(str(record["amount"])).quantize(Decimal("0.01")),
                      "description": record.get("description") or ""}
            entry, created = CostEntry.objects.get_or_create(
                project_id=record["project_id"], reference=record["reference"],
                defaults={**values, "source": CostSourceChoices.IMPORT})
            if created:
                counts["inserted"] += 1
            elif any(getattr(entry, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(entry, name, value)
                entry.save()
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return ChangeCounts(counts["inserted"], counts["updated"], counts["unchanged"])


def cost_import_check(record: dict) -> tuple[str, str] | None:
    """A cost row: a known project (in the importer's reach), a known category (code, Chinese or English name)."""
    from django.utils import translation

    projects = _IMPORT_PROJECTS.get()
    if projects is None:
        return "project", _("导入上下文缺失，请重新导入。")
    record["project_id"] = projects.get((record.get("project") or "").strip())
    if record["project_id"] is None:
        return "project", _("未知项目编号")
    names = {value: value for value in CostCategoryChoices.values}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.update({str(label): value for value, label in CostCategoryChoices.choices})
    category = names.get((record.get("category") or "").strip())
    if category is None:
        return "category", _("未知费用类别")
    record["category"] = category
    return None
