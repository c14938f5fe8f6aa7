"""The forecast engine as the plan's forecaster: the band -> sigma conversion, the weekly refresh of the simulated
policy's forecasts, and the engine inputs built from a simulation world as the product builds them."""

import numpy as np
import pytest

from opsdesk.engine.forecast import forecast, usual_closed_weekdays
from opsdesk.engine.replenish import (
    EngineForecastCache,
    OpsdeskForecast,
    SimulationInputs,
    plan_forecast,
    simulate,
)
from opsdesk.engine.replenish.engine_forecast import BAND_Z, PRODUCT_QUANTILES


def make_world(demand, start, **extra):
    n = demand.shape[0]
    return SimulationInputs(
        demand=demand, start=start, measure_from=start, lead_time_actual=np.full(demand.shape, 2, dtype=np.int64),
        stated_lead_time=np.full(n, 2.0), lead_time_mean=np.full(n, 2.0), lead_time_std=np.zeros(n),
        review_days=np.full(n, 7.0), abc_class=np.zeros(n, dtype=np.int8), pack_size=np.ones(n),
        min_order_qty=np.ones(n), unit_value=np.ones(n), **extra)


def test_plan_forecast_takes_the_validation_rmse_else_the_band():
    # given: row 0 has a validation RMSE; row 1 has none, a band below its mean on day 2 and a negative mean on
    # day 3; row 2 nothing at all
    mean = np.array([[4.0, 4.0, 4.0], [2.0, 3.0, -1.0], [np.nan, np.nan, np.nan]])
    lower = np.array([[1.0, 1.0, 1.0], [1.0, 3.5, -2.0], [0.0, 0.0, 0.0]])
    upper = np.array([[9.0, 9.0, 9.0], [4.0, 5.0, 1.0], [0.0, 0.0, 0.0]])
    rmse = np.array([2.5, np.nan, np.nan])
    # when
    plan_mean, sigma = plan_forecast(mean, lower, upper, rmse)
    # then: means clipped at 0; widths row 1: 4 - 1, 5 - 3 (lower raised to the mean), 1 - 0 (mean and lower 0)
    assert plan_mean.tolist() == [[4.0, 4.0, 4.0], [2.0, 3.0, 0.0], [0.0, 0.0, 0.0]]
    assert sigma[0] == 2.5
    assert sigma[1] == pytest.approx((3.0 + 2.0 + 1.0) / 3 / (2 * 1.2816), abs=1e-12)
    assert sigma[2] == 0.0
    assert BAND_Z == 1.2816


def test_plan_forecast_takes_the_week_error_before_the_rmse_and_the_band():
    # given: row 0 has a week error and an RMSE, row 1 an RMSE only, row 2 only a band (4 wide every day)
    mean = np.full((3, 2), 5.0)
    lower, upper = np.full((3, 2), 3.0), np.full((3, 2), 7.0)
    # when
    _, sigma = plan_forecast(mean, lower, upper, np.array([2.5, 1.5, np.nan]), np.array([3.25, np.nan, np.nan]))
    # then
    assert sigma[:2].tolist() == [3.25, 1.5]
    assert sigma[2] == pytest.approx(4.0 / (2 * 1.2816), abs=1e-12)


def test_usual_closed_weekdays_are_the_weekdays_without_an_open_day_in_eight_weeks():
    # given: 10 weeks from Monday 2024-01-01; store 0 never opens on Saturdays, store 1 opens every day, store 2
    # opened only in the last 3 weeks (too few to plan closures)
    dates = np.datetime64("2024-01-01") + np.arange(70).astype("timedelta64[D]")
    is_open = np.ones((3, 70), dtype=bool)
    is_open[0, 5::7] = False
    is_open[2, :49] = False
    is_open[2, 49 + 5::7] = False
    # when
    closed = usual_closed_weekdays(is_open, dates)
    # then: Monday first, Saturday = 5
    assert closed.tolist() == [[False] * 5 + [True, False], [False] * 7, [False] * 7]


class CountingCache(EngineForecastCache):
    """The engine replaced by a stub whose day-``d`` forecast is ``d + column`` per day (checks the schedule)."""

    def forecast_at(self, day):
        self.calls.append(day)
        n = self.inputs.demand.shape[0]
        return np.tile(day + np.arange(self.horizon, dtype=np.float32), (n, 1)), np.full(n, float(day))


def test_engine_cache_refreshes_on_review_days_only_and_shifts_between():
    # given: 2 pairs, 50 history days then 30 simulated days, a 7-day refresh
    world = make_world(np.ones((2, 80)), start=50)
    cache = CountingCache(world)
    cache.calls = []
    # when: the policy asks every simulated day, some days twice (calibration reruns)
    answers = {day: cache.get(day) for day in range(50, 80)}
    cache.get(56)
    # then: one engine run per 7 days from the start; day 53 uses day 50's forecast without its first 3 days
    assert cache.calls == [50, 57, 64, 71, 78]
    assert cache.refreshes == [50, 57, 64, 71, 78]
    mean, sigma = answers[53]
    assert mean.shape == (2, 25)
    assert mean[0, :3].tolist() == [53.0, 54.0, 55.0]
    assert sigma.tolist() == [50.0, 50.0]
    assert answers[57][0][0, 0] == 57.0


def test_engine_inputs_mirror_the_product_extract():
    # given: 3 pairs over 70 days from Monday 2024-01-01, forecast on day 62; pair 0 sells from day 10, the store
    # never trades on Saturdays (no demand then), pair 1 was out of stock on days 40-44, pair 2 has a promotion
    # recorded on day 30, one planned on days 50-51 (in the plan only, as when the item did not sell) and one
    # planned on days 64-65
    days = 70
    dates = np.datetime64("2024-01-01") + np.arange(days).astype("timedelta64[D]")
    demand = np.full((3, days), 2.0)
    demand[0, :10] = 0.0
    is_store_open = np.ones((3, days), dtype=bool)
    is_store_open[:, 5::7] = False
    demand[:, 5::7] = 0.0
    is_observed = is_store_open.copy()
    is_observed[1, 40:45] = False
    promo = np.zeros((3, days), dtype=bool)
    promo[2, 30] = True
    events = np.zeros((3, days), dtype=bool)
    events[2, 64:66] = True
    events[2, 50:52] = True
    world = make_world(demand, start=62, dates=dates, is_store_open=is_store_open, is_observed=is_observed,
                       promo=promo, events=events, country="GB")
    # when
    panel, future = EngineForecastCache(world, horizon=14).engine_inputs(62)
    # then: each series from its first sale to day 62; closed and stockout days unavailable
    assert panel.start.tolist() == [dates[10], dates[0], dates[0]]
    assert panel.lengths.tolist() == [53, 63, 63]
    assert np.flatnonzero(~panel.available[panel.indptr[1]:panel.indptr[2]]).tolist() == sorted(
        {*range(5, 63, 7), *range(40, 45)})
    assert np.flatnonzero(panel.promo[panel.indptr[2]:]).tolist() == [30, 50, 51]
    # the future: Saturdays (days 68 and 75 = columns 5 and 12) planned closed, the planned promotion on 64-65
    assert np.flatnonzero(future.open[0] == 0).tolist() == [5, 12]
    assert np.flatnonzero(future.promo[2]).tolist() == [1, 2]
    assert future.promo.shape == (3, 14)


def test_engine_cache_forecast_is_the_engine_forecast_through_plan_forecast():
    # given: 4 seeded Poisson pairs, 120 days, forecast on day 100 with the statistical models
    rng = np.random.default_rng(5)
    world = make_world(rng.poisson([[1.0], [3.0], [6.0], [0.3]], (4, 120)).astype(np.float64), start=100)
    cache = EngineForecastCache(world, horizon=14)
    panel, future = cache.engine_inputs(100)
    # when
    mean, sigma = cache.forecast_at(100)
    # then: the same numbers as the engine's own result converted by plan_forecast (its week error, where the
    # errors of a day carry into the next: a level estimated from a few weeks is off for the whole week)
    result = forecast(panel, 14, future=future, quantiles=PRODUCT_QUANTILES)
    expected_mean, expected_sigma = plan_forecast(result.mean, result.quantiles[0.1], result.quantiles[0.9],
                                                  result.validation_error, result.week_error)
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-6)
    np.testing.assert_allclose(sigma, expected_sigma, rtol=1e-12)
    assert mean.shape == (4, 14)
    # and the policy on it replays (stock conserved)
    replay = simulate(world, OpsdeskForecast(world, cache))
    np.testing.assert_allclose(replay.initial + replay.received - replay.sold, replay.final)
