"""REST API of the replenishment app (/api/v1/replenishment/): proposals (keyset pages), quantity edits,
approval and the company's policy settings. Every handler reads through `for_user`; writes go through the
services."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from opsdesk.core.api_support import Id
from opsdesk.core.permissions import user_can
from opsdesk.replenishment import selectors, services
from opsdesk.replenishment.choices import ServiceMeasureChoices
from opsdesk.replenishment.models import Proposal

router = Router(tags=["replenishment"])


def _require(request: HttpRequest, action: str) -> None:
    if not user_can(request.auth, "replenishment", action):
        raise HttpError(403, "Your role does not allow this action.")


class ProposalOut(Schema):
    id: int
    store_id: int
    product_id: int
    supplier_id: int | None
    status: str
    reason: str
    urgency: float
    on_hand: float
    on_order: float
    reorder_point: float
    order_up_to: float
    safety_stock: float
    pack_size: int
    min_order_qty: int
    proposed_quantity: int
    quantity: int
    expected_date: date


class ProposalPageOut(Schema):
    items: list[ProposalOut]
    next: str | None


class ProposalQuery(Schema):
    store: Id | None = None
    supplier: Id | None = None
    category: Id | None = None
    reason: str | None = "below_reorder_point"
    urgency: str | None = None
    after: str = ""
    limit: int = 50


class QuantityIn(Schema):
    quantity: int


class ApproveIn(Schema):
    ids: list[Id]
    notes: str = ""


class ApproveOut(Schema):
    purchase_orders: list[int]
    ordered: int
    skipped_without_supplier: int
    skipped_zero: int


_FIELDS = [name for name in ProposalOut.model_fields if name != "id"]


@router.get("/proposals/", response=ProposalPageOut, summary="Proposals of the latest plan, most urgent first")
def proposals_list(request: HttpRequest, query: Query[ProposalQuery]):
    _require(request, "view")
    run = selectors.latest_run(user=request.auth)
    if run is None:
        return {"items": [], "next": None}
    filters = selectors.ProposalFilter(store=query.store, supplier=query.supplier, category=query.category,
                                       reason=None if query.reason in (None, "", "all") else query.reason,
                                       urgency=query.urgency)
    page = selectors.proposal_page(user=request.auth, run=run, filters=filters, after=query.after,
                                   size=max(1, min(query.limit, 500)))
    ids = [row["pk"] for row in page.rows]
    rows = {row["id"]: row for row in Proposal.objects.filter(pk__in=ids).values("id", *_FIELDS)}
    return {"items": [rows[pk] for pk in ids], "next": page.next_cursor}


def _get(request: HttpRequest, proposal_id: int, action: str = "view") -> Proposal:
    try:
        return selectors.proposal_get(user=request.auth, pk=proposal_id, action=action)
    except Proposal.DoesNotExist as error:
        raise HttpError(404, "Not found.") from error


@router.get("/proposals/{proposal_id}/", response=ProposalOut, summary="One proposal")
def proposals_get(request: HttpRequest, proposal_id: int):
    return _get(request, proposal_id)


@router.patch("/proposals/{proposal_id}/", response=ProposalOut, summary="Change the quantity to order")
def proposals_update(request: HttpRequest, proposal_id: int, payload: QuantityIn):
    proposal = _get(request, proposal_id, "change")
    try:
        return services.proposal_set_quantity(actor=request.auth, proposal=proposal, quantity=payload.quantity)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    except Proposal.DoesNotExist as error:
        raise HttpError(404, "Not found.") from error


@router.post("/approve/", response=ApproveOut, summary="Approve proposals into draft purchase orders")
def proposals_approve(request: HttpRequest, payload: ApproveIn):
    _require(request, "approve")
    try:
        result = services.proposals_approve(actor=request.auth, proposal_ids=payload.ids, notes=payload.notes[:500])
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    return {"purchase_orders": [order.pk for order in result.purchase_orders], "ordered": result.ordered,
            "skipped_without_supplier": result.skipped_without_supplier, "skipped_zero": result.skipped_zero}


class SettingsIn(Schema):
    """The whole policy (PUT replaces it); ranges and rules are checked by the model (422 with field errors)."""

    service_level_a: float
    service_level_b: float
    service_level_c: float
    service_measure: ServiceMeasureChoices
    min_pair_fill_rate: float | None = None
    review_days: float
    risk_days: int
    overstock_days: float
    dead_days: int


class SettingsOut(SettingsIn):
    is_default: bool  # true: the company has not set its policy; these are the defaults
    updated_at: datetime | None
    updated_by: str | None


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]]


def _settings_out(settings) -> dict:
    values = {name: getattr(settings, name) for name in selectors.SETTINGS_FIELDS}
    return {**values, "is_default": settings.pk is None, "updated_at": settings.updated_at,
            "updated_by": settings.updated_by.get_username() if settings.updated_by_id else None}


@router.get("/settings/", response=SettingsOut, summary="The company's replenishment policy (defaults when unset)")
def settings_get(request: HttpRequest):
    _require(request, "view")
    return _settings_out(selectors.replenishment_settings_get(user=request.auth))


@router.put("/settings/", response={200: SettingsOut, 422: FieldErrorsOut},
            summary="Set the company's replenishment policy (used by the next plan run)")
def settings_update(request: HttpRequest, payload: SettingsIn):
    _require(request, "configure")
    try:
        settings = services.replenishment_settings_update(actor=request.auth, **payload.dict())
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": "Invalid settings.", "errors": errors})
    return Status(200, _settings_out(settings))
