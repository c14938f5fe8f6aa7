"""Pages of the purchasing app: purchase orders (the drafts replenishment creates) — list and detail."""

from __future__ import annotations

from opsdesk.core.views.generic import ObjectDetailView, ObjectListView
from opsdesk.purchasing.filtersets import PurchaseOrderFilterSet
from opsdesk.purchasing.models import PurchaseOrder
from opsdesk.purchasing.tables import PurchaseOrderTable


class PurchaseOrderListView(ObjectListView):
    model = PurchaseOrder
    filterset_class = PurchaseOrderFilterSet
    table_class = PurchaseOrderTable
    export_filename = "purchase-orders"

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("supplier", "store", "created_by")


class PurchaseOrderDetailView(ObjectDetailView):
    model = PurchaseOrder
    template_name = "purchasing/purchase_order_detail.html"
    fields = ["order_number", "supplier", "store", "status", "order_date", "expected_date", "total_value",
              "created_by", "created_at", "notes"]

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("supplier", "store", "created_by")

    def get_extra_context(self, request, instance) -> dict:
        return {"lines": instance.lines.select_related("product").order_by("pk")}
