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
from opsdesk.core.kit.guards import assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.core.scoping import visible_store_ids
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


def complaint_create(*, actor, date: date, severity: str, description: str, product=None, store=None,
                     supplier: Supplier | None = None, order_line: PurchaseOrderLine | None = None,
                     receipt: Receipt | None = None) -> SupplierComplaint:
    """File a complaint about a supplier's product; a store user files for a store of their scope."""
    assert_can(actor, "supplier_complaints", "add")
    with transaction.atomic(), audit_actor(actor):
        order_line = _source(actor, receipt, order_line)
        store, product, supplier = _derive(store, product, supplier, order_line)
        if store is not None and store.pk not in visible_store_ids(actor):
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        if store is None and not actor.has_company_scope:
            raise ValidationError({"store": _("请选择门店。")})
        if product.company_id != actor.company_id or supplier.company_id != actor.company_id:
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        if date > timezone.localdate():
            raise ValidationError({"date": _("投诉日期不能晚于今天。")})
        complaint = SupplierComplaint(company_id=actor.company_id, store=store, product=product, supplier=supplier,
                                      order_line=order_line, receipt=receipt, date=date, severity=severity,
                                      description=description, created_by=actor)
        complaint.full_clean()
        complaint.save()
        confirm_in_scope(actor, complaint, "add", model=SupplierComplaint)
    return complaint


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
