"""Simulation: stock conservation, a hand-traced min/max replay, policies and the built-in forecaster."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.replenish import (
    ErpnextReorder,
    ForecastCache,
    OdooMinMax,
    OpsdeskForecast,
    PerfectForecastCache,
    PlanParams,
    SimulationInputs,
    calibrate,
    simulate,
    tsb_weekly_forecast,
)
from opsdesk.engine.replenish.forecasters import event_adjusted


def make_world(demand, start, lead=3, review=4.0, pack=1.0, moq=0.0, lead_actual=None, measure_from=None):
    n = demand.shape[0]
    actual = np.full(demand.shape, lead, dtype=np.int64) if lead_actual is None else lead_actual
    return SimulationInputs(
        demand=demand, start=start, measure_from=start if measure_from is None else measure_from,
        lead_time_actual=actual, stated_lead_time=np.full(n, float(lead)), lead_time_mean=np.full(n, float(lead)),
        lead_time_std=np.zeros(n), review_days=np.full(n, review), abc_class=np.zeros(n, dtype=np.int8),
        pack_size=np.full(n, pack), min_order_qty=np.full(n, moq), unit_value=np.full(n, 2.0))


def test_odoo_minmax_replay_matches_hand_trace():
    # given: 2 units/day for 90 history days and 12 simulated days; lead 3 days, review 4 days
    # min = 2 x 3 = 6, max = 6 + 2 x 4 = 14; start with 14 on hand
    world = make_world(np.full((1, 102), 2.0), start=90)
    # when
    result = simulate(world, OdooMinMax(world))
    # then: end-of-day stock 12 10 8 6 4* 2 0 8 6 4* 2 0 (* = position 4 < 6, order 14 - 4 = 10, arrives +3 days)
    summary = result.summary()
    assert summary["avg_inventory_units"] == pytest.approx(62 / 12, abs=1e-12)
    assert summary["avg_inventory_value"] == pytest.approx(124 / 12, abs=1e-12)
    assert summary["orders"] == 2
    assert summary["fill_rate"] == 1.0
    assert summary["stockout_days"] == 0
    assert summary["cycle_service_level"] == 1.0
    assert (result.initial[0], result.received[0], result.sold[0], result.final[0]) == (14.0, 10.0, 24.0, 0.0)


def test_lost_sales_and_cycle_service_level():
    # given: the same world with a spike of 5 on simulated day 5
    demand = np.full((1, 102), 2.0)
    demand[0, 95] = 5.0
    world = make_world(demand, start=90)
    # when
    result = simulate(world, OdooMinMax(world))
    # then: day 5 sells 4 of 5, day 6 sells 0 of 2 (order of 10 still in transit): 3 units lost on 2 days;
    # cycles: up to the receipt on day 7 (stockout), then the last one (none) -> CSL 1/2
    summary = result.summary()
    assert summary["stockout_days"] == 2
    assert summary["fill_rate"] == pytest.approx(24 / 27, abs=1e-12)
    assert summary["cycle_service_level"] == 0.5
    assert result.initial[0] + result.received[0] - result.sold[0] == result.final[0]


def test_opsdesk_policy_serves_a_constant_demand_fully():
    # given: 3 pairs with constant demand 0, 1 and 7 per day
    demand = np.repeat(np.array([[0.0], [1.0], [7.0]]), 160, axis=1)
    world = make_world(demand, start=120, measure_from=130, pack=1.0)
    # when
    result = simulate(world, OpsdeskForecast(world, ForecastCache(world)))
    # then
    summary = result.summary()
    assert summary["fill_rate"] == 1.0
    assert summary["stockout_days"] == 0
    np.testing.assert_array_equal(result.initial + result.received - result.sold, result.final)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000), n=st.integers(1, 6), pack=st.sampled_from([1.0, 6.0, 12.0]),
    moq=st.sampled_from([0.0, 10.0]), policy=st.sampled_from(["odoo", "erpnext", "opsdesk"]),
)
def test_stock_is_conserved(seed, n, pack, moq, policy):
    # given: random intermittent demand and random lead times 1..6 days
    rng = np.random.default_rng(seed)
    demand = rng.poisson(rng.uniform(0.1, 8, (n, 1)) * rng.uniform(0, 2, (n, 70))).astype(np.float64)
    lead = rng.integers(1, 7, (n, 70))
    world = make_world(demand, start=40, measure_from=45, pack=pack, moq=moq, lead_actual=lead)
    policies = {"odoo": lambda: OdooMinMax(world), "erpnext": lambda: ErpnextReorder(world),
                "opsdesk": lambda: OpsdeskForecast(world, ForecastCache(world))}
    # when
    result = simulate(world, policies[policy]())
    # then: start + received - sold = end for every pair; sold never exceeds demand; orders are pack multiples
    np.testing.assert_allclose(result.initial + result.received - result.sold, result.final, atol=1e-9)
    assert (result.final >= 0).all()
    assert result.served.sum() <= result.demanded.sum()
    assert np.all(result.received % pack == 0)


def test_calibrate_finds_the_smallest_buffer_reaching_the_target():
    # given: noisy demand that plain min/max (no buffer) serves poorly
    rng = np.random.default_rng(3)
    demand = rng.poisson(5.0, (20, 150)).astype(np.float64)
    world = make_world(demand, start=90, measure_from=100)
    # when
    knob, result, is_reached = calibrate(lambda buffer: OdooMinMax(world, buffer_days=buffer), world, 0.0, 10.0,
                                         target_fill=0.99, iterations=8)
    # then
    assert is_reached
    assert result.summary()["fill_rate"] >= 0.99
    assert simulate(world, OdooMinMax(world, buffer_days=knob - 10 / 2**8)).summary()["fill_rate"] < 0.99


def test_tsb_weekly_forecast_recovers_level_and_weekday_profile():
    # given: a noise-free weekly pattern around 20 units/day, and a constant series
    pattern = np.array([10.0, 20, 20, 20, 20, 30, 20])
    history = np.vstack([np.tile(pattern, 30), np.full(210, 4.0)])
    # when
    mean, sigma = tsb_weekly_forecast(history, 14)
    # then: day j continues the pattern at phase (210 + j) % 7 = j % 7
    np.testing.assert_allclose(mean[0], np.tile(pattern, 2), rtol=0.02)
    np.testing.assert_allclose(mean[1], 4.0, rtol=1e-9)
    assert sigma[1] == pytest.approx(0.0, abs=1e-9)


def test_event_adjusted_forecast_applies_the_learned_uplift():
    # given: 10 units/day, doubled on event days (every 10th day), and an event tomorrow
    events = np.zeros((1, 200), dtype=bool)
    events[0, ::10] = True
    history = np.where(events[:, :180], 20.0, 10.0)
    forecaster = event_adjusted(tsb_weekly_forecast, events, prior_days=0.0)
    # when
    mean, _ = forecaster(history, 5)
    # then: day 180 is an event day
    assert mean[0, 0] == pytest.approx(20.0, rel=0.01)
    assert mean[0, 1] == pytest.approx(10.0, rel=0.01)


def test_forecast_cache_uses_the_world_event_calendar_by_default():
    # given: 10 units/day doubled on every 10th day (a planned promotion), known for the whole calendar
    events = np.zeros((1, 200), dtype=bool)
    events[0, ::10] = True
    world = make_world(np.where(events, 20.0, 10.0), start=179)
    world = SimulationInputs(**{**world.__dict__, "events": events, "event_groups": np.zeros(1, dtype=np.int64)})
    # when: forecasts made at the end of day 178 (day 179 + j is forecast day j)
    calendar_mean, _ = ForecastCache(world).get(178)
    history_mean, _ = ForecastCache(world, tsb_weekly_forecast).get(178)
    # then: the calendar-aware forecast raises day 180 (an event day), the history-only one cannot know it
    assert calendar_mean[0, 1] > 1.5 * calendar_mean[0, 0]
    assert history_mean[0, 1] < 1.2 * history_mean[0, 0]


def test_value_fill_rate_weights_lost_units_by_value():
    # given: two pairs with unit values 1 and 9; the expensive one loses half its demand, the cheap one nothing
    world = make_world(np.full((2, 4), 2.0), start=0)
    world = SimulationInputs(**{**world.__dict__, "unit_value": np.array([1.0, 9.0])})

    class Fixed:
        name = "fixed"

        def initial_on_hand(self):
            return np.array([8.0, 4.0])

        def order(self, day, on_hand, on_order):
            return np.zeros(2)

    # when
    summary = simulate(world, Fixed()).summary()
    # then: units 12 of 16 served; value (8 x 1 + 4 x 9) / (8 x 1 + 8 x 9) = 44 / 80
    assert summary["fill_rate"] == 12 / 16
    assert summary["value_fill_rate"] == 44 / 80


def test_perfect_forecast_cache_returns_the_actual_coming_demand():
    # given: 2 pairs over 10 days, demand = day index (+100 for the second pair); lead 3, review 4 -> horizon 8
    demand = np.vstack([np.arange(10.0), np.arange(10.0) + 100])
    world = make_world(demand, start=5)
    cache = PerfectForecastCache(world)
    # when: the forecast made at the end of day 4
    mean, sigma = cache.get(4)
    # then: days 5..9 as they happen, zeros past the end of the world, no error
    assert cache.horizon == 8
    np.testing.assert_array_equal(mean, [[5, 6, 7, 8, 9, 0, 0, 0], [105, 106, 107, 108, 109, 0, 0, 0]])
    np.testing.assert_array_equal(sigma, [0.0, 0.0])


def test_perfect_forecast_serves_a_spiky_demand_with_known_lead_times():
    # given: a spike of 30 units every 9th day on top of 1 a day; fixed lead time of 3 days
    demand = np.ones((1, 160))
    demand[0, ::9] = 30.0
    world = make_world(demand, start=120, measure_from=130)
    # when: the plan sees the actual future demand; a history forecaster with no safety stock does not
    perfect = simulate(world, OpsdeskForecast(world, PerfectForecastCache(world), PlanParams(check_interval_days=1.0,
                                                                                            z_scale=0.0)))
    forecast = simulate(world, OpsdeskForecast(world, ForecastCache(world), PlanParams(check_interval_days=1.0,
                                                                                      z_scale=0.0)))
    # then: every unit served with foresight; the history forecast loses part of the spikes
    assert perfect.summary()["fill_rate"] == 1.0
    assert forecast.summary()["fill_rate"] == pytest.approx(12 / 13, abs=1e-12)
    assert perfect.summary()["avg_inventory_units"] < forecast.summary()["avg_inventory_units"]
