"""Skills and the career ladder: permission areas, audited models, menu items, the inbox provider of overdue
development actions and the KPI `people_readiness_ready_now`."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.navigation import MenuItem
from opsdesk.core.permissions import ALL, READ, WRITE

#: The skill catalogue and position requirements: company master data kept by HR and operations leadership.
SKILLS_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: READ, R.SUPERVISOR: READ, R.STORE_MANAGER: READ,
    R.STAFF: READ, R.AUDITOR: READ,
}
#: Assessments, development plans and actions of people: line managers assess and plan for their stores; staff
#: do not see colleagues' levels.
DEVELOPMENT_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.HR: ALL, R.REGIONAL_MANAGER: ALL, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.AUDITOR: READ,
}

MENU_ITEMS = [
    MenuItem(gettext_lazy("技能矩阵"), "people:skills_matrix", "development"),
    MenuItem(gettext_lazy("技能差距"), "people:skills_gaps", "development"),
    MenuItem(gettext_lazy("职业阶梯"), "people:skills_ladder", "development"),
    MenuItem(gettext_lazy("继任计划"), "people:skills_succession", "development"),
    MenuItem(pgettext_lazy("plural", "发展计划"), "people:developmentplan_list", "development"),
    MenuItem(pgettext_lazy("plural", "技能"), "people:skill_list", "skills"),
    MenuItem(pgettext_lazy("plural", "岗位技能要求"), "people:positionskill_list", "skills"),
]

PROVIDER_NAME = "people_development"
MAX_ITEMS = 200


class DevelopmentActionProvider:
    """Open actions of active or draft development plans past their due date, owned by the plan's owner."""

    name = PROVIDER_NAME
    label = gettext_lazy("发展行动")

    def _item(self, action):
        from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
        from opsdesk.core.inbox_items import SeverityChoices as Sev

        employee = action.plan.employee
        return InboxItem(
            provider=PROVIDER_NAME, key=f"action:{action.pk}", severity=Sev.MEDIUM, due=end_of_day(action.due_date),
            title=deferred(lambda: _("发展行动逾期：%(name)s · %(text)s") % {"name": employee.name,
                                                                       "text": action.description}),
            detail=deferred(lambda: str(action.plan)), store_id=employee.store_id,
            store_name=deferred(lambda: employee.store.name if employee.store_id else _("总部")),
            company_id=employee.company_id, link=deferred(action.plan.get_absolute_url),
            source_owner_id=action.plan.owner_id)

    def items_for_user(self, user, now: datetime) -> list:
        from django.utils import timezone

        from opsdesk.people.selectors.skills import overdue_actions

        return [self._item(action) for action in overdue_actions(user, timezone.localtime(now).date())[:MAX_ITEMS]]

    def item_for_user(self, user, key: str, now: datetime):
        from django.utils import timezone

        from opsdesk.people.selectors.skills import overdue_actions

        kind, _sep, number = key.partition(":")
        if kind != "action" or not number.isascii() or not number.isdigit():
            return None
        action = overdue_actions(user, timezone.localtime(now).date()).filter(pk=int(number)).first()
        return None if action is None else self._item(action)


PROVIDER = DevelopmentActionProvider()


def ready_now_percent(scope, period) -> float | None:
    """Share (%) of working employees of the scope with a next position whose readiness band at the period's end is
    "ready now"; None when nobody has a next position."""
    from opsdesk.people.models import Employee
    from opsdesk.people.selectors.skills import WORKING, readiness_many

    employees = Employee.objects.filter(company_id=scope.company_id, status__in=WORKING,
                                        position__next_position__isnull=False)
    if scope.store_ids is not None:
        employees = employees.filter(store_id__in=scope.store_ids)
    found = readiness_many(employees.select_related("position__next_position"), today=period[1])
    if not found:
        return None
    return sum(1 for item in found.values() if item.band == "ready_now") * 100.0 / len(found)


def company_defaults(company) -> None:
    """A new company starts with the seed's operations ladder and the supervisor's skill families (idempotent)."""
    from opsdesk.people.services.skills import ladder_seed

    ladder_seed(company=company)


def cockpit_tiles(user, today) -> list:
    """Ready-now share of the user's scope (links to the succession view)."""
    from django.urls import reverse

    from opsdesk.core.extensions import Tile, kpi_scope_for_user
    from opsdesk.core.permissions import user_can

    if not user_can(user, "development", "view"):
        return []
    value = ready_now_percent(kpi_scope_for_user(user), (today, today))
    return [Tile(label=_("可立即晋升员工占比"), value="—" if value is None else f"{value:.1f}", unit="%",
                 url=reverse("people:skills_succession"), tone="neutral")]


def register() -> None:
    """Called from the people app's ready()."""
    from opsdesk.core import audit, extensions
    from opsdesk.core.extensions import KpiDefinition
    from opsdesk.core.permissions import register_area
    from opsdesk.people.models import skills as models

    register_area(models.SKILLS_AREA, SKILLS_GRANTS)
    register_area(models.DEVELOPMENT_AREA, DEVELOPMENT_GRANTS)
    for model in (models.SkillFamily, models.Skill, models.PositionSkill, models.EmployeeSkill,
                  models.DevelopmentPlan, models.DevelopmentAction):
        audit.register(model)
    extensions.register_inbox_provider(_provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_company_setup(company_defaults)
    extensions.register_kpi(KpiDefinition(
        code="people_readiness_ready_now", name_zh="可立即晋升员工占比",
        name_en="Employees ready now for the next step",
        unit="%", direction="higher", aggregation="ratio of counts over the scope (as of the period's last day)",
        description_zh="在职（含休假）且有下一级职位的员工中，截至统计期末晋升就绪度 ≥ 80 分"
                       "（技能差距 40、必修培训 20、最近两次考核 25、任职时间 15）的比例。",
        description_en="Of the working employees (incl. on leave) who have a next position, the share whose readiness "
                       "for it at the period's end is 80 or more (skill gaps 40, required trainings 20, last two "
                       "appraisal ratings 25, time in role 15).",
        measure=ready_now_percent))


def _provider_factory() -> DevelopmentActionProvider:
    return PROVIDER
