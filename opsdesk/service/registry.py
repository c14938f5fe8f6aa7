"""What customer service adds at start-up: permission areas, audited models, the menu, jobs and extensions."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ADD, ALL, READ, VIEW, WRITE, register_area

#: Tickets, contact logs, CSAT requests, survey responses: stores handle their own customers (the scope does
#: that); staff log tickets from the hotline or the counter (view + add).
SERVICE_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: WRITE, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.STAFF: frozenset({VIEW, ADD}), R.AUDITOR: READ,
}
#: Categories, SLA targets and surveys are company-wide: set by operations, read by everyone else.
CONFIG_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: READ, R.SUPERVISOR: READ, R.STORE_MANAGER: READ, R.STAFF: READ,
    R.AUDITOR: READ,
}
#: A store's opening hours: kept by the store and its line managers.
HOURS_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: ALL, R.SUPERVISOR: ALL, R.STORE_MANAGER: ALL, R.STAFF: READ,
    R.AUDITOR: READ,
}


def register_all() -> None:
    """Called from ServiceConfig.ready()."""
    from opsdesk.core import audit, scheduler
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.service import jobs, models

    register_area("service", SERVICE_GRANTS)
    register_area("service_config", CONFIG_GRANTS)
    register_area("service_hours", HOURS_GRANTS)
    for model in (models.TicketCategory, models.SlaTarget, models.BusinessHours, models.FeedbackLink,
                  models.Ticket, models.TicketEvent, models.Survey, models.SurveyQuestion):
        audit.register(model)
    register_group(MenuGroup(_("客户服务"), [
        MenuItem(pgettext_lazy("plural", "客服工单"), "service:ticket_list", "service"),
        MenuItem(_("服务分析"), "service:analysis", "service"),
        MenuItem(pgettext_lazy("plural", "问卷答复"), "service:response_list", "service"),
        MenuItem(pgettext_lazy("plural", "问卷"), "service:survey_list", "service_config"),
        MenuItem(pgettext_lazy("plural", "工单类别"), "service:category_list", "service_config"),
        MenuItem(pgettext_lazy("plural", "SLA 时限"), "service:slatarget_list", "service_config"),
        MenuItem(_("营业时间"), "service:businesshours_list", "service_hours"),
    ]))
    scheduler.register("service_sla_morning", hour=9, minute=30, enqueue=jobs.escalate_tickets.enqueue)
    scheduler.register("service_sla_afternoon", hour=15, minute=30, enqueue=jobs.escalate_tickets.enqueue)
    from opsdesk.purchasing.selectors import register_complaint_source
    from opsdesk.service.selectors import supplier_quality_complaints

    register_complaint_source(supplier_quality_complaints)
    _register_extensions()


def _register_extensions() -> None:
    """Demo builder and import kinds (the inbox provider, KPIs and cockpit tiles register in their modules)."""
    from opsdesk.core.demo import extensions
    from opsdesk.service import imports, kpis
    from opsdesk.service.demo import demo_builder

    kpis.register_extensions()  # KPIs, inbox provider, cockpit tiles, brief section
    extensions.register("service", demo_builder)
    imports.register()
