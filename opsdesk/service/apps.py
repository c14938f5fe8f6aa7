from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "opsdesk.service"
    label = "service"
    verbose_name = _("客户服务")

    def ready(self) -> None:
        from opsdesk.service import registry

        registry.register_all()
