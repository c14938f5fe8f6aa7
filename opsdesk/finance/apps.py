from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "opsdesk.finance"
    label = "finance"
    verbose_name = _("财务")

    def ready(self) -> None:
        from opsdesk.core.demo import extensions as demo_extensions
        from opsdesk.finance.demo import demo_builder

        demo_extensions.register("finance", demo_builder)
