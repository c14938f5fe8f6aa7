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
