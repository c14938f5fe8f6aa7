"""Golden values of the budget arithmetic (opsdesk.engine.budget), computed by hand in the comments."""

from __future__ import annotations

import pytest

from opsdesk.engine import budget


def test_spread_evenly_keeps_the_total_to_the_cent():
    # 100 / 12 = 8.3333: eleven months of 8.33, the first takes the 0.04 left over
    months = budget.spread_evenly(100.0)
    assert months == [8.37] + [8.33] * 11
    assert round(sum(months), 2) == 100.0


def test_spread_by_last_years_seasonality():
    # given last year's months: December twice an ordinary month
    last_year = [100.0] * 11 + [200.0]
    # when 13,000 is spread
    months = budget.spread_by_weights(13000.0, last_year)
    # then 1,000 a month and 2,000 in December
    assert months == [1000.0] * 11 + [2000.0]


def test_spread_without_history_is_even():
    assert budget.spread_by_weights(1200.0, [0.0] * 12) == [100.0] * 12


def test_copy_with_growth():
    assert budget.grow([1000.0] * 11 + [2000.0], 1.05) == [1050.0] * 11 + [2100.0]
    # rounding keeps the grown total: 3 × 33.33 × 1.1 = 109.989 -> 109.99
    grown = budget.grow([33.33, 33.33, 33.33] + [0.0] * 9, 1.1)
    assert round(sum(grown), 2) == 109.99


def test_partly_received_line_is_split_once():
    # 10 ordered at 12.50, 4 received: 50 actual, 75 committed, never both
    assert budget.split_order_line(10, 4, 12.5) == (50.0, 75.0)
    assert budget.split_order_line(10, 10, 12.5) == (125.0, 0.0)
    assert budget.split_order_line(10, 0, 12.5) == (0.0, 125.0)


def test_availability_levels():
    check = budget.availability(1000, 600, 300, 150, "stop")
    # available = 1000 - 600 - 300 = 100; after the order 100 - 150 = -50
    assert (check.available, check.remaining_after, check.level) == (100.0, -50.0, "stop")
    assert budget.availability(1000, 600, 300, 150, "warn").level == "warn"
    assert budget.availability(1000, 600, 300, 150, "none").level == "ok"
    assert budget.availability(1000, 600, 300, 100, "stop").level == "ok"
    with pytest.raises(ValueError, match="rule"):
        budget.availability(1, 0, 0, 0, "maybe")


def test_projection_run_rate_even_season():
    # given 12,000 budget, 10 months gone with 11,000 spent, nothing committed
    projection = budget.project([1000.0] * 12, [1100.0] * 10 + [0.0, 0.0], 0.0, 10.0)
    # then the run rate 1,100 a month projects 2,200 more: 13,200, 1,200 (10 %) over
    assert (projection.projected, projection.variance, projection.variance_pct) == (13200.0, 1200.0, 10.0)
    assert projection.is_overrun


def test_projection_counts_commitments_inside_the_rest():
    # given 6 months gone at 1,000 a month (seasonality even) and 2,500 committed for the coming months
    projection = budget.project([1000.0] * 12, [1000.0] * 6 + [0.0] * 6, 2500.0, 6.0)
    # then rest = 6,000 - 2,500 = 3,500; projected = 6,000 + 2,500 + 3,500 = 12,000 (not 14,500)
    assert (projection.actual, projection.committed, projection.rest, projection.projected) == (
        6000.0, 2500.0, 3500.0, 12000.0)
    assert projection.variance == 0.0
    # a commitment larger than the baseline counts in full
    assert budget.project([1000.0] * 12, [1000.0] * 6 + [0.0] * 6, 7000.0, 6.0).projected == 13000.0


def test_projection_with_last_years_seasonality():
    # last year: December 2,000, other months 1,000 (weights 1/13 and 2/13); 11 months gone, 11,000 spent
    last_year = [1000.0] * 11 + [2000.0]
    projection = budget.project([1000.0] * 11 + [2000.0], [1000.0] * 11 + [0.0], 0.0, 11.0, last_year=last_year)
    # rate = 11,000 / (11/13) = 13,000; rest = 13,000 × 2/13 = 2,000
    assert (projection.rest, projection.projected, projection.variance) == (2000.0, 13000.0, 0.0)


def test_projection_with_forecast_and_half_a_month():
    # 10.5 months gone: half of November and December remain of the forecast
    forecast = [0.0] * 10 + [800.0, 1200.0]
    projection = budget.project([1000.0] * 12, [900.0] * 10 + [400.0, 0.0], 100.0, 10.5, forecast=forecast)
    # rest = 400 + 1,200 - 100 committed = 1,500; projected = 9,400 + 100 + 1,500 = 11,000
    assert (projection.rest, projection.projected, projection.variance_pct) == (1500.0, 11000.0, -8.33)


def test_projection_before_the_year_starts_is_the_budget():
    assert budget.project([1000.0] * 12, [0.0] * 12, 0.0, 0.0).projected == 12000.0


def test_overrun_share():
    over = budget.project([100.0] * 12, [200.0] * 12, 0.0, 12.0)
    under = budget.project([100.0] * 12, [50.0] * 12, 0.0, 12.0)
    assert budget.overrun_share([over, under, under, under]) == 0.25
    assert budget.overrun_share([]) is None
