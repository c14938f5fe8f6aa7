"""The week error: how validation errors add up over seven days, the replenishment plan's forecast error."""

import numpy as np
import pytest

from opsdesk.engine.forecast import forecast
from opsdesk.engine.forecast.auto import week_error
from opsdesk.engine.forecast.panel import SeriesPanel


def test_week_error_by_hand_persistent_alternating_error_free_unobserved_and_sparse_series():
    # given: one validation window of 8 days, so two runs of 7 days (days 0-6 and 1-7) per series:
    # 0: +1 every day (persists: sums 7 and 7); 1: +1, -1, ... (cancels: sums +1 and -1); 2: no error;
    # 3: nothing observed; 4: +2 on day 0 only, the rest unobserved (one observed day in the first run)
    residual = np.full((5, 1, 8), np.nan)
    residual[0, 0] = 1.0
    residual[1, 0] = [1, -1, 1, -1, 1, -1, 1, -1]
    residual[2, 0] = 0.0
    residual[4, 0, 0] = 2.0
    # when
    shrunk = week_error(residual)
    own = week_error(residual, shrink=0.0)
    # then: variance of the sums per observed day over one day's: 98 / 14 / 1 = 7, 2 / 14 / 1 = 1/7, 4 / 1 / 4 = 1;
    # pooled (7 + 1/7 + 4) / (1 + 1 + 4) = 13/7; each series' ratio is mixed half and half with it
    pooled = (7 + 1 / 7 + 4) / 6
    assert own[[0, 1, 4]] == pytest.approx([np.sqrt(7), np.sqrt(1 / 7), 2.0], abs=1e-12)
    assert shrunk[[0, 1, 4]] == pytest.approx(
        [np.sqrt(3.5 + pooled / 2), np.sqrt(1 / 14 + pooled / 2), np.sqrt(4 * (0.5 + pooled / 2))], abs=1e-12)
    assert shrunk[1] == pytest.approx(1.0, abs=1e-12)
    assert shrunk[2] == 0.0
    assert own[2] == 0.0
    assert np.isnan(shrunk[3])
    assert np.isnan(own[3])


def test_week_error_of_independent_errors_is_the_rmse_and_of_a_missed_level_grows_with_the_week():
    # given: 400 series, two windows of 28 days: independent N(0, 2) errors, then the same plus a level missed by
    # 1.5 for a whole window (a different sign in each)
    rng = np.random.default_rng(3)
    noise = rng.normal(0.0, 2.0, (400, 2, 28))
    level = 1.5 * np.sign(rng.normal(size=(400, 2, 1)))
    # when
    independent, persistent = week_error(noise), week_error(noise + level)
    rmse = np.sqrt((noise ** 2).mean(axis=(1, 2)))
    # then: independent days add up as the plan assumes (ratio 1 within sampling error); a level missed for the
    # week adds 7 x 1.5^2 per day to the sums' variance: (4 + 7 x 2.25) / (4 + 2.25) = 3.16 times one day's
    assert np.median(independent / rmse) == pytest.approx(1.0, abs=0.06)
    ratio = (persistent ** 2).sum() / ((noise + level) ** 2).mean(axis=(1, 2)).sum()
    assert ratio == pytest.approx((4 + 7 * 2.25) / (4 + 2.25), rel=0.06)


def test_the_forecast_result_carries_the_week_error_of_the_chosen_models_validation():
    # given: 30 series of weekly-patterned Poisson demand, 200 days
    rng = np.random.default_rng(5)
    n, t = 30, 200
    rate = rng.uniform(2, 20, n)[:, None] * (1 + 0.3 * (np.arange(t) % 7 == 5))[None, :]
    y = rng.poisson(rate).astype(np.float64)
    panel = SeriesPanel(ids=np.arange(n), indptr=np.arange(n + 1) * t, y=y.ravel(),
                        start=np.full(n, np.datetime64("2024-01-01")), available=np.ones(n * t, dtype=bool))
    # when
    result = forecast(panel, 28, quantiles=(0.1, 0.5, 0.9), keep_validation=True, models="statistical")
    # then: the week error is the one measured on the kept validation forecasts and actuals
    expected = week_error(result.validation_actual - result.validation)
    assert result.week_error.shape == (n,)
    assert result.week_error == pytest.approx(expected, abs=1e-9)
    assert np.all(result.week_error > 0)
