"""Forecast models: the fit/predict contract, golden values from scalar re-implementations, properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.forecast import (
    Croston,
    ExponentialSmoothing,
    FutureCovariates,
    GlobalGBM,
    MovingAverage,
    SeasonalAverage,
    SeasonalNaive,
    SeriesPanel,
    WeekdayMovingAverage,
    static_features,
    statistical_models,
)

MONDAY = np.datetime64("2024-01-01", "D")


def make_panel(n_series=6, n_days=120, seed=0, unavailable_share=0.1):
    rng = np.random.default_rng(seed)
    days = np.arange(n_days)
    level = rng.uniform(2, 40, (n_series, 1))
    promo = (rng.random((n_series, n_days)) < 0.2).astype(float)
    y = rng.poisson(level * (1 + 0.4 * (days % 7 == 4)) * (1 + 0.5 * promo)).astype(float)
    available = rng.random((n_series, n_days)) > unavailable_share
    ids = np.repeat(np.arange(n_series), n_days)
    dates = np.tile(MONDAY + days, n_series)
    return SeriesPanel.from_long(ids, dates, y.ravel(), available=available.ravel(), promo=promo.ravel())


def single_series(values, available=None):
    values = np.asarray(values, dtype=float)
    return SeriesPanel(ids=np.array([0]), indptr=np.array([0, len(values)]), y=np.nan_to_num(values),
                       start=np.array([MONDAY]),
                       available=~np.isnan(values) if available is None else np.asarray(available))


def all_models():
    return [*statistical_models(), MovingAverage(28), SeasonalAverage(8, median=True), ExponentialSmoothing(log=True),
            ExponentialSmoothing(), Croston("classic"), Croston("sba"),
            GlobalGBM(n_estimators=15, num_leaves=7, origin_step=7)]


MODEL_NAMES = [m.name for m in all_models()]


@pytest.mark.parametrize("index", range(len(MODEL_NAMES)), ids=MODEL_NAMES)
def test_fit_then_predict_equals_forecast_with_shape_and_no_nan(index):
    # given
    panel = make_panel()
    future = FutureCovariates(promo=np.ones((6, 14)))
    # when
    fitted = all_models()[index].fit(panel).predict(14, future)
    once = all_models()[index].forecast(panel, 14, future)
    # then
    assert fitted.shape == (6, 14)
    assert not np.isnan(fitted).any()
    assert (fitted >= 0).all()
    np.testing.assert_allclose(fitted, once, rtol=0, atol=0)


@pytest.mark.parametrize("index", range(len(MODEL_NAMES)), ids=MODEL_NAMES)
def test_planned_closed_days_forecast_zero(index):
    # given
    panel = make_panel(seed=1)
    is_open = np.ones((6, 14))
    is_open[:, [2, 9]] = 0
    # when
    values = all_models()[index].forecast(panel, 14, FutureCovariates(open=is_open))
    # then
    assert (values[:, [2, 9]] == 0).all()
    assert (values[:, [0, 1, 3]] > 0).all()


def scalar_holt_winters(y, alpha, beta, gamma, phi, h):
    """Independent scalar loop; y starts on a Monday, NaN = unavailable; same initialisation rule."""
    first = next(i for i, v in enumerate(y) if not np.isnan(v))
    window = [(i % 7, y[i]) for i in range(first, min(first + 28, len(y))) if not np.isnan(y[i])]
    level = sum(v for _, v in window) / len(window)
    season = [0.0] * 7
    for d in range(7):
        values = [v for dd, v in window if dd == d]
        season[d] = sum(values) / len(values) - level if values else 0.0
    trend = 0.0
    for t, value in enumerate(y):
        damped = level + phi * trend
        if np.isnan(value):
            level, trend = damped, phi * trend
            continue
        error = value - damped - season[t % 7]
        level = damped + alpha * error
        trend = phi * trend + beta * error
        season[t % 7] += gamma * error
    return [level + sum(phi ** j for j in range(1, k + 1)) * trend + season[(len(y) - 1 + k) % 7]
            for k in range(1, h + 1)]


def test_holt_winters_matches_scalar_loop():
    # given a trending weekly series with two unavailable days
    days = np.arange(70)
    y = 20 + 0.3 * days + 5 * (days % 7 == 5) + np.sin(days)
    y[[10, 40]] = np.nan
    model = ExponentialSmoothing(grid=[[0.3, 0.05, 0.1, 0.95]])
    # when
    values = model.forecast(single_series(y), 10)
    # then (float32 kernel: relative tolerance 1e-4)
    np.testing.assert_allclose(values[0], scalar_holt_winters(y, 0.3, 0.05, 0.1, 0.95, 10), rtol=1e-4)


def test_holt_winters_picks_the_grid_row_with_lowest_in_sample_error():
    # given a pure level shift: a fast-adapting row must win
    y = np.r_[np.full(35, 10.0), np.full(35, 30.0)]
    model = ExponentialSmoothing(grid=[[0.01, 0.0, 0.0, 1.0], [0.9, 0.0, 0.0, 1.0]])
    # when
    values = model.forecast(single_series(y), 3)
    # then
    assert model.choices_[0].tolist() == [1]
    np.testing.assert_allclose(values[0], scalar_holt_winters(y, 0.9, 0.0, 0.0, 1.0, 3), rtol=1e-4)


def test_croston_sba_tsb_by_hand():
    # given demand 0,3,0,0,6,0,2 with an unavailable day inserted (skipped by every variant); alpha = beta = 0.5
    y = [0, 3, 0, np.nan, 0, 6, 0, 2]
    panel = single_series(y)
    # when
    classic = Croston("classic", alpha=0.5).forecast(panel, 2)
    sba = Croston("sba", alpha=0.5).forecast(panel, 2)
    tsb = Croston("tsb", alpha=0.5, beta=0.5).forecast(panel, 2)
    # then: size 3 -> 4.5 -> 3.25, interval 2 -> 2.5 -> 2.25, probability 0 .5 .25 .125 .5625 .28125 .640625
    np.testing.assert_allclose(classic[0], [3.25 / 2.25] * 2, rtol=1e-6)
    np.testing.assert_allclose(sba[0], [3.25 / 2.25 * 0.75] * 2, rtol=1e-6)
    np.testing.assert_allclose(tsb[0], [0.640625 * 3.25] * 2, rtol=1e-6)


def test_seasonal_naive_and_averages_by_hand():
    # given two weeks (Monday start); last Wednesday unavailable
    week1 = [1.0, 2, 3, 4, 5, 6, 7]
    week2 = [11.0, 12, np.nan, 14, 15, 16, 17]
    panel = single_series(week1 + week2)
    # when
    naive = SeasonalNaive().forecast(panel, 8)
    mean = SeasonalAverage(2).forecast(panel, 7)
    median = SeasonalAverage(2, median=True).forecast(panel, 7)
    moving = MovingAverage(3).forecast(panel, 2)
    # then: Wednesday falls back to the week before
    assert naive[0].tolist() == [11, 12, 3, 14, 15, 16, 17, 11]
    assert mean[0].tolist() == [6, 7, 3, 9, 10, 11, 12]
    assert median[0].tolist() == [6, 7, 3, 9, 10, 11, 12]
    assert moving[0].tolist() == [16, 16]


def test_weekday_average_blends_own_and_panel_profiles_by_selling_days_by_hand():
    # given two weeks (Monday start): series 0 sells 4 on Mondays, 2 Tuesday-Saturday and nothing on Sundays
    # (12 selling days), series 1 sells 1 every day (14 selling days)
    first = [4.0, 2, 2, 2, 2, 2, 0] * 2
    second = [1.0] * 14
    panel = SeriesPanel(ids=np.array([0, 1]), indptr=np.array([0, 14, 28]), y=np.array(first + second),
                        start=np.array([MONDAY, MONDAY]), available=np.ones(28, dtype=bool))
    # when: own profiles weigh days / (days + 12): 1/2 and 7/13
    forecast = WeekdayMovingAverage(window=28, weeks=2, shrink=12).forecast(panel, 8)
    # then: own profiles [2, 1, 1, 1, 1, 1, 0] and 1; the panel's (summed weekday means [5, 3, ..., 3, 1] over
    # their mean 3) [5/3, 1, ..., 1, 1/3]; levels 2 and 1
    np.testing.assert_allclose(forecast[0], 2 * np.array([11 / 6, 1, 1, 1, 1, 1, 1 / 6, 11 / 6]))
    np.testing.assert_allclose(forecast[1], [17 / 13, 1, 1, 1, 1, 1, 9 / 13, 17 / 13])
    # and a week's volume is the level's, 7 days of it
    np.testing.assert_allclose(forecast[:, :7].sum(1), [14, 7])


def test_weekday_average_keeps_the_level_of_the_days_a_series_was_open():
    # given series 0 closed on Sundays (unavailable), selling 3 Monday-Friday and 6 on Saturdays; series 1
    # selling 1 every day
    first = [3.0, 3, 3, 3, 3, 6, np.nan] * 2
    y = np.array(first + [1.0] * 14)
    panel = SeriesPanel(ids=np.array([0, 1]), indptr=np.array([0, 14, 28]), y=np.nan_to_num(y),
                        start=np.array([MONDAY, MONDAY]), available=~np.isnan(y))
    model = WeekdayMovingAverage(window=28, weeks=2, shrink=0)  # own profiles only
    # when
    ahead = model.forecast(panel, 7)
    closed = model.forecast(panel, 7, FutureCovariates(open=np.array([[1, 1, 1, 1, 1, 1, 0]] * 2)))
    # then: the open days repeat the week (its 21 units); Sunday, never seen, takes the panel's 1/4 of the level
    # 3.5 unless it is known to be closed
    np.testing.assert_allclose(ahead[0], [3, 3, 3, 3, 3, 6, 3.5 / 4])
    np.testing.assert_allclose(closed[0], [3, 3, 3, 3, 3, 6, 0])
    np.testing.assert_allclose(ahead[1], 1)


@settings(max_examples=25, deadline=None)
@given(mask=st.lists(st.booleans(), min_size=70, max_size=70), level=st.floats(1, 1000))
def test_unavailable_days_do_not_pull_the_forecast_to_zero(mask, level):
    # given a constant demand whose unavailable days are recorded as 0 (closed or out of stock)
    available = np.array(mask)
    available[-7:] = True  # every weekday observed at least once recently
    y = np.where(available, level, 0.0)
    panel = single_series(y, available)
    # when / then: every statistical model forecasts the level (SBA by design its 1 - alpha/2 share)
    for model in [*statistical_models(), MovingAverage(28), SeasonalAverage(8, median=True),
                  ExponentialSmoothing(log=True), ExponentialSmoothing(), Croston("classic"), Croston("sba")]:
        expected = level * (1 - model.alpha / 2) if model.name == "sba" else level
        np.testing.assert_allclose(model.forecast(panel, 7), expected, rtol=1e-4, err_msg=model.name)


def test_global_model_learns_the_promotion_uplift():
    # given 20 series whose demand doubles on promotion days, and a future with promotions on even days
    panel = make_panel(n_series=20, n_days=200, seed=5)
    promo = np.zeros((20, 14))
    promo[:, ::2] = 1
    # when
    values = GlobalGBM(n_estimators=60, num_leaves=15).forecast(panel, 14, FutureCovariates(promo=promo))
    # then: make_panel's uplift is +50 %; the learned one is clearly positive on every series
    uplift = values[:, ::2].mean(1) / values[:, 1::2].mean(1)
    assert (uplift > 1.2).all()


def test_global_model_does_not_train_on_days_of_series_without_a_level_yet():
    # given 20 series; five of them (level 40) have no available day before day 100 (closed at the data start).
    # A training origin before day 100 whose target days reach past it has no level for them: log1p(40) - 0 = 3.7
    # would be their relative target, a ratio of 40 that no series ever showed.
    panel = make_panel(n_series=20, n_days=200, seed=5, unavailable_share=0.0)
    dense_y = panel.y.reshape(20, 200).copy()
    available = np.ones((20, 200), dtype=bool)
    available[:5, :100] = False
    dense_y[:5] = np.where(available[:5], np.random.default_rng(1).poisson(40, (5, 200)), 0)
    ids = np.repeat(np.arange(20), 200)
    dates = np.tile(MONDAY + np.arange(200), 20)
    panel = SeriesPanel.from_long(ids, dates, dense_y.ravel(), available=available.ravel())
    model = GlobalGBM(n_estimators=40, num_leaves=15)
    # when
    values = model.forecast(panel, 14)
    # then: the relative targets trained on stay those of series with a level (Poisson noise about a weekday
    # profile and promotions: within a factor e ** 2.5 of the 91-day mean), and every forecast is near its level
    low, high = model.target_range_
    assert -3.0 < low
    assert high < 2.5
    level = np.nanmean(np.where(available, dense_y, np.nan)[:, -91:], axis=1)
    ratio = values / level[:, None]
    assert ratio.min() > 0.5
    assert ratio.max() < 2.0


def test_static_features_read_numbers_and_codes_and_leave_out_what_cannot_be_learnt():
    # given: four stores' attributes as a stores file brings them (text), with gaps
    records = [
        {"StoreType": "c", "CompetitionDistance": "1270", "Phone": "0211", "Region": "DE", "Promo2": "0"},
        {"StoreType": "a", "CompetitionDistance": "570", "Phone": "0212", "Region": "DE", "Promo2": "1"},
        {"StoreType": "a", "CompetitionDistance": "", "Phone": "0213", "Region": "DE"},
        {"StoreType": "", "CompetitionDistance": 14130.0, "Phone": "0214", "Region": "DE", "Promo2": "1"},
    ]
    # when
    features = static_features(records)
    # then: numbers as numbers, text as the code among sorted values, NaN where missing; a key with one value
    # (Region) and text that differs for every store (Phone: it reads as numbers here, so it stays) handled
    assert sorted(features) == ["attr0_CompetitionDistance", "attr1_Phone", "attr2_Promo2", "attr4_StoreType"]
    np.testing.assert_array_equal(features["attr0_CompetitionDistance"], [1270, 570, np.nan, 14130])
    np.testing.assert_array_equal(features["attr4_StoreType"], [1, 0, 0, np.nan])
    np.testing.assert_array_equal(features["attr2_Promo2"], [0, 1, np.nan, 1])
    assert all(values.dtype == np.float32 for values in features.values())
    # and: text naming every store apart is an identifier, not a feature; names keep ASCII letters and digits only
    named = static_features([{"地址 Street": f"Road {i}", "类型": "ab"[i % 2]} for i in range(6)])
    assert sorted(named) == ["attr1_"]
    np.testing.assert_array_equal(named["attr1_"], [0, 1, 0, 1, 0, 1])
    # and: beyond max_features the keys the fewest stores have are left out
    sparse = static_features([{"a": str(i), "b": str(i % 2)} if i else {"a": "9"} for i in range(4)], max_features=1)
    assert list(sparse) == ["attr0_a"]


def test_global_model_learns_from_store_features_what_their_history_does_not_show():
    # given: 40 stores at a level of 100; on six holidays a year type-A stores sell twice as much and type-B stores
    # half as much. The holidays fall on other dates each year, so a store's own past does not say which it is.
    rng = np.random.default_rng(3)
    n, days, h = 40, 500, 28
    kind = np.arange(n) % 2
    holiday = np.zeros(days + h, dtype=np.float32)
    holiday[rng.choice(days + h - 1, size=int((days + h) / 365 * 6), replace=False)] = 1.0
    holiday[days + 3] = holiday[days + 17] = 1.0
    effect = np.where(holiday[None, :] > 0, np.where(kind[:, None] == 0, 2.0, 0.5), 1.0)
    demand = rng.poisson(100 * effect).astype(np.float64)
    ids, dates = np.repeat(np.arange(n), days), np.tile(MONDAY + np.arange(days), n)
    history = np.repeat(holiday[None, :days], n, axis=0).ravel()
    future = FutureCovariates(state_holiday=np.repeat(holiday[None, days:], n, axis=0))
    errors = {}
    for label, static in (("with", {"type": kind.astype(np.float32)}), ("without", None)):
        panel = SeriesPanel.from_long(ids, dates, demand[:, :days].ravel(), static=static, state_holiday=history)
        values = GlobalGBM(n_estimators=150, num_leaves=15).forecast(panel, h, future)
        on_holiday = holiday[days:] > 0
        errors[label] = float(np.mean(np.abs(np.log(values[:, on_holiday] / demand[:, days:][:, on_holiday]))))
    # then: with the store type the holidays' error is a third of what it is without (0.25 against 0.74 in log
    # terms: without it the model can only guess from what holidays did to the panel)
    assert errors["with"] < 0.3
    assert errors["without"] > 2 * errors["with"]
