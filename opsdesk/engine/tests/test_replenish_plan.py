"""Replenishment plan: golden formulas, rounding and coverage properties."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.replenish import (
    REASONS,
    PlanInputs,
    PlanParams,
    cumulative_forecast,
    days_until_stockout,
    demand_over,
    lead_time_from_receipts,
    plan,
    round_order_quantity,
)
from opsdesk.engine.replenish.plan import fill_rate_safety_factor, normal_loss

Z_95 = 1.6448536269514722  # Phi^-1(0.95), independent value from statistics.NormalDist
Z_98 = 2.0537489106318225


def make_inputs(n=1, h=28, rate=10.0, sigma=3.0, on_hand=40.0, on_order=20.0, backorders=5.0, lead=4.0,
                lead_std=1.0, review=7.0, abc=1, pack=12.0, moq=30.0, **extra):
    def full(value):
        return np.full(n, value, dtype=np.float64)

    return PlanInputs(
        on_hand=full(on_hand), on_order=full(on_order), backorders=full(backorders), lead_time_mean=full(lead),
        lead_time_std=full(lead_std), review_days=full(review), abc_class=np.full(n, abc, dtype=np.int8),
        pack_size=full(pack), min_order_qty=full(moq), forecast_mean=np.full((n, h), rate),
        forecast_sigma=full(sigma), unit_cost=full(2.5), **extra)


def test_periodic_safety_stock_and_reorder_point_match_hand_computation():
    # given: L = 4 d, sigma_L = 1 d, R = 7 d, 10 units/day, sigma_e = 3 units/day, class B (95%), IP = 40 + 20 - 5
    inputs = make_inputs()
    # when: the planner runs on review days only (c = R)
    result = plan(inputs)
    # then: SS = 1.6448536 * sqrt(11 * 3^2 + 10^2 * 1^2) = 1.6448536 * sqrt(199) = 23.2035158
    assert result.safety_stock[0] == pytest.approx(Z_95 * math.sqrt(199), rel=1e-8)
    assert result.safety_stock[0] == pytest.approx(23.2035158, abs=1e-6)
    # s = S = D(11) + SS = 110 + 23.2035158; IP = 55; need = 78.2035158 -> 7 packs of 12 = 84
    assert result.reorder_point[0] == pytest.approx(133.2035158, abs=1e-6)
    assert result.order_up_to[0] == pytest.approx(133.2035158, abs=1e-6)
    assert result.position[0] == 55.0
    assert result.raw_need[0] == pytest.approx(78.2035158, abs=1e-6)
    assert result.order_qty[0] == 84.0
    assert result.rounding_added[0] == pytest.approx(84 - 78.2035158, abs=1e-6)
    assert not result.is_moq_applied[0]
    assert REASONS[result.reason[0]] == "below_reorder_point"
    assert result.order_value[0] == 210.0


def test_daily_planner_reorder_point_uses_lead_time_plus_one_day():
    # given: the same pair planned daily (c = 1)
    inputs = make_inputs()
    # when
    result = plan(inputs, PlanParams(check_interval_days=1.0))
    # then: P = 5, SS = 1.6448536 * sqrt(5 * 9 + 100) = 1.6448536 * sqrt(145) = 19.8066605
    assert result.protection_days[0] == 5.0
    assert result.safety_stock[0] == pytest.approx(19.8066605, abs=1e-6)
    # s = D(5) + SS = 50 + 19.8066605; S = D(11) + SS = 110 + 19.8066605; need = S - 55 = 74.8066605 -> 84
    assert result.reorder_point[0] == pytest.approx(69.8066605, abs=1e-6)
    assert result.order_up_to[0] == pytest.approx(129.8066605, abs=1e-6)
    assert result.order_qty[0] == 84.0


def test_daily_planner_waits_above_reorder_point():
    # given: IP = 100 is above s = 69.8 but below S = 129.8
    inputs = make_inputs(on_hand=100.0, on_order=0.0, backorders=0.0)
    # when
    result = plan(inputs, PlanParams(check_interval_days=1.0))
    # then
    assert result.order_qty[0] == 0.0
    assert REASONS[result.reason[0]] == "above_reorder_point"


def test_moq_raises_small_need_and_is_flagged():
    # given: need = 133.2035 - 120 = 13.2 units, pack 1, MOQ 30
    inputs = make_inputs(on_hand=120.0, on_order=0.0, backorders=0.0, pack=1.0, moq=30.0)
    # when
    result = plan(inputs)
    # then
    assert result.order_qty[0] == 30.0
    assert result.is_moq_applied[0]


def test_service_level_follows_abc_class():
    # given: class A (98%) with the same facts
    inputs = make_inputs(abc=0)
    # when
    result = plan(inputs, PlanParams(service_levels=(0.98, 0.95, 0.90)))
    # then
    assert result.service_level[0] == 0.98
    assert result.z[0] == pytest.approx(Z_98, abs=1e-8)
    assert result.safety_stock[0] == pytest.approx(Z_98 * math.sqrt(199), rel=1e-8)


def test_quantile_safety_stock_from_horizon_quantiles():
    # given: demand over L + R = 11 days has quantiles 90% -> 120, 95% -> 130, 99% -> 150; D(11) = 110
    levels = np.array([0.5, 0.9, 0.95, 0.99])
    quantiles = np.array([[110.0, 120.0, 130.0, 150.0]])
    inputs = make_inputs(lead_std=0.0, horizon_quantiles=quantiles, quantile_levels=levels)
    # when
    result = plan(inputs, PlanParams(safety_stock_method="quantile"))
    # then: class B -> the 95% quantile 130, SS = 130 - 110 = 20 (no lead-time variability)
    assert result.safety_stock[0] == pytest.approx(20.0, abs=1e-9)
    # and with sigma_L = 1: SS = sqrt(20^2 + (1.6448536 * 10 * 1)^2) = sqrt(400 + 270.5543) = 25.8950
    with_lead = plan(make_inputs(lead_std=1.0, horizon_quantiles=quantiles, quantile_levels=levels),
                     PlanParams(safety_stock_method="quantile"))
    assert with_lead.safety_stock[0] == pytest.approx(math.sqrt(400 + (Z_95 * 10) ** 2), rel=1e-8)


def test_fill_rate_safety_factor_solves_the_loss_equation():
    # given: beta = 0.98, Q = 10, sigma = 5 -> G(k) = 0.02 * 10 / 5 = 0.04
    # when
    k = fill_rate_safety_factor(np.array([0.98, 0.5]), np.array([10.0, 10.0]), np.array([5.0, 5.0]))
    # then: G(1.3602) = 0.04 (tables: G(1.36) = 0.04027); a loose target needs no safety stock
    assert normal_loss(k[0]) == pytest.approx(0.04, abs=1e-7)
    assert k[0] == pytest.approx(1.3602, abs=1e-3)
    assert k[1] == 0.0


def test_demand_over_fractional_days_and_beyond_horizon():
    # given: forecast 1, 2, 3, 4 units on days 0..3
    cumulative = cumulative_forecast(np.array([[1.0, 2.0, 3.0, 4.0]]))
    # when / then: 2.5 days = 1 + 2 + 0.5 * 3; 6 days = 10 + 2 * mean(1..4) = 15
    assert demand_over(cumulative, np.array([2.5]))[0] == 4.5
    assert demand_over(cumulative, np.array([6.0]))[0] == 15.0


def test_days_until_stockout():
    # given: 10 units/day, stock 25 -> 2.5 days; no demand -> inf; nothing on hand -> 0
    cumulative = cumulative_forecast(np.array([[10.0] * 5, [0.0] * 5, [10.0] * 5]))
    # when
    days = days_until_stockout(np.array([25.0, 5.0, 0.0]), cumulative)
    # then
    assert days.tolist() == [2.5, math.inf, 0.0]


def test_lead_time_from_receipts_falls_back_to_stated():
    # given: pair 0 has receipts after 5, 7, 9 days; pair 1 only one receipt (stated 6 days)
    indptr = np.array([0, 3, 4])
    observed = np.array([5.0, 7.0, 9.0, 12.0])
    # when
    mean, std = lead_time_from_receipts(indptr, observed, np.array([4.0, 6.0]))
    # then: mean 7, sample std sqrt(((-2)^2 + 0 + 2^2) / 2) = 2
    assert mean.tolist() == [7.0, 6.0]
    assert std.tolist() == [2.0, 0.0]


def test_to_arrow_and_urgency_order():
    # given: three pairs with 0, 20 and 100 units on hand, nothing on order
    inputs = PlanInputs(
        on_hand=np.array([0.0, 20.0, 100.0]), on_order=np.zeros(3), backorders=np.zeros(3),
        lead_time_mean=np.full(3, 4.0), lead_time_std=np.zeros(3), review_days=np.full(3, 7.0),
        abc_class=np.zeros(3, dtype=np.int8), pack_size=np.ones(3), min_order_qty=np.zeros(3),
        forecast_mean=np.full((3, 14), 10.0), forecast_sigma=np.full(3, 2.0))
    # when
    result = plan(inputs)
    table = result.to_arrow()
    # then: urgency = days of stock - lead time: 0 - 4, 2 - 4, 10 - 4; all below S = 110 + 2.054 * 2 * sqrt(11)
    assert table.num_rows == 3
    assert table.column("reason").to_pylist() == ["below_reorder_point", "below_reorder_point", "below_reorder_point"]
    assert result.urgency.tolist() == [-4.0, -2.0, 6.0]
    assert result.urgency_order().tolist() == [0, 1, 2]


@settings(max_examples=200, deadline=None)
@given(need=st.floats(-50, 5000), pack=st.integers(1, 48), moq=st.integers(0, 200))
def test_order_quantity_is_pack_multiple_at_least_moq_or_zero(need, pack, moq):
    # given / when
    quantity = round_order_quantity(np.array([need]), np.array([float(pack)]), np.array([float(moq)]))[0]
    # then
    if need <= 0:
        assert quantity == 0.0
    else:
        assert quantity % pack == 0
        assert quantity >= moq
        assert quantity >= need - 1e-6
        assert quantity - max(need, moq) < pack + 1e-6


@settings(max_examples=100, deadline=None)
@given(
    rate=st.floats(0, 200), sigma=st.floats(0, 50), lead=st.floats(0, 20), lead_std=st.floats(0, 5),
    review=st.floats(1, 14), abc=st.integers(0, 2), pack=st.integers(1, 24), moq=st.integers(0, 100),
    extra=st.floats(0, 1000), is_daily=st.booleans(),
)
def test_nothing_is_ordered_when_position_covers_horizon_demand_and_safety_stock(
        rate, sigma, lead, lead_std, review, abc, pack, moq, extra, is_daily):
    # given: a first plan tells S = D(L + R) + SS; put the position at S + extra
    params = PlanParams(check_interval_days=1.0 if is_daily else None)
    probe = plan(make_inputs(rate=rate, sigma=sigma, lead=lead, lead_std=lead_std, review=review, abc=abc,
                             pack=pack, moq=moq), params)
    position = probe.demand_horizon[0] + probe.safety_stock[0] + extra
    # when
    result = plan(make_inputs(rate=rate, sigma=sigma, lead=lead, lead_std=lead_std, review=review, abc=abc,
                              pack=pack, moq=moq, on_hand=position, on_order=0.0, backorders=0.0), params)
    # then
    assert result.order_qty[0] == 0.0
    assert REASONS[result.reason[0]] == "covered"


@settings(max_examples=100, deadline=None)
@given(on_hand=st.floats(-20, 500), rate=st.floats(0, 50), pack=st.integers(1, 24), moq=st.integers(0, 60))
def test_plan_quantities_respect_pack_and_moq(on_hand, rate, pack, moq):
    # given / when
    result = plan(make_inputs(on_hand=on_hand, rate=rate, pack=pack, moq=moq))
    quantity = result.order_qty[0]
    # then
    assert quantity == 0.0 or (quantity % pack == 0 and quantity >= moq)
