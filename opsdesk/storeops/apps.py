from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreOpsConfig(AppConfig):
    name = "opsdesk.storeops"
    label = "storeops"
    verbose_name = _("门店运营")

    def ready(self) -> None:
        from opsdesk.core import scheduler
        from opsdesk.core.demo import extensions
        from opsdesk.storeops import jobs, kpis, registry
        from opsdesk.storeops.demo import demo_builder

        registry.register_all()
        kpis.register_extensions()
        extensions.register("storeops", demo_builder)
        scheduler.register("storeops_runs", hour=0, minute=5, enqueue=jobs.generate_scheduled_runs.enqueue)
        scheduler.register(
            "storeops_escalation_morning", hour=8, minute=0, enqueue=jobs.escalate_overdue_actions.enqueue
        )
        scheduler.register(
            "storeops_escalation_afternoon", hour=14, minute=0, enqueue=jobs.escalate_overdue_actions.enqueue
        )
        scheduler.register("storeops_compliance", hour=7, minute=30, enqueue=jobs.send_compliance_reminders.enqueue)
