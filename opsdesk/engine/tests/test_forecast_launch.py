"""Issue 20, ninth pass: launches are forecast from how the panel's past launches went on after their first days."""

import numpy as np
import pytest

from opsdesk.engine.forecast import MovingAverage, SeriesPanel, forecast
from opsdesk.engine.forecast.launch import LAUNCH_MIN, first_days, launch_factors
from opsdesk.engine.forecast.panel import history_span

START = np.datetime64("2024-01-01")
ORIGIN = np.datetime64("2024-06-30")  # day 181 of the data


def _panel(n_past: int = 40, extra: dict | None = None) -> SeriesPanel:
    """An anchor selling 1 a day from the data start, ``n_past`` launches on days 40.. (100 units on their first day,
    5 a day after), a launch on the origin (100) and one three days old (100, 5, 5); ``extra``: id -> (first day,
    values)."""
    series = {"anchor": (0, [1.0] * 182)}
    for k in range(n_past):
        first = 40 + k
        series[f"past{k:02d}"] = (first, [100.0] + [5.0] * (181 - first))
    series["young1"] = (181, [100.0])
    series["young3"] = (179, [100.0, 5.0, 5.0])
    series.update(extra or {})
    ids, days, values = [], [], []
    for name, (first, ys) in series.items():
        ids += [name] * len(ys)
        days += [START + np.timedelta64(first + i, "D") for i in range(len(ys))]
        values += ys
    return SeriesPanel.from_long(np.array(ids), np.array(days), np.array(values), end=ORIGIN, missing="zero")


def _factor(panel: SeriesPanel, name: str, factors: np.ndarray) -> float:
    return float(factors[list(panel.ids).index(name)])


def test_launches_take_the_ratio_of_past_launches_later_sales_to_their_first_days():
    # given past launches that sold 100 on their first day and 5 a day after
    panel = _panel()
    # when
    factors, summary = launch_factors(panel, history_span(panel), 7)
    # then the launch of the origin day is scaled by 5 / 100, the three-day-old one by 5 / ((100 + 5 + 5) / 3);
    # the anchor and the past launches (older than 28 days) keep their forecasts
    assert _factor(panel, "young1", factors) == pytest.approx(0.05)
    assert _factor(panel, "young3", factors) == pytest.approx(5 / (110 / 3))
    assert _factor(panel, "anchor", factors) == 1.0
    assert _factor(panel, "past00", factors) == 1.0
    assert summary["series"] == 2
    assert summary["past_launches"] == 40
    assert summary["ratio"][0] == pytest.approx(0.05)
    assert summary["ratio"][2] == pytest.approx(0.1364, abs=1e-4)


def test_too_few_past_launches_leave_the_forecasts_alone():
    panel = _panel(n_past=LAUNCH_MIN - 1)
    factors, summary = launch_factors(panel, history_span(panel), 7)
    assert (factors == 1.0).all()
    assert summary == {"series": 2, "past_launches": LAUNCH_MIN - 1, "ratio": [1.0] * 27}


def test_a_series_that_starts_with_the_data_is_no_launch_and_no_panel_without_launches_is_touched():
    # given only series that start in the first 28 days of the data (the data starting, not the product)
    ids = np.array(["a"] * 10 + ["b"] * 5)
    days = np.concatenate([START + np.arange(10).astype("timedelta64[D]"),
                           START + np.arange(20, 25).astype("timedelta64[D]")])
    panel = SeriesPanel.from_long(ids, days, np.full(15, 3.0))
    # then
    assert launch_factors(panel, history_span(panel), 7) is None
    assert first_days(panel, history_span(panel)).tolist() == [0, 20]


def test_unavailable_days_count_neither_in_a_launch_nor_in_what_followed():
    # given a further past launch whose second day was a stock-out (unavailable)
    panel = _panel(extra={"gap": (30, [100.0, np.nan] + [5.0] * 150)})
    assert not panel.available[panel.indptr[list(panel.ids).index("gap")] + 1]
    # when
    factors, summary = launch_factors(panel, history_span(panel), 7)
    # then it counts among the past launches with the same ratio: its gap is left out of both means
    assert summary["past_launches"] == 41
    assert _factor(panel, "young1", factors) == pytest.approx(0.05)


def test_forecast_scales_a_launch_and_reports_it():
    panel = _panel()
    corrected = forecast(panel, 7, models=[MovingAverage(28)])
    plain = forecast(panel, 7, models=[MovingAverage(28)], launch_correction=False)
    row = list(panel.ids).index("young1")
    np.testing.assert_allclose(plain.mean[row], 100.0)
    np.testing.assert_allclose(corrected.mean[row], 5.0)
    old = list(panel.ids).index("past05")
    np.testing.assert_allclose(corrected.mean[old], plain.mean[old])
    assert corrected.params["choices"]["launches"]["series"] == 2
    assert "launches" not in plain.params["choices"]


def test_a_series_begins_on_its_first_available_day():
    # given a series whose first two rows are unavailable (e.g. out of stock), one all unavailable, one plain
    ids = np.array(["a", "a", "a", "a", "b", "b", "c"])
    days = START + np.array([3, 4, 5, 6, 0, 1, 2]).astype("timedelta64[D]")
    y = np.array([np.nan, np.nan, 2.0, 1.0, np.nan, np.nan, 4.0])
    panel = SeriesPanel.from_long(ids, days, y, end=START + np.timedelta64(9, "D"))
    # then its first day is the first available one; a series with none has the matrix's width
    assert first_days(panel, history_span(panel)).tolist() == [5, 10, 2]
