from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class GoalsConfig(AppConfig):
    name = "opsdesk.goals"
    label = "goals"
    verbose_name = pgettext_lazy("goals", "目标")

    def ready(self) -> None:
        from opsdesk.goals import registry

        registry.register_all()
