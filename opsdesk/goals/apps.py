from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "opsdesk.goals"
    label = "goals"
    verbose_name = _("目标")
