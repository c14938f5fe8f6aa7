"""What reports add at start-up: the permission areas, audited models, the menu, the scheduled delivery of the
subscriptions, the demo builder and the inbox provider of meeting decisions."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import ALL, READ, WRITE, register_area

#: Packs and meetings: leadership and managers keep their scope's (the row-level part is the models' scope
#: condition), HR reads, auditors read only.
REPORT_GRANTS = {
    R.ADMIN: ALL, R.COO: ALL, R.REGIONAL_MANAGER: ALL, R.SUPERVISOR: WRITE, R.STORE_MANAGER: WRITE,
    R.AUDITOR: READ, R.HR: READ,
}
#: Who receives which pack is the company's setting: company-wide leadership edits it, auditors read.
SUBSCRIPTION_GRANTS = {R.ADMIN: ALL, R.COO: ALL, R.AUDITOR: READ}


def register_all() -> None:
    """Called from ReportsConfig.ready()."""
    from opsdesk.core import audit, extensions, scheduler
    from opsdesk.core.demo import extensions as demo_extensions
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
    from opsdesk.reports import inbox, jobs, models
    from opsdesk.reports.demo import demo_builder

    register_area(models.AREA, REPORT_GRANTS)
    register_area(models.SUBSCRIPTION_AREA, SUBSCRIPTION_GRANTS)
    for model in (models.Meeting, models.MeetingDecision, models.ReportSubscription, models.ReportPack):
        audit.register(model)
    register_group(MenuGroup(_("汇报"), [
        MenuItem(_("周报与月报"), "reports:pack_page", models.AREA),
        MenuItem(_("每日简报"), "reports:brief_page", models.AREA),
        MenuItem(pgettext_lazy("plural", "汇报包"), "reports:reportpack_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "会议"), "reports:meeting_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "会议决议"), "reports:meetingdecision_list", models.AREA),
        MenuItem(pgettext_lazy("plural", "汇报订阅"), "reports:reportsubscription_list", models.SUBSCRIPTION_AREA),
    ]))
    # Daily at 07:30: the job itself sends weekly packs on Mondays and monthly ones on the 1st.
    scheduler.register("reports_packs", hour=7, minute=30, enqueue=jobs.send_due_packs.enqueue)
    demo_extensions.register("reports", demo_builder)
    extensions.register_inbox_provider(inbox.provider_factory)
