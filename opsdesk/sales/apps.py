from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "opsdesk.sales"
    label = "sales"
    verbose_name = _("销售")

    def ready(self) -> None:
        from opsdesk.core.audit import register
        from opsdesk.sales.models import Promotion

        register(Promotion)
