"""Goal maths against hand computations."""

import math

import pytest

from opsdesk.engine import goals


def test_probability_hand_computed_normal_case():
    # Projection 900, band 700..1100: sigma = 200 / 1.2816 = 156.06; target 1000 -> z = -0.6408,
    # P(X >= 1000) = 1 - Phi(0.6408) = 0.26083 (table: Phi(0.64) = 0.7389, Phi(0.65) = 0.7422).
    p = goals.probability_reaching(900.0, 700.0, 1100.0, 1000.0, "higher")
    assert p == pytest.approx(0.26083, abs=1e-4)
    assert goals.status_for(p) == "off_track"
    # Lower is better: the mirror image.
    assert goals.probability_reaching(900.0, 700.0, 1100.0, 800.0, "lower") == pytest.approx(0.26083, abs=1e-4)


def test_probability_at_the_band_edges_and_without_width():
    assert goals.probability_reaching(1000.0, 800.0, 1200.0, 800.0, "higher") == pytest.approx(0.9, abs=1e-9)
    assert goals.probability_reaching(1000.0, 800.0, 1200.0, 1200.0, "higher") == pytest.approx(0.1, abs=1e-9)
    assert goals.probability_reaching(5.0, 5.0, 5.0, 5.0, "higher") == 1.0
    assert goals.probability_reaching(5.0, 5.0, 5.0, 6.0, "higher") == 0.0
    assert goals.probability_reaching(5.0, 5.0, 5.0, 4.0, "lower") == 0.0


def test_status_thresholds():
    assert [goals.status_for(p) for p in (0.7, 0.69, 0.3, 0.29, None)] == [
        "on_track", "at_risk", "at_risk", "off_track", "no_data"]


def test_run_rate_additive_with_weekly_spread():
    # 30 of 90 days gave 300: 900 at the period end; weekly sd of (60, 70, 80) = 10, remaining 60 days
    # -> sigma = 10 * sqrt(60 / 7) = 29.277, half-width 1.2816 * 29.277 = 37.520.
    projection = goals.run_rate(300.0, 30, 90, additive=True, weekly_values=(60.0, 70.0, 80.0))
    assert projection.value == 900.0
    half = goals.Z_90 * 10.0 * math.sqrt(60 / 7)
    assert (projection.lower, projection.upper) == (pytest.approx(900 - half), pytest.approx(900 + half))
    assert half == pytest.approx(37.520, abs=1e-3)


def test_run_rate_ratio_keeps_the_value_to_date():
    projection = goals.run_rate(88.0, 14, 28, additive=False, weekly_values=(86.0, 90.0))
    # sd = 2.828; remaining half of the period over 2 weeks -> sigma = 0.5 * 2.828 / sqrt(2) = 1.0
    assert projection.value == 88.0
    assert projection.upper - projection.value == pytest.approx(goals.Z_90 * 1.0)
    assert goals.run_rate(88.0, 28, 28, additive=False, weekly_values=(80.0, 90.0)) == goals.Projection(88, 88, 88)


def test_with_forecast_combines_days_in_quadrature():
    projection = goals.with_forecast(1000.0, [100.0, 100.0], [70.0, 60.0], [130.0, 140.0], run_rate_days=3,
                                     daily_rate=50.0)
    assert projection.value == 1350.0
    assert projection.lower == pytest.approx(1350 - 50.0)  # sqrt(30^2 + 40^2)
    assert projection.upper == pytest.approx(1350 + 50.0)


def test_split_equal_share_and_rounding():
    assert goals.split(100.0, [1, 1, 1]) == [33.34, 33.33, 33.33]
    assert sum(goals.split(100.0, [1, 1, 1])) == pytest.approx(100.0)
    assert goals.split(1000.0, [600.0, 300.0, 100.0]) == [600.0, 300.0, 100.0]
    assert goals.split(10.0, [0, 0]) == [5.0, 5.0]
    assert goals.split(3.0, [1, 1], decimals=0) == [2.0, 1.0]
    assert goals.split(5.0, []) == []


def test_rollup_sum_and_weighted_average():
    assert goals.rollup([100.0, 250.0, None], additive=True) == 350.0
    assert goals.rollup([90.0, 80.0], [3.0, 1.0], additive=False) == 87.5
    assert goals.rollup([90.0, 80.0], None, additive=False) == 85.0
    assert goals.rollup([None], additive=True) is None
