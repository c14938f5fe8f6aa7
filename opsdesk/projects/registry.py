"""What the projects app adds at start-up: permission areas, audited models, the menu, the company defaults (the
templates), the "project_costs" import kind, the demo builder and its extensions (KPIs, inbox provider, cockpit
tiles, brief section)."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ALL, READ, WRITE, register_area

#: Projects: operations leadership and supervisors plan and run them, store managers work their store's projects,
#: auditors read.
PROJECT_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: ALL, R.SUPERVISOR: ALL, R.STORE_MANAGER: WRITE, R.AUDITOR: READ,
}
#: Templates are company master data: kept by the leadership, read by whoever plans projects.
TEMPLATE_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: READ, R.SUPERVISOR: READ, R.STORE_MANAGER: READ, R.AUDITOR: READ,
}
IMPORT_KIND = "project_costs"


@cache
def import_kind():
    """The "project_costs" kind: one row per cost document booked to a project (an accounting export)."""
    from opsdesk.imports.kinds import DATE, F, KindSpec
    from opsdesk.projects.services import ProjectCostWriter, cost_import_check

    return KindSpec(
        IMPORT_KIND,
        (
            F("project", "项目编号", "text", True, ("项目编号", "项目", "项目代码", "project", "project_code")),
            F("reference", "凭证号", "text", True, ("凭证号", "单据号", "发票号", "reference", "document", "voucher")),
            F("date", "日期", "date", True, DATE),
            F("category", "费用类别", "text", True, ("费用类别", "类别", "科目", "category", "cost_category")),
            F("amount", "金额", "number", True, ("金额", "费用", "amount", "cost", "value")),
            F("description", "说明", "text", False, ("说明", "摘要", "备注", "description", "memo"), ""),
        ),
        key=("project", "reference"),
        model="projects.CostEntry",
        check=cost_import_check,
        title=_("项目费用"),
        writer=ProjectCostWriter,
    )


def register_all() -> None:
    """Called from ProjectsConfig.ready()."""
    from opsdesk.core import audit
    from opsdesk.core.demo import extensions as demo_extensions
    from opsdesk.core.extensions import register_company_setup
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.imports.kinds import register_kind
    from opsdesk.projects import kpis, models, services
    from opsdesk.projects.demo import demo_builder

    register_area(models.AREA, PROJECT_GRANTS)
    register_area(models.TEMPLATE_AREA, TEMPLATE_GRANTS)
    for model in (models.Project, models.Task, models.Dependency, models.StatusUpdate, models.BudgetLine,
                  models.CostEntry, models.ProjectPurchaseOrder, models.ProjectTemplate, models.TemplateTask):
        audit.register(model)
    register_group(MenuGroup(_("项目"), [
        MenuItem(pgettext_lazy("plural", "项目"), "projects:project_list", models.AREA),
        MenuItem(_("按模板新建项目"), "projects:project_from_template", models.AREA, "add"),
        MenuItem(pgettext_lazy("plural", "项目任务"), "projects:task_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "项目周报"), "projects:statusupdate_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "项目费用"), "projects:costentry_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "项目模板"), "projects:projecttemplate_list", models.TEMPLATE_AREA),
    ]))
    register_company_setup(services.projects_seed)
    register_kind(import_kind())
    demo_extensions.register("projects", demo_builder)
    kpis.register_extensions()
