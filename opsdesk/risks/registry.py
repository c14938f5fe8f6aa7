"""What the risk register adds at start-up: permission areas, audited models, the menu, the nightly job, the
company defaults, the demo builder and its extensions (KPI, inbox provider, cockpit tiles, brief section)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ALL, READ, WRITE, register_area

#: The register: operations managers and HR keep it (each within their scope; a risk spanning more than the user's
#: scope is read-only to them), store managers keep their store's risks, auditors read.
RISK_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: WRITE, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.AUDITOR: READ, R.HR: WRITE,
}
#: Incidents, emergency plans and drills: stores report and drill (staff may report an incident), managers
#: investigate and close, auditors read.
INCIDENT_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: ALL, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.STAFF: frozenset({"view", "add"}), R.AUDITOR: READ, R.HR: READ,
}
#: Categories, appetite and the matrix: set by the company's leadership, read by everyone who keeps risks.
CONFIG_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: READ, R.SUPERVISOR: READ, R.STORE_MANAGER: READ, R.AUDITOR: READ,
    R.HR: READ,
}


def register_all() -> None:
    """Called from RisksConfig.ready()."""
    from opsdesk.core import audit, scheduler
    from opsdesk.core.demo import extensions as demo_extensions
    from opsdesk.core.extensions import register_company_setup
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.risks import jobs, kpis, models, services
    from opsdesk.risks.demo import demo_builder

    register_area(models.AREA, RISK_GRANTS)
    register_area(models.CONFIG_AREA, CONFIG_GRANTS)
    register_area(models.INCIDENT_AREA, INCIDENT_GRANTS)
    for model in (models.RiskSettings, models.MatrixLevel, models.RiskCategory, models.Risk, models.RiskControl,
                  models.RiskAction, models.RiskReview, models.KeyRiskIndicator, models.Incident,
                  models.EmergencyPlan, models.Drill):
        audit.register(model)
    register_group(MenuGroup(_("风险管理"), [
        MenuItem(_("风险热力图"), "risks:heat_map", models.AREA),
        MenuItem(pgettext_lazy("plural", "风险登记册"), "risks:risk_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "应对行动"), "risks:riskaction_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "关键风险指标"), "risks:keyriskindicator_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "事件"), "risks:incident_list", models.INCIDENT_AREA),
        MenuItem(pgettext_lazy("plural", "应急预案"), "risks:emergencyplan_list", models.INCIDENT_AREA),
        MenuItem(pgettext_lazy("plural", "应急演练"), "risks:drill_list", models.INCIDENT_AREA),
        MenuItem(pgettext_lazy("plural", "风险类别"), "risks:riskcategory_list", models.CONFIG_AREA),
        MenuItem(_("风险矩阵"), "risks:matrixlevel_list", models.CONFIG_AREA),
    ]))
    scheduler.register("risks_indicators_nightly", hour=5, minute=30, enqueue=jobs.measure_indicators.enqueue)
    scheduler.register("risks_drills_nightly", hour=5, minute=45, enqueue=jobs.schedule_drills.enqueue)
    register_company_setup(services.risks_seed)
    demo_extensions.register("risks", demo_builder)
    kpis.register_extensions()
