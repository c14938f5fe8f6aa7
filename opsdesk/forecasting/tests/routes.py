"""Permission-matrix declarations of the forecasting pages and API operations (see core/testing/matrix.py)."""

from __future__ import annotations

from datetime import date

from opsdesk.catalog.models import Product
from opsdesk.core.testing.matrix import Route
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries

A = "forecasting"


def _run(org, user, in_scope):
    """A finished run of the user's company (in scope) or of the other company."""
    company = org.company if in_scope else org.other_company
    return ForecastRun.objects.create(company=company, status="done", progress=100, origin=date(2026, 10, 31),
                                      horizon=7)


def _series(org, user, in_scope):
    """A store x SKU series of a finished run, in a store in or out of the user's scope."""
    store = org.store_for(user, in_scope)
    run = ForecastRun.objects.filter(company=store.company, status="done").first() or ForecastRun.objects.create(
        company=store.company, status="done", progress=100, origin=date(2026, 10, 31), horizon=7)
    product, _created = Product.objects.get_or_create(company=store.company, sku="MATRIX-1",
                                                      defaults={"name": "矩阵商品", "cost": 1, "price": 2})
    series = ForecastSeries.objects.create(run=run, store=store, product=product, measure="units", model_name="ets")
    ForecastPoint.objects.create(series=series, date=date(2026, 11, 1), forecast=1, lower=0.5, upper=2)
    return series


def _store(org, user, in_scope):
    return org.store_for(user, in_scope)


def _no_data(org, user, obj):
    return {}


ROUTES = [
    Route("forecasting:run_list", "list", area=A, make_object=_run),
    Route("forecasting:run_create", "action", area=A, action="add", methods=("POST",), model=ForecastRun,
          post_data=_no_data),
    Route("forecasting:run_detail", "detail", area=A, make_object=_run),
    Route("forecasting:run_progress", "detail", area=A, make_object=_run),
    Route("forecasting:run_export", "detail", area=A, make_object=_run),
    Route("forecasting:store_list", "list", area=A),
    Route("forecasting:store_forecast", "detail", area=A, make_object=_store),
    Route("forecasting:sku_forecast", "detail", area=A, make_object=_series,
          url_args=lambda series: [series.store_id, series.product_id]),
    Route("GET /api/v1/forecasting/runs/", "api-list", area=A, make_object=_run),
    Route("GET /api/v1/forecasting/runs/{run_id}/", "api-detail", area=A, make_object=_run),
    Route("POST /api/v1/forecasting/runs/", "api-write", area=A, action="add", model=ForecastRun,
          post_data=lambda org, user, obj: {"horizon": 14}, post_status=202),
    Route("GET /api/v1/forecasting/stores/{store_id}/", "api-detail", area=A, make_object=_store),
]
