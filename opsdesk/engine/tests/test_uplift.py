"""Promotion uplift: a known injected lift is recovered within its interval; a substitute's known loss is found."""

import numpy as np
import pytest

from opsdesk.engine.uplift import (
    HALO,
    PROMOTED,
    SUBSTITUTE,
    baseline_forecast,
    evaluate,
    hand_promo_uplift,
    store_promo_uplift,
)

HISTORY, DAYS, AFTER = 280, 14, 14
PROFILE = np.array([1.0, 0.9, 0.95, 1.0, 1.2, 1.5, 1.3])


def _panel(roles, lift, loss, seed=7):
    """Daily Poisson demand with a weekday profile; promoted series x (1 + lift), substitutes x (1 - loss)."""
    rng = np.random.default_rng(seed)
    n, t = len(roles), HISTORY + DAYS + AFTER
    level = rng.uniform(20, 40, n)
    expected = level[:, None] * PROFILE[np.arange(t) % 7][None, :]
    effect = np.ones((n, t))
    effect[np.asarray(roles) == PROMOTED, HISTORY:HISTORY + DAYS] += lift
    effect[np.asarray(roles) == SUBSTITUTE, HISTORY:HISTORY + DAYS] -= loss
    units = rng.poisson(expected * effect).astype(float)
    dates = np.datetime64("2024-01-01") + np.arange(t)
    return expected, units, dates


def _evaluate(roles, lift, loss):
    expected, units, dates = _panel(roles, lift, loss)
    n, t = units.shape
    series = np.repeat(np.arange(n), t)
    day = np.tile(dates, n)
    baseline = baseline_forecast(series, day, units.ravel(), available=np.ones(n * t, bool),
                                 promo=np.zeros(n * t, bool), origin=dates[HISTORY - 1], h=DAYS + AFTER)
    window = units[:, HISTORY:]
    price, unit_cost = np.full(n, 10.0), np.full(n, 6.0)
    paid = np.full(window.shape, 10.0)
    paid[np.asarray(roles) == PROMOTED, :DAYS] = 9.5  # 5 % off during the promotion only
    result = evaluate(baseline=baseline, roles=np.asarray(roles), days=DAYS, actual_units=window,
                      actual_revenue=window * paid, actual_cost=window * 6.0, price=price, unit_cost=unit_cost,
                      cost=100.0)
    return expected, result


def test_injected_lift_is_recovered_within_its_interval():
    # given: 12 promoted series with +30 % units over 14 days
    roles = [PROMOTED] * 12 + [HALO] * 6
    # when
    expected, result = _evaluate(roles, lift=0.3, loss=0.0)
    # then: the true extra units lie inside the 80 % interval, and the share is about 30 %
    truth = 0.3 * expected[:12, HISTORY:HISTORY + DAYS].sum()
    units = result.effects["promoted"]["units"]
    assert units.lower <= truth <= units.upper
    assert units.share == pytest.approx(0.3, abs=0.06)
    halo = result.effects["halo"]["units"]
    assert halo.lower <= 0 <= halo.upper
    assert result.verdict == "pays"
    assert result.confidence > 0.99


def test_cannibalised_substitute_loses_its_known_share():
    # given: substitutes lose 20 % while 8 series are promoted
    roles = [PROMOTED] * 8 + [SUBSTITUTE] * 8
    # when
    expected, result = _evaluate(roles, lift=0.4, loss=0.2)
    # then
    loss = result.effects["substitute"]["units"]
    truth = -0.2 * expected[8:, HISTORY:HISTORY + DAYS].sum()
    assert loss.lower <= truth <= loss.upper
    assert loss.share == pytest.approx(-0.2, abs=0.06)


def test_no_lift_gives_an_interval_around_zero_and_a_losing_verdict_after_cost():
    roles = [PROMOTED] * 10
    _expected, result = _evaluate(roles, lift=0.0, loss=0.0)
    units = result.effects["promoted"]["units"]
    assert units.lower <= 0 <= units.upper
    # sold at 9.50 instead of 10 with no extra units: the margin falls, so it does not pay
    assert result.verdict == "loses"


def test_store_promo_uplift_equals_hand_computation_on_a_flat_panel():
    # given: 3 stores, flat weekday profile, promo every other week Mon-Fri at +25 %
    days = np.datetime64("2024-01-01") + np.arange(7 * 40)  # 2024-01-01 is a Monday
    stores, day, sales, promo = [], [], [], []
    for s in range(3):
        for i, d in enumerate(days):
            on = (i // 7) % 2 == 1 and i % 7 < 5
            stores.append(s)
            day.append(d)
            promo.append(on)
            sales.append(100.0 * (s + 1) * PROFILE[i % 7] * (1.25 if on else 1.0))
    args = (np.array(stores), np.array(day), np.array(sales), np.array(promo), np.ones(len(sales), bool))
    # when
    engine = store_promo_uplift(*args)
    hand = hand_promo_uplift(*args)
    # then: exact on a noise-free panel
    assert engine.uplift == pytest.approx([0.25, 0.25, 0.25])
    assert hand.uplift == pytest.approx([0.25, 0.25, 0.25])
