"""Pages of the forecasting app: runs with live progress, store and SKU forecasts with charts, export."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.charts import PALETTE, forecast_band_chart
from opsdesk.core.exports import export_response
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.forecasting import selectors, services
from opsdesk.forecasting.models import ForecastRun, ForecastSeries, MeasureChoices


def _require_view(request: HttpRequest, *, hidden: bool = False) -> None:
    """403 on pages without an object; 404 on object pages (whether the object exists is not disclosed)."""
    if not user_can(request.user, "forecasting", "view"):
        raise Http404 if hidden else PermissionDenied


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """All runs of the company, the newest first; active runs show a live progress bar."""
    _require_view(request)
    runs = list(selectors.run_list(user=request.user)[:50])
    figures = selectors.run_figures(user=request.user, runs=runs)
    return render(request, "forecasting/run_list.html", {
        "rows": [(run, figures[run.pk]) for run in runs], "can_run": user_can(request.user, "forecasting", "add"),
    })


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Start an on-demand run (the worker picks it up; the page follows its progress)."""
    if not user_can(request.user, "forecasting", "add"):
        raise PermissionDenied
    horizon = min(max(int(request.POST.get("horizon", 28) or 28), 7), 91)
    run = services.forecast_run_request(actor=request.user, horizon=horizon)
    return redirect(run.get_absolute_url())


def _run(request: HttpRequest, pk: int) -> ForecastRun:
    _require_view(request, hidden=True)
    return get_object_or_404(selectors.run_list(user=request.user), pk=pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    # a run covers the whole company: below company scope only the user's stores' figures are shown
    figures = selectors.run_figures(user=request.user, runs=[run])[run.pk]
    chart = None
    units = figures.accuracy.get(MeasureChoices.UNITS, {})
    if units.get("models"):
        chart = {"data": [{"type": "bar", "x": list(units["models"]), "y": list(units["models"].values()),
                           "marker": {"color": PALETTE[0]}}],
                 "layout": {"title": {"text": _("各模型被选用的商品序列数")}, "height": 300,
                            "margin": {"l": 50, "r": 20, "t": 40, "b": 60}}}
    return render(request, "forecasting/run_detail.html", {"run": run, "figures": figures, "chart": chart})


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar partial that an active run's page polls."""
    run = _run(request, pk)
    response = render(request, "forecasting/_run_progress.html", {"run": run})
    if not run.is_active and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's forecasts in the user's scope as CSV or XLSX."""
    run = _run(request, pk)
    export_format = request.GET.get("format", "csv")
    if export_format not in {"csv", "xlsx"}:
        return HttpResponse(status=400)
    rows = selectors.export_rows(user=request.user, run=run)
    return export_response(export_format, f"forecast-{run.pk}", selectors.EXPORT_HEADER, rows)


@login_required
def store_list(request: HttpRequest) -> HttpResponse:
    """Stores in scope with the latest run's 28-day sales forecast next to the last 28 days' actuals."""
    _require_view(request)
    run = selectors.latest_run(user=request.user)
    rows = []
    if run is not None:
        totals = (ForecastSeries.objects.for_user(request.user)
                  .filter(run=run, product__isnull=True, measure=MeasureChoices.SALES)
                  .select_related("store").order_by("store__code"))
        actual = dict(
            selectors.StoreDaySales.objects.for_user(request.user)
            .filter(date__gt=run.origin - timedelta(days=run.horizon), date__lte=run.origin)
            .values("store_id").annotate(total=Sum("sales_amount")).values_list("store_id", "total")
        )
        for series in totals:
            last = float(actual.get(series.store_id, 0) or 0)
            change = (series.total_forecast / last - 1) if last else None
            rows.append({"series": series, "actual": last, "change": change})
    return render(request, "forecasting/store_list.html", {"run": run, "rows": rows})


def _scoped_store(request: HttpRequest, store_id: int) -> Store:
    _require_view(request, hidden=True)
    return get_object_or_404(Store.objects.for_user(request.user), pk=store_id)


SKU_PAGE_SIZE = 25


@login_required
def store_forecast(request: HttpRequest, store_id: int) -> HttpResponse:
    """One store: sales and customers forecasts with history, and its SKU forecasts ranked by volume."""
    store = _scoped_store(request, store_id)
    run = selectors.latest_run(user=request.user)
    context = {"store": store, "run": run, "charts": [], "skus": [], "totals": []}
    if run is not None:
        series = list(selectors.store_series(user=request.user, run=run, store=store).filter(product__isnull=True))
        for item in series:
            history = selectors.store_history(user=request.user, store=store, measure=item.measure, days=91,
                                              end=run.origin)
            label = item.get_measure_display()
            points = selectors.series_points(user=request.user, series=item)
            context["charts"].append((f"chart-{item.measure}", forecast_band_chart(label, history, points, label)))
            context["totals"].append(item)
        skus = (selectors.store_series(user=request.user, run=run, store=store).filter(product__isnull=False)
                .select_related("product").order_by("-total_forecast", "product__sku"))
        query = request.GET.get("q", "").strip()[:100]
        if query:
            skus = skus.filter(Q(product__sku__icontains=query) | Q(product__name__icontains=query))
        context["skus"] = Paginator(skus, SKU_PAGE_SIZE).get_page(request.GET.get("page"))
        context["q"] = query
    return render(request, "forecasting/store_forecast.html", context)


@login_required
def sku_forecast(request: HttpRequest, store_id: int, product_id: int) -> HttpResponse:
    """One store x SKU: units history (stockout days marked), forecast and band, model and its error."""
    store = _scoped_store(request, store_id)
    run = selectors.latest_run(user=request.user)
    if run is None:
        raise Http404
    series = get_object_or_404(
        selectors.store_series(user=request.user, run=run, store=store), product_id=product_id,
        measure=MeasureChoices.UNITS,
    )
    history = selectors.sku_history(user=request.user, store=store, product_id=product_id, days=91, end=run.origin)
    points = selectors.series_points(user=request.user, series=series)
    chart = forecast_band_chart(str(series.product), history, points, _("件/天"))
    return render(request, "forecasting/sku_forecast.html", {
        "store": store, "run": run, "series": series, "chart": chart, "points": points,
    })
