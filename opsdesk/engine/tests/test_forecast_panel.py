"""SeriesPanel construction and the dense matrix view."""

import numpy as np
import pyarrow as pa
import pytest

from opsdesk.engine.forecast import FutureCovariates, SeriesPanel
from opsdesk.engine.forecast.panel import to_dense


def _days(*isoformats):
    return np.array(isoformats, dtype="datetime64[D]")


def test_from_long_sorts_fills_gaps_as_unavailable_and_sums_duplicates():
    # given unsorted rows, a gap on 01-03 for "b" and a duplicate row for "a" on 01-02
    ids = np.array(["b", "a", "a", "b", "a"])
    dates = _days("2024-01-04", "2024-01-02", "2024-01-01", "2024-01-02", "2024-01-02")
    y = np.array([4.0, 2.0, 1.0, 3.0, 5.0])
    # when
    panel = SeriesPanel.from_long(ids, dates, y, promo=np.array([1, 0, 0, 1, 1]))
    # then
    assert panel.ids.tolist() == ["a", "b"]
    assert panel.indptr.tolist() == [0, 2, 5]
    assert panel.start.tolist() == _days("2024-01-01", "2024-01-02").tolist()
    assert panel.y.tolist() == [1.0, 7.0, 3.0, 0.0, 4.0]
    assert panel.available.tolist() == [True, True, True, False, True]
    assert panel.promo.tolist() == [0.0, 1.0, 1.0, 0.0, 1.0]


def test_from_long_missing_zero_and_end_extend_series_with_zero_demand():
    # given daily sales rows of two SKUs (no row = no sale)
    ids = np.array([1, 2])
    dates = _days("2024-01-01", "2024-01-02")
    # when
    panel = SeriesPanel.from_long(ids, dates, np.array([3.0, 5.0]), end=np.datetime64("2024-01-03"),
                                  missing="zero")
    # then
    assert panel.lengths.tolist() == [3, 2]
    assert panel.y.tolist() == [3.0, 0.0, 0.0, 5.0, 0.0]
    assert panel.available.all()


def test_nan_demand_is_unavailable():
    # given
    panel = SeriesPanel.from_long(np.array([1, 1]), _days("2024-01-01", "2024-01-02"), np.array([np.nan, 2.0]))
    # then
    assert panel.available.tolist() == [False, True]
    assert panel.y.tolist() == [0.0, 2.0]


def test_from_arrow_matches_from_long():
    # given
    table = pa.table({"sku": ["x", "x", "y"], "day": _days("2024-01-01", "2024-01-02", "2024-01-02"),
                      "units": [1.0, 2.0, 3.0], "on_promo": [0, 1, 1]})
    # when
    panel = SeriesPanel.from_arrow(table, id_column="sku", date_column="day", y_column="units",
                                   covariate_columns={"promo": "on_promo"})
    # then
    assert panel.ids.tolist() == ["x", "y"]
    assert panel.y.tolist() == [1.0, 2.0, 3.0]
    assert panel.promo.tolist() == [0.0, 1.0, 1.0]


def test_invalid_inputs_are_rejected():
    # then
    with pytest.raises(ValueError, match="indptr"):
        SeriesPanel(ids=np.arange(2), indptr=np.array([0, 1]), y=np.zeros(1), start=_days("2024-01-01", "2024-01-01"),
                    available=np.ones(1, bool))
    with pytest.raises(ValueError, match="unknown covariates"):
        SeriesPanel.from_long(np.array([1]), _days("2024-01-01"), np.array([1.0]), weather=np.array([1.0]))


def test_to_dense_aligns_series_at_the_common_last_date():
    # given series "a" over 3 days and "b" over the last 2 days with an unavailable first day
    panel = SeriesPanel(ids=np.array(["a", "b"]), indptr=np.array([0, 3, 5]), y=np.array([1.0, 2.0, 3.0, 9.0, 5.0]),
                        start=_days("2024-01-01", "2024-01-02"), available=np.array([1, 1, 1, 0, 1], bool),
                        open=np.array([1, 1, 1, 0, 1]))
    # when
    dense = to_dense(panel)
    # then
    assert dense.dates.tolist() == _days("2024-01-01", "2024-01-02", "2024-01-03").tolist()
    np.testing.assert_array_equal(dense.y, [[1.0, 2.0, 3.0], [np.nan, np.nan, 5.0]])
    np.testing.assert_array_equal(dense.covariates["open"], [[1, 1, 1], [0, 0, 1]])
    assert dense.first.tolist() == [0, 2]


def test_subset_and_future_subset_keep_rows():
    # given
    panel = SeriesPanel.from_long(np.array([1, 2, 3]), _days("2024-01-01", "2024-01-01", "2024-01-02"),
                                  np.array([1.0, 2.0, 3.0]), promo=np.array([0, 1, 0]))
    future = FutureCovariates(open=np.array([[1, 0], [1, 1], [0, 0]]))
    # when
    part = panel.subset(slice(1, 3))
    # then
    assert part.ids.tolist() == [2, 3]
    assert part.y.tolist() == [2.0, 3.0]
    assert part.promo.tolist() == [1.0, 0.0]
    assert future.subset(slice(1, 3)).open.tolist() == [[1.0, 1.0], [0.0, 0.0]]
