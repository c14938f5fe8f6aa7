from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "opsdesk.purchasing"
    label = "purchasing"
    verbose_name = _("供应商与采购")

    def ready(self) -> None:
        from opsdesk.core import scheduler
        from opsdesk.core.audit import register
        from opsdesk.core.demo import extensions
        from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
        from opsdesk.core.permissions import register_area
        from opsdesk.purchasing import jobs, models
        from opsdesk.purchasing.demo import demo_builder
        from opsdesk.purchasing.registry import GRANTS

        for area, grants in GRANTS.items():
            register_area(area, grants)
        register(models.Supplier)
        for model in (models.Contract, models.ContractPrice, models.SupplierDocument, models.Receipt,
                      models.SupplierReturn, models.PurchaseOrderRevision, models.SupplierContact,
                      models.SupplierComplaint, models.SupplierDocumentReminder):
            register(model)
        register_group(
            MenuGroup(
                _("采购"),
                [
                    MenuItem(_("采购单"), "purchasing:purchase_order_list", "purchasing"),
                    MenuItem(_("退货"), "purchasing:supplier_return_list", "purchasing"),
                    MenuItem(_("供应商"), "purchasing:supplier_list", "supplier_management"),
                    MenuItem(_("供应商文件"), "purchasing:supplier_document_list", "supplier_management"),
                    MenuItem(_("供应商投诉"), "purchasing:complaint_list", "supplier_complaints"),
                    MenuItem(_("供应商评分"), "purchasing:scorecard_list", "supplier_management"),
                    MenuItem(_("采购合同"), "purchasing:contract_list", "supplier_management"),
                    MenuItem(_("我的采购单"), "purchasing:portal_order_list", "supplier_portal"),
                ],
            )
        )
        # After the nightly plan (03:00): receipts booked during the day are in.
        scheduler.register("purchasing_scorecards", hour=4, minute=0, enqueue=jobs.enqueue_nightly_scorecards)
        # Before the working day: licences and certificates expiring within 30 days (or expired) are e-mailed.
        scheduler.register("purchasing_document_reminders", hour=7, minute=30,
                           enqueue=jobs.enqueue_document_reminders)
        extensions.register("purchasing", demo_builder)
        from opsdesk.purchasing import kpis

        kpis.register_extensions()
