"""REST API of purchasing (/api/v1/purchasing/): orders, receipts, contracts, scorecards and the supplier portal.

Every handler reads through `for_user`; out of scope answers 404, a role that may not act answers 403.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from opsdesk.core.permissions import user_can
from opsdesk.purchasing import selectors, services
from opsdesk.purchasing.filtersets import ContractFilterSet, PurchaseOrderFilterSet
from opsdesk.purchasing.models import Contract, PurchaseOrder, Receipt, SupplierPurchaseOrder, SupplierScore

router = Router(tags=["purchasing"])


def _require(request: HttpRequest, area: str, action: str) -> None:
    if not user_can(request.auth, area, action):
        raise HttpError(403, "Your role does not allow this action.")


def _object(request: HttpRequest, queryset, area: str, action: str, pk: int):
    """404 when the role may not view the area or the object is out of scope; 403 when it may not act."""
    if not user_can(request.auth, area, "view"):
        raise HttpError(404, "Not found.")
    found = get_object_or_404(queryset, pk=pk)
    _require(request, area, action)
    return found


def _filtered(request: HttpRequest, filterset_class, queryset):
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()))
    return filterset.qs


def _service(call):
    try:
        return call()
    except PermissionDenied as error:
        raise HttpError(404, "Not found.") from error
    except ValidationError as error:
        raise HttpError(400, "; ".join(error.messages)) from error


class LineOut(Schema):
    id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    contract_price: Decimal | None
    received_quantity: Decimal
    rejected_quantity: Decimal
    has_price_deviation: bool


class OrderOut(Schema):
    id: int
    order_number: str
    supplier_id: int
    store_id: int
    status: str
    order_date: date
    expected_date: date
    promised_date: date | None
    total_value: Decimal
    revision: int


class OrderDetailOut(OrderOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.order_by("pk"))


class ReceiptIn(Schema):
    line_id: int
    date: date
    quantity_received: Decimal
    quantity_rejected: Decimal = Decimal("0")
    rejection_reason: str = ""


class ReceiptOut(Schema):
    id: int
    line_id: int
    date: date
    quantity_received: Decimal
    quantity_rejected: Decimal
    rejection_reason: str


class ReturnIn(Schema):
    date: date
    quantity: Decimal
    reason: str


class ReturnOut(Schema):
    id: int
    receipt_id: int
    date: date
    quantity: Decimal
    reason: str


class ConfirmIn(Schema):
    promised_date: date


class ContractOut(Schema):
    id: int
    code: str
    title: str
    supplier_id: int
    starts_on: date
    ends_on: date
    status: str


class ScoreOut(Schema):
    id: int
    supplier_id: int
    period: date
    lines: int
    otif_line_rate: float
    otif_quantity_rate: float
    fill_rate: float
    rejection_rate: float | None
    lead_time_mean: float | None
    lead_time_std: float | None
    price_variance: float | None
    score: float
    standing: str


@router.get("/orders/", response=list[OrderOut], summary="Purchase orders (the list page's filters)")
@paginate(PageNumberPagination)
def orders_list(request: HttpRequest):
    _require(request, "purchasing", "view")
    return _filtered(request, PurchaseOrderFilterSet, selectors.purchase_orders_for_user(request.auth))


@router.get("/orders/{order_id}/", response=OrderDetailOut, summary="A purchase order with its lines")
def orders_get(request: HttpRequest, order_id: int):
    return _object(request, PurchaseOrder.objects.for_user(request.auth), "purchasing", "view", order_id)


@router.post("/orders/{order_id}/send/", response=OrderOut, summary="Send a draft to the supplier")
def orders_send(request: HttpRequest, order_id: int):
    order = _object(request, PurchaseOrder.objects.for_user(request.auth), "purchasing", "send", order_id)
    return _service(lambda: services.purchase_order_send(actor=request.auth, order=order))


@router.post("/orders/{order_id}/receipts/", response=ReceiptOut, summary="Receive units of an order line")
def orders_receive(request: HttpRequest, order_id: int, payload: ReceiptIn):
    order = _object(request, PurchaseOrder.objects.for_user(request.auth), "purchasing", "receive", order_id)
    line = get_object_or_404(order.lines.all(), pk=payload.line_id)
    return _service(lambda: services.receipt_create(
        actor=request.auth, line=line, received_on=payload.date, quantity_received=payload.quantity_received,
        quantity_rejected=payload.quantity_rejected, rejection_reason=payload.rejection_reason))


@router.post("/receipts/{receipt_id}/returns/", response=ReturnOut, summary="Return units of a receipt")
def receipts_return(request: HttpRequest, receipt_id: int, payload: ReturnIn):
    receipt = _object(request, Receipt.objects.for_user(request.auth), "purchasing", "receive", receipt_id)
    return _service(lambda: services.supplier_return_create(
        actor=request.auth, receipt=receipt, returned_on=payload.date, quantity=payload.quantity,
        reason=payload.reason))


@router.get("/contracts/", response=list[ContractOut], summary="Supplier contracts")
@paginate(PageNumberPagination)
def contracts_list(request: HttpRequest):
    _require(request, "supplier_management", "view")
    return _filtered(request, ContractFilterSet, Contract.objects.for_user(request.auth).select_related("supplier"))


@router.get("/scorecards/", response=list[ScoreOut], summary="Monthly supplier scorecards")
@paginate(PageNumberPagination)
def scorecards_list(request: HttpRequest, supplier_id: int | None = None):
    _require(request, "supplier_management", "view")
    scores = SupplierScore.objects.for_user(request.auth).order_by("supplier_id", "period")
    return scores.filter(supplier_id=supplier_id) if supplier_id else scores


@router.get("/portal/orders/", response=list[OrderOut], summary="The signed-in supplier's orders")
@paginate(PageNumberPagination)
def portal_orders_list(request: HttpRequest):
    _require(request, "supplier_portal", "view")
    return SupplierPurchaseOrder.objects.for_user(request.auth).order_by("-order_date", "-pk")


@router.post("/portal/orders/{order_id}/confirm/", response=OrderOut, summary="Confirm an order and promise a date")
def portal_orders_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn):
    order = _object(request, SupplierPurchaseOrder.objects.for_user(request.auth), "supplier_portal", "change",
                    order_id)
    return _service(lambda: services.purchase_order_confirm(actor=request.auth, order=order,
                                                            promised_date=payload.promised_date))
