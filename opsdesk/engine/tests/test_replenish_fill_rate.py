"""Fill-rate safety stock: the normal loss function, its inverse and the pooled (least-value) allocation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.replenish import (
    PlanParams,
    expected_fill_rate,
    normal_loss,
    normal_loss_inverse,
    plan,
    pooled_safety_factors,
)
from opsdesk.engine.replenish.plan import fill_rate_safety_factor
from opsdesk.engine.tests.test_replenish_plan import make_inputs

# Golden values from statistics.NormalDist (independent of the engine's CDF): G(k) = pdf(k) - k (1 - cdf(k)).
G_0, G_1, G_2, G_MINUS_1 = 0.3989422804014327, 0.08331547058768629, 0.008490702616829646, 1.0833154705876864
Z_95, Z_80 = 1.6448536269514715, 0.8416212335729144
G_Z95, G_Z80 = 0.02089295902779771, 0.11163767369323


def test_normal_loss_matches_known_values():
    # given / when
    values = normal_loss(np.array([0.0, 1.0, 2.0, -1.0]))
    # then: the engine's CDF is accurate to 1e-7, so G is to about 3e-7
    np.testing.assert_allclose(values, [G_0, G_1, G_2, G_MINUS_1], atol=3e-7)


@settings(max_examples=60, deadline=None)
@given(target=st.floats(1e-4, 6.0))
def test_normal_loss_inverse_round_trips_for_positive_and_negative_factors(target):
    # given: an expected shortfall in sigmas (above G(0) = 0.399 the factor is negative)
    # when
    k = normal_loss_inverse(np.array([target]))
    # then
    assert normal_loss(k)[0] == pytest.approx(target, rel=1e-6)
    assert (k[0] < 0) == (target > G_0)


def test_fill_rate_safety_factor_is_never_negative():
    # given: a fill target looser than what cycle stock alone delivers
    # when
    k = fill_rate_safety_factor(np.array([0.5]), np.array([10.0]), np.array([5.0]))
    # then
    assert k[0] == 0.0


def test_pooled_allocation_matches_hand_computation():
    # given: two pairs with d = 1/day, Q = 10 (T = 10 days), sigma = 5; unit costs 1 and 4, so v T = 10 and 40.
    # With lambda = 200: 1 - Phi(k) = 10/200 = 0.05 -> k = 1.6448536 and 40/200 = 0.2 -> k = 0.8416212;
    # shortage/day = (1/10) 5 (G(1.6448536) + G(0.8416212)) = 0.5 (0.0208930 + 0.1116377) = 0.0662653 of 2 units/day,
    # i.e. a pooled fill rate of 1 - 0.0662653 / 2 = 0.9668673.
    beta = 1 - 0.5 * (G_Z95 + G_Z80) / 2
    ones = np.ones(2)
    # when
    k = pooled_safety_factors(np.full(2, beta), np.zeros(2, dtype=np.int8), ones, 10 * ones, 5 * ones,
                              np.array([1.0, 4.0]))
    # then
    np.testing.assert_allclose(k, [Z_95, Z_80], atol=1e-6)


def test_pooled_allocation_needs_nothing_when_cycle_stock_covers_the_target():
    # given: at k = 0 the shortage is (1/10) 5 G(0) = 0.1995 per 1 unit/day: fill 0.80 > target 0.75
    # when
    k = pooled_safety_factors(np.array([0.75]), np.zeros(1, dtype=np.int8), np.ones(1), np.full(1, 10.0),
                              np.full(1, 5.0), np.ones(1))
    # then
    assert k[0] == 0.0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), beta=st.floats(0.85, 0.995))
def test_pooled_plan_meets_each_class_target_in_expectation(seed, beta):
    # given: 40 pairs in three classes with random demand, variability, packs and costs
    rng = np.random.default_rng(seed)
    n = 40
    base = make_inputs(n=n, on_hand=0.0, on_order=0.0, backorders=0.0)
    inputs = base.__class__(**{
        **base.__dict__, "forecast_mean": np.repeat(rng.uniform(0.2, 30, (n, 1)), 28, axis=1),
        "forecast_sigma": rng.uniform(0.5, 10, n), "pack_size": rng.choice([1.0, 6.0, 24.0], n),
        "min_order_qty": np.zeros(n), "unit_cost": rng.uniform(0.5, 50, n),
        "abc_class": rng.integers(0, 3, n).astype(np.int8)})
    # when
    result = plan(inputs, PlanParams(service_levels=(beta,) * 3, check_interval_days=1.0,
                                     service_measure="fill_rate_pooled"))
    # then: per class, the modelled fill 1 - sum(d sigma_P G(k) / Q) / sum(d) is >= the target, and = the target
    # (1e-6) where safety stock is used; sigma_P = sqrt((L + 1) sigma^2 + d^2 sigma_L^2) with L = 4, sigma_L = 1
    daily = inputs.forecast_mean[:, 0]
    sigma_p = np.sqrt(5 * inputs.forecast_sigma**2 + daily**2)
    cycle = np.maximum(7 * daily, inputs.pack_size)
    short = daily * sigma_p * normal_loss(result.z) / cycle
    for code in range(3):
        rows = inputs.abc_class == code
        if not rows.any():
            continue
        pooled = 1 - short[rows].sum() / daily[rows].sum()
        assert pooled >= beta - 1e-6
        if (result.z[rows] > 0).any():
            assert pooled == pytest.approx(beta, abs=1e-6)
    assert (result.z >= 0).all()


def test_min_pair_fill_rate_allows_a_reorder_point_below_demand_but_not_below_zero():
    # given: one expensive slow pair (pack covers 100 days) and one cheap fast pair, target 0.95 pooled
    base = make_inputs(n=2, on_hand=0.0, on_order=0.0, backorders=0.0, lead=5.0, lead_std=0.0)
    inputs = base.__class__(**{
        **base.__dict__, "forecast_mean": np.array([[0.12] * 28, [20.0] * 28]),
        "forecast_sigma": np.array([0.4, 6.0]), "pack_size": np.array([12.0, 1.0]), "min_order_qty": np.zeros(2),
        "unit_cost": np.array([80.0, 1.0]), "abc_class": np.zeros(2, dtype=np.int8)})
    params = PlanParams(service_levels=(0.95,) * 3, check_interval_days=1.0, service_measure="fill_rate_pooled")
    # when
    floored = plan(inputs, params)
    free = plan(inputs, PlanParams(**{**params.__dict__, "min_pair_fill_rate": 0.9}))
    # then: the slow pair's factor drops below zero, its reorder point stays >= 0 and its expected fill >= 0.9
    assert floored.z[0] == 0.0
    assert free.z[0] < 0.0
    assert free.reorder_point[0] >= -1e-9
    assert free.expected_fill_rate[0] >= 0.9 - 1e-6
    assert free.safety_stock[0] * 80 + free.safety_stock[1] < floored.safety_stock[0] * 80 + floored.safety_stock[1]


def test_expected_fill_rate_of_the_classic_example():
    # given: k = 1, Q = 10, sigma = 5 -> 1 - 5 G(1) / 10
    # when
    fill = expected_fill_rate(np.array([1.0, 0.0]), np.array([10.0, 10.0]), np.array([5.0, 0.0]))
    # then: no variability means nothing short
    np.testing.assert_allclose(fill, [1 - 0.5 * G_1, 1.0], atol=2e-7)
