"""Issue 20: the yearly features of the global model and the level correction are used only where they validate."""

import numpy as np
import pytest

from opsdesk.engine.forecast import SeriesPanel, forecast
from opsdesk.engine.forecast.auto import YEARLY_MARGIN, choose, gate_level, gate_yearly

SMALL_GBM = {"n_estimators": 120, "num_leaves": 31}


# ---------------------------------------------------------------- the model choice by hand
@pytest.mark.parametrize(("observed", "expected"), [
    (None, 1),  # own relative errors [1.98, 0.02] at weight 0.2 against the panel's [0.80, 1.20]: 0.97 < 1.03
    ([84, 84, 84, 84, 84], 1),  # observed like the median series: the same
    ([84, 84, 84, 84, 42], 0),  # half the days, weight 0.1: 0.91 against 1.09
    ([84, 84, 84, 84, 2], 0),  # two days (a store whose data stopped before the windows): the panel's choice
])
def test_choose_trusts_a_series_own_errors_by_the_days_it_was_observed_on(observed, expected):
    # given 4 series on which candidate 0 is better (MSE 1 against 3) and a fifth whose own errors favour
    # candidate 1 a hundredfold
    mse = np.array([[1.0, 3.0]] * 4 + [[100.0, 1.0]])
    # when
    choice = choose(mse, 0.2, None if observed is None else np.array(observed))
    # then the four keep candidate 0 and the fifth follows its own errors only where it was observed enough
    assert choice.tolist() == [0, 0, 0, 0, expected]


def test_choose_gives_a_series_observed_more_than_the_median_no_more_than_the_weight():
    # given the fifth series observed on twice the median's days, its own errors favouring candidate 1 tenfold
    mse = np.array([[1.0, 3.0]] * 4 + [[10.0, 1.0]])
    # when / then: at weight 0.2 the panel's preference wins (0.97 against 1.03); at 0.4 it would not (1.19, 0.81)
    assert choose(mse, 0.2, np.array([84, 84, 84, 84, 168])).tolist() == [0, 0, 0, 0, 0]
    assert choose(mse, 0.4).tolist() == [0, 0, 0, 0, 1]


# ---------------------------------------------------------------- the gates by hand
def test_gate_yearly_chooses_per_group_by_mean_relative_error():
    # given 4 series, 2 windows of 2 days, actual 10 everywhere; group 0 is exact without the yearly features
    # (error 2 with them), group 1 misses by 4 without them and by 1 with them
    actual = np.full((4, 2, 2), 10.0)
    plain = np.array([10.0, 10.0, 6.0, 6.0])[:, None, None] * np.ones((4, 2, 2))
    seasonal = np.array([12.0, 12.0, 11.0, 11.0])[:, None, None] * np.ones((4, 2, 2))
    groups = np.array([0, 0, 1, 1])
    # when
    use, scores = gate_yearly(plain, seasonal, actual, groups)
    # then each series' MSE over its mean over both variants, averaged per group: group 0 (0, 4) -> [0, 2],
    # group 1 (16, 1) -> [16 / 8.5, 1 / 8.5]
    assert use.tolist() == [False, False, True, True]
    assert scores == {0: [0.0, 2.0], 1: [1.8824, 0.1176]}


def test_gate_yearly_keeps_the_plain_model_for_a_group_never_observed():
    # given a group whose validation days were all unavailable
    actual = np.full((2, 2, 3), np.nan)
    actual[0] = 5.0
    plain, seasonal = np.full((2, 2, 3), 5.0), np.full((2, 2, 3), 4.0)
    # when
    use, scores = gate_yearly(plain, seasonal, actual, np.array([0, 1]))
    # then group 0 (observed, plain exact) and group 1 (unobserved) keep the plain variant
    assert use.tolist() == [False, False]
    assert scores[0] == [0.0, 2.0]
    assert scores[1] == [float("inf"), float("inf")]


def test_gate_level_applies_a_correction_that_would_have_helped_the_last_window():
    # given forecasts of 10 per day; actuals 30 % above them in the first window and 20 % above in the last
    validation = np.full((3, 2, 7), 10.0)
    actual = np.stack([np.full((3, 7), 13.0), np.full((3, 7), 12.0)], 1)
    # when
    factor = gate_level(validation, actual)
    # then the first window's factor (1.3) brings the last window's volume from 2 per day short to 1 over: the
    # correction is used, at the geometric mean of both windows' ratios (level_factor)
    assert factor == pytest.approx((1.3 * 1.2) ** 0.5)


def test_gate_level_refuses_a_correction_that_would_have_hurt_the_last_window():
    # given actuals 30 % above the forecast in the first window but only 8 % in the last
    validation = np.full((3, 2, 7), 10.0)
    actual = np.stack([np.full((3, 7), 13.0), np.full((3, 7), 10.8)], 1)
    # when
    factor = gate_level(validation, actual)
    # then 1.3 would have missed the last window by 2.2 instead of 0.8: no correction (level_factor alone: 1.08)
    assert factor == 1.0


def test_gate_level_needs_two_windows():
    # given a single validation window 30 % above the forecast
    validation, actual = np.full((3, 1, 7), 10.0), np.full((3, 1, 7), 13.0)
    # when / then nothing to validate the correction on
    assert gate_level(validation, actual) == 1.0


# ---------------------------------------------------------------- the global model's yearly features end to end
def _panel(dates: np.ndarray, expected: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Long-format Poisson draws of ``expected`` (n, T) over ``dates``."""
    rng = np.random.default_rng(seed)
    units = rng.poisson(expected).astype(float)
    n = expected.shape[0]
    return np.repeat(np.arange(n), len(dates)), np.tile(dates, n), units.ravel()


def _season(dates: np.ndarray, years: tuple[int, ...], first_day: int, peak_day: int, last_day: int,
            height: float) -> np.ndarray:
    """(T,) 1 + a triangular bump of ``height`` from day of year ``first_day`` to ``last_day`` in ``years``."""
    year = dates.astype("datetime64[Y]").astype(int) + 1970
    day = (dates - dates.astype("datetime64[Y]")).astype(int)
    rise = np.clip((day - first_day) / (peak_day - first_day), 0, 1)
    fall = np.clip((last_day - day) / (last_day - peak_day), 0, 1)
    return 1.0 + height * np.minimum(rise, fall) * np.isin(year, years)


def test_yearly_features_are_chosen_where_each_series_repeats_its_own_season():
    # given 40 SKUs, each with its own yearly bump (x4 at a peak day between late May and late November, 80 days
    # wide) in 2021, 2022 and 2023: the calendar alone cannot tell whose season it is, last year's ramp can;
    # origin 2023-09-10
    dates = np.arange("2021-01-04", "2023-12-12", dtype="datetime64[D]")
    level = np.random.default_rng(1).uniform(5, 30, (40, 1))
    peaks = np.linspace(150, 330, 40).astype(int)
    expected = level * np.stack([_season(dates, (2021, 2022, 2023), p - 40, p, p + 40, 3.0) for p in peaks])
    ids, day, units = _panel(dates, expected, seed=2)
    origin = np.datetime64("2023-09-10")
    past = day <= origin
    panel = SeriesPanel.from_long(ids[past], day[past], units[past])
    h = 28
    start = int(np.searchsorted(dates, origin)) + 1
    truth = expected[:, start:start + h]
    # when
    result = forecast(panel, h, gbm_params=SMALL_GBM, level_correction=False)
    without = forecast(panel, h, gbm_params=SMALL_GBM, level_correction=False, yearly=False)
    # then every series (all have a year before the validation windows) takes the yearly variant, and on the
    # weeks after the origin, which it never saw, it is closer to the truth than the forecast without them
    choice = result.params["choices"]["gbm_yearly"]
    assert (choice["series"], choice["of"]) == (40, 40)
    assert choice["scores"][1][1] < choice["scores"][1][0]
    assert np.abs(result.mean - truth).mean() < 0.95 * np.abs(without.mean - truth).mean()


def test_yearly_features_are_refused_where_last_years_season_does_not_repeat():
    # given 40 SKUs with a summer bump (x3 in August) in 2021 and 2022 that is gone in 2023 (the range was
    # repositioned); origin 2023-08-31, so the validation windows (from 2023-07-06) are flat where the yearly
    # features promise last year's bump
    dates = np.arange("2021-01-04", "2023-09-01", dtype="datetime64[D]")
    level = np.random.default_rng(3).uniform(5, 30, (40, 1))
    expected = level * _season(dates, (2021, 2022), 170, 228, 290, 2.0)[None, :]
    ids, day, units = _panel(dates, expected, seed=4)
    panel = SeriesPanel.from_long(ids, day, units)
    # when the global model trains on one year of origins (26 x 14 days), so that only the yearly features carry
    # the bump of two years ago (with the default two years the model learns the bump from the calendar itself,
    # both variants promise it, and the series choose statistical models: see the next assertion block)
    one_year = {**SMALL_GBM, "max_origins": 26}
    result = forecast(panel, 28, gbm_params=one_year)
    without = forecast(panel, 28, gbm_params=one_year, yearly=False)
    # then no series takes the yearly variant, and the forecast is exactly the one made without yearly features
    choice = result.params["choices"]["gbm_yearly"]
    assert choice["series"] == 0
    assert choice["scores"][1][1] > choice["scores"][1][0] - YEARLY_MARGIN
    assert "gbm_yearly" not in without.params["choices"]
    np.testing.assert_array_equal(result.mean, without.mean)
    assert result.model.tolist() == without.model.tolist()
    # and with the default training span the forecast of the flat weeks is as close as the one without the yearly
    # features (mean absolute error within 1 %), the bump of the earlier years not carried into 2023
    truth = level * np.ones((1, 28))
    result = forecast(panel, 28, gbm_params=SMALL_GBM)
    without = forecast(panel, 28, gbm_params=SMALL_GBM, yearly=False)
    assert np.abs(result.mean - truth).mean() <= 1.01 * np.abs(without.mean - truth).mean()
    assert abs(result.mean.sum() / truth.sum() - 1) < 0.02


def test_without_a_year_before_the_validation_windows_the_yearly_variant_is_not_made():
    # given 300 days of flat demand (the yearly features would be empty)
    dates = np.arange("2023-01-02", "2023-10-29", dtype="datetime64[D]")
    ids, day, units = _panel(dates, np.full((20, len(dates)), 12.0), seed=5)
    panel = SeriesPanel.from_long(ids, day, units)
    # when
    result = forecast(panel, 28, gbm_params=SMALL_GBM)
    # then
    assert "gbm_yearly" not in result.params["choices"]
    assert result.params["choices"]["level_factor"] == [1.0]
