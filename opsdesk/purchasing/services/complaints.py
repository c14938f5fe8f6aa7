"""Writes of complaints about suppliers' products: filed at a store (or company-wide), resolved by a supervisor.

The supplier is derived and stored when the complaint is filed: from the receipt or order line it names, else
from the product's main supplier. The nightly scorecards count complaints per supplier and month.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, in_scope_for_update
from opsdesk.core.kit.services import object_create, object_update
from opsdesk.purchasing.choices import ComplaintStatusChoices
from opsdesk.purchasing.models import PurchaseOrderLine, Receipt, Supplier, SupplierComplaint


def _source(actor, receipt: Receipt | None, order_line: PurchaseOrderLine | None):
    """The order line a complaint refers to (from the receipt when given), checked to be in the actor's scope."""
    if receipt is not None:
        if not Receipt.objects.for_user(actor).filter(pk=receipt.pk).exists():
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        if order_line is not None and order_line.pk != receipt.line_id:
            raise ValidationError({"order_line": _("收货记录不属于该采购单明细。")})
        order_line = receipt.line
    if order_line is not None and not PurchaseOrderLine.objects.for_user(actor).filter(pk=order_line.pk).exists():
        raise PermissionDenied(_("该对象不在你的权限范围内。"))
    return order_line


def _derive(store, product, supplier: Supplier | None, order_line: PurchaseOrderLine | None):
    """Store, product and supplier of a complaint, derived from its order line when it has one."""
    if order_line is not None:
        order = order_line.purchase_order
        if store is not None and store.pk != order.store_id:
            raise ValidationError({"store": _("门店与采购单的门店不一致。")})
        if product is not None and product.pk != order_line.product_id:
            raise ValidationError({"product": _("商品与采购单明细的商品不一致。")})
        return order.store, order_line.product, order.supplier
    if product is None:
        raise ValidationError({"product": _("请选择商品。")})
    supplier = supplier or product.supplier
    if supplier is None:
        raise ValidationError({"product": _("该商品没有供应商，请从采购单的收货记录登记投诉。")})
    return store, product, supplier


#: What the person filing chooses; the supplier, order line, receipt and company are derived.
COMPLAINT_FIELDS = ("store", "product", "date", "severity", "description")


def _check_filing(actor, store, day: date) -> None:
    if store is None and not actor.has_company_scope:
        raise ValidationError({"store": _("请选择门店。")})
    if day is not None and day > timezone.localdate():
        raise ValidationError({"date": _("投诉日期不能晚于今天。")})


def complaint_create(*, actor, date: date, severity: str, description: str, product=None, store=None,
                     supplier: Supplier | None = None, order_line: PurchaseOrderLine | None = None,
                     receipt: Receipt | None = None) -> SupplierComplaint:
    """File a complaint about a supplier's product; a store user files for a store of their scope.

    The plain part is the kit's `object_create` (related rows in scope, full_clean, audit, re-read in scope)."""
    assert_can(actor, "supplier_complaints", "add")
    with transaction.atomic():
        order_line = _source(actor, receipt, order_line)
        store, product, supplier = _derive(store, product, supplier, order_line)
        _check_filing(actor, store, date)
        data = {"store": store, "product": product, "date": date, "severity": severity, "description": description}
        return object_create(actor=actor, model=SupplierComplaint, data=data, fields=COMPLAINT_FIELDS, initial={
            "supplier": supplier, "order_line": order_line, "receipt": receipt, "created_by": actor})


def complaint_update(*, actor, complaint: SupplierComplaint, data: dict) -> SupplierComplaint:
    """Change what was filed; a new product moves the complaint to that product's supplier (one from an order line
    keeps the line's store, product and supplier)."""
    store, product = data.get("store", complaint.store), data.get("product", complaint.product)
    supplier = _derive(store, product, None, complaint.order_line)[2]
    _check_filing(actor, store, data.get("date"))
    changes = {**data, "supplier": supplier} if supplier.pk != complaint.supplier_id else data
    return object_update(actor=actor, instance=complaint, data=changes, fields=(*COMPLAINT_FIELDS, "supplier"))


def complaint_resolve(*, actor, complaint: SupplierComplaint, resolution: str) -> SupplierComplaint:
    """Close an open complaint with what was done about it (it keeps counting in the scorecard of its month)."""
    assert_can(actor, "supplier_complaints", "resolve")
    with transaction.atomic(), audit_actor(actor):
        complaint = in_scope_for_update(actor, SupplierComplaint, complaint, "resolve")
        if complaint.status != ComplaintStatusChoices.OPEN:
            raise ValidationError(_("该投诉已解决。"))
        if not resolution.strip():
            raise ValidationError({"resolution": _("请填写处理结果。")})
        complaint.status, complaint.resolution = ComplaintStatusChoices.RESOLVED, resolution.strip()
        complaint.resolved_at, complaint.resolved_by = timezone.now(), actor
        complaint.full_clean()
        complaint.save()
    return complaint
