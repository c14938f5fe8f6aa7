"""What the budgets app adds at start-up: its permission area, audited models, the menu, the company defaults, the
check where money is committed, the import kind, the demo builder and its extensions (KPIs, inbox provider,
cockpit tiles, brief section)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ALL, READ, WRITE

#: The COO and the administrator keep the budget and approve versions ("approve"); a regional manager prepares
#: the lines of their region's stores and office in a draft and, as the level above the supervisors who send
#: orders, may approve a stopped purchase order of the region with a reason ("override"). Supervisors and store
#: managers read their stores' lines; the auditor reads everything.
GRANTS = {
    R.ADMIN: ALL | {"approve", "override"},
    R.COO: ALL | {"approve", "override"},
    R.REGIONAL_MANAGER: WRITE | {"override"},
    R.SUPERVISOR: READ,
    R.STORE_MANAGER: READ,
    R.AUDITOR: READ,
}


def register_all() -> None:
    """Called from BudgetsConfig.ready()."""
    from opsdesk.budgets import kpis, models, services
    from opsdesk.budgets.demo import demo_builder
    from opsdesk.budgets.imports import import_kind
    from opsdesk.core import audit, hooks
    from opsdesk.core.demo import extensions as demo_extensions
    from opsdesk.core.extensions import register_company_setup
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.core.permissions import register_area
    from opsdesk.imports.kinds import register_kind

    register_area(models.AREA, GRANTS)
    for model in (models.BudgetCategory, models.BudgetVersion, models.BudgetLine, models.CommitmentOverride):
        audit.register(model)
    register_group(MenuGroup(_("预算"), [
        MenuItem(pgettext_lazy("plural", "预算版本"), "budgets:budgetversion_list", models.AREA),
        MenuItem(_("预算控制"), "budgets:control", models.AREA),
        MenuItem(_("门店损益"), "budgets:store_pnl", models.AREA),
        MenuItem(pgettext_lazy("plural", "超预算批准"), "budgets:commitmentoverride_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "预算类别"), "budgets:budgetcategory_list", models.AREA),
    ]))
    register_company_setup(services.budgets_seed)
    hooks.register_commitment_check(services.commitment_check, on_stop=services.commitment_stopped)
    register_kind(import_kind())
    demo_extensions.register("budgets", demo_builder)
    kpis.register_extensions()
