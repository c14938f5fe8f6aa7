"""Top-level forecast(): model choice, intervals, closures, Arrow output, calendar features."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.forecast import (
    FutureCovariates,
    MovingAverage,
    SeasonalNaive,
    SeriesPanel,
    calendar_features,
    forecast,
    prediction_quantiles,
)
from opsdesk.engine.forecast.auto import row_quantiles

from .test_forecast_models import make_panel


def test_forecast_result_shapes_names_and_dates():
    # given
    panel = make_panel(n_series=8, n_days=150)
    # when
    result = forecast(panel, 14, models="statistical", quantiles=(0.9, 0.1, 0.5))
    # then
    assert result.mean.shape == (8, 14)
    assert sorted(result.quantiles) == [0.1, 0.5, 0.9]
    assert set(result.model) <= set(result.params["candidates"])
    assert result.validation_error.shape == (8,)
    assert np.isfinite(result.validation_error).all()
    assert result.dates[0] == panel.end.max() + np.timedelta64(1, "D")
    assert result.params["n_windows"] == 2


def test_auto_with_global_model_and_closures():
    # given a panel with promotions and a planned closure on day 3 for every series
    panel = make_panel(n_series=10, n_days=160, seed=3)
    is_open = np.ones((10, 14))
    is_open[:, 3] = 0
    future = FutureCovariates(open=is_open, promo=np.zeros((10, 14)))
    # when
    result = forecast(panel, 14, future=future, gbm_params={"n_estimators": 20, "num_leaves": 7})
    # then
    assert "gbm" in result.params["candidates"]
    assert (result.mean[:, 3] == 0).all()
    assert all((values[:, 3] == 0).all() for values in result.quantiles.values())
    assert (result.mean[:, [0, 1, 2]] > 0).all()


def test_model_choice_follows_validation_error():
    # given series that repeat a weekly pattern exactly: seasonal naive is perfect, a moving average is not
    days = np.arange(84)
    y = np.tile((days % 7 + 1.0) * 10, 3)
    ids = np.repeat(np.arange(3), 84)
    panel = SeriesPanel.from_long(ids, np.tile(np.datetime64("2024-01-01") + days, 3), y)
    # when
    result = forecast(panel, 7, models=[MovingAverage(28), SeasonalNaive()])
    # then
    assert result.model.tolist() == ["seasonal_naive"] * 3
    assert result.validation_error.tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_array_equal(result.mean[0], y[77:84])


def test_to_arrow_is_long_format():
    # given
    result = forecast(make_panel(n_series=3, n_days=100), 5, models="statistical", quantiles=(0.05, 0.95))
    # when
    table = result.to_arrow()
    # then
    assert table.column_names == ["series_id", "date", "forecast", "q5", "q95", "model"]
    assert table.num_rows == 15
    assert table.column("forecast").to_pylist() == result.mean.ravel().tolist()


def test_invalid_quantiles_are_rejected():
    with pytest.raises(ValueError, match="quantiles"):
        forecast(make_panel(n_series=2), 7, quantiles=(0.5, 1.0))


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), unavailable=st.floats(0, 0.6),
       levels=st.lists(st.floats(0.01, 0.99), min_size=1, max_size=4, unique=True))
def test_quantiles_are_ordered_and_non_negative(seed, unavailable, levels):
    # given
    panel = make_panel(n_series=4, n_days=80, seed=seed, unavailable_share=unavailable)
    # when
    result = forecast(panel, 7, models="statistical", quantiles=tuple(levels))
    # then
    stacked = np.stack([result.quantiles[q] for q in sorted(levels)])
    assert (stacked >= 0).all()
    assert (np.diff(stacked, axis=0) >= 0).all()
    assert (result.mean >= 0).all()


def test_prediction_quantiles_from_residuals_by_hand():
    # given one series, flat residual profile: residuals -2, -1, 0, 1, 2 repeated over two windows of 5 days
    residual = np.stack([np.array([-2.0, -1, 0, 1, 2]), np.array([2.0, 1, 0, -1, -2])])[None]
    mean = np.full((1, 5), 10.0)
    # when
    low, middle, high = prediction_quantiles(mean, residual, (0.25, 0.5, 0.75))
    # then: every horizon step has the same spread, so the profile is flat and quantiles are 10 -1, 10, 10 + 1
    np.testing.assert_allclose(low, 9.0)
    np.testing.assert_allclose(middle, 10.0)
    np.testing.assert_allclose(high, 11.0)


def test_row_quantiles_ignore_nan():
    # given
    values = np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4])
    # when
    out, count = row_quantiles(values, (0.0, 0.5, 1.0))
    # then
    assert out[0].tolist() == [1.0, 2.0, 3.0]
    assert np.isnan(out[1]).all()
    assert count.tolist() == [3, 0]


def test_calendar_features_and_spring_festival():
    # given Chinese New Year 2024 fell on 2024-02-10 (a Saturday)
    dates = np.array(["2024-02-09", "2024-02-10", "2024-02-12", "2024-05-20"], dtype="datetime64[D]")
    # when
    features = calendar_features(dates, country="CN", events=np.array(["2024-05-21"], dtype="datetime64[D]"))
    # then
    assert features["dow"].tolist() == [4, 5, 0, 0]
    assert features["month"].tolist() == [2, 2, 2, 5]
    assert features["day_of_month"].tolist() == [9, 10, 12, 20]
    assert features["spring_festival"][:3].tolist() == [-1, 0, 2]
    assert np.isnan(features["spring_festival"][3])
    assert features["is_holiday"].tolist() == [0, 1, 1, 0]
    assert features["days_to_holiday"][3] == 1  # the company event on 2024-05-21


def test_history_too_short_for_validation_still_forecasts():
    # given 10 days of history and a 7-day horizon: no validation window fits
    panel = make_panel(n_series=3, n_days=10)
    # when
    result = forecast(panel, 7, models="statistical")
    # then
    assert result.params["n_windows"] == 0
    assert result.mean.shape == (3, 7)
    assert np.isnan(result.validation_error).all()
    np.testing.assert_array_equal(result.quantiles[0.1], result.mean)
