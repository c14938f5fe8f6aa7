"""What goals add at start-up: the permission area, audited models, the menu, the nightly measurement and the
refresh after imports, the demo builder and the extensions (inbox provider, cockpit tiles, brief section)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ALL, READ, WRITE, register_area

#: Who sets goals: the company's leadership every goal, regional managers their regions' and stores' goals,
#: supervisors their stores' (the row-level part is `models.writable_condition`); store managers, HR and auditors
#: read what their scope shows them.
GOAL_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: WRITE, R.SUPERVISOR: WRITE, R.STORE_MANAGER: READ,
    R.AUDITOR: READ, R.HR: READ,
}

#: Who writes and approves work plans: store managers draft their store's plan; supervisors and regional managers
#: write their stores' (and regions') plans and approve store plans; the COO and the administrator approve region
#: and company plans (the level rule is `selectors.plan_approval_refusal`); auditors and HR read.
PLAN_GRANTS = {
    R.ADMIN: ALL | {"approve"}, R.COO: ALL | {"approve"}, R.REGIONAL_MANAGER: WRITE | {"approve"},
    R.SUPERVISOR: WRITE | {"approve"}, R.STORE_MANAGER: WRITE, R.AUDITOR: READ, R.HR: READ,
}


def register_all() -> None:
    """Called from GoalsConfig.ready()."""
    from opsdesk.core import audit, extensions, hooks, scheduler
    from opsdesk.core.demo import extensions as demo_extensions
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.goals import inbox, jobs, models
    from opsdesk.goals.demo import demo_builder

    register_area(models.AREA, GOAL_GRANTS)
    register_area(models.PLAN_AREA, PLAN_GRANTS)
    for model in (models.Goal, models.WorkPlan, models.PlanMeasure, models.PlanResource):
        audit.register(model)
    register_group(MenuGroup(pgettext_lazy("goals", "目标"), [
        MenuItem(pgettext_lazy("plural", "目标"), "goals:goal_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "工作计划"), "goals:workplan_list", models.PLAN_AREA),
        MenuItem(_("目标排行"), "goals:league", models.AREA),
        MenuItem(pgettext_lazy("goals", "指标库"), "goals:kpi_library", models.AREA),
    ]))
    scheduler.register("goals_measure_nightly", hour=6, minute=15, enqueue=jobs.measure_goals.enqueue)
    hooks.on_facts_changed(jobs.enqueue_company_measurement)
    demo_extensions.register("goals", demo_builder)
    extensions.register_inbox_provider(inbox.provider_factory)
    extensions.register_cockpit_tile(inbox.cockpit_tiles)
    extensions.register_brief_section(inbox.brief_section)
