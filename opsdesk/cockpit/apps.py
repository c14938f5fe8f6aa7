from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "opsdesk.cockpit"
    label = "cockpit"
    verbose_name = _("驾驶舱")

    def ready(self) -> None:
        from opsdesk.cockpit import registry

        registry.register_all()
