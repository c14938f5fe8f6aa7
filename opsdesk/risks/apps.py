from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "opsdesk.risks"
    label = "risks"
    verbose_name = _("风险管理")

    def ready(self) -> None:
        from opsdesk.risks import registry

        registry.register_all()
