"""REST API of the forecasting app (/api/v1/forecasting/): runs, and the latest forecasts of a store."""

from datetime import date, datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from opsdesk.core.api_support import PageNumberPagination
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.forecasting import selectors, services

router = Router(tags=["forecasting"])


class RunOut(Schema):
    id: int
    kind: str
    status: str
    progress: int
    stage: str
    horizon: int
    origin: date | None
    data_version: str
    accuracy: dict
    series_count: int
    seconds: float | None
    created_at: datetime
    finished_at: datetime | None

    # A run covers the company: a store role sees the figures of its own stores only (one selector for pages and API).
    @staticmethod
    def resolve_accuracy(obj, context) -> dict:
        return _figures(obj, context).accuracy

    @staticmethod
    def resolve_series_count(obj, context) -> int:
        return _figures(obj, context).series_count


def _figures(run, context):
    request = context["request"]
    cache = request.__dict__.setdefault("_run_figures", {})
    if run.pk not in cache:
        cache.update(selectors.run_figures(user=request.auth, runs=[run]))
    return cache[run.pk]


class RunIn(Schema):
    horizon: int = 28


class PointOut(Schema):
    date: date
    forecast: float
    lower: float
    upper: float


class SeriesOut(Schema):
    store_id: int
    product_id: int | None
    sku: str | None
    measure: str
    model_name: str
    validation_rmse: float | None
    week_error: float | None
    points: list[PointOut]


def _require(request: HttpRequest, action: str) -> None:
    if not user_can(request.auth, "forecasting", action):
        raise HttpError(403, "Your role does not allow this action.")


@router.get("/runs/", response=list[RunOut], summary="Forecast runs")
@paginate(PageNumberPagination)
def runs_list(request: HttpRequest):
    _require(request, "view")
    return selectors.run_list(user=request.auth)


@router.get("/runs/{run_id}/", response=RunOut, summary="One forecast run (poll it for progress)")
def runs_get(request: HttpRequest, run_id: int):
    return get_object_or_404(selectors.run_list(user=request.auth), pk=run_id)


@router.post("/runs/", response={202: RunOut}, summary="Start a forecast run")
def runs_create(request: HttpRequest, payload: RunIn):
    _require(request, "add")
    if not 7 <= payload.horizon <= 91:
        raise HttpError(422, "horizon must be between 7 and 91 days")
    return Status(202, services.forecast_run_request(actor=request.auth, horizon=payload.horizon))


@router.get("/stores/{store_id}/", response=list[SeriesOut], summary="Latest forecasts of a store")
def store_forecasts(request: HttpRequest, store_id: int, sku: str | None = None, limit: int = 50):
    if not user_can(request.auth, "forecasting", "view"):  # an object route: not permitted reads as absent
        raise Http404
    store = get_object_or_404(Store.objects.for_user(request.auth), pk=store_id)
    run = selectors.latest_run(user=request.auth)
    if run is None:
        return []
    series = selectors.store_series(user=request.auth, run=run, store=store)
    if sku:
        series = series.filter(product__sku=sku)
    out = []
    for item in series[: max(1, min(limit, 500))]:
        out.append({
            "store_id": item.store_id, "product_id": item.product_id,
            "sku": item.product.sku if item.product_id else None, "measure": item.measure,
            "model_name": item.model_name, "validation_rmse": item.validation_rmse, "week_error": item.week_error,
            "points": selectors.series_points(user=request.auth, series=item),
        })
    return out
