"""Kit specs of store operations' plain models: maintenance requests and compliance items."""


from opsdesk.core.kit import ObjectSpec
from opsdesk.storeops import filtersets, tables
from opsdesk.storeops.models import ComplianceItem, MaintenanceRequest

maintenance = ObjectSpec(
    MaintenanceRequest, path="maintenance", name="maintenance",
    fields=("store", "title", "equipment", "description", "priority", "status", "vendor", "estimated_cost",
            "actual_cost", "scheduled_date", "completed_date"),
    columns=("title", "store", "equipment", "priority", "status", "vendor", "estimated_cost", "actual_cost",
             "scheduled_date", "completed_date", "reported_at"),
    detail_fields=("store", "title", "equipment", "description", "priority", "status", "vendor", "estimated_cost",
                   "actual_cost", "scheduled_date", "completed_date", "reported_by", "reported_at"),
    search_fields=("title", "equipment", "vendor", "store__name"),
    filter_fields=("store", "store__region", "status", "priority"),
    initial=lambda actor: {"reported_by": actor},
)


def _compliance_state(request, item) -> dict:
    css = {"expired": "danger", "expiring": "warning", "valid": "success"}[item.state()]
    return {"badges": [(css, item.get_state_display())]}


compliance = ObjectSpec(
    ComplianceItem, path="compliance", name="compliance",
    fields=("store", "kind", "name", "reference_no", "holder", "issued_date", "expiry_date", "reminder_days", "note"),
    columns=("name", "store", "kind", "reference_no", "holder", "issued_date", "expiry_date"),
    filterset_class=filtersets.ComplianceItemFilterSet, table_class=tables.ComplianceItemTable,
    detail_context=_compliance_state,
)

