from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "opsdesk.budgets"
    label = "budgets"
    verbose_name = _("预算")

    def ready(self) -> None:
        from opsdesk.budgets import registry

        registry.register_all()
