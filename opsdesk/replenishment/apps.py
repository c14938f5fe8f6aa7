from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReplenishmentConfig(AppConfig):
    name = "opsdesk.replenishment"
    label = "replenishment"
    verbose_name = _("补货与库存健康")

    def ready(self) -> None:
        from opsdesk.core import scheduler
        from opsdesk.core.audit import register
        from opsdesk.core.choices import RoleChoices as R
        from opsdesk.core.navigation import MenuGroup, MenuItem, register_group
        from opsdesk.core.permissions import ADD, ALL, CHANGE, VIEW, areas, register_area
        from opsdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine
        from opsdesk.replenishment import jobs
        from opsdesk.replenishment.models import Proposal, ReplenishmentSettings

        # "approve" turns proposals into draft purchase orders; "change" edits quantities; "add" runs a plan;
        # "configure" sets the company-wide replenishment policy (service targets, review period, thresholds).
        approve = frozenset({VIEW, ADD, CHANGE, "approve"})
        configure = approve | {"configure"}
        register_area(
            "replenishment",
            {
                R.ADMIN: configure,
                R.COO: configure,
                R.REGIONAL_MANAGER: approve,
                R.SUPERVISOR: approve,
                R.STORE_MANAGER: frozenset({VIEW, CHANGE}),
                R.STAFF: frozenset({VIEW}),
                R.AUDITOR: frozenset({VIEW}),
            },
        )
        if "purchasing" not in areas():  # the purchasing issue may define its own grants first
            register_area(
                "purchasing",
                {
                    R.ADMIN: ALL,
                    R.COO: ALL,
                    R.REGIONAL_MANAGER: frozenset({VIEW, ADD, CHANGE}),
                    R.SUPERVISOR: frozenset({VIEW, ADD, CHANGE}),
                    R.STORE_MANAGER: frozenset({VIEW}),
                    R.STAFF: frozenset({VIEW}),
                    R.AUDITOR: frozenset({VIEW}),
                },
            )
        register(Proposal, exclude_fields=["edited_at"])
        register(ReplenishmentSettings, exclude_fields=["updated_at"])
        register(PurchaseOrder)
        register(PurchaseOrderLine)
        register_group(
            MenuGroup(
                _("补货"),
                [
                    MenuItem(_("补货建议"), "replenishment:proposal_list", "replenishment"),
                    MenuItem(_("按供应商"), "replenishment:supplier_list", "replenishment"),
                    MenuItem(_("库存健康"), "replenishment:health", "replenishment"),
                    MenuItem(_("计划运行"), "replenishment:run_list", "replenishment"),
                    MenuItem(_("补货策略设置"), "replenishment:settings", "replenishment"),
                    MenuItem(_("采购单草稿"), "purchasing:purchase_order_list", "purchasing"),
                ],
            )
        )
        # The nightly forecast starts at 02:00; the plan follows at 03:00 and uses the latest finished forecast.
        scheduler.register("replenishment_nightly", hour=3, minute=0, enqueue=jobs.enqueue_nightly_plan)
