"""Writes of the purchasing app: `<entity>_<action>(*, actor, ...)`, validated, atomic, audited, re-read in scope.

The order workflow is draft -> sent -> confirmed -> partly received -> received, or cancelled before any receipt.
Changes to a sent order are tracked as `PurchaseOrderRevision`s. A receipt posts its accepted units to stock on
hand exactly once and writes the `inventory.GoodsReceipt` row (reference = order number) that replenishment reads
to observe lead times.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can as _assert_can
from opsdesk.core.scoping import forget_scope
from opsdesk.engine.suppliers import compute_scorecards, standing
from opsdesk.purchasing import selectors
from opsdesk.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderRevision,
    PurchaseOrderStatusChoices,
    Receipt,
    Supplier,
    SupplierPurchaseOrder,
    SupplierReturn,
    SupplierScore,
)

S = PurchaseOrderStatusChoices
EDITABLE_STATUSES = (S.DRAFT, S.SENT, S.CONFIRMED)
RECEIVABLE_STATUSES = (S.SENT, S.CONFIRMED, S.PARTLY_RECEIVED)


def _locked_order(actor, order: PurchaseOrder, action: str) -> PurchaseOrder:
    """The order re-read through the actor's scope and locked; out of scope is a 404-like denial."""
    forget_scope(actor)
    try:
        return PurchaseOrder.objects.for_user(actor, action).select_for_update().get(pk=order.pk)
    except PurchaseOrder.DoesNotExist as error:
        raise PermissionDenied(_("该对象不在你的权限范围内。")) from error


def _next_order_number(company_id: int, day: date) -> str:
    from opsdesk.replenishment.services import _next_order_numbers  # one numbering for both ways of ordering

    return _next_order_numbers(company_id, day, 1)[0]


def _track(actor, order: PurchaseOrder, changes: dict) -> None:
    """Record a change to an order the supplier has already seen (no revision while it is a draft)."""
    if order.status == S.DRAFT or not changes:
        return
    order.revision += 1
    order.save(update_fields=["revision", "updated_at"])
    PurchaseOrderRevision.objects.create(purchase_order=order, number=order.revision, changed_by=actor,
                                         changes=changes)


def _refresh_total(order: PurchaseOrder) -> None:
    total = sum((line.quantity * line.unit_price for line in order.lines.all()), Decimal("0"))
    order.total_value = total.quantize(Decimal("0.01"))
    order.save(update_fields=["total_value", "updated_at"])


def purchase_order_create(*, actor, supplier: Supplier, store, expected_date: date, notes: str = "") -> PurchaseOrder:
    """Open a draft order by hand (lines are added with `purchase_order_line_add`)."""
    _assert_can(actor, "purchasing", "add")
    with transaction.atomic(), audit_actor(actor):
        if supplier.company_id != actor.company_id or store.company_id != actor.company_id:
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        today = timezone.localdate()
        order = PurchaseOrder(company_id=actor.company_id, order_number=_next_order_number(actor.company_id, today),
                              supplier=supplier, store=store, order_date=today, expected_date=expected_date,
                              notes=notes, created_by=actor)
        order.full_clean()
        order.save()
        _locked_order(actor, order, "add")
    return order


def purchase_order_line_add(*, actor, order: PurchaseOrder, product, quantity: Decimal,
                            unit_price: Decimal | None = None) -> PurchaseOrderLine:
    """Add a line at the contract price in force (or the given price, flagged when it deviates)."""
    _assert_can(actor, "purchasing", "change")
    with transaction.atomic(), audit_actor(actor):
        order = _locked_order(actor, order, "change")
        if order.status not in EDITABLE_STATUSES:
            raise ValidationError(_("该采购单状态不允许修改。"))
        if product.company_id != order.company_id or quantity <= 0:
            raise ValidationError({"quantity": _("数量必须大于零。")})
        contract = selectors.price_in_force(supplier_id=order.supplier_id, product_id=product.pk,
                                            on=order.order_date)
        contract_price = contract.unit_price if contract else None
        price = unit_price if unit_price is not None else (contract_price if contract_price is not None
                                                           else product.cost)
        line = PurchaseOrderLine(purchase_order=order, product=product, quantity=Decimal(quantity),
                                 unit_price=Decimal(price), contract_price=contract_price)
        line.full_clean()
        line.save()
        _refresh_total(order)
        _track(actor, order, {"line_added": {"product": product.sku, "quantity": str(quantity),
                                             "unit_price": str(price)}})
    return line


def purchase_order_line_update(*, actor, line: PurchaseOrderLine, quantity: Decimal,
                               unit_price: Decimal) -> PurchaseOrderLine:
    """Change a line's quantity or price; after sending, the change is kept as a revision."""
    _assert_can(actor, "purchasing", "change")
    with transaction.atomic(), audit_actor(actor):
        order = _locked_order(actor, line.purchase_order, "change")
        line = order.lines.get(pk=line.pk)
        if order.status not in EDITABLE_STATUSES:
            raise ValidationError(_("该采购单状态不允许修改。"))
        if quantity < line.received_quantity or quantity <= 0:
            raise ValidationError({"quantity": _("数量不能小于已收数量，且必须大于零。")})
        before = {"quantity": str(line.quantity), "unit_price": str(line.unit_price)}
        line.quantity, line.unit_price = Decimal(quantity), Decimal(unit_price)
        line.full_clean()
        line.save(update_fields=["quantity", "unit_price"])
        after = {"quantity": str(line.quantity), "unit_price": str(line.unit_price)}
        if before != after:
            _refresh_total(order)
            _track(actor, order, {"line": line.pk, "product": line.product.sku, "before": before, "after": after})
    return line


def purchase_order_update(*, actor, order: PurchaseOrder, expected_date: date, notes: str) -> PurchaseOrder:
    """Change the expected date or notes; after sending, the change is kept as a revision."""
    _assert_can(actor, "purchasing", "change")
    with transaction.atomic(), audit_actor(actor):
        order = _locked_order(actor, order, "change")
        if order.status not in EDITABLE_STATUSES:
            raise ValidationError(_("该采购单状态不允许修改。"))
        changes = {}
        if order.expected_date != expected_date:
            changes["expected_date"] = [str(order.expected_date), str(expected_date)]
        if order.notes != notes:
            changes["notes"] = [order.notes, notes]
        order.expected_date, order.notes = expected_date, notes
        order.full_clean()
        order.save()
        _track(actor, order, changes)
    return order


def purchase_order_contract_prices_stamp(order: PurchaseOrder) -> None:
    """Lines from replenishment carry the plan's cost: stamp the contract price in force on the order date, so a
    draft already shows it and flags a deviation (called when the draft is made, and again when it is sent)."""
    for line in order.lines.filter(contract_price__isnull=True).select_related("product"):
        contract = selectors.price_in_force(supplier_id=order.supplier_id, product_id=line.product_id,
                                            on=order.order_date)
        if contract is not None:
            line.contract_price = contract.unit_price
            line.save(update_fields=["contract_price"])


def purchase_order_send(*, actor, order: PurchaseOrder, email: bool = True, override_reason: str = "") -> PurchaseOrder:
    """Send a draft to the supplier: status sent, contract prices stamped, and the PDF emailed (after commit).

    Sending commits the money: the registered commitment checks (budgets) run first; a stop raises
    `CommitmentStopped` unless the actor may override it and gives `override_reason`. Warnings are returned on
    `order.commitment_findings`."""
    from opsdesk.core.hooks import CommitmentStopped, commitment_stopped

    _assert_can(actor, "purchasing", "send")
    try:
        return _send(actor, order, email, override_reason)
    except CommitmentStopped as stopped:
        commitment_stopped(order, actor, stopped)
        raise


def _send(actor, order: PurchaseOrder, email: bool, override_reason: str) -> PurchaseOrder:
    from opsdesk.core.hooks import commitment_checks

    with transaction.atomic(), audit_actor(actor):
        order = _locked_order(actor, order, "send")
        if order.status != S.DRAFT:
            raise ValidationError(_("只有草稿可以发送。"))
        if not order.lines.exists():
            raise ValidationError(_("采购单没有明细。"))
        purchase_order_contract_prices_stamp(order)
        findings = commitment_checks(order, actor, override_reason=override_reason.strip())
        order.status, order.sent_at = S.SENT, timezone.now()
        order.save(update_fields=["status", "sent_at", "updated_at"])
        if email and order.supplier.email:
            from opsdesk.purchasing.documents import purchase_order_email

            order_id = order.pk
            transaction.on_commit(lambda: purchase_order_email(PurchaseOrder.objects.get(pk=order_id)))
    order.commitment_findings = findings
    return order


def purchase_order_confirm(*, actor, order: PurchaseOrder, promised_date: date) -> PurchaseOrder:
    """The supplier confirms a sent order and states its delivery date (supplier portal)."""
    _assert_can(actor, "supplier_portal", "change")
    with transaction.atomic(), audit_actor(actor):
        forget_scope(actor)
        try:
            order = SupplierPurchaseOrder.objects.for_user(actor, "change").select_for_update().get(pk=order.pk)
        except SupplierPurchaseOrder.DoesNotExist as error:
            raise PermissionDenied(_("该对象不在你的权限范围内。")) from error
        if order.status not in (S.SENT, S.CONFIRMED):
            raise ValidationError(_("该采购单状态不允许确认。"))
        if promised_date < order.order_date:
            raise ValidationError({"promised_date": _("承诺到货日期不能早于下单日期。")})
        changes = {"promised_date": [str(order.promised_date or ""), str(promised_date)]}
        order.status, order.promised_date = S.CONFIRMED, promised_date
        order.confirmed_at = order.confirmed_at or timezone.now()
        order.save(update_fields=["status", "promised_date", "confirmed_at", "updated_at"])
        _track(actor, order, changes)
    return order


def purchase_order_cancel(*, actor, order: PurchaseOrder) -> PurchaseOrder:
    """Cancel an order nothing has been received on."""
    _assert_can(actor, "purchasing", "change")
    with transaction.atomic(), audit_actor(actor):
        order = _locked_order(actor, order, "change")
        if order.status not in EDITABLE_STATUSES or order.lines.filter(received_quantity__gt=0).exists():
            raise ValidationError(_("该采购单状态不允许取消。"))
        before = order.status
        order.status = S.CANCELLED
        order.save(update_fields=["status", "updated_at"])
        _track(actor, order, {"status": [before, S.CANCELLED]} if before != S.DRAFT else {})
    return order


def receipt_create(*, actor, line: PurchaseOrderLine, received_on: date, quantity_received: Decimal,
                   quantity_rejected: Decimal = Decimal("0"), rejection_reason: str = "", photo=None,
                   notes: str = "") -> Receipt:
    """Receive units of an order line: the accepted units go to stock (once) and the order status follows."""
    _assert_can(actor, "purchasing", "receive")
    quantity_received, quantity_rejected = Decimal(quantity_received), Decimal(quantity_rejected)
    with transaction.atomic(), audit_actor(actor):
        order = _locked_order(actor, line.purchase_order, "receive")
        line = order.lines.select_for_update().get(pk=line.pk)
        _validate_receipt(order, line, received_on, quantity_received, quantity_rejected, rejection_reason)
        receipt = Receipt(line=line, date=received_on, quantity_received=quantity_received,
                          quantity_rejected=quantity_rejected, rejection_reason=rejection_reason, notes=notes,
                          created_by=actor)
        if photo is not None:
            receipt.photo = photo
        receipt.full_clean()
        receipt.save()
        line.received_quantity += receipt.quantity_accepted
        line.rejected_quantity += quantity_rejected
        line.save(update_fields=["received_quantity", "rejected_quantity"])
        _post_stock(receipt, order, line)
        _advance_status(order)
    return receipt


def _validate_receipt(order, line, received_on, quantity_received, quantity_rejected, reason) -> None:
    if order.status not in RECEIVABLE_STATUSES:
        raise ValidationError(_("该采购单状态不允许收货。"))
    if quantity_received <= 0 or quantity_rejected < 0 or quantity_rejected > quantity_received:
        raise ValidationError({"quantity_received": _("到货数量必须大于零，拒收数量不能超过到货数量。")})
    if quantity_rejected > 0 and not reason:
        raise ValidationError({"rejection_reason": _("请填写拒收原因。")})
    if received_on < order.order_date or received_on > timezone.localdate():
        raise ValidationError({"date": _("收货日期必须在下单日期与今天之间。")})
    if line.received_quantity + quantity_received - quantity_rejected > line.quantity:
        raise ValidationError({"quantity_received": _("收货数量超过未到数量。")})


def _post_stock(receipt: Receipt, order: PurchaseOrder, line: PurchaseOrderLine) -> None:
    """Add the accepted units to stock on hand of the receipt day and write the GoodsReceipt fact, exactly once."""
    from opsdesk.inventory.models import GoodsReceipt

    if Receipt.objects.filter(pk=receipt.pk, stock_posted=True).exists():
        return
    accepted = receipt.quantity_accepted
    snapshot = _adjust_stock(order.store_id, line.product_id, receipt.date, accepted, line.unit_price)
    snapshot.on_order = max(snapshot.on_order - accepted, Decimal("0"))
    snapshot.save()
    if accepted > 0:
        fact, created = GoodsReceipt.objects.select_for_update().get_or_create(
            store_id=order.store_id, product_id=line.product_id, date=receipt.date, reference=order.order_number,
            defaults={"supplier_id": order.supplier_id, "quantity": accepted, "unit_cost": line.unit_price})
        if not created:
            fact.quantity += accepted
            fact.save(update_fields=["quantity"])
    Receipt.objects.filter(pk=receipt.pk).update(stock_posted=True)
    receipt.stock_posted = True


def _advance_status(order: PurchaseOrder) -> None:
    lines = list(order.lines.all())
    complete = all(line.received_quantity >= line.quantity for line in lines)
    status = S.RECEIVED if complete else S.PARTLY_RECEIVED
    if order.status != status:
        order.status = status
        order.save(update_fields=["status", "updated_at"])


def supplier_return_create(*, actor, receipt: Receipt, returned_on: date, quantity: Decimal,
                           reason: str, notes: str = "") -> SupplierReturn:
    """Return units of a receipt to the supplier: rejected units go first (they never entered stock); units
    beyond them were accepted, so they leave stock on hand of the return day."""
    _assert_can(actor, "purchasing", "receive")
    quantity = Decimal(quantity)
    with transaction.atomic(), audit_actor(actor):
        forget_scope(actor)
        try:
            receipt = Receipt.objects.for_user(actor, "receive").select_for_update().get(pk=receipt.pk)
        except Receipt.DoesNotExist as error:
            raise PermissionDenied(_("该对象不在你的权限范围内。")) from error
        already = sum((r.quantity for r in receipt.returns.all()), Decimal("0"))
        if quantity <= 0 or already + quantity > receipt.quantity_received:
            raise ValidationError({"quantity": _("退货数量超过可退数量（%(left)s）。") % {
                "left": f"{receipt.quantity_received - already:g}"}})
        if returned_on < receipt.date or returned_on > timezone.localdate():
            raise ValidationError({"date": _("退货日期必须在收货日期与今天之间。")})
        item = SupplierReturn(receipt=receipt, date=returned_on, quantity=quantity, reason=reason, notes=notes,
                              created_by=actor)
        item.full_clean()
        item.save()
        from_stock = max(already + quantity - receipt.quantity_rejected, Decimal("0")) - max(
            already - receipt.quantity_rejected, Decimal("0"))
        if from_stock > 0:
            _adjust_stock(receipt.line.purchase_order.store_id, receipt.line.product_id, returned_on, -from_stock,
                          receipt.line.unit_price).save()
    return item


def _adjust_stock(store_id: int, product_id: int, day: date, delta: Decimal, unit_cost: Decimal):
    """The day's snapshot with `delta` units added to stock on hand, unsaved (created from the latest earlier one)."""
    from opsdesk.inventory.models import StockSnapshot

    snapshot = StockSnapshot.objects.select_for_update().filter(store_id=store_id, product_id=product_id,
                                                                date=day).first()
    if snapshot is None:
        previous = (StockSnapshot.objects.filter(store_id=store_id, product_id=product_id, date__lt=day)
                    .order_by("-date").first())
        snapshot = StockSnapshot(store_id=store_id, product_id=product_id, date=day,
                                 on_hand=previous.on_hand if previous else 0,
                                 on_order=previous.on_order if previous else 0,
                                 unit_cost=previous.unit_cost if previous else unit_cost)
    snapshot.on_hand += delta
    return snapshot


def scorecards_compute(*, company_id: int, end: date | None = None, months: int = 12) -> int:
    """Compute and persist the monthly scorecards of a company's suppliers for the last `months` months.

    Complaints about a supplier's products count in the month of their date (a month without order lines has no
    score: its complaints are listed on the complaints page but count in no scorecard).
    Returns the number of supplier x month rows written (empty months write nothing: they have no score).
    """
    end = end or timezone.localdate()
    start_month = (end.year * 12 + end.month - 1) - (months - 1)
    start = date(start_month // 12, start_month % 12 + 1, 1)
    lines, supplier_ids, periods = selectors.scorecard_facts(company_id=company_id, start=start, end=end)
    complaints = selectors.scorecard_complaints(company_id=company_id, supplier_ids=supplier_ids, periods=periods,
                                                end=end)
    card = compute_scorecards(lines, len(supplier_ids), len(periods), complaints=complaints)
    rows = []
    for s, p in zip(*np.nonzero(card.lines > 0), strict=True):
        rows.append(SupplierScore(
            supplier_id=supplier_ids[s], period=periods[p], lines=int(card.lines[s, p]),
            otif_lines=int(card.otif_lines[s, p]), otif_line_rate=float(card.otif_line_rate[s, p]),
            otif_quantity_rate=float(card.otif_quantity_rate[s, p]), fill_rate=float(card.fill_rate[s, p]),
            rejection_rate=_nullable(card.rejection_rate[s, p]), lead_time_mean=_nullable(card.lead_time_mean[s, p]),
            lead_time_std=_nullable(card.lead_time_std[s, p]), price_variance=_nullable(card.price_variance[s, p]),
            complaints=int(card.complaints[s, p]), score=float(card.score[s, p]),
            standing=standing(float(card.score[s, p]))))
    with transaction.atomic():
        SupplierScore.objects.filter(supplier__company_id=company_id, period__gte=start).delete()
        SupplierScore.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _nullable(value) -> float | None:
    return None if np.isnan(value) else float(value)


# The writes of suppliers, contracts and complaints live in their own modules; one import path serves them all.
from opsdesk.purchasing.services.complaints import complaint_create, complaint_resolve, complaint_update  # noqa: E402
from opsdesk.purchasing.services.contracts import (  # noqa: E402
    contract_create,
    contract_price_add,
    contract_price_delete,
    contract_price_update,
    contract_update,
)
from opsdesk.purchasing.services.suppliers import (  # noqa: E402
    document_reminders_send,
    supplier_contact_create,
    supplier_contact_delete,
    supplier_contact_update,
    supplier_create,
    supplier_document_delete,
    supplier_document_update,
    supplier_document_upload,
    supplier_update,
)

__all__ = [
    "complaint_create", "complaint_resolve", "complaint_update", "contract_create", "contract_price_add",
    "contract_price_delete",
    "contract_price_update", "contract_update", "document_reminders_send", "purchase_order_cancel",
    "purchase_order_confirm", "purchase_order_create", "purchase_order_line_add", "purchase_order_line_update",
    "purchase_order_send", "purchase_order_update", "receipt_create", "scorecards_compute", "supplier_contact_create",
    "supplier_contact_delete", "supplier_contact_update", "supplier_create", "supplier_document_delete",
    "supplier_document_update", "supplier_document_upload", "supplier_return_create", "supplier_update",
]
