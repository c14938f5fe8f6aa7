"""Kit spec of complaints about suppliers' products (pages purchasing:complaint_*, REST /purchasing/complaints/).

Filing derives the supplier (from the receipt's order line, else the product's supplier), so the spec's writes are
the complaint services; resolving is a workflow beside the spec (views/complaints.py, api.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from opsdesk.core.kit import ObjectSpec
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.purchasing import forms, selectors, services, tables
from opsdesk.purchasing.models import Receipt, SupplierComplaint


def _file(*, actor, data) -> SupplierComplaint:
    """`complaint_create` from the page's or the API's fields; `receipt` (a row or an id) only when filing."""
    data = dict(data)
    receipt = data.pop("receipt", None)
    if receipt is not None:
        receipt = scoped_or_none(Receipt, actor, getattr(receipt, "pk", receipt))
        if receipt is None:
            raise ValidationError({"receipt": _("所选对象不存在或不在你的权限范围内。")})
    return services.complaint_create(actor=actor, receipt=receipt, **data)


def _resolve_form(request, complaint) -> dict:
    return {"can_resolve": complaint.is_open and user_can(request.user, "supplier_complaints", "resolve"),
            "resolve_form": forms.ComplaintResolveForm(),
            "order": complaint.order_line.purchase_order if complaint.order_line_id else None}


complaint = ObjectSpec(
    SupplierComplaint, path="complaints", name="complaint",
    fields=("store", "product", "receipt", "date", "severity", "description"),
    detail_fields=("date", "store", "product", "supplier", "severity", "status", "description", "order_line",
                   "receipt", "created_by", "created_at", "resolution", "resolved_by", "resolved_at"),
    search_fields=("description", "resolution", "product__sku", "product__name", "supplier__name"),
    filter_fields=("store", "supplier", "status", "severity", "date"),
    queryset=selectors.complaints_for_user, table_class=tables.SupplierComplaintTable,
    form_class=forms.SupplierComplaintForm,
    detail_template="purchasing/complaint_detail.html", detail_context=_resolve_form,
    create_with=_file,
    update_with=lambda *, actor, instance, data: services.complaint_update(actor=actor, complaint=instance, data=data),
)
