"""Pages of the sales explorer: measures by dimensions with comparisons, pivot, drill-down, charts, saved views and
export. Every figure comes from `explorer.sales_explore` (DuckDB over the user's stores); nothing aggregates the ORM."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core import formatting
from opsdesk.core.charts import bar_chart, line_chart
from opsdesk.core.exports import export_response
from opsdesk.core.permissions import user_can
from opsdesk.engine.salescube import COMPARISONS, MEASURES, CubeQuery
from opsdesk.sales import explorer, services
from opsdesk.sales.models import SavedExplorerView

AREA = "facts"
TOP_ROWS = 500  # rows shown (the export holds all)


def _check(request: HttpRequest) -> None:
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied


def treemap_chart(title: str, labels: list[str], values: list[float]) -> dict:
    """A treemap of shares (category mix)."""
    return {"data": [{"type": "treemap", "labels": labels, "parents": [""] * len(labels), "values": values,
                      "textinfo": "label+percent root"}],
            "layout": {"title": {"text": title, "font": {"size": 14}}, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
                       "height": 320}}


def _charts(request, query: CubeQuery) -> dict:
    measure = query.measures[0]
    label = str(explorer.MEASURE_LABELS[measure])
    days = (query.end - query.start).days + 1
    trend_dimension = "month" if days > 366 else "week" if days > 14 else "weekday"
    trend = explorer.sales_explore(user=request.user, query=CubeQuery(
        query.start, query.end, (measure,), (trend_dimension,), query.filters,
        ("last_year",) if "last_year" in query.compare else ())).rows
    trend.sort(key=lambda row: row[f"{trend_dimension}_key"])
    series = {label: [row[measure] for row in trend]}
    if "last_year" in query.compare:
        series[str(explorer.COMPARISON_LABELS["last_year"])] = [row[f"{measure}_last_year"] for row in trend]
    charts = {"chart-trend": line_chart(_("趋势"), [row[trend_dimension] for row in trend], series, label)}
    mix = explorer.sales_explore(user=request.user, query=CubeQuery(
        query.start, query.end, ("revenue",), ("category",), query.filters)).rows
    charts["chart-mix"] = treemap_chart(_("品类结构（销售额）"), [row["category"] or "—" for row in mix],
                                        [row["revenue"] or 0 for row in mix])
    return charts


def _pivot(result, query: CubeQuery) -> dict | None:
    """Rows = first dimension, columns = second, values = first measure."""
    if len(query.dimensions) != 2:
        return None
    first, second = query.dimensions
    measure = query.measures[0]
    columns: dict = {}
    rows: dict = {}
    for row in result.rows:
        columns.setdefault(row[f"{second}_key"], row[second])
        entry = rows.setdefault(row[f"{first}_key"], {"label": row[first], "key": row[f"{first}_key"], "cells": {}})
        entry["cells"][row[f"{second}_key"]] = row[measure]
    ordered = sorted(columns)
    show = _cell_format(measure, query)
    return {"columns": [columns[key] for key in ordered],
            "rows": [{**entry, "values": [show(entry["cells"].get(key)) for key in ordered]}
                     for entry in rows.values()]}


def _drill_links(query: CubeQuery, rows: list[dict]) -> list[str]:
    if not query.dimensions:
        return []
    dimension = query.dimensions[0]
    following = explorer.DRILL.get(dimension)
    base = [(k, v) for k, v in explorer.query_params(query) if k != "dimension"]
    links = []
    for row in rows:
        params = [*base, (f"f_{dimension}", str(row[f"{dimension}_key"]))]
        params += [("dimension", following)] if following else []
        links.append("?" + urlencode(params))
    return links


@login_required
def explore_page(request: HttpRequest) -> HttpResponse:
    """The explorer: pickers, result table or pivot, drill-down links, charts and saved views."""
    _check(request)
    params = request.GET
    if params.get("view"):
        saved = get_object_or_404(SavedExplorerView.objects.filter(user=request.user), pk=params["view"])
        return redirect(f"{request.path}?{urlencode(saved.params, doseq=True)}")
    try:
        query = explorer.query_from_params(params, user=request.user)
    except (ValueError, KeyError) as error:
        return HttpResponseBadRequest(str(error))
    result = explorer.sales_explore(user=request.user, query=query)
    if params.get("export"):
        return _export(params["export"], query, result)
    rows = result.rows[:TOP_ROWS]
    columns = explorer.result_columns(query)
    shown = [_cell_format(name, query) for name, _heading in columns]
    table = [{"cells": [show(row.get(name)) for show, (name, _heading) in zip(shown, columns, strict=True)],
              "link": link}
             for row, link in zip(rows, _drill_links(query, rows) or [""] * len(rows), strict=True)]
    charts = _charts(request, query) if rows else {}
    if query.dimensions and rows:
        dimension, measure = query.dimensions[0], query.measures[0]
        top = rows[:20]
        charts["chart-bar"] = bar_chart(str(explorer.MEASURE_LABELS[measure]), [r[dimension] for r in top],
                                        [r[measure] for r in top])
    context = {
        "query": query, "columns": columns, "table": table, "pivot": _pivot(result, query), "charts": charts,
        "row_count": result.table.num_rows, "measures": [(m, explorer.MEASURE_LABELS[m]) for m in MEASURES],
        "dimensions": list(explorer.DIMENSION_LABELS.items()),
        "comparisons": [(c, explorer.COMPARISON_LABELS[c]) for c in COMPARISONS],
        "querystring": urlencode(explorer.query_params(query)),
        "saved_views": SavedExplorerView.objects.filter(user=request.user),
        "filters": [(explorer.DIMENSION_LABELS[name], values) for name, values in query.filters.items()],
    }
    return render(request, "sales/explorer.html", context)


MONEY_DIGITS = {"revenue": 2, "margin": 2, "price": 2, "basket": 2}  # an analyst's table: to the cent


def _cell_format(name: str, query):
    """How a result column reads on the page, in the user's language: a dimension as it is (— when empty), money with
    its currency and separators, units and transactions as counts, the margin as a percentage (exports keep raw
    numbers)."""
    if name in query.dimensions:
        return lambda value: value if value not in (None, "") else "—"
    base = next((name.removesuffix(suffix) for suffix in ("_last_year", "_target", "_forecast")
                 if name.endswith(suffix)), name)
    if base in MONEY_DIGITS:
        digits = MONEY_DIGITS[base]
        return lambda value: "—" if value is None else formatting.money(value, digits=digits)
    if base == "margin_percent":
        return lambda value: "—" if value is None else formatting.percent(value, 1)
    if base == "units_per_transaction":
        return lambda value: "—" if value is None else formatting.decimal(value, 2)
    return lambda value: "—" if value is None else formatting.decimal(value, 0)


def _export(export_format: str, query: CubeQuery, result) -> HttpResponse:
    columns = explorer.result_columns(query)
    rows = ([row.get(name) for name, _heading in columns] for row in result.rows)
    try:
        return export_response(export_format, "sales-explorer", [heading for _name, heading in columns], rows)
    except ValueError:
        return HttpResponseBadRequest("export must be csv or xlsx")


@login_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the current explorer query under a name (the user's own list)."""
    _check(request)
    name = request.POST.get("name", "").strip()[:100]
    querystring = request.POST.get("querystring", "")
    if not name:
        return HttpResponseBadRequest("name is required")
    params = QueryDict(querystring)
    try:
        explorer.query_from_params(params, user=request.user)
    except (ValueError, KeyError) as error:
        return HttpResponseBadRequest(str(error))
    services.explorer_view_save(actor=request.user, name=name, params={k: params.getlist(k) for k in params})
    return redirect(f"{reverse('sales:explore')}?{querystring}")


@login_required
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the user's saved views (another user's reads as absent)."""
    if not user_can(request.user, AREA, "view"):  # an object route: not permitted reads as absent
        raise Http404
    saved = get_object_or_404(SavedExplorerView.objects.filter(user=request.user), pk=pk)
    services.explorer_view_delete(actor=request.user, view=saved)
    return redirect("sales:explore")
