"""Plotly figure specs built as plain dicts (rendered client-side by the locally served plotly.min.js)."""

from __future__ import annotations

from collections.abc import Sequence

PALETTE = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#6c757d"]


def _layout(title: str, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
        "height": 320,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.2},
    }
    layout.update(extra)
    # Axis labels are never cut: Plotly widens the margins to fit them (long store and supplier names).
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {"automargin": True, **layout.get(axis, {})}
    return layout


def line_chart(title: str, x: Sequence, series: dict[str, Sequence], y_title: str = "", *,
               secondary: dict[str, Sequence] | None = None, secondary_title: str = "") -> dict:
    """A line chart: one trace per named series over a shared x axis; `secondary` series (another unit, e.g.
    customers beside sales) go on a right-hand axis of their own, dotted, so they are never read on the first."""
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": name,
            "x": list(x),
            "y": list(values),
            "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
        }
        for i, (name, values) in enumerate(series.items())
    ]
    extra = {}
    if secondary:
        start = len(data)
        data += [{"type": "scatter", "mode": "lines", "name": name, "x": list(x), "y": list(values), "yaxis": "y2",
                  "line": {"color": PALETTE[(start + i) % len(PALETTE)], "width": 1.5, "dash": "dot"}}
                 for i, (name, values) in enumerate(secondary.items())]
        extra["yaxis2"] = {"title": {"text": secondary_title}, "overlaying": "y", "side": "right",
                           "rangemode": "tozero", "showgrid": False, "automargin": True}
    return {"data": data, "layout": _layout(title, yaxis={"title": {"text": y_title}}, **extra)}


def small_multiples_chart(title: str, x: Sequence, series: dict[str, Sequence], *, reference: tuple | None = None,
                          y_range: tuple[float, float] | None = None, columns: int = 5) -> dict:
    """One small panel per series (same axes, so panels compare at a glance) instead of one chart of many lines
    with repeated colours; `reference` = (name, values) is drawn grey in every panel (e.g. the average).

    Args:
        x: the shared x values, shape (n,).
        series: panel title -> values of shape (n,) (None for a gap).
        reference: (legend name, values of shape (n,)) or None.
        y_range: the fixed y range of every panel, else each panel's own.
    """
    names = list(series)
    columns = max(1, min(columns, len(names)))
    rows = max(1, -(-len(names) // columns))
    data, annotations, layout = [], [], {}
    for i, name in enumerate(names):
        axis = "" if i == 0 else str(i + 1)
        if reference is not None:
            data.append({"type": "scatter", "mode": "lines", "name": reference[0], "x": list(x),
                         "y": list(reference[1]), "xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": i == 0,
                         "legendgroup": "reference", "line": {"color": "#adb5bd", "width": 1.5}})
        data.append({"type": "scatter", "mode": "lines+markers", "name": name, "x": list(x), "y": list(series[name]),
                     "xaxis": f"x{axis}", "yaxis": f"y{axis}", "showlegend": False, "connectgaps": True,
                     "line": {"color": PALETTE[0], "width": 2}, "marker": {"size": 4}})
        layout[f"xaxis{axis}"] = {"showticklabels": i >= len(names) - columns, "automargin": True,
                                  "tickfont": {"size": 9}}
        layout[f"yaxis{axis}"] = {"automargin": True, "tickfont": {"size": 9},
                                  **({"range": list(y_range)} if y_range else {})}
        annotations.append({"text": name, "xref": f"x{axis} domain", "yref": f"y{axis} domain", "x": 0.5, "y": 1.0,
                            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 11}})
    base = _layout(title, height=max(220, 170 * rows + 70), hovermode="closest", annotations=annotations,
                   grid={"rows": rows, "columns": columns, "pattern": "independent", "ygap": 0.35, "xgap": 0.08},
                   legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"})
    base.update(layout)
    return {"data": data, "layout": base}


def bar_chart(title: str, labels: Sequence, values: Sequence, y_title: str = "", *, horizontal: bool = False
              ) -> dict:
    """A bar chart of one series; `horizontal` for many long labels (supplier or store names): one row each, the
    first label on top, the chart as tall as its rows, so no label is cut or tilted."""
    if horizontal:
        data = [{"type": "bar", "orientation": "h", "y": list(labels), "x": list(values),
                 "marker": {"color": PALETTE[0]}}]
        return {"data": data, "layout": _layout(title, height=max(240, 22 * len(labels) + 90), hovermode="closest",
                                                xaxis={"title": {"text": y_title}},
                                                yaxis={"autorange": "reversed", "tickfont": {"size": 11}})}
    data = [{"type": "bar", "x": list(labels), "y": list(values), "marker": {"color": PALETTE[0]}}]
    return {"data": data, "layout": _layout(title, yaxis={"title": {"text": y_title}}, hovermode="closest")}


def forecast_band_chart(title: str, history: Sequence[tuple], points: Sequence[dict], y_title: str = "") -> dict:
    """History line, forecast line and the 10-90 % prediction band; stock-out days marked on the axis.

    Args:
        history: (date, value) or (date, value, is_stockout) tuples, oldest first.
        points: dicts with date, forecast, lower and upper, oldest first.
    """
    from django.utils.translation import gettext as _

    x_future = [p["date"].isoformat() for p in points]
    data = [
        {"type": "scatter", "mode": "lines", "name": _("实际"), "x": [row[0].isoformat() for row in history],
         "y": [row[1] for row in history], "line": {"color": "#495057", "width": 1.5}},
        {"type": "scatter", "mode": "lines", "name": _("上限"), "x": x_future, "y": [p["upper"] for p in points],
         "line": {"width": 0}, "showlegend": False},
        {"type": "scatter", "mode": "lines", "name": _("预测区间 (10%–90%)"), "x": x_future,
         "y": [p["lower"] for p in points], "fill": "tonexty", "fillcolor": "rgba(13,110,253,0.18)",
         "line": {"width": 0}},
        {"type": "scatter", "mode": "lines", "name": _("预测"), "x": x_future, "y": [p["forecast"] for p in points],
         "line": {"color": PALETTE[0], "width": 2.5}},
    ]
    stockouts = [row[0].isoformat() for row in history if len(row) > 2 and row[2]]
    if stockouts:
        data.append({"type": "scatter", "mode": "markers", "name": _("缺货日"), "x": stockouts,
                     "y": [0] * len(stockouts), "marker": {"color": "#dc3545", "symbol": "x", "size": 7}})
    layout = _layout(title, height=360, yaxis={"title": {"text": y_title}, "rangemode": "tozero"},
                     legend={"orientation": "h", "y": -0.15})
    return {"data": data, "layout": layout}
