from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "opsdesk.catalog"
    label = "catalog"
    verbose_name = _("商品")

    def ready(self) -> None:
        from opsdesk.catalog.models import Product, ProductCategory
        from opsdesk.core.audit import register

        register(ProductCategory)
        register(Product)
