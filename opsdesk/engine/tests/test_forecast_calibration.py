"""Outlier capping, the selection criterion and calibrated prediction intervals of ``forecast``."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.forecast import MovingAverage, SeriesPanel, forecast, prediction_quantiles
from opsdesk.engine.forecast.auto import INTERVAL_WIDENING, row_quantiles, validation_errors
from opsdesk.engine.forecast.kernels import clip_outliers

from .test_forecast_models import MONDAY, make_panel


def test_clip_outliers_caps_at_tukeys_far_fence_of_positive_values_before_the_origin():
    # given one series with positive values 1..8, a zero and an unavailable day before the origin (column 10), a
    # spike after it; and one series with only four positive values
    y = np.array([[1, 2, 3, 4, 0, 5, 6, np.nan, 7, 8, 90, 3],
                  [0, 0, 50, 0, 1, 0, 2, 0, 3, 0, 0, 0]], dtype=np.float32)
    # when
    capped = clip_outliers(y, origin=10, fence=3.0)
    # then the cap is Q3 + 3 * IQR of 1..8 (numpy's linear quantiles: 6.25 and 2.75) = 16.75
    q1, q3 = np.quantile(np.arange(1.0, 9.0), [0.25, 0.75])
    assert q3 + 3 * (q3 - q1) == 16.75
    np.testing.assert_array_equal(capped[0], [1, 2, 3, 4, 0, 5, 6, np.nan, 7, 8, 16.75, 3])
    np.testing.assert_array_equal(capped[1], y[1])  # too few positive values to judge
    assert capped.dtype == np.float32


def test_clip_outliers_returns_the_input_when_nothing_exceeds_the_cap():
    # given
    y = np.tile(np.arange(1.0, 11.0), (3, 1))
    # when
    capped = clip_outliers(y, origin=10)
    # then
    assert capped is y


def test_outlier_fence_keeps_a_one_off_order_out_of_the_moving_average():
    # given 84 days of 5 units with one wholesale order of 500 on day 65 (before the first validation origin, 70)
    y = np.full(84, 5.0)
    y[65] = 500.0
    panel = SeriesPanel(ids=np.array([0]), indptr=np.array([0, 84]), y=y, start=np.array([MONDAY]),
                        available=np.ones(84, dtype=bool))
    # when
    capped = forecast(panel, 7, models=[MovingAverage(28)], outlier_fence=3.0, level_correction=False)
    raw = forecast(panel, 7, models=[MovingAverage(28)], level_correction=False)
    # then the positive values before day 70 are all 5 (IQR 0), so the order is capped at 5
    np.testing.assert_allclose(capped.mean, 5.0)
    np.testing.assert_allclose(raw.mean, (27 * 5.0 + 500.0) / 28)
    assert capped.params["outlier_fence"] == 3.0
    assert raw.params["outlier_fence"] is None  # the default: a large order is demand too (issue 20)


def test_row_quantiles_finite_sample_positions():
    # given nine values: plain interpolation puts q=0.1 at position 0.8, the conformal rule at 0.1 * 10 - 1 = 0
    values = np.arange(1.0, 10.0)[None, :]
    # when
    plain, _ = row_quantiles(values, (0.1, 0.5, 0.9))
    conformal, count = row_quantiles(values, (0.1, 0.5, 0.9), finite_sample=True)
    # then
    np.testing.assert_allclose(plain[0], [1.8, 5.0, 8.2])
    np.testing.assert_allclose(conformal[0], [1.0, 5.0, 9.0])
    assert count.tolist() == [9]


def test_prediction_quantiles_widening_about_the_median_by_hand():
    # given residuals -2, -1, 0, 1, 2 (twice; flat horizon profile) around a forecast of 10
    residual = np.stack([np.array([-2.0, -1, 0, 1, 2]), np.array([2.0, 1, 0, -1, -2])])[None]
    mean = np.full((1, 5), 10.0)
    # when
    low, middle, high = prediction_quantiles(mean, residual, (0.25, 0.5, 0.75), widening=2.0)
    # then the 25/75 % residual quantiles -1 and +1 are spread twice as far from the median residual 0
    np.testing.assert_allclose(low, 8.0)
    np.testing.assert_allclose(middle, 10.0)
    np.testing.assert_allclose(high, 12.0)


def test_validation_errors_rmse_mae_by_hand():
    # given one series, two candidates: residuals (3, 3, 3, 3) and (0, 0, 0, 8)
    actual = np.zeros((1, 2, 2))
    first = np.full((1, 2, 2), -3.0)
    second = np.array([[[0.0, 0.0], [0.0, -8.0]]])
    # when
    mse = validation_errors([first, second], actual, "mse")
    mixed = validation_errors([first, second], actual, "rmse_mae")
    # then RMSE 3 and 4 (mean 3.5), MAE 3 and 2 (mean 2.5)
    np.testing.assert_allclose(mse, [[9.0, 16.0]])
    np.testing.assert_allclose(mixed, [[0.5 * (3 / 3.5 + 3 / 2.5), 0.5 * (4 / 3.5 + 2 / 2.5)]])


def test_unknown_criterion_is_rejected():
    with pytest.raises(ValueError, match="criterion"):
        forecast(make_panel(n_series=2), 7, criterion="mape")


def test_default_widening_is_recorded_and_widens_the_band():
    # given
    panel = make_panel(n_series=5, n_days=120, seed=4)
    # when
    calibrated = forecast(panel, 14, models="statistical", intervals="residual")
    raw = forecast(panel, 14, models="statistical", intervals="residual", interval_widening=1.0)
    # then the point forecast is the same and the band is wider wherever it is not clipped at 0
    assert calibrated.params["interval_widening"] == INTERVAL_WIDENING == 1.15
    np.testing.assert_array_equal(calibrated.mean, raw.mean)
    assert (calibrated.quantiles[0.9] >= raw.quantiles[0.9]).all()
    assert (calibrated.quantiles[0.1] <= raw.quantiles[0.1]).all()
    assert (calibrated.quantiles[0.9] - calibrated.quantiles[0.1]).sum() > (
        raw.quantiles[0.9] - raw.quantiles[0.1]).sum()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), criterion=st.sampled_from(["mse", "rmse_mae"]),
       widening=st.floats(0.5, 3.0), fence=st.sampled_from([None, 1.0, 3.0]))
def test_calibrated_quantiles_are_ordered_and_non_negative(seed, criterion, widening, fence):
    # given
    panel = make_panel(n_series=4, n_days=90, seed=seed, unavailable_share=0.2)
    # when
    result = forecast(panel, 7, models="statistical", criterion=criterion, interval_widening=widening,
                      outlier_fence=fence)
    # then
    stacked = np.stack([result.quantiles[q] for q in (0.1, 0.5, 0.9)])
    assert (stacked >= 0).all()
    assert (np.diff(stacked, axis=0) >= 0).all()
    assert (result.mean >= 0).all()
    assert not np.isnan(result.mean).any()
