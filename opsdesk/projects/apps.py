from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "opsdesk.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from opsdesk.projects import registry

        registry.register_all()
