"""What the cockpit adds at start-up: permission areas, menu, periodic jobs, demo targets, hooks, providers."""

from django.utils.translation import gettext_lazy as _

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.permissions import READ, VIEW, WRITE, register_area

#: The organisation's own people (an external role such as a supplier's portal account gets nothing here).
STAFF_ROLES = (R.ADMIN, R.COO, R.REGIONAL_MANAGER, R.SUPERVISOR, R.STORE_MANAGER, R.STAFF, R.AUDITOR)
EVERYONE_READS = {role: READ for role in STAFF_ROLES}
#: Acting on inbox items (assign, comment, snooze, done): everyone but the read-only auditor.
INBOX_GRANTS = {**{role: WRITE for role in STAFF_ROLES}, R.AUDITOR: frozenset({VIEW})}


def register_all() -> None:
    """Called from CockpitConfig.ready()."""
    from opsdesk.cockpit import jobs, providers, targets
    from opsdesk.cockpit.demo import demo_builder
    from opsdesk.cockpit.models import InboxItemState, SalesTarget
    from opsdesk.core import audit, hooks, scheduler
    from opsdesk.core.demo import extensions
    from opsdesk.core.navigation import MenuGroup, MenuItem, register_group

    register_area("cockpit", EVERYONE_READS)
    register_area("inbox", INBOX_GRANTS)
    audit.register(InboxItemState)
    audit.register(SalesTarget)
    providers.register_builtin()
    extensions.register("cockpit", demo_builder)
    hooks.on_facts_changed(jobs.enqueue_rollup_refresh)
    hooks.set_sales_target_writer(targets.write_targets)

    def home(request):
        """The cockpit for people who may see it; None lets the core home page answer the others."""
        from opsdesk.cockpit.views import cockpit
        from opsdesk.core.permissions import user_can

        return cockpit(request) if user_can(request.user, "cockpit", "view") else None

    hooks.set_home_view(home)
    register_group(MenuGroup(_("驾驶舱"), [MenuItem(_("驾驶舱"), "cockpit:index", "cockpit"),
                                          MenuItem(_("待办"), "cockpit:inbox", "inbox")]), position=0)
    scheduler.register("cockpit_rollups", hour=4, minute=30, enqueue=jobs.refresh_all_rollups.enqueue)
    scheduler.register("cockpit_escalation", hour=8, minute=15, enqueue=jobs.escalate_inbox.enqueue)
    scheduler.register("cockpit_brief", hour=7, minute=0, enqueue=jobs.send_daily_briefs.enqueue)
