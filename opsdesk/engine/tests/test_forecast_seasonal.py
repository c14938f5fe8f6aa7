"""Issue 20: yearly ramps, seasonal spikes, MinT reconciliation, conformal bands, regional holiday calendars."""

import numpy as np
import pytest

from opsdesk.engine.forecast import (
    ForecastResult,
    GlobalGBM,
    SeriesPanel,
    calendar_features,
    conformal_quantiles,
    forecast,
    mint,
    reconcile,
    reconcile_by_validation,
    region_holiday_flags,
    subdivisions,
)
from opsdesk.engine.forecast.kernels import clip_outliers
from opsdesk.engine.forecast.reconcile import shrinkage_intensity


# ---------------------------------------------------------------- MinT golden cases
def _residuals_with_covariance() -> tuple[np.ndarray, np.ndarray]:
    """Top and two children residuals (k = 4) whose in-sample covariance E E'/k is exactly
    W = [[2, 0, 0], [0, 1, 0.5], [0, 0.5, 1]]."""
    top = np.sqrt(2.0) * np.array([[1.0, 1.0, 1.0, 1.0]])
    b1 = np.array([1.0, -1.0, 1.0, -1.0])
    b2 = 0.5 * b1 + np.sqrt(0.75) * np.array([1.0, 1.0, -1.0, -1.0])
    return np.vstack([b1, b2]), top


def test_mint_two_level_matches_hand_computation():
    # given forecasts top 10, children 3 and 5 (gap c'y = 10 - 8 = 2) and W as above:
    # W c = (2, -1.5, -1.5), c'W c = 5, so y~ = y^ - W c * 2 / 5 = (9.2, 3.6, 5.6)
    bottom_residual, top_residual = _residuals_with_covariance()
    np.testing.assert_allclose(np.vstack([top_residual, bottom_residual]) @ np.vstack(
        [top_residual, bottom_residual]).T / 4, [[2, 0, 0], [0, 1, 0.5], [0, 0.5, 1]], atol=1e-12)
    # when
    bottom, top = mint(np.array([[3.0], [5.0]]), np.array([[10.0]]), np.array([0, 0]), bottom_residual,
                       top_residual, shrinkage=0.0)
    # then
    np.testing.assert_allclose(top, [[9.2]])
    np.testing.assert_allclose(bottom, [[3.6], [5.6]])


def test_mint_full_shrinkage_is_wls_on_the_variances():
    # given the same family; shrinkage 1 keeps only the variances (2, 1, 1): V = 4, gap 2
    bottom_residual, top_residual = _residuals_with_covariance()
    # when
    bottom, top = mint(np.array([[3.0], [5.0]]), np.array([[10.0]]), np.array([0, 0]), bottom_residual,
                       top_residual, shrinkage=1.0)
    wls_bottom, wls_top = reconcile(np.array([[3.0], [5.0]]), np.array([[10.0]]), np.array([0, 0]), method="wls",
                                    bottom_variance=np.array([1.0, 1.0]), top_variance=np.array([2.0]))
    # then: top 10 - 2 * 2/4 = 9, children 3 + 0.5 and 5 + 0.5
    np.testing.assert_allclose(top, [[9.0]])
    np.testing.assert_allclose(bottom, [[3.5], [5.5]])
    np.testing.assert_allclose(bottom, wls_bottom)
    np.testing.assert_allclose(top, wls_top)


def test_shrinkage_intensity_is_high_for_independent_and_low_for_correlated_errors():
    # given
    rng = np.random.default_rng(0)
    independent = rng.normal(size=(6, 400))
    common = rng.normal(size=(1, 400))
    correlated = common + 0.05 * rng.normal(size=(6, 400))
    # when / then
    assert shrinkage_intensity(independent) > 0.5
    assert shrinkage_intensity(correlated) < 0.05


def _result(mean: np.ndarray, validation: np.ndarray, actual: np.ndarray) -> ForecastResult:
    n = len(mean)
    return ForecastResult(np.arange(n), np.datetime64("2024-01-01"), mean, {}, np.array(["x"] * n, dtype=object),
                          np.zeros(n), {}, validation, actual)


def test_reconcile_by_validation_keeps_a_good_total_and_leaves_biased_children_alone():
    # given a store whose own model was exact on validation while its two SKUs were 40 % low, and a second store
    # whose own model was poor while its SKUs added up exactly
    rng = np.random.default_rng(1)
    sku_actual = rng.uniform(5, 15, size=(4, 2, 7))
    sku_validation = sku_actual.copy()
    sku_validation[:2] *= 0.6
    store_actual = np.stack([sku_actual[:2].sum(0), sku_actual[2:].sum(0)])
    store_validation = store_actual.copy()
    store_validation[1] *= 1.8
    bottom = _result(np.full((4, 7), 6.0), sku_validation, sku_actual)
    top = _result(np.array([np.full(7, 20.0), np.full(7, 30.0)]), store_validation, store_actual)
    parent = np.array([0, 0, 1, 1])
    # when
    new_bottom, new_top, method = reconcile_by_validation(bottom, top, parent)
    moved_bottom, moved_top, _ = reconcile_by_validation(bottom, top, parent, move_children=True)
    # then store 0 keeps its own total (better than the low sum), store 1 becomes the sum of its SKUs
    assert list(method) == ["own", "bottom_up"]
    np.testing.assert_allclose(new_top[0], 20.0)
    np.testing.assert_allclose(new_top[1], 12.0)
    np.testing.assert_array_equal(moved_top, new_top)
    # by default no SKU moves; asked to, the SKUs of store 0 move up to their store (it lowered their own
    # validation error in both windows) and store 1's stay
    np.testing.assert_allclose(new_bottom, 6.0)
    np.testing.assert_allclose(moved_bottom[:2], 10.0)
    np.testing.assert_allclose(moved_bottom[2:], 6.0)


def test_reconcile_by_validation_moves_children_only_when_every_window_agrees():
    # given a store whose own model was 20 % high in the first window and exact in the second, and two SKUs exact
    # in the first window and 50 % low in the second: scaling them to the store lowers their error summed over
    # both windows (the second's gain is larger) but raises it in the first
    sku_actual = np.full((2, 2, 7), 10.0)
    sku_validation = sku_actual.copy()
    sku_validation[:, 1] *= 0.5
    store_actual = sku_actual.sum(0, keepdims=True)
    store_validation = store_actual.copy()
    store_validation[:, 0] *= 1.2
    bottom = _result(np.full((2, 7), 6.0), sku_validation, sku_actual)
    top = _result(np.full((1, 7), 20.0), store_validation, store_actual)
    # when
    new_bottom, new_top, method = reconcile_by_validation(bottom, top, np.array([0, 0]),
                                                          methods=("own", "bottom_up"), move_children=True)
    # then the store keeps its own total (its error 4 x 4 x 7 = 112 beats the sum's 10 x 10 x 7 = 700) and the SKUs
    # keep their forecasts
    assert list(method) == ["own"]
    np.testing.assert_allclose(new_top, 20.0)
    np.testing.assert_allclose(new_bottom, 6.0)
    scaled = sku_validation * (store_validation / sku_validation.sum(0, keepdims=True))
    error = ((scaled - sku_actual) ** 2).sum(axis=(0, 2))
    before = ((sku_validation - sku_actual) ** 2).sum(axis=(0, 2))
    assert error.tolist() == [56.0, 0.0]
    assert before.tolist() == [0.0, 350.0]  # summed over the windows the move would have "helped": 56 < 350


def test_reconcile_by_validation_takes_the_mean_of_own_and_bottom_up_when_they_erred_on_opposite_sides():
    # given a store whose own model was 30 % high on both validation windows while its two SKUs were 30 % low
    sku_actual = np.array([np.full((2, 7), 4.0), np.full((2, 7), 6.0)])
    store_actual = sku_actual.sum(0, keepdims=True)  # 10 a day
    bottom = _result(np.array([np.full(7, 3.0), np.full(7, 5.0)]), 0.7 * sku_actual, sku_actual)
    top = _result(np.full((1, 7), 14.0), 1.3 * store_actual, store_actual)
    methods = ("own", "bottom_up", "combination")  # MinT would be exact too: these errors are perfectly correlated
    # when
    new_bottom, new_top, method = reconcile_by_validation(bottom, top, np.array([0, 0]), methods=methods)
    moved_bottom, _, _ = reconcile_by_validation(bottom, top, np.array([0, 0]), methods=methods, move_children=True)
    # then their mean was exact on validation (13 + 7 = 2 x 10), so the store's total is (14 + 3 + 5) / 2 = 11
    assert list(method) == ["combination"]
    np.testing.assert_allclose(new_top, 11.0)
    np.testing.assert_allclose(new_bottom, [np.full(7, 3.0), np.full(7, 5.0)])
    # asked to move, the SKUs scale to the mean (their validation error fell from 1.2 and 1.8 to 0 a day)
    np.testing.assert_allclose(moved_bottom, [np.full(7, 33 / 8), np.full(7, 55 / 8)])
    _, old_top, old_method = reconcile_by_validation(bottom, top, np.array([0, 0]),
                                                     methods=("own", "bottom_up"))
    assert list(old_method) == ["own"]  # without it own and bottom-up tie (3 a day off each): the first is kept
    np.testing.assert_allclose(old_top, 14.0)


def test_reconciled_total_is_never_worse_than_own_or_bottom_up_on_validation():
    # given random families
    rng = np.random.default_rng(3)
    n_top, per = 5, 4
    parent = np.repeat(np.arange(n_top), per)
    sku_actual = rng.gamma(2.0, 5.0, size=(n_top * per, 2, 7))
    sku_validation = sku_actual * rng.uniform(0.5, 1.5, size=(n_top * per, 1, 1))
    store_actual = np.stack([sku_actual[parent == j].sum(0) for j in range(n_top)])
    store_validation = store_actual * rng.uniform(0.6, 1.4, size=(n_top, 1, 1))
    bottom = _result(sku_validation[:, -1], sku_validation, sku_actual)
    top = _result(store_validation[:, -1], store_validation, store_actual)
    # when: reconcile the last validation window's forecasts as if they were final
    _, new_top, _ = reconcile_by_validation(bottom, top, parent)
    # then per store, on that window, the reconciled total is at most the better of own and bottom-up error
    actual = store_actual[:, -1]
    own = np.abs(store_validation[:, -1] - actual).sum(1)
    bottom_up = np.abs(np.stack([sku_validation[parent == j, -1].sum(0) for j in range(n_top)]) - actual).sum(1)
    chosen = np.abs(new_top - actual).sum(1)
    assert (chosen <= np.maximum(own, bottom_up) + 1e-9).all()


# ---------------------------------------------------------------- conformal bands
def test_conformal_band_covers_80_percent_of_new_draws_with_known_noise():
    # given 3000 series with known means and Gaussian noise of very different sizes, two validation windows of
    # 28 days of residuals, and a new 28-day window drawn from the same law
    rng = np.random.default_rng(11)
    n, h = 3000, 28
    mu = rng.uniform(20, 200, size=n)
    sigma = mu * rng.choice([0.05, 0.2, 0.5], size=n)
    residual = rng.normal(size=(n, 2, h)) * sigma[:, None, None]
    mean = np.repeat(mu[:, None], h, axis=1)
    new = mean + rng.normal(size=(n, h)) * sigma[:, None]
    # when
    low, middle, high = conformal_quantiles(mean, residual, (0.1, 0.5, 0.9))
    # then the band holds 78-82 % of the new values, evenly in every series group
    inside = (new >= low) & (new <= high)
    assert 0.78 <= inside.mean() <= 0.82
    for size in (0.05, 0.2, 0.5):
        assert 0.76 <= inside[sigma / mu == size].mean() <= 0.84
    assert (low <= middle).all()
    assert (middle <= high).all()


def test_conformal_band_widens_with_the_horizon_and_is_zero_on_closed_days():
    # given residuals growing with the horizon step
    rng = np.random.default_rng(5)
    n, h = 500, 14
    growth = np.linspace(1.0, 3.0, h)
    residual = rng.normal(size=(n, 2, h)) * growth
    mean = np.full((n, h), 50.0)
    is_open = np.ones((n, h))
    is_open[:, 6] = 0
    # when
    low, high = conformal_quantiles(mean, residual, (0.1, 0.9), is_open)
    # then
    width = (high - low).mean(0)
    assert width[13] > 1.5 * width[0]
    assert (low[:, 6] == 0).all()
    assert (high[:, 6] == 0).all()


def test_forecast_defaults_to_conformal_intervals():
    # given
    rng = np.random.default_rng(2)
    y = rng.poisson(30, size=(40, 140)).astype(float)
    panel = SeriesPanel(np.arange(40), np.arange(41) * 140, y.ravel(), np.full(40, np.datetime64("2024-01-01")),
                        np.ones(40 * 140, dtype=bool))
    # when
    result = forecast(panel, 14, models="statistical", keep_validation=True)
    # then
    assert result.params["intervals"] == "conformal"
    assert result.validation.shape == result.validation_actual.shape == (40, 2, 14)
    assert (result.quantiles[0.1] <= result.mean + 1e-9).all()
    assert (result.quantiles[0.9] >= result.mean).all()
    with pytest.raises(ValueError, match="intervals"):
        forecast(panel, 14, models="statistical", intervals="wide")


# ---------------------------------------------------------------- yearly season
def _christmas_panel(n_old: int = 60, n_young: int = 30, seed: int = 0):
    """Gift SKUs: daily demand level * weekday * a Christmas ramp (x1 until September, rising to x4 in the week
    before Christmas). Old SKUs sell from 2022-01-03, young ones only from 2023-09-01; origin 2023-10-31."""
    rng = np.random.default_rng(seed)
    dates = np.arange("2022-01-03", "2023-12-25", dtype="datetime64[D]")
    day_of_year = (dates - dates.astype("datetime64[Y]")).astype(int)
    ramp = 1.0 + 3.0 * np.clip((day_of_year - 243) / (358 - 243), 0, 1) * (day_of_year < 359)
    weekday = 1.0 + 0.3 * ((dates.astype(int) + 3) % 7 < 5)
    ids, day, units, truth = [], [], [], []
    for i in range(n_old + n_young):
        level = rng.uniform(5, 30)
        expected = level * ramp * weekday
        start = 0 if i < n_old else int(np.searchsorted(dates, np.datetime64("2023-09-01")))
        sales = rng.poisson(expected[start:])
        ids.append(np.full(len(sales), i))
        day.append(dates[start:])
        units.append(sales)
        truth.append(expected)
    return (np.concatenate(ids), np.concatenate(day), np.concatenate(units).astype(float), np.array(truth), dates)


def test_global_model_recovers_a_yearly_ramp_for_old_and_young_items():
    # given history up to the end of October 2023 (the ramp of 2022 is in it; young SKUs never saw a November)
    ids, day, units, truth, dates = _christmas_panel()
    origin = np.datetime64("2023-10-31")
    past = day <= origin
    panel = SeriesPanel.from_long(ids[past], day[past], units[past], end=origin)
    h = 42
    horizon = slice(int(np.searchsorted(dates, origin)) + 1, int(np.searchsorted(dates, origin)) + 1 + h)
    expected = truth[:, horizon]
    # when
    model = GlobalGBM(country="GB", n_estimators=150, num_leaves=31).fit(panel)
    predicted = model.predict(h)
    # then the 6-week volume (which grows about 1.9x over October's) is recovered within 5 % for old items (trained
    # on both years' origins: -9.5 % when training spanned one year), within 20 % for young ones (+17.5 %, +3.8 %
    # with one year: their level is the mean of the two months they sold, already up the ramp, where the old
    # items' 91-day level still holds August)
    old, young = slice(0, 60), slice(60, 90)
    assert abs(predicted[old].sum() / expected[old].sum() - 1) < 0.05
    assert abs(predicted[young].sum() / expected[young].sum() - 1) < 0.20
    # and every week of the horizon (the ramp steepens about 1.4x from the first to the last) within 5 % too
    weekly = [predicted[old, k:k + 7].sum() / expected[old, k:k + 7].sum() for k in range(0, h, 7)]
    assert all(abs(ratio - 1) < 0.05 for ratio in weekly)


@pytest.mark.parametrize("takes_yearly_features", [True, False])
def test_the_panels_ramp_is_not_put_on_a_global_model_that_carries_the_yearly_season(monkeypatch,
                                                                                      takes_yearly_features):
    from opsdesk.engine.forecast import auto

    # given the gift panel up to October 2023, with the global model's yearly features taken for every series or
    # for none, and a record of whether last year's ramp of the panel total was offered
    ids, day, units, _, _ = _christmas_panel(n_old=20, n_young=10)
    origin = np.datetime64("2023-10-31")
    past = day <= origin
    panel = SeriesPanel.from_long(ids[past], day[past], units[past], end=origin)
    offered = []
    monkeypatch.setattr(auto, "gate_yearly", lambda plain, *rest, **kw: (
        np.full(plain.shape[0], takes_yearly_features), {0: [1.0, 1.0]}))
    monkeypatch.setattr(auto, "panel_ramps", lambda *args: offered.append(True))
    # when
    result = auto.forecast(panel, 28, country="GB", gbm_params={"n_estimators": 30})
    # then the ramp is offered only to forecasts without a yearly season of their own
    assert result.params["choices"]["gbm_yearly"]["series"] == (30 if takes_yearly_features else 0)
    assert offered == ([] if takes_yearly_features else [True])


def test_yearly_candidate_lifts_the_statistical_path_through_the_ramp():
    # given the same panel, statistical models only (no global model)
    ids, day, units, truth, dates = _christmas_panel()
    origin = np.datetime64("2023-10-31")
    past = day <= origin
    panel = SeriesPanel.from_long(ids[past], day[past], units[past], end=origin)
    h = 42
    start = int(np.searchsorted(dates, origin)) + 1
    expected = truth[:, start:start + h]
    # when
    flat = forecast(panel, h, models="statistical", yearly=False, level_correction=False)
    yearly_only = forecast(panel, h, models="statistical", level_correction=False)
    seasonal = forecast(panel, h, models="statistical")
    # then without the yearly candidate and the level correction the 6 weeks are more than 15 % short; with the
    # candidate within 15 % for old and young items (young ones take the panel's ramp), with the level correction
    # (the default) too
    assert flat.mean.sum() / expected.sum() < 0.85
    for rows in (slice(0, 60), slice(60, 90)):
        assert abs(yearly_only.mean[rows].sum() / expected[rows].sum() - 1) < 0.15
        assert abs(seasonal.mean[rows].sum() / expected[rows].sum() - 1) < 0.15
    assert "ensemble_yearly" in seasonal.params["candidates"]
    assert (seasonal.model == "ensemble_yearly").mean() > 0.5


def test_level_factor_corrects_only_a_consistent_clear_bias():
    # given forecasts of 10 per day on two validation windows
    from opsdesk.engine.forecast.auto import level_factor

    forecast_values = np.full((3, 2, 7), 10.0)
    under = np.stack([np.full((3, 7), 13.0), np.full((3, 7), 12.0)], 1)  # 30 % and 20 % above the forecast
    mixed = np.stack([np.full((3, 7), 13.0), np.full((3, 7), 8.0)], 1)
    small = np.full((3, 2, 7), 10.3)
    huge = np.full((3, 2, 7), 40.0)
    # when / then: the geometric mean of consistent ratios, nothing when the windows disagree or the bias is small,
    # clipped
    assert level_factor(forecast_values, under) == pytest.approx((1.3 * 1.2) ** 0.5)
    assert level_factor(forecast_values, mixed) == 1.0
    assert level_factor(forecast_values, small) == 1.0
    assert level_factor(forecast_values, huge) == 1.5


def test_spike_cap_keeps_a_peak_that_repeats_a_year_apart():
    # given a steady series with a one-off spike and another series with the same peak a year (364 days) apart
    y = np.tile(np.where(np.arange(800) % 3 == 0, 3.0, 5.0), (2, 1))
    y[0, [100, 464]] = [100.0, 90.0]
    y[1, 200] = 100.0
    # when
    capped = clip_outliers(y, 800)
    # then the yearly peak stays, the one-off spike is cut to Q3 + 3 IQR = 5 + 3 * 2 = 11
    assert capped[0, 100] == 100.0
    assert capped[0, 464] == 90.0
    assert capped[1, 200] == 11.0
    # a peak known only after the origin does not protect an earlier spike
    assert clip_outliers(y, 400)[0, 100] == 11.0


# ---------------------------------------------------------------- holiday calendars
def test_store_region_adds_state_holidays_to_the_national_calendar():
    # given the first week of 2024: New Year everywhere, Epiphany (6 January) in Bavaria only
    dates = np.arange("2024-01-01", "2024-01-08", dtype="datetime64[D]")
    # when
    national = region_holiday_flags(dates, "DE")
    bavaria = region_holiday_flags(dates, "DE", "BY")
    # then
    assert national.tolist() == [1, 0, 0, 0, 0, 0, 0]
    assert bavaria.tolist() == [1, 0, 0, 0, 0, 1, 0]
    assert "BY" in subdivisions("DE")
    assert "SCT" in subdivisions("GB")
    assert subdivisions(None) == []
    with pytest.raises(NotImplementedError):
        region_holiday_flags(dates, "DE", "XX")


def test_country_calendar_marks_its_own_holidays_and_christmas_ramp():
    # given
    dates = np.array(["2010-09-01", "2010-12-20", "2010-12-27", "2011-05-30"], dtype="datetime64[D]")
    # when
    uk = calendar_features(dates, country="GB")
    china = calendar_features(dates, country="CN")
    # then: 27 Dec 2010 (Christmas substitute) and the spring bank holiday are UK holidays, not Chinese ones
    assert uk["is_holiday"].tolist() == [0, 0, 1, 1]
    assert china["is_holiday"].tolist() == [0, 0, 0, 0]
    assert uk["days_to_christmas"].tolist() == [115, 5, 120, 120]
    assert "days_to_christmas" not in china


# ---------------------------------------------------------------- history the per-series models see
def test_local_view_keeps_a_year_before_the_first_validation_origin_on_the_same_dates():
    from opsdesk.engine.forecast.auto import LOCAL_YEAR, _local_view
    from opsdesk.engine.forecast.panel import to_dense

    # given: 1,000 days of history, series 1 starting on day 800; validation origins 916 and 958, final 1000
    days = 1000
    y = np.arange(2 * days, dtype=float) % 17
    panel = SeriesPanel(ids=np.arange(2), indptr=np.array([0, days, days + 200]), y=y[:days + 200],
                        start=np.array(["2020-01-01", "2022-03-11"], dtype="datetime64[D]"),
                        available=np.ones(days + 200, dtype=bool), promo=(y[:days + 200] > 8).astype(float))
    dense = to_dense(panel)
    origins = [916, 958, 1000]
    # when
    view, shifted = _local_view(dense, origins)
    # then: 364 days before the first validation origin, the same dates and values at the shifted origins
    assert LOCAL_YEAR == 364
    assert shifted == [364, 406, 448]
    assert view.y.shape == (2, 448)
    for o, s in zip(origins, shifted, strict=True):
        assert view.dates[s - 1] == dense.dates[o - 1]
        np.testing.assert_array_equal(view.y[:, :s][:, -30:], dense.y[:, :o][:, -30:])
        np.testing.assert_array_equal(view.covariates["promo"][:, s - 5:s], dense.covariates["promo"][:, o - 5:o])
    assert view.first.tolist() == [0, 800 - 552]
    # a short history is left whole
    short, same = _local_view(dense.tail(300), [216, 258, 300])
    assert short.y.shape == (2, 300)
    assert same == [216, 258, 300]


def test_per_series_models_forecast_the_same_from_three_years_as_from_the_last_fourteen_months():
    # given: a weekly pattern at a constant level for three years (no yearly season for them to miss)
    rng = np.random.default_rng(3)
    days, h = 3 * 364, 28
    weekday = np.tile([1.0, 1.0, 1.1, 1.2, 1.5, 2.0, 0.8], days // 7)
    y = rng.poisson(20 * weekday[None, :] * np.ones((4, 1))).astype(float).ravel()
    long = SeriesPanel(ids=np.arange(4), indptr=np.arange(5) * days, y=y,
                       start=np.full(4, np.datetime64("2022-01-03", "D")), available=np.ones(4 * days, dtype=bool))
    keep = 364 + 2 * h
    recent = np.concatenate([y[i * days + days - keep:(i + 1) * days] for i in range(4)])
    short = SeriesPanel(ids=np.arange(4), indptr=np.arange(5) * keep, y=recent,
                        start=np.full(4, long.end[0] - np.timedelta64(keep - 1, "D")),
                        available=np.ones(4 * keep, dtype=bool))
    # when: the statistical path without the outlier cap (its fence reads the whole history)
    a = forecast(long, h, models="statistical", outlier_fence=None, yearly=False)
    b = forecast(short, h, models="statistical", outlier_fence=None, yearly=False)
    # then: identical forecasts and choices
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-9)
    assert a.model.tolist() == b.model.tolist()


def test_easter_offsets_align_carnival_and_whitsun_with_last_years():
    from opsdesk.engine.forecast.calendar import easter_offsets

    # given: Carnival Monday 2015, Easter Sunday 2015, Whit Monday 2016, a day in August
    dates = np.array(["2015-02-16", "2015-04-05", "2016-05-16", "2015-08-01"], dtype="datetime64[D]")
    # when
    offset, lag = easter_offsets(dates)
    # then: 48 days before Easter; Easter itself; 50 days after; outside the +-60-day window
    np.testing.assert_array_equal(offset[:3], [-48, 0, 50])
    assert np.isnan(offset[3])
    # a year back in the Easter cycle: 2014-03-03 (Carnival Monday), 2014-04-20, 2015-05-25 (Whit Monday)
    assert (dates[:3] - lag[:3].astype("timedelta64[D]")).astype(str).tolist() == [
        "2014-03-03", "2014-04-20", "2015-05-25"]
    assert lag[3] == 0
    # the calendar carries the offset for a country that keeps Easter, not for China
    assert "easter" in calendar_features(dates, country="DE")
    assert "easter" not in calendar_features(dates, country="CN")


def test_the_global_model_reads_last_years_value_on_the_same_day_of_the_easter_cycle():
    from opsdesk.engine.forecast.calendar import easter_offsets
    from opsdesk.engine.forecast.gbm import OriginStatistics, _history_columns

    # given: daily history from 2014-01-06 and the forecast origin 2015-01-20 (380 days), 28 days ahead
    dates = np.datetime64("2014-01-06") + np.arange(430).astype("timedelta64[D]")
    y = np.tile(np.arange(430, dtype=np.float32), (2, 1))
    dow = calendar_features(dates)["dow"].astype(np.int64)
    lag = easter_offsets(dates)[1]
    origin, h = 380, 28
    stats = OriginStatistics(y, dow, {}, origin, 364)
    # when
    columns = _history_columns(y, stats, dow, origin, h, lag)
    # then: 2015-02-16 (step 27) looks back 350 days, to 2014-03-03 (column 56); the scale divides both
    carnival = int((np.datetime64("2015-02-16") - dates[0]).astype(int)) - origin
    expected = (origin + carnival - 350) / stats.scale[0]
    assert columns["easter_year_ago"][0, carnival] == pytest.approx(expected)
    assert columns["year_ago"][0, carnival] == pytest.approx((origin + carnival - 364) / stats.scale[0])
    assert carnival == 26
    # days before the Easter window (it opens on 2015-02-04, 60 days before Easter) have none
    assert np.isnan(columns["easter_year_ago"][0, :14]).all()
    assert not np.isnan(columns["easter_year_ago"][0, 14:]).any()


def test_gate_ramp_takes_last_years_ramp_and_the_level_left_over_it():
    # given flat validation forecasts (10 a day) on two 14-day windows, while demand followed last year's ramp from
    # each window's origin times 1.2 (a shared under-forecast left over the season)
    from opsdesk.engine.forecast.auto import gate_ramp

    ramps = np.stack([np.linspace(1.0, 1.6, 14), np.linspace(1.6, 1.0, 14), np.linspace(1.0, 2.0, 14)])
    validation = np.full((4, 2, 14), 10.0)
    actual = validation * ramps[None, :2] * 1.2
    # when
    gated = gate_ramp(validation, actual, ramps)
    # then the ramps are used and the factor is the 1.2 left over them
    assert gated is not None
    factor, used = gated
    assert factor == pytest.approx(1.2)
    assert np.array_equal(used, ramps)


def test_gate_ramp_is_refused_when_last_years_ramp_did_not_repeat():
    # given demand 30 % above flat forecasts on both windows, while last year's total swung up and down
    from opsdesk.engine.forecast.auto import gate_ramp

    ramps = np.stack([np.linspace(1.0, 2.0, 14), np.linspace(2.0, 0.8, 14), np.linspace(1.0, 2.0, 14)])
    validation = np.full((4, 2, 14), 10.0)
    actual = np.full((4, 2, 14), 13.0)
    # when / then: the plain level correction stays (no ramp), also without ramps or with one window
    assert gate_ramp(validation, actual, ramps) is None
    assert gate_ramp(validation, actual, None) is None
    assert gate_ramp(validation[:, :1], actual[:, :1], ramps[1:]) is None


def test_gate_ramp_is_refused_when_it_fits_the_total_but_not_the_series():
    # given a small and a large series forecast flat (1 and 19 a day) whose total grew as last year's did, in the
    # large series when the growth sat in the small one (a total carried by other items than last year's)
    from opsdesk.engine.forecast.auto import gate_ramp

    ramps = np.stack([np.linspace(1.0, 1.2, 14), np.linspace(1.2, 1.6, 14), np.linspace(1.0, 2.0, 14)])
    validation = np.stack([np.full((2, 14), 1.0), np.full((2, 14), 19.0)])
    in_proportion = validation * ramps[None, :2]
    in_the_small_one = np.stack([20 * ramps[:2] - 19, np.full((2, 14), 19.0)])
    # when / then: the ramp is used where each series grew with it, refused where it would move the wrong series
    assert gate_ramp(validation, in_proportion, ramps) is not None
    assert in_the_small_one.sum(axis=0) == pytest.approx(in_proportion.sum(axis=0))
    assert gate_ramp(validation, in_the_small_one, ramps) is None


def test_panel_ramps_read_last_years_total_from_each_origin():
    # given two series whose total is 10 a day, except 20 a day on days 400-413
    from opsdesk.engine.forecast.auto import panel_ramps
    from opsdesk.engine.forecast.gbm import RAMP_BASE, YEAR

    n_days = 850
    y = np.full((2, n_days), 5.0)
    y[:, 400:414] = 10.0
    dates = np.datetime64("2021-01-04") + np.arange(n_days)
    panel = SeriesPanel.from_long(np.repeat([0, 1], n_days), np.tile(dates, 2), y.ravel())
    span = (dates[-1], n_days)
    origins = [YEAR + 400 - 14, YEAR + 400, n_days]
    # when
    ramps = panel_ramps(panel, span, origins, 14)
    # then from the origin a year after day 400 the ramp is 2 wherever the +-3-day window around the target's date
    # a year ago lies inside the doubled days (targets 3-10), it is flat from the origin 14 days earlier until the
    # window reaches them, and the last origin's is flat
    assert ramps.shape == (3, 14)
    assert np.allclose(ramps[1, 3:11], 2.0)
    assert np.allclose(ramps[0, :10], 1.0)
    assert np.allclose(ramps[2], 1.0)
    # and without a year and RAMP_BASE days before the first origin there is no ramp
    assert panel_ramps(panel, span, [YEAR + RAMP_BASE - 1, n_days], 14) is None


def test_closes_on_holidays_needs_every_holiday_in_the_span_shut_and_at_least_two():
    from opsdesk.engine.forecast import closes_on_holidays

    holidays = np.zeros((4, 10))
    holidays[:, [2, 5, 8]] = 1.0
    is_open = np.ones((4, 10), dtype=bool)
    is_open[0, [2, 5, 8]] = False  # shut on all three
    is_open[1, [2, 5]] = False  # open on day 8
    is_open[2, [5, 8]] = False  # shut on the two holidays of its span (it starts on day 4)
    is_open[3, 8] = False  # shut on the only holiday of its span (it starts on day 7)
    span = np.ones((4, 10), dtype=bool)
    span[2, :4] = False
    span[3, :7] = False
    assert closes_on_holidays(is_open, span, holidays).tolist() == [True, False, True, False]


def _gap_panel():
    """20 series at 100 a day that rise to 130 over the last 60 days, one whose data stopped on day 120 (level 50,
    twice as much on Saturdays) save one stray day of 500 just before the origin, one that started 5 days before
    that window; origin 200."""
    dates = np.datetime64("2024-01-01") + np.arange(200).astype("timedelta64[D]")
    dow = calendar_features(dates)["dow"].astype(np.int64)
    y = np.full((23, 200), 100.0, dtype=np.float32)
    y[:20, 140:] = 130.0
    y[20] = np.where(dow == 5, 100.0, 50.0)
    y[20, 120:] = np.nan
    y[20, 199] = 500.0
    y[21] = np.nan
    y[21, 167:172] = 80.0
    y[22] = np.nan
    return y, dow


def test_a_series_whose_data_stopped_is_described_from_before_the_gap():
    from opsdesk.engine.forecast.kernels import stale_windows

    # given
    y, _ = _gap_panel()
    # when
    windows = stale_windows(y, 200, 28)
    # then: only the series whose data stopped (day 120) is stale with a full window before; the panel rose by 1.3
    assert len(windows) == 1
    rows, end, change = windows[0]
    assert rows.tolist() == [20]
    assert end == 120
    assert change == pytest.approx(1.3)
    # nothing is stale in a panel without a gap
    assert stale_windows(y[:20], 200, 28) == []


def test_the_panels_change_for_a_stale_series_is_measured_on_a_spread_sample_of_current_series(monkeypatch):
    from opsdesk.engine.forecast import kernels

    # given the gap panel whose first 10 current series rose by 1.2 and the next 10 by 1.4, and a reference sample
    # of 11 series
    y, _ = _gap_panel()
    y[:10, 140:] = 120.0
    y[10:20, 140:] = 140.0
    monkeypatch.setattr(kernels, "STALE_REFERENCE_SERIES", 11)
    # when
    rows, end, change = kernels.stale_windows(y, 200, 28)[0]
    # then the sample spreads over both halves (series 0, 1, 3, 5, 7, 9 at 1.2 and 11-19 odd at 1.4: the median
    # 1.2); all 20 give 1.3
    assert (rows.tolist(), end) == ([20], 120)
    assert change == pytest.approx(1.2)
    monkeypatch.setattr(kernels, "STALE_REFERENCE_SERIES", 5_000)
    assert kernels.stale_windows(y, 200, 28)[0][2] == pytest.approx(1.3)


def test_the_global_models_statistics_carry_a_stale_series_forward_by_the_panels_change():
    from opsdesk.engine.forecast.gbm import OriginStatistics

    # given
    y, dow = _gap_panel()
    # when
    stats = OriginStatistics(y, dow, {}, 200, 28)
    plain = OriginStatistics(y, dow, {}, 200, 28, carry=False)
    # then: the stale series' scale is its mean of the 28 days before the gap (4 Saturdays at 100, 24 days at 50),
    # times 1.3; without the carry it is the one stray day
    assert stats.scale[20] == pytest.approx((4 * 100 + 24 * 50) / 28 * 1.3)
    assert plain.scale[20] == pytest.approx(500.0)
    # its weekday profile and level ratios are those of the weeks before the gap, relative to the carried scale:
    # profile x scale gives back that Saturday and weekday level, as a current series' gives back its last weeks'
    assert stats.weekday_8[20, 5] * stats.scale[20] == pytest.approx(100.0)
    assert stats.weekday_8[20, 0] * stats.scale[20] == pytest.approx(50.0)
    assert stats.ratios["mean_28"][20] == pytest.approx(1 / 1.3)
    assert stats.ratios["available_28"][20] == pytest.approx(1.0)
    # the others are untouched
    assert stats.scale[:20] == pytest.approx(np.full(20, 130.0))
    assert stats.scale[21] == plain.scale[21] == pytest.approx(80.0)


def test_trading_span_runs_from_a_stores_first_recorded_day_to_its_last():
    from opsdesk.engine.forecast import trading_span

    # given: a store recorded on days 2, 3 and 6 of 9, one never recorded
    recorded = np.zeros((2, 9), dtype=bool)
    recorded[0, [2, 3, 6]] = True
    # when
    span = trading_span(recorded)
    # then: days 2-6 (the unrecorded 4 and 5 inside it are closed days), nothing for the other store
    assert span[0].tolist() == [False, False, True, True, True, True, True, False, False]
    assert not span[1].any()
