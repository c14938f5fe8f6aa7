"""REST API of the budgets app (/api/v1/budgets/): the kit's operations on versions, lines, categories and
overrides, the workflow (approve, revise, copy with growth, spread a line), budget control figures of a version,
and the budget check of a purchase order (what sending it would meet). Out of scope answers 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from opsdesk.budgets import selectors, services, specs
from opsdesk.budgets.models import AREA, BudgetLine, BudgetVersion
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.permissions import user_can

router = Router(tags=["budgets"])


class VersionOut(Schema):
    id: int
    year: int
    name: str
    revision: int
    status: str


class CopyIn(Schema):
    year: int
    growth_percent: float = 0.0


class SpreadIn(Schema):
    total: Decimal
    method: str = "even"


class LineFiguresOut(Schema):
    line_id: int
    cost_centre: str
    category: str
    rule: str
    budget: float
    actual: float
    committed: float
    available: float
    projected: float
    variance: float
    variance_pct: float | None


class CheckOut(Schema):
    line_id: int
    month: date
    budget: float
    actual: float
    committed: float
    available: float
    requested: float
    remaining_after: float
    level: str


def _object(request: HttpRequest, model, pk: int, action: str = "view"):
    found = scoped_or_none(model, request.auth, pk, action)
    if found is None or not user_can(request.auth, AREA, action):
        raise HttpError(404, "Not found.")
    return found


def _service(call):
    try:
        return call()
    except PermissionDenied as error:
        raise HttpError(404, "Not found.") from error
    except ValidationError as error:
        raise HttpError(400, "; ".join(error.messages)) from error


@router.post("/versions/{version_id}/approve/", response=VersionOut, summary="Approve a draft version")
def versions_approve(request: HttpRequest, version_id: int):
    version = _object(request, BudgetVersion, version_id)
    if not user_can(request.auth, AREA, "approve"):
        raise HttpError(404, "Not found.")
    return _service(lambda: services.version_approve(actor=request.auth, version=version))


@router.post("/versions/{version_id}/revise/", response=VersionOut, summary="Open a draft revision")
def versions_revise(request: HttpRequest, version_id: int):
    version = _object(request, BudgetVersion, version_id)
    if not user_can(request.auth, AREA, "add"):
        raise HttpError(404, "Not found.")
    return _service(lambda: services.version_revise(actor=request.auth, version=version))


@router.post("/versions/{version_id}/copy/", response=VersionOut, summary="Copy to a year with a growth factor")
def versions_copy(request: HttpRequest, version_id: int, payload: CopyIn):
    version = _object(request, BudgetVersion, version_id)
    if not user_can(request.auth, AREA, "add"):
        raise HttpError(404, "Not found.")
    return _service(lambda: services.version_copy_year(actor=request.auth, source=version, year=payload.year,
                                                       growth_percent=payload.growth_percent))


@router.post("/lines/{line_id}/spread/", response=dict, summary="Spread a yearly amount over the line's months")
def lines_spread(request: HttpRequest, line_id: int, payload: SpreadIn):
    line = _object(request, BudgetLine, line_id, "change")
    line = _service(lambda: services.line_spread(actor=request.auth, line=line, total=payload.total,
                                                 method=payload.method))
    return {"id": line.pk, "months": [str(value) for value in line.months]}


@router.get("/versions/{version_id}/control/", response=list[LineFiguresOut],
            summary="Budget, actual, committed, available and year-end projection of each line in scope")
def versions_control(request: HttpRequest, version_id: int):
    version = _object(request, BudgetVersion, version_id)
    figures = selectors.line_figures(list(selectors.version_lines(request.auth, version)),
                                     company_id=version.company_id, year=version.year, today=timezone.localdate())
    return [LineFiguresOut(
        line_id=item.line.pk, cost_centre=item.line.cost_centre_label, category=str(item.line.category),
        rule=item.line.rule, budget=item.projection.budget, actual=item.projection.actual,
        committed=item.projection.committed, available=item.available_to_date, projected=item.projection.projected,
        variance=item.projection.variance, variance_pct=item.projection.variance_pct) for item in figures]


@router.get("/orders/{order_id}/check/", response=list[CheckOut],
            summary="The budget check a purchase order meets when sent (available = budget - actual - committed)")
def orders_check(request: HttpRequest, order_id: int):
    from opsdesk.purchasing.models import PurchaseOrder

    order = scoped_or_none(PurchaseOrder, request.auth, order_id)
    if order is None or not user_can(request.auth, AREA, "view"):
        raise HttpError(404, "Not found.")
    return [CheckOut(line_id=line.pk, month=month, budget=check.budget, actual=check.actual,
                     committed=check.committed, available=check.available, requested=check.requested,
                     remaining_after=check.remaining_after, level=check.level)
            for line, month, check in services.order_checks(order)]


for _spec in specs.ALL:
    _spec.register_api(router)
