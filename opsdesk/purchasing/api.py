"""REST API of purchasing (/api/v1/purchasing/): orders, receipts and returns, contracts and prices, supplier
contacts and documents (metadata), complaints, scorecards and the supplier portal.

Every handler reads through `for_user`: an object out of scope, or one the role may not act on, answers 404; a
collection operation the role may not perform answers 403.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from opsdesk.core.api_support import PageNumberPagination, require_valid_id
from opsdesk.core.permissions import user_can
from opsdesk.purchasing import selectors, services, specs
from opsdesk.purchasing.filtersets import (
    ContractFilterSet,
    PurchaseOrderFilterSet,
    SupplierDocumentFilterSet,
    SupplierReturnFilterSet,
)
from opsdesk.purchasing.models import (
    Contract,
    ContractPrice,
    PurchaseOrder,
    Receipt,
    SupplierComplaint,
    SupplierContact,
    SupplierPurchaseOrder,
    SupplierScore,
)
from opsdesk.purchasing.services.suppliers import ContactData

router = Router(tags=["purchasing"])


def _require(request: HttpRequest, area: str, action: str) -> None:
    if not user_can(request.auth, area, action):
        raise HttpError(403, "Your role does not allow this action.")


def _object(request: HttpRequest, model, action: str, pk: int):
    """The object if the caller may perform `action` on it; else 404 (out of scope and not permitted read alike)."""
    return get_object_or_404(model.objects.for_user(request.auth, action), pk=pk)


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
    notes: str = ""


class ReturnOut(Schema):
    id: int
    receipt_id: int
    date: date
    quantity: Decimal
    reason: str


class ReturnListOut(ReturnOut):
    order_id: int
    order_number: str
    supplier_id: int
    store_id: int
    product_id: int
    notes: str

    @staticmethod
    def resolve_order_id(obj):
        return obj.receipt.line.purchase_order_id

    @staticmethod
    def resolve_order_number(obj):
        return obj.receipt.line.purchase_order.order_number

    @staticmethod
    def resolve_supplier_id(obj):
        return obj.receipt.line.purchase_order.supplier_id

    @staticmethod
    def resolve_store_id(obj):
        return obj.receipt.line.purchase_order.store_id

    @staticmethod
    def resolve_product_id(obj):
        return obj.receipt.line.product_id


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
    terms: str


class ContractIn(Schema):
    code: str
    title: str
    starts_on: date
    ends_on: date
    status: str
    terms: str = ""


class ContractPriceIn(Schema):
    unit_price: Decimal
    valid_from: date
    valid_to: date
    min_order_quantity: int = 1
    pack_size: int = 1
    lead_time_days: int = 3


class ContractPriceOut(ContractPriceIn):
    id: int
    contract_id: int
    product_id: int


class ContactIn(Schema):
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False
    notes: str = ""


class ContactCreateIn(ContactIn):
    supplier_id: int


class ContactOut(ContactIn):
    id: int
    supplier_id: int


class DocumentOut(Schema):
    id: int
    supplier_id: int
    kind: str
    title: str
    expires_on: date | None
    original_name: str
    content_type: str
    size: int
    uploaded_at: datetime | None
    download_url: str


class ComplaintOut(Schema):
    """A complaint as resolving answers it."""

    id: int
    store_id: int | None
    product_id: int
    supplier_id: int
    order_line_id: int | None
    receipt_id: int | None
    date: date
    severity: str
    description: str
    status: str
    resolution: str
    resolved_at: datetime | None


class ResolveIn(Schema):
    resolution: str


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
    return _object(request, PurchaseOrder, "view", order_id)


@router.post("/orders/{order_id}/send/", response=OrderOut, summary="Send a draft to the supplier (a budget stop "
             "answers 400 with the arithmetic; the next level sends again with `override_reason`)")
def orders_send(request: HttpRequest, order_id: int, override_reason: str = ""):
    order = _object(request, PurchaseOrder, "send", order_id)
    return _service(lambda: services.purchase_order_send(actor=request.auth, order=order,
                                                         override_reason=override_reason))


@router.post("/orders/{order_id}/receipts/", response=ReceiptOut, summary="Receive units of an order line")
def orders_receive(request: HttpRequest, order_id: int, payload: ReceiptIn):
    order = _object(request, PurchaseOrder, "receive", order_id)
    line = get_object_or_404(order.lines.all(), pk=payload.line_id)
    return _service(lambda: services.receipt_create(
        actor=request.auth, line=line, received_on=payload.date, quantity_received=payload.quantity_received,
        quantity_rejected=payload.quantity_rejected, rejection_reason=payload.rejection_reason))


@router.post("/receipts/{receipt_id}/returns/", response=ReturnOut, summary="Return units of a receipt")
def receipts_return(request: HttpRequest, receipt_id: int, payload: ReturnIn):
    receipt = _object(request, Receipt, "receive", receipt_id)
    return _service(lambda: services.supplier_return_create(
        actor=request.auth, receipt=receipt, returned_on=payload.date, quantity=payload.quantity,
        reason=payload.reason, notes=payload.notes))


@router.get("/contracts/", response=list[ContractOut], summary="Supplier contracts")
@paginate(PageNumberPagination)
def contracts_list(request: HttpRequest):
    _require(request, "supplier_management", "view")
    return _filtered(request, ContractFilterSet, Contract.objects.for_user(request.auth).select_related("supplier"))


@router.get("/scorecards/", response=list[ScoreOut], summary="Monthly supplier scorecards")
@paginate(PageNumberPagination)
def scorecards_list(request: HttpRequest, supplier_id: int | None = None):
    _require(request, "supplier_management", "view")
    require_valid_id("supplier_id", supplier_id)
    scores = SupplierScore.objects.for_user(request.auth).order_by("supplier_id", "period")
    return scores.filter(supplier_id=supplier_id) if supplier_id else scores


@router.get("/portal/orders/", response=list[OrderOut], summary="The signed-in supplier's orders")
@paginate(PageNumberPagination)
def portal_orders_list(request: HttpRequest):
    _require(request, "supplier_portal", "view")
    return SupplierPurchaseOrder.objects.for_user(request.auth).order_by("-order_date", "-pk")


@router.post("/portal/orders/{order_id}/confirm/", response=OrderOut, summary="Confirm an order and promise a date")
def portal_orders_confirm(request: HttpRequest, order_id: int, payload: ConfirmIn):
    order = _object(request, SupplierPurchaseOrder, "change", order_id)
    return _service(lambda: services.purchase_order_confirm(actor=request.auth, order=order,
                                                            promised_date=payload.promised_date))


@router.get("/returns/", response=list[ReturnListOut], summary="Returns to suppliers (the returns page's filters)")
@paginate(PageNumberPagination)
def returns_list(request: HttpRequest):
    _require(request, "purchasing", "view")
    return _filtered(request, SupplierReturnFilterSet, selectors.supplier_returns_for_user(request.auth))


@router.put("/contracts/{contract_id}/", response=ContractOut, summary="Change a contract (period, status, terms)")
def contracts_update(request: HttpRequest, contract_id: int, payload: ContractIn):
    contract = _object(request, Contract, "change", contract_id)
    return _service(lambda: services.contract_update(actor=request.auth, contract=contract, **payload.dict()))


@router.put("/contract-prices/{price_id}/", response=ContractPriceOut, summary="Change a contract price line")
def contract_prices_update(request: HttpRequest, price_id: int, payload: ContractPriceIn):
    price = _object(request, ContractPrice, "change", price_id)
    return _service(lambda: services.contract_price_update(actor=request.auth, price=price, **payload.dict()))


@router.delete("/contract-prices/{price_id}/", response={204: None}, summary="Remove a contract price line")
def contract_prices_delete(request: HttpRequest, price_id: int):
    price = _object(request, ContractPrice, "change", price_id)
    _service(lambda: services.contract_price_delete(actor=request.auth, price=price))
    return Status(204, None)


@router.get("/supplier-contacts/", response=list[ContactOut], summary="Suppliers' contacts")
@paginate(PageNumberPagination)
def contacts_list(request: HttpRequest, supplier_id: int | None = None):
    _require(request, "supplier_management", "view")
    require_valid_id("supplier_id", supplier_id)
    contacts = SupplierContact.objects.for_user(request.auth).order_by("supplier_id", "-is_primary", "name", "pk")
    return contacts.filter(supplier_id=supplier_id) if supplier_id else contacts


@router.post("/supplier-contacts/", response=ContactOut, summary="Add a contact to a supplier")
def contacts_create(request: HttpRequest, payload: ContactCreateIn):
    _require(request, "supplier_management", "change")
    supplier = get_object_or_404(selectors.suppliers_for_user(request.auth, "change"), pk=payload.supplier_id)
    data = ContactData(**payload.dict(exclude={"supplier_id"}))
    return _service(lambda: services.supplier_contact_create(actor=request.auth, supplier=supplier, data=data))


@router.put("/supplier-contacts/{contact_id}/", response=ContactOut, summary="Change a supplier's contact")
def contacts_update(request: HttpRequest, contact_id: int, payload: ContactIn):
    contact = _object(request, SupplierContact, "change", contact_id)
    return _service(lambda: services.supplier_contact_update(actor=request.auth, contact=contact,
                                                             data=ContactData(**payload.dict())))


@router.delete("/supplier-contacts/{contact_id}/", response={204: None}, summary="Remove a supplier's contact")
def contacts_delete(request: HttpRequest, contact_id: int):
    contact = _object(request, SupplierContact, "change", contact_id)
    _service(lambda: services.supplier_contact_delete(actor=request.auth, contact=contact))
    return Status(204, None)


@router.get("/supplier-documents/", response=list[DocumentOut],
            summary="Suppliers' documents (metadata; files download through the scoped page URL)")
@paginate(PageNumberPagination)
def documents_list(request: HttpRequest):
    _require(request, "supplier_management", "view")
    return _filtered(request, SupplierDocumentFilterSet,
                     selectors.supplier_documents_for_user(request.auth).order_by("expires_on", "pk"))


# Complaints: the kit's five operations (GET/POST /complaints/, GET/PATCH/DELETE /complaints/{object_id}/), and
# resolving beside them.
specs.complaint.register_api(router)


@router.post("/complaints/{complaint_id}/resolve/", response=ComplaintOut, summary="Resolve a complaint")
def complaints_resolve(request: HttpRequest, complaint_id: int, payload: ResolveIn):
    complaint = _object(request, SupplierComplaint, "resolve", complaint_id)
    return _service(lambda: services.complaint_resolve(actor=request.auth, complaint=complaint,
                                                       resolution=payload.resolution))
