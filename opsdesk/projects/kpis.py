"""The projects app's KPIs (share of projects finished on time, milestones overdue), cockpit tiles and brief
section (health of the open projects, overdue milestones, the latest status notes)."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.core import extensions
from opsdesk.core.extensions import BriefSection, KpiDefinition, KpiScope, Period, Tile
from opsdesk.projects.choices import HealthChoices, ProjectStatusChoices, TaskStatusChoices
from opsdesk.projects.models import Project, Task

OPEN = (ProjectStatusChoices.PLANNED, ProjectStatusChoices.ACTIVE)


def _projects(scope: KpiScope):
    projects = Project.objects.filter(company_id=scope.company_id)
    if scope.store_ids is not None:  # store and region users: their stores' projects only
        projects = projects.filter(store_id__in=scope.store_ids)
    return projects


def on_time_share(scope: KpiScope, period: Period) -> float | None:
    """Projects marked done whose last task finished in the period: share (%) whose last task finished on or before
    the project's target date (projects without a target date are left out); None when there are none."""
    finished = (_projects(scope).filter(status=ProjectStatusChoices.DONE, target_date__isnull=False)
                .annotate(last_day=Max("tasks__finish_date"))
                .filter(last_day__gte=period[0], last_day__lte=period[1]))
    total = finished.count()
    if not total:
        return None
    on_time = finished.filter(last_day__lte=F("target_date")).count()
    return on_time * 100.0 / total


def milestones_overdue(scope: KpiScope, period: Period) -> float | None:
    """Open milestones of open projects whose date lies on or before the period's last day minus one (overdue as
    read at the period's end)."""
    return float(Task.objects.filter(project__in=_projects(scope).filter(status__in=OPEN), is_milestone=True,
                                     finish_date__lt=period[1]).exclude(status=TaskStatusChoices.DONE).count())


KPIS = (
    KpiDefinition(
        code="projects_on_time_share", name_zh="项目按期完成率", name_en="Projects finished on time", unit="%",
        direction="higher", aggregation="count of finished projects in the scope",
        description_zh="期间内完成（最后一项任务的完成日期在期间内）且有目标日期的项目中，最后一项任务不晚于目标日期的占比。",
        description_en="Of the finished projects with a target date whose last task ends in the period, the share "
                       "whose last task ends on or before the target date.",
        measure=on_time_share),
    KpiDefinition(
        code="projects_milestones_overdue", name_zh="逾期里程碑数", name_en="Milestones overdue", unit="count",
        direction="lower", aggregation="count at the period end over the scope",
        description_zh="进行中或计划中项目里，日期早于期末且尚未完成的里程碑数量；门店范围只含门店项目。",
        description_en="Milestones of planned or active projects dated before the period's last day and not done; a "
                       "store scope counts store projects only.",
        measure=milestones_overdue),
)


def cockpit_tiles(user, today: date) -> list[Tile]:
    """Open projects off track or at risk, and overdue project tasks, in the user's scope."""
    from opsdesk.core.permissions import user_can
    from opsdesk.projects.models import AREA
    from opsdesk.projects.selectors import overdue_tasks_for_user

    if not user_can(user, AREA, "view"):
        return []
    projects = Project.objects.for_user(user).filter(status__in=OPEN)
    troubled = projects.filter(health__in=[HealthChoices.AT_RISK, HealthChoices.OFF_TRACK]).count()
    overdue = overdue_tasks_for_user(user, today=today).count()
    return [
        Tile(label=_("有风险或偏离的项目"), value=str(troubled), unit="count",
             url=reverse("projects:project_list") + "?health=off_track",
             tone="danger" if troubled else "good"),
        Tile(label=_("逾期项目任务"), value=str(overdue), unit="count", url=reverse("projects:task_list"),
             tone="warning" if overdue else "good"),
    ]


def brief_section(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                  ) -> BriefSection | None:
    """The open projects by health, overdue milestones, and the latest status note of each troubled project."""
    scope = KpiScope(company_id=company_id, store_ids=None if store_ids is None else tuple(store_ids))
    projects = _projects(scope).filter(status__in=OPEN)
    if not projects.exists():
        return None
    counts = {value: projects.filter(health=value).count() for value in HealthChoices.values}
    overdue = int(milestones_overdue(scope, (day, day)) or 0)
    with translation.override(language):
        lines = [_("进行中项目：正常 %(on)s，有风险 %(risk)s，偏离 %(off)s；逾期里程碑 %(overdue)s 个") % {
            "on": counts["on_track"], "risk": counts["at_risk"], "off": counts["off_track"], "overdue": overdue}]
        for project in projects.filter(~Q(health=HealthChoices.ON_TRACK)).order_by("-health", "code")[:5]:
            latest = project.status_updates.order_by("-week_of", "-pk").first()
            note = latest.note.splitlines()[0][:80] if latest and latest.note else project.health_reason
            lines.append(f"{project} · {project.get_health_display()} · {note}")
        return BriefSection(title=_("项目"), lines=lines)


def register_extensions() -> None:
    from opsdesk.projects.inbox import provider_factory

    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_brief_section(brief_section)
