"""Issue 20 item 4: split-conformal 10-90 % bands by horizon bucket and series group (``cell_quantiles``,
``conformal_quantiles``) and their coverage of held-out draws with known noise."""

import numpy as np
import pytest

from opsdesk.engine.forecast import SeriesPanel, conformal_quantiles, forecast
from opsdesk.engine.forecast.auto import cell_quantiles, error_groups, horizon_quantiles

LEVELS = (0.1, 0.5, 0.9)


# ---------------------------------------------------------------- cell_quantiles by hand
def test_cell_quantiles_by_hand_with_the_pooled_bucket_as_fallback():
    # given 3 series, one validation window, 4 horizon days in buckets of 2; group 0 (series 0 and 1) has 4 scores
    # in bucket 0 and only 3 in bucket 1 (one unobserved day), group 1 (series 2) has 2 scores per bucket
    scores = np.array([[[1.0, 2.0, 10.0, 20.0]],
                       [[3.0, 4.0, 30.0, np.nan]],
                       [[5.0, 6.0, 50.0, 60.0]]])
    groups = np.array([7, 7, 9])
    # when a cell needs 4 scores
    keys, table, source = cell_quantiles(scores, groups, LEVELS, bucket=2, min_count=4)
    # then the finite-sample positions are q * (m + 1) - 1 (0-based, clipped to the sample):
    # group 7, bucket 0: own scores 1..4 (m = 4): positions 0 (clipped), 1.5, 3 (clipped) -> 1, 2.5, 4
    # group 9, bucket 0: 2 scores, so bucket 0 of all groups, 1..6 (m = 6): positions 0, 2.5, 5 -> 1, 3.5, 6
    # bucket 1: neither group has 4, so both take 10, 20, 30, 50, 60 (m = 5): positions 0, 2, 4 -> 10, 30, 60
    assert keys.tolist() == [7, 9]
    np.testing.assert_allclose(table[0, 0], [1.0, 2.5, 4.0])
    np.testing.assert_allclose(table[1, 0], [1.0, 3.5, 6.0])
    np.testing.assert_allclose(table[0, 1], [10.0, 30.0, 60.0])
    np.testing.assert_allclose(table[1, 1], [10.0, 30.0, 60.0])
    assert source.tolist() == [[0, 1], [1, 1]]


def test_cell_quantiles_fall_back_to_every_score_then_to_zero():
    # given scores in two buckets, too few for any cell or bucket; and a panel with no observed score
    scores = np.array([[[1.0, 2.0, 3.0]], [[4.0, 5.0, np.nan]]])
    empty = np.full((2, 1, 3), np.nan)
    # when
    keys, table, source = cell_quantiles(scores, np.array([0, 1]), (0.5,), bucket=2, min_count=100)
    _, none, none_source = cell_quantiles(empty, np.array([0, 1]), (0.5,), bucket=2, min_count=100)
    # then every cell takes the median of all five scores (position 0.5 * 6 - 1 = 2: the value 3); the last bucket
    # is one day long; with nothing observed the quantiles are 0
    assert table.shape == (2, 2, 1)
    np.testing.assert_allclose(table, 3.0)
    assert (source == 2).all()
    np.testing.assert_array_equal(none, 0.0)
    assert (none_source == 3).all()


# ---------------------------------------------------------------- coverage with known noise
def _coverage(low, high, new):
    return float(((new >= low) & (new <= high)).mean())


# ---------------------------------------------------------------- horizon_quantiles by hand
def test_horizon_quantiles_pool_the_horizon_and_grow_along_a_line():
    # given 25 series, one window, 4 days in buckets of 2: scores -1 and +1 in the first bucket, -3 and +3 in the
    # second (50 scores each)
    scores = np.zeros((25, 1, 4))
    scores[:, 0] = [-1.0, 1.0, -3.0, 3.0]
    # when
    keys, table, profile = horizon_quantiles(scores, np.zeros(25, dtype=int), (0.1, 0.9), bucket=2)
    # then the spreads (mean distance of q10, median, q90 from the median) are 2/3 and 2: the line through them
    # over its mean 4/3 gives the profile 0.5, 1.5; the scores over it are -2 and +2 everywhere (positions
    # 0.1 * 101 - 1 = 9.1 and 89.9 of 100), so the table is 0.5 * (-2, 2) and 1.5 * (-2, 2)
    assert keys.tolist() == [0]
    assert profile == pytest.approx([0.5, 1.5])
    assert table[0] == pytest.approx(np.array([[-1.0, 1.0], [-3.0, 3.0]]))


def test_horizon_quantiles_do_not_follow_one_week_s_shared_shock():
    # given 3 weeks of 60 series x 2 windows missing by -1 and +1 in turn, except on two days of week 2 of the
    # second window, when every series missed by +8 (a rush nobody forecast)
    series, day = np.meshgrid(np.arange(60), np.arange(21), indexing="ij")
    scores = np.repeat(np.where((series + day) % 2 == 0, -1.0, 1.0)[:, None, :], 2, axis=1)
    scores[:, 1, 9:11] = 8.0
    groups = np.zeros(60, dtype=int)
    # when
    _, table, profile = horizon_quantiles(scores, groups, (0.1, 0.9), bucket=7)
    _, by_week, _ = cell_quantiles(scores, groups, (0.1, 0.9), bucket=7)
    # then week 2 on its own has 120 of its 840 scores at 8: q90 (position 0.9 * 841 - 1 = 755.9) is 8, so a band
    # calibrated per week is 8 wide above there and 1 elsewhere. The spreads 2/3, 3, 2/3 lie on a flat line, and
    # over the whole horizon the 120 of 2,520 scores (5 %) stay beyond q90 (position 2267.9 falls on a 1)
    assert by_week[0, :, 1].tolist() == [1.0, 8.0, 1.0]
    assert profile == pytest.approx([1.0, 1.0, 1.0])
    assert table[0] == pytest.approx(np.array([[-1.0, 1.0]] * 3))


def test_conformal_band_holds_80_percent_of_poisson_draws_per_horizon_week():
    # given 3000 series of Poisson demand around known means 100..1000 (the error grows as the square root of the
    # level, so series differ in relative noise), two validation windows of 28 days and a new window
    rng = np.random.default_rng(20)
    n, h = 3000, 28
    mu = rng.uniform(100, 1000, size=n)[:, None]
    mean = np.repeat(mu, h, axis=1)
    residual = rng.poisson(mu[:, :, None].repeat(2, 1).repeat(h, 2)) - mu[:, :, None]
    new = rng.poisson(mean)
    # when
    low, middle, high = conformal_quantiles(mean, residual.astype(float), LEVELS)
    # then 80 % +- 2 points overall and in every horizon week; the median stays on the known mean
    assert 0.78 <= _coverage(low, high, new) <= 0.82
    for week in range(4):
        days = slice(7 * week, 7 * week + 7)
        assert 0.77 <= _coverage(low[:, days], high[:, days], new[:, days]) <= 0.83
    assert np.abs(np.median(middle / mean) - 1.0) < 0.01


def test_conformal_band_corrects_a_mis_scaled_model():
    # given Gaussian demand whose noise grows with the horizon, forecast by a model that under-forecasts by 20 %
    # and believes its error is a tenth of the truth: its own symmetric band (mean +- 1.2816 believed sigma)
    rng = np.random.default_rng(4)
    n, h = 3000, 28
    mu = rng.uniform(50, 500, size=n)[:, None]
    sigma = 0.2 * mu * np.linspace(1.0, 2.0, h)[None, :]
    mean = 0.8 * np.repeat(mu, h, axis=1)
    residual = (mu[:, :, None] + rng.normal(size=(n, 2, h)) * sigma[:, None, :]) - mean[:, None, :]
    new = mu + rng.normal(size=(n, h)) * sigma
    naive_low, naive_high = mean - 1.2816 * 0.1 * sigma, mean + 1.2816 * 0.1 * sigma
    # when
    low, middle, high = conformal_quantiles(mean, residual, LEVELS)
    # then the model's band is far off, the calibrated one holds 80 % +- 2 points in the first and last week, and
    # its median moves back up to the true level
    assert _coverage(naive_low, naive_high, new) < 0.15
    assert 0.78 <= _coverage(low, high, new) <= 0.82
    assert 0.77 <= _coverage(low[:, :7], high[:, :7], new[:, :7]) <= 0.83
    assert 0.77 <= _coverage(low[:, -7:], high[:, -7:], new[:, -7:]) <= 0.83
    assert np.abs(np.median(middle / mu) - 1.0) < 0.02
    assert (high - low)[:, -7:].mean() > 1.5 * (high - low)[:, :7].mean()


def test_forecast_band_holds_80_percent_of_held_out_poisson_days():
    # given 400 series of Poisson demand around a known level with a weekly profile, 140 days of history and 28
    # held-out days drawn from the same law
    rng = np.random.default_rng(7)
    n, days, h = 400, 140, 28
    profile = np.array([1.0, 0.9, 0.9, 1.0, 1.2, 1.4, 0.6])
    level = rng.uniform(80, 400, size=n)[:, None]
    law = level * np.tile(profile, (days + h) // 7 + 1)[None, :days + h]
    y = rng.poisson(law).astype(float)
    panel = SeriesPanel(np.arange(n), np.arange(n + 1) * days, y[:, :days].ravel(),
                        np.full(n, np.datetime64("2024-01-01")), np.ones(n * days, dtype=bool))
    # when
    result = forecast(panel, h, models="statistical")
    # then
    assert result.params["intervals"] == "conformal"
    assert 0.78 <= _coverage(result.quantiles[0.1], result.quantiles[0.9], y[:, days:]) <= 0.82


def test_items_forecast_without_error_do_not_narrow_the_best_sellers_band():
    # given a count panel like a shop's: 200 dead items (no sale in the validation windows or after, forecast 0),
    # 400 steady sellers (Poisson, 20-200 a day) and 600 slow movers (Poisson, 0.2-1 a day), forecast at their
    # known means; with terciles over every series the dead items' scores (all 0) shared the lowest tercile with
    # half the sellers
    rng = np.random.default_rng(11)
    h = 28
    mu = np.concatenate([np.zeros(200), rng.uniform(20, 200, 400), rng.uniform(0.2, 1.0, 600)])[:, None]
    mean = np.repeat(mu, h, axis=1)
    residual = rng.poisson(np.repeat(mu[:, :, None], 2, 1).repeat(h, 2)) - mu[:, :, None]
    new = rng.poisson(mean)
    dead = slice(0, 200)
    best = np.zeros(len(mu), dtype=bool)
    best[200:600] = mu[200:600, 0] >= np.median(mu[200:600, 0])
    # when
    low, _middle, high = conformal_quantiles(mean, residual.astype(float), LEVELS)
    # then the better-selling half of the sellers holds 80 % +- 3 points (65 % with the dead items among them),
    # and a dead item's band is 0
    assert 0.77 <= _coverage(low[best], high[best], new[best]) <= 0.83
    assert np.abs(low[dead]).max() < 1e-6
    assert np.abs(high[dead]).max() < 1e-6


def test_error_groups_keep_error_free_series_apart_by_hand():
    # given an error-free series, one without an observed validation day and nine with errors 0.1 .. 0.9
    raw = np.array([0.0, np.nan, *np.arange(1, 10) / 10])
    # when
    groups = error_groups(raw, raw == 0)
    # then terciles of the nine (edges 0.367 and 0.633) as 1..3, the unobserved one in the median's (0.5), the
    # error-free one alone in 0
    assert groups.tolist() == [0, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3]
