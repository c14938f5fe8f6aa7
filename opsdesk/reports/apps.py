from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "opsdesk.reports"
    label = "reports"
    verbose_name = _("汇报")

    def ready(self) -> None:
        from opsdesk.reports import registry

        registry.register_all()
