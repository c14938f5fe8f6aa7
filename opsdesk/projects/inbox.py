"""The inbox provider of the projects app ("projects"): overdue tasks and milestones at risk.

Keys: "task:<task pk>" (an open task past its last day), "milestone:<task pk>" (an open milestone whose forecast
day is after its date, or whose critical-path predecessors are late). An overdue milestone or critical task is high,
another overdue task medium; a milestone at risk is high.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can
from opsdesk.projects import selectors
from opsdesk.projects.models import AREA, Task

MAX_ITEMS = 200
PROVIDER_NAME = "projects"


def _task_item(task: Task) -> InboxItem:
    project = task.project
    return InboxItem(
        provider=PROVIDER_NAME, key=f"task:{task.pk}", severity=Sev.HIGH if task.is_milestone else Sev.MEDIUM,
        due=end_of_day(task.finish_date),
        title=deferred(lambda: _("项目任务逾期：%(task)s") % {"task": task.name}),
        detail=deferred(lambda: _("%(project)s · 应于 %(day)s 完成") % {
            "project": project, "day": task.finish_date.isoformat()}),
        store_id=project.store_id, store_name=deferred(lambda: project.scope_label), company_id=project.company_id,
        link=task.get_absolute_url(), source_owner_id=task.assignee_id or project.owner_id)


def _milestone_item(row: selectors.TaskRow) -> InboxItem:
    task, project = row.task, row.task.project
    return InboxItem(
        provider=PROVIDER_NAME, key=f"milestone:{task.pk}", severity=Sev.HIGH, due=end_of_day(task.finish_date),
        title=deferred(lambda: _("里程碑有风险：%(task)s") % {"task": task.name}),
        detail=deferred(lambda: _("%(project)s · 计划 %(day)s，预测 %(forecast)s") % {
            "project": project, "day": task.finish_date.isoformat(), "forecast": row.forecast_finish.isoformat()}),
        store_id=project.store_id, store_name=deferred(lambda: project.scope_label), company_id=project.company_id,
        link=project.get_absolute_url(), source_owner_id=project.owner_id)


class ProjectProvider:
    name = PROVIDER_NAME
    label = gettext_lazy("项目")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        if not user_can(user, AREA, "view"):
            return []
        today = timezone.localtime(now).date()
        items = [_task_item(task) for task in selectors.overdue_tasks_for_user(user, today=today)[:MAX_ITEMS]]
        items += [_milestone_item(row) for row in selectors.milestones_at_risk_for_user(user, today=today)]
        return sorted(items, key=lambda item: -item.severity)[:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit() or not user_can(user, AREA, "view"):
            return None
        today = timezone.localtime(now).date()
        if kind == "task":
            found = selectors.overdue_tasks_for_user(user, today=today).filter(pk=int(number)).first()
            return None if found is None else _task_item(found)
        if kind == "milestone":
            row = next((row for row in selectors.milestones_at_risk_for_user(user, today=today)
                        if row.task.pk == int(number)), None)
            return None if row is None else _milestone_item(row)
        return None


PROVIDER = ProjectProvider()


def provider_factory() -> ProjectProvider:
    return PROVIDER
