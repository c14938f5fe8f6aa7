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


def line_chart(title: str, x: Sequence, series: dict[str, Sequence], y_title: str = "") -> dict:
    """A line chart: one trace per named series over a shared x axis."""
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
    return {"data": data, "layout": _layout(title, yaxis={"title": {"text": y_title}})}


def bar_chart(title: str, labels: Sequence, values: Sequence, y_title: str = "") -> dict:
    """A bar chart of one series."""
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
