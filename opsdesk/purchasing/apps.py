from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "opsdesk.purchasing"
    label = "purchasing"
    verbose_name = _("供应商与采购")

    def ready(self) -> None:
        from opsdesk.core.audit import register
        from opsdesk.purchasing.models import Supplier

        register(Supplier)
