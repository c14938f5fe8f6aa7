"""Inventory health: ABC/XYZ on hand examples, risk, overstock, dead stock and group totals."""

import math

import numpy as np
import pytest

from opsdesk.engine.replenish import (
    HealthParams,
    abc_classify,
    days_since_last_sale,
    health_summary,
    inventory_health,
    stockout_probability,
    stockout_probability_from_quantiles,
    sum_rows_by_key,
    xyz_classify,
)


def test_abc_by_cumulative_value_share_before_the_item():
    # given: values 50, 30, 10, 6, 4 (total 100), listed out of order, plus a zero
    value = np.array([10.0, 50.0, 4.0, 30.0, 6.0, 0.0])
    # when
    codes = abc_classify(value)
    # then: shares before each item in rank order: 50 -> 0, 30 -> .50, 10 -> .80, 6 -> .90, 4 -> .96
    # A while < .80: 50, 30; B while < .95: 10, 6; C: 4 and the zero
    assert codes.tolist() == [1, 0, 2, 0, 1, 2]


def test_abc_per_group_ranks_each_store_separately():
    # given: store 0 has 90 and 10; store 1 has 5, 3, 2
    value = np.array([90.0, 5.0, 10.0, 3.0, 2.0])
    groups = np.array([0, 1, 0, 1, 1])
    # when
    codes = abc_classify(value, groups)
    # then: store 0: 90 (0) A, 10 (.90) B; store 1: 5 (0) A, 3 (.5) A, 2 (.8) B
    assert codes.tolist() == [0, 0, 1, 0, 1]


def test_xyz_by_coefficient_of_variation():
    # given: constant (cv 0), alternating 5/15 (mean 10, std 5, cv .5), 0/0/0/40 (mean 10, std 17.32, cv 1.73),
    # 4/16 (cv .6), never sold
    demand = np.array([[10.0, 10, 10, 10], [5, 15, 5, 15], [0, 0, 0, 40], [4, 16, 4, 16], [0, 0, 0, 0]])
    # when
    codes = xyz_classify(demand)
    # then
    assert codes.tolist() == [0, 0, 2, 1, 2]


def test_stockout_probability_normal_approximation():
    # given: 10/day for 7 days (70), sigma 5/day -> 5 * sqrt(7) = 13.2288; stock 70, 83.2288, 50; sigma 0 case
    forecast = np.full((4, 7), 10.0)
    sigma = np.array([5.0, 5.0, 5.0, 0.0])
    on_hand = np.array([70.0, 70.0 + 5 * math.sqrt(7), 50.0, 69.0])
    # when
    risk = stockout_probability(on_hand, forecast, sigma, 7)
    # then: 1 - Phi(0) = .5; 1 - Phi(1) = .1586553; 1 - Phi(-20 / 13.2288) = 1 - Phi(-1.5118579) = .9347150
    # (reference values from statistics.NormalDist); no sigma and short -> 1
    assert risk == pytest.approx([0.5, 0.1586553, 0.9347150, 1.0], abs=1e-6)


def test_stockout_probability_from_quantiles():
    # given: horizon demand quantiles 50% -> 10, 90% -> 20, 99% -> 40
    quantiles = np.tile(np.array([10.0, 20.0, 40.0]), (4, 1))
    levels = np.array([0.5, 0.9, 0.99])
    # when
    risk = stockout_probability_from_quantiles(np.array([15.0, 20.0, 100.0, 0.0]), quantiles, levels)
    # then: 15 is halfway between the 50% and 90% quantiles -> CDF .7 -> risk .3; clamped outside the levels
    assert risk == pytest.approx([0.3, 0.1, 0.01, 0.5], abs=1e-12)


def test_days_since_last_sale():
    # given: last sale yesterday, 3 days ago, never (history of 4 days)
    sales = np.array([[0.0, 0, 0, 2], [1, 0, 0, 0], [0, 0, 0, 0]])
    # when / then
    assert days_since_last_sale(sales).tolist() == [1.0, 4.0, 5.0]


def test_inventory_health_flags_overstock_dead_stock_and_risk():
    # given: pair 0 sells 1/day with 200 on hand; pair 1 never sold in 120 days with 30 on hand;
    # pair 2 sells 10/day with 20 on hand
    sales = np.zeros((3, 120))
    sales[0] = 1.0
    sales[2] = 10.0
    forecast = np.array([[1.0] * 14, [0.0] * 14, [10.0] * 14])
    on_hand = np.array([200.0, 30.0, 20.0])
    cost = np.array([2.0, 5.0, 1.0])
    # when
    health = inventory_health(on_hand, cost, sales, forecast, np.array([1.0, 0.0, 3.0]),
                              stock_age_days=np.array([40.0, 200.0, 3.0]), groups=np.array([0, 0, 1]),
                              params=HealthParams(overstock_days=90, dead_days=90, risk_days=7))
    summary = health_summary(health, on_hand, cost, groups=np.array([0, 0, 1]))
    # then: overstock 200 - 90 = 110 units worth 220; dead stock 30 x 5 = 150; 20 units vs 70 demand: at risk
    assert health.overstock_units.tolist() == [110.0, 30.0, 0.0]
    assert health.overstock_value.tolist() == [220.0, 150.0, 0.0]
    assert health.is_dead.tolist() == [False, True, False]
    assert health.dead_value.tolist() == [0.0, 150.0, 0.0]
    assert health.is_at_risk.tolist() == [False, False, True]
    assert health.days_of_cover.tolist() == [200.0, math.inf, 2.0]
    assert health.to_arrow().column("abc_class").to_pylist() == ["A", "C", "A"]
    assert summary.to_pylist() == [
        {"group": 0, "pairs": 2, "stock_value": 550.0, "at_risk": 0, "overstock_value": 370.0, "dead_value": 150.0},
        {"group": 1, "pairs": 1, "stock_value": 20.0, "at_risk": 1, "overstock_value": 0.0, "dead_value": 0.0},
    ]


def test_sum_rows_by_key_for_company_wide_view():
    # given: SKU 7 in two stores, SKU 3 in one
    keys = np.array([7, 3, 7])
    demand = np.array([[1.0, 2.0], [5.0, 5.0], [3.0, 4.0]])
    # when
    unique_keys, sums = sum_rows_by_key(keys, demand)
    # then
    assert unique_keys.tolist() == [3, 7]
    assert sums.tolist() == [[5.0, 5.0], [4.0, 6.0]]


def test_quantile_risk_flags_stock_below_the_chosen_quantile():
    # given: horizon demand quantiles 50% -> 10, 90% -> 20, 99% -> 40
    from opsdesk.engine.replenish.health import quantile_risk

    quantiles = np.tile(np.array([10.0, 20.0, 40.0]), (2, 1))
    # when
    flags = quantile_risk(np.array([19.0, 20.0]), quantiles, np.array([0.5, 0.9, 0.99]), 0.9)
    # then
    assert flags.tolist() == [True, False]
