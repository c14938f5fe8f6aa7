"""Reads of the projects app: a project's schedule (critical path, floats, baseline slippage, forecast, milestones at
risk), its Gantt data, its cost (budget, actual, committed, forecast at completion) and the inbox queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from opsdesk.engine import schedule as engine
from opsdesk.projects.choices import CostCategoryChoices, ProjectStatusChoices, TaskStatusChoices
from opsdesk.projects.models import BudgetLine, CostEntry, Dependency, Project, ProjectPurchaseOrder, Task

ZERO = Decimal("0.00")
#: Purchase orders whose unreceived value is a commitment: sent to the supplier and not closed. A draft commits
#: nothing yet; a received or cancelled order's open remainder will not be delivered.
COMMITTED_STATUSES = ("sent", "confirmed", "partly_received")


# ------------------------------------------------------------------------------------------------ schedule


@dataclass
class TaskRow:
    """A task with its computed schedule facts (days; `slippage` None without a baseline)."""

    task: Task
    total_float: int
    is_critical: bool
    is_late: bool
    slippage: int | None
    forecast_finish: date
    predecessors: list[tuple[int, int]] = field(default_factory=list)  # (task pk, lag)


@dataclass
class ProjectSchedule:
    """A project's tasks with their schedule facts, and the project's figures."""

    project: Project
    rows: list[TaskRow]
    origin: date
    finish: date | None
    baseline_finish: date | None
    forecast_finish: date | None

    @property
    def slippage(self) -> int | None:
        """Days the project's planned finish lies after its baseline finish (None without a baseline)."""
        if self.finish is None or self.baseline_finish is None:
            return None
        return (self.finish - self.baseline_finish).days

    @property
    def critical_ids(self) -> list[int]:
        return [row.task.pk for row in self.rows if row.is_critical]

    def milestones_at_risk(self) -> list[TaskRow]:
        """Open milestones whose forecast day is after their date, or with a late critical predecessor."""
        by_pk = {row.task.pk: row for row in self.rows}
        found = []
        for row in self.rows:
            if not row.task.is_milestone or row.task.is_done:
                continue
            late_critical = any(by_pk[pk].is_late and by_pk[pk].is_critical for pk in _ancestor_pks(row, by_pk))
            if row.forecast_finish > row.task.finish_date or late_critical:
                found.append(row)
        return found


def _ancestor_pks(row: TaskRow, by_pk: dict[int, TaskRow]) -> set[int]:
    seen: set[int] = set()
    stack = [pk for pk, _lag in row.predecessors]
    while stack:
        pk = stack.pop()
        if pk in seen or pk not in by_pk:
            continue
        seen.add(pk)
        stack += [parent for parent, _lag in by_pk[pk].predecessors]
    return seen


def network(tasks: list[Task], links: list[Dependency]) -> tuple[date, list[int], list[int], list[engine.Link]]:
    """The tasks as engine arrays: origin (earliest start), start offsets, durations, links by position."""
    origin = min((task.start_date for task in tasks), default=date.today())
    position = {task.pk: index for index, task in enumerate(tasks)}
    starts = [(task.start_date - origin).days for task in tasks]
    durations = [task.duration_days for task in tasks]
    engine_links = [engine.Link(position[link.predecessor_id], position[link.successor_id], link.lag_days)
                    for link in links if link.predecessor_id in position and link.successor_id in position]
    return origin, starts, durations, engine_links


def project_links(project: Project) -> list[Dependency]:
    return list(Dependency.objects.filter(successor__project=project))


def project_schedule(project: Project, *, today: date | None = None) -> ProjectSchedule:
    """The project's schedule on its planned dates: floats and the critical path (backward pass from the planned
    finish), late tasks, slippage against the baseline and the forecast finish."""
    today = today or date.today()
    tasks = list(project.tasks.select_related("assignee").order_by("start_date", "position", "pk"))
    links = project_links(project)
    if not tasks:
        return ProjectSchedule(project, [], project.start_date, None, None, None)
    origin, starts, durations, engine_links = network(tasks, links)
    result = engine.schedule(durations, engine_links, floors=starts)
    forecast = engine.forecast_finish(result.early_start, durations, engine_links, [task.is_done for task in tasks],
                                      [task.progress / 100 for task in tasks], (today - origin).days)
    incoming = defaultdict(list)
    for link in links:
        incoming[link.successor_id].append((link.predecessor_id, link.lag_days))
    rows = [TaskRow(task=task, total_float=result.total_float[i], is_critical=result.critical[i],
                    is_late=not task.is_done and task.finish_date < today, slippage=task.slippage_days(),
                    forecast_finish=origin + timedelta(days=forecast[i] - 1 if durations[i] else forecast[i]),
                    predecessors=incoming[task.pk])
            for i, task in enumerate(tasks)]
    baselines = [task.baseline_finish for task in tasks if task.baseline_finish]
    return ProjectSchedule(project, rows, origin, max(task.finish_date for task in tasks),
                           max(baselines) if baselines else None, max(row.forecast_finish for row in rows))


def gantt_data(project_schedule_: ProjectSchedule) -> list[dict]:
    """frappe-gantt tasks: id, name, start, end (last day), progress, dependencies, and one class marking the
    critical path, milestones, late and done tasks ("pj-critical-milestone")."""
    data = []
    for row in project_schedule_.rows:
        task = row.task
        # frappe-gantt adds custom_class with classList.add(): one token, so the flags are joined into it.
        flags = [name for name, flag in (("critical", row.is_critical), ("milestone", task.is_milestone),
                                         ("late", row.is_late), ("done", task.is_done)) if flag]
        data.append({"id": str(task.pk), "name": task.name, "start": task.start_date.isoformat(),
                     "end": task.finish_date.isoformat(), "progress": task.progress,
                     "dependencies": ", ".join(str(pk) for pk, _lag in row.predecessors),
                     "custom_class": "-".join(["pj", *flags]), "critical": row.is_critical,
                     "baseline_start": task.baseline_start.isoformat() if task.baseline_start else None,
                     "baseline_end": task.baseline_finish.isoformat() if task.baseline_finish else None,
                     "slippage": row.slippage, "float": row.total_float})
    return data


# ------------------------------------------------------------------------------------------------ cost


@dataclass
class CostLine:
    """One category of a project's cost: budget, actual (POs received, imported and manual costs), committed (the
    unreceived part of sent purchase orders), remaining estimate, forecast at completion and variance."""

    category: str
    label: str
    budget: Decimal = ZERO
    actual: Decimal = ZERO
    committed: Decimal = ZERO
    estimate_to_complete: Decimal | None = None

    @property
    def remaining(self) -> Decimal:
        if self.estimate_to_complete is not None:
            return self.estimate_to_complete
        return max(self.budget - self.actual - self.committed, ZERO)

    @property
    def forecast(self) -> Decimal:
        return self.actual + self.committed + self.remaining

    @property
    def variance(self) -> Decimal:
        """Budget - forecast (negative: forecast overrun)."""
        return self.budget - self.forecast


def purchase_order_split(order) -> tuple[Decimal, Decimal]:
    """(actual, committed) of one purchase order: each line's received (accepted) quantity at its price is actual;
    its open quantity at its price is committed while the order is sent and open. Never both for the same unit."""
    actual, committed = ZERO, ZERO
    is_committing = order.status in COMMITTED_STATUSES
    for line in order.lines.all():
        actual += line.received_quantity * line.unit_price
        if is_committing:
            committed += line.open_quantity * line.unit_price
    return actual.quantize(Decimal("0.01")), committed.quantize(Decimal("0.01"))


def project_costs(project: Project) -> tuple[list[CostLine], CostLine]:
    """The cost lines by category (those with a budget or any cost) and the total line."""
    lines = {value: CostLine(value, str(label)) for value, label in CostCategoryChoices.choices}
    for budget in BudgetLine.objects.filter(project=project):
        lines[budget.category].budget += budget.amount
        if budget.estimate_to_complete is not None:
            lines[budget.category].estimate_to_complete = budget.estimate_to_complete
    for entry in CostEntry.objects.filter(project=project):
        lines[entry.category].actual += entry.amount
    links = ProjectPurchaseOrder.objects.filter(project=project).select_related("purchase_order").prefetch_related(
        Prefetch("purchase_order__lines"))
    for link in links:
        actual, committed = purchase_order_split(link.purchase_order)
        lines[link.category].actual += actual
        lines[link.category].committed += committed
    used = [line for line in lines.values() if line.budget or line.actual or line.committed]
    total = CostLine("total", "", budget=sum((line.budget for line in used), ZERO),
                     actual=sum((line.actual for line in used), ZERO),
                     committed=sum((line.committed for line in used), ZERO),
                     estimate_to_complete=sum((line.remaining for line in used), ZERO))
    return used, total


# ------------------------------------------------------------------------------------------------ inbox and KPIs


def open_projects(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.filter(status__in=[ProjectStatusChoices.PLANNED, ProjectStatusChoices.ACTIVE])


def overdue_tasks_for_user(user, *, today: date) -> QuerySet[Task]:
    """Open tasks of open projects in the user's scope whose last day has passed."""
    return (Task.objects.for_user(user).filter(finish_date__lt=today, project__status__in=[
        ProjectStatusChoices.PLANNED, ProjectStatusChoices.ACTIVE]).exclude(status=TaskStatusChoices.DONE)
        .select_related("project", "project__store", "project__region"))


def milestones_at_risk_for_user(user, *, today: date) -> list[TaskRow]:
    """Open milestones at risk (see `ProjectSchedule.milestones_at_risk`) over the user's open projects."""
    found = []
    projects = open_projects(Project.objects.for_user(user)).filter(
        tasks__is_milestone=True, tasks__status__in=[TaskStatusChoices.TODO, TaskStatusChoices.DOING,
                                                     TaskStatusChoices.BLOCKED]).distinct()
    for project in projects.select_related("store", "region"):
        found += project_schedule(project, today=today).milestones_at_risk()
    return found
