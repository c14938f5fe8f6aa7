"""Goal maths: splitting a target over children, rolling children back up, projecting a KPI to the period end and
the probability of reaching a target. Pure Python and NumPy; no Django.

Intervals are the forecasting run's 10-90 % prediction band: a normal error has its 10 % and 90 % quantiles at
mean -/+ 1.2816 sigma, so sigma = (upper - lower) / (2 x 1.2816).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_90 = 1.2815515655446004  # the standard normal's 90 % quantile
ON_TRACK_FROM = 0.7  # probability of reaching the target at or above which a goal is on track
AT_RISK_FROM = 0.3  # ... at or above which it is at risk; below, off track


def normal_cdf(x: float) -> float:
    """The standard normal distribution function."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def sigma_from_band(lower: float, upper: float) -> float:
    """Standard deviation of a normal whose 10 % and 90 % quantiles are `lower` and `upper`."""
    return max(upper - lower, 0.0) / (2.0 * Z_90)


def probability_reaching(projection: float, lower: float, upper: float, target: float, direction: str) -> float:
    """Probability that the period's final value reaches the target, the value taken as normal around the
    projection with the 10-90 % band [lower, upper] (an asymmetric band uses the side facing the target).

    Args:
        projection: the expected final value.
        lower, upper: its 10 % and 90 % quantiles.
        target: the goal's target.
        direction: "higher" (reach = at least the target) or "lower" (at most).

    Returns:
        A probability in [0, 1]; 1 or 0 when the band has no width.
    """
    if direction == "higher":
        half = projection - lower if target < projection else upper - projection
    else:
        half = upper - projection if target > projection else projection - lower
    sigma = max(half, 0.0) / Z_90
    if sigma == 0.0:
        reached = projection >= target if direction == "higher" else projection <= target
        return 1.0 if reached else 0.0
    z = (projection - target) / sigma
    return normal_cdf(z) if direction == "higher" else normal_cdf(-z)


def status_for(probability: float | None) -> str:
    """"on_track", "at_risk" or "off_track" from the probability of reaching the target (None: "no_data")."""
    if probability is None:
        return "no_data"
    if probability >= ON_TRACK_FROM:
        return "on_track"
    return "at_risk" if probability >= AT_RISK_FROM else "off_track"


@dataclass(frozen=True)
class Projection:
    """A KPI's expected value at the period end and its 10-90 % band."""

    value: float
    lower: float
    upper: float


def run_rate(actual: float, elapsed_days: int, total_days: int, *, additive: bool,
             weekly_values: Sequence[float] = ()) -> Projection:
    """Project a KPI measured over the first `elapsed_days` of a `total_days` period to the period end.

    An additive KPI (sales, counts) continues at its daily rate to date: value = actual x total / elapsed. A ratio
    or average KPI (%, score, days) keeps its value to date. The band comes from the spread of recent weekly values
    (`weekly_values`, the KPI measured over each of the last full weeks): for an additive KPI the remaining total
    has sigma = sd(week) x sqrt(remaining / 7); for a ratio the remaining part's mean has sigma = sd(week) /
    sqrt(remaining weeks), weighted by the remaining share of the period. With fewer than two weeks the band has
    no width.

    Args:
        actual: the KPI over the elapsed days.
        elapsed_days, total_days: days measured and days in the period (1 <= elapsed <= total).
        additive: whether the KPI adds up over days.
        weekly_values: recent weekly measurements, shape (n_weeks,).

    Returns:
        The projection with its band.
    """
    elapsed = max(1, min(elapsed_days, total_days))
    remaining = total_days - elapsed
    spread = _sample_sd(weekly_values)
    if additive:
        value = actual * total_days / elapsed
        sigma = spread * math.sqrt(remaining / 7.0)
    else:
        value = actual
        weeks_left = max(remaining / 7.0, 1.0)
        sigma = (remaining / total_days) * spread / math.sqrt(weeks_left) if remaining else 0.0
    half = Z_90 * sigma
    return Projection(value, value - half, value + half)


def with_forecast(actual: float, forecast: Sequence[float], lower: Sequence[float], upper: Sequence[float],
                  run_rate_days: int = 0, daily_rate: float = 0.0) -> Projection:
    """Project an additive KPI with a forecast for the remaining days: the actual to date, plus the forecast days,
    plus `run_rate_days` days beyond the forecast's horizon at `daily_rate`. The forecast days' errors are taken as
    independent, so their half-widths combine in quadrature, each side on its own (as the cockpit's rollups do).

    Args:
        actual: the KPI to date.
        forecast, lower, upper: per remaining forecast day (already summed over the scope's stores with their
            half-widths in quadrature), shape (n_days,).
        run_rate_days, daily_rate: days the forecast does not cover and the daily rate assumed for them.
    """
    total = actual + float(sum(forecast)) + run_rate_days * daily_rate
    below = math.sqrt(sum(max(f - lo, 0.0) ** 2 for f, lo in zip(forecast, lower, strict=True)))
    above = math.sqrt(sum(max(up - f, 0.0) ** 2 for f, up in zip(forecast, upper, strict=True)))
    return Projection(total, total - below, total + above)


def _sample_sd(values: Sequence[float]) -> float:
    values = [float(v) for v in values if v is not None]
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def split(total: float, weights: Sequence[float], *, decimals: int = 2) -> list[float]:
    """Split a target over children in proportion to `weights`, rounded to `decimals` with the parts adding up
    exactly to the rounded total (largest remainders get the leftover units). Equal weights give an equal split;
    all-zero weights too.

    Args:
        total: the parent's target.
        weights: one non-negative weight per child, shape (n_children,).

    Returns:
        The children's targets, in the order of `weights`.
    """
    if not weights:
        return []
    weights = [max(float(w), 0.0) for w in weights]
    if sum(weights) == 0:
        weights = [1.0] * len(weights)
    unit = 10 ** decimals
    units = round(total * unit)
    exact = [units * w / sum(weights) for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return [p / unit for p in parts]


def rollup(values: Sequence[float], weights: Sequence[float] | None = None, *, additive: bool) -> float | None:
    """The parent's value from its children's: the sum for an additive KPI, else the average weighted by
    `weights` (e.g. the children's baselines or targets; equal weights when None or all zero). Children without a
    value (None) are left out; None when none has one."""
    pairs = [(v, 1.0 if weights is None else float(weights[i] or 0.0)) for i, v in enumerate(values) if v is not None]
    if not pairs:
        return None
    if additive:
        return float(sum(v for v, _w in pairs))
    total_weight = sum(w for _v, w in pairs)
    if total_weight == 0:
        return sum(v for v, _w in pairs) / len(pairs)
    return sum(v * w for v, w in pairs) / total_weight
