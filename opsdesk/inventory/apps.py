from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "opsdesk.inventory"
    label = "inventory"
    verbose_name = _("库存")

    def ready(self) -> None:
        from opsdesk.inventory import kpis

        kpis.register_extensions()
