"""What store operations adds to the shell at start-up: permission areas, audited models and the menu group."""

from django.utils.translation import gettext_lazy as _

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ADD, ALL, CHANGE, READ, VIEW, WRITE, register_area

#: Runs, answers, findings, actions, maintenance, compliance, stock checks, training suggestions.
#: Store managers write in their own store (the scope does that); staff run inspections and report problems
#: (view + add) and update the actions they own (an owner rule in services, not a role grant).
STOREOPS_GRANTS = {
    R.ADMIN: ALL,
    R.COO: ALL,
    R.REGIONAL_MANAGER: WRITE,
    R.SUPERVISOR: WRITE,
    R.STORE_MANAGER: WRITE,
    R.STAFF: frozenset({VIEW, ADD}),
    R.AUDITOR: READ,
}
#: Checklist templates and inspection schedules (planning): designed by operations, read by stores.
TEMPLATE_GRANTS = {
    R.ADMIN: ALL,
    R.COO: ALL,
    R.REGIONAL_MANAGER: WRITE,
    R.SUPERVISOR: WRITE,
    R.STORE_MANAGER: READ,
    R.STAFF: READ,
    R.AUDITOR: READ,
}
#: Verifying a done corrective action: the supervisor level and up.
VERIFY_GRANTS = {
    R.ADMIN: frozenset({VIEW, CHANGE}),
    R.COO: frozenset({VIEW, CHANGE}),
    R.REGIONAL_MANAGER: frozenset({VIEW, CHANGE}),
    R.SUPERVISOR: frozenset({VIEW, CHANGE}),
}


def register_all() -> None:
    """Called from StoreOpsConfig.ready()."""
    from opsdesk.core import audit
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.storeops import models

    register_area("storeops", STOREOPS_GRANTS)
    register_area("storeops_templates", TEMPLATE_GRANTS)
    register_area("storeops_verify", VERIFY_GRANTS)
    for model in (
        models.ChecklistTemplate, models.TemplateVersion, models.TemplateSection, models.TemplateItem,
        models.InspectionSchedule, models.InspectionRun, models.InspectionAnswer, models.InspectionPhoto,
        models.Finding, models.CorrectiveAction, models.ActionEscalation, models.StockCheck,
        models.TrainingSuggestion, models.MaintenanceRequest, models.ComplianceItem,
    ):
        audit.register(model)
    register_group(
        MenuGroup(
            _("门店运营"),
            [
                MenuItem(_("我的巡检"), "storeops:my", "storeops"),
                MenuItem(_("巡检记录"), "storeops:run_list", "storeops"),
                MenuItem(_("问题项"), "storeops:finding_list", "storeops"),
                MenuItem(_("整改任务"), "storeops:action_list", "storeops"),
                MenuItem(_("门店评分卡"), "storeops:scorecard", "storeops"),
                MenuItem(_("检查表模板"), "storeops:template_list", "storeops_templates"),
                MenuItem(_("巡检计划"), "storeops:schedule_list", "storeops_templates"),
                MenuItem(_("维修申请"), "storeops:maintenance_list", "storeops"),
                MenuItem(_("证照合规"), "storeops:compliance_list", "storeops"),
                MenuItem(_("库存核查"), "storeops:stockcheck_list", "storeops"),
                MenuItem(_("培训建议"), "storeops:training_list", "storeops"),
            ],
        )
    )
