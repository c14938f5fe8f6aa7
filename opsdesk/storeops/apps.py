from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoreOpsConfig(AppConfig):
    name = "opsdesk.storeops"
    label = "storeops"
    verbose_name = _("门店运营")

    def ready(self) -> None:
        from opsdesk.storeops import registry

        registry.register_all()
