from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SalesConfig(AppConfig):
    name = "opsdesk.sales"
    label = "sales"
    verbose_name = _("销售")

    def ready(self) -> None:
        from opsdesk.core.audit import register
        from opsdesk.core.choices import RoleChoices as R
        from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
        from opsdesk.core.permissions import ALL, READ, WRITE, register_area
        from opsdesk.sales.models import AssortmentProposal, ProductLaunch, Promotion, StoreCalendarDay

        register(Promotion)
        register(StoreCalendarDay)
        register_area(
            "promotions",
            {
                R.ADMIN: ALL,
                R.COO: ALL,
                R.REGIONAL_MANAGER: WRITE,
                R.SUPERVISOR: WRITE,
                R.STORE_MANAGER: READ,
                R.STAFF: READ,
                R.AUDITOR: READ,
            },
        )
        register_area(
            "assortment",
            {
                R.ADMIN: ALL,
                R.COO: ALL,
                R.REGIONAL_MANAGER: WRITE,
                R.SUPERVISOR: WRITE,
                R.STORE_MANAGER: READ,
                R.AUDITOR: READ,
            },
        )
        register_group(
            MenuGroup(
                _("销售"),
                [
                    MenuItem(_("销售分析"), "sales:explore", "facts"),
                    MenuItem(_("促销计划"), "sales:promotion_list", "promotions"),
                    MenuItem(_("促销排行"), "sales:promotion_league", "promotions"),
                    MenuItem(_("品项调整"), "sales:assortment_list", "assortment"),
                    MenuItem(_("新品上市"), "sales:launch_list", "promotions"),
                    MenuItem(_("门店日历"), "sales:calendar", "facts"),
                    MenuItem(pgettext_lazy("plural", "门店日销售"), "sales:storedaysales_list", "facts"),
                    MenuItem(pgettext_lazy("plural", "商品日销售"), "sales:skudaysales_list", "facts"),
                    MenuItem(pgettext_lazy("plural", "销售明细"), "sales:salesline_list", "facts"),
                ],
            )
        )
        from opsdesk.core import scheduler
        from opsdesk.sales import jobs, kpis

        kpis.register_extensions()
        register(AssortmentProposal)
        register(ProductLaunch)
        scheduler.register("sales_review_nightly", hour=6, minute=15, enqueue=jobs.review_sales_nightly.enqueue)
        from opsdesk.core import hooks

        hooks.on_facts_changed(jobs.enqueue_explorer_warm)
        from opsdesk.core.demo import extensions as demo_extensions
        from opsdesk.sales.demo import demo_builder

        demo_extensions.register("sales", demo_builder)
