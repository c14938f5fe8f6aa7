"""Inventory health: cover, stockout risk, overstock, dead stock and ABC/XYZ classes, per store or company-wide.

Arrays are indexed by pair (store x SKU), shape ``(n,)``; demand histories are ``(n, t)`` daily units, oldest first.
``groups`` (``(n,)`` int, e.g. the store) restricts rankings and totals to each group; ``None`` means one group
(company-wide). For a company-wide view per SKU, first sum pairs per SKU with ``sum_rows_by_key``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ._normal import norm_cdf
from .plan import cumulative_forecast, days_until_stockout, interpolate_quantile

ABC_LABELS: tuple[str, ...] = ("A", "B", "C")
XYZ_LABELS: tuple[str, ...] = ("X", "Y", "Z")


@dataclass(frozen=True)
class HealthParams:
    """Thresholds.

    Attributes:
        risk_days: stockout-risk horizon N, days.
        risk_threshold: probability above which a pair is flagged at risk.
        overstock_days: cover beyond which stock is overstock, days.
        dead_days: days without a sale after which stock on hand is dead.
        abc_thresholds: cumulative value shares closing class A and B.
        xyz_thresholds: coefficient-of-variation limits closing class X and Y.
    """

    risk_days: int = 7
    risk_threshold: float = 0.2
    overstock_days: float = 90.0
    dead_days: int = 90
    abc_thresholds: tuple[float, float] = (0.8, 0.95)
    xyz_thresholds: tuple[float, float] = (0.5, 1.0)


@dataclass(frozen=True)
class HealthResult:
    """Per-pair health indicators, all ``(n,)``."""

    days_of_cover: np.ndarray
    stockout_probability: np.ndarray
    is_at_risk: np.ndarray
    overstock_units: np.ndarray
    overstock_value: np.ndarray
    is_overstock: np.ndarray
    stock_age_days: np.ndarray
    days_since_last_sale: np.ndarray
    is_dead: np.ndarray
    dead_value: np.ndarray
    abc_class: np.ndarray
    xyz_class: np.ndarray

    def to_arrow(self) -> pa.Table:
        """Return the indicators as an Arrow table with ABC/XYZ as letters."""
        columns = {name: getattr(self, name) for name in self.__dataclass_fields__}
        columns["abc_class"] = np.asarray(ABC_LABELS)[self.abc_class]
        columns["xyz_class"] = np.asarray(XYZ_LABELS)[self.xyz_class]
        return pa.table(columns)


def inventory_health(on_hand: np.ndarray, unit_cost: np.ndarray, sales: np.ndarray, forecast_mean: np.ndarray,
                     forecast_sigma: np.ndarray, stock_age_days: np.ndarray, groups: np.ndarray | None = None,
                     params: HealthParams | None = None) -> HealthResult:
    """Compute every health indicator for every pair.

    Args:
        on_hand: ``(n,)`` units on hand.
        unit_cost: ``(n,)`` value per unit.
        sales: ``(n, t)`` daily units sold, oldest first (last column = yesterday).
        forecast_mean: ``(n, h)`` daily forecast, units/day.
        forecast_sigma: ``(n,)`` one-day forecast error std, units/day.
        stock_age_days: ``(n,)`` days since the last receipt (age of the newest stock).
        groups: ``(n,)`` group ids for ABC ranking (None = company-wide).
        params: thresholds; defaults to ``HealthParams()``.

    Returns:
        ``HealthResult``.
    """
    params = params or HealthParams()
    on_hand = np.asarray(on_hand, dtype=np.float64)
    cumulative = cumulative_forecast(forecast_mean)
    cover = days_until_stockout(on_hand, cumulative)
    risk = stockout_probability(on_hand, forecast_mean, forecast_sigma, params.risk_days)
    mean_daily = cumulative[:, -1] / max(forecast_mean.shape[1], 1)
    excess = overstock_units(on_hand, mean_daily, params.overstock_days)
    since_sale = days_since_last_sale(sales)
    is_dead = (since_sale >= params.dead_days) & (on_hand > 0)
    value = sales.sum(axis=1) * unit_cost
    return HealthResult(
        days_of_cover=cover, stockout_probability=risk, is_at_risk=risk > params.risk_threshold,
        overstock_units=excess, overstock_value=excess * unit_cost, is_overstock=excess > 0,
        stock_age_days=np.asarray(stock_age_days, dtype=np.float64), days_since_last_sale=since_sale,
        is_dead=is_dead, dead_value=np.where(is_dead, on_hand * unit_cost, 0.0),
        abc_class=abc_classify(value, groups, params.abc_thresholds),
        xyz_class=xyz_classify(sales, params.xyz_thresholds),
    )


def stockout_probability(on_hand: np.ndarray, forecast_mean: np.ndarray, forecast_sigma: np.ndarray,
                         days: int) -> np.ndarray:
    """Probability that demand over the next ``days`` exceeds the stock on hand (normal approximation).

    Args:
        on_hand: ``(n,)`` units.
        forecast_mean: ``(n, h)`` units/day (``days`` <= h).
        forecast_sigma: ``(n,)`` one-day error std, units/day; the N-day std is ``sigma * sqrt(N)``.
        days: horizon N, days.

    Returns:
        ``(n,)`` probability in [0, 1]; with zero sigma, 1 if mean demand exceeds stock else 0.
    """
    mean = forecast_mean[:, :days].sum(axis=1, dtype=np.float64)
    sigma = np.asarray(forecast_sigma, dtype=np.float64) * np.sqrt(days)
    gap = np.asarray(on_hand, dtype=np.float64) - mean
    with np.errstate(divide="ignore", invalid="ignore"):
        probability = 1.0 - norm_cdf(gap / sigma)
    return np.where(sigma > 0, probability, (gap < 0).astype(np.float64))


def stockout_probability_from_quantiles(on_hand: np.ndarray, quantiles: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Probability that demand exceeds ``on_hand``, reading the CDF off demand quantiles over the horizon.

    Args:
        on_hand: ``(n,)`` units.
        quantiles: ``(n, k)`` quantiles of demand summed over the horizon, non-decreasing along k.
        levels: ``(k,)`` increasing probabilities.

    Returns:
        ``(n,)`` probability, linear between quantiles and clamped to ``[1 - levels[-1], 1 - levels[0]]``.
    """
    levels = np.asarray(levels, dtype=np.float64)
    stock = np.asarray(on_hand, dtype=np.float64)[:, None]
    below = (quantiles <= stock).sum(axis=1)
    upper = np.clip(below, 1, len(levels) - 1)
    rows = np.arange(len(stock))
    lo_q, hi_q = quantiles[rows, upper - 1], quantiles[rows, upper]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.clip(np.where(hi_q > lo_q, (stock[:, 0] - lo_q) / (hi_q - lo_q), 1.0), 0.0, 1.0)
    cdf = levels[upper - 1] + weight * (levels[upper] - levels[upper - 1])
    cdf = np.where(below == 0, levels[0], cdf)
    return 1.0 - cdf


def overstock_units(on_hand: np.ndarray, mean_daily: np.ndarray, threshold_days: float) -> np.ndarray:
    """Units beyond ``threshold_days`` of forecast demand.

    Args:
        on_hand: ``(n,)`` units.
        mean_daily: ``(n,)`` forecast units/day.
        threshold_days: cover allowed, days.

    Returns:
        ``(n,)`` excess units (>= 0).
    """
    return np.maximum(on_hand - mean_daily * threshold_days, 0.0)


def days_since_last_sale(sales: np.ndarray) -> np.ndarray:
    """Days since the last day with a sale; the history length + 1 when there was none.

    Args:
        sales: ``(n, t)`` daily units, last column = yesterday (1 day ago).

    Returns:
        ``(n,)`` float64 days.
    """
    t = sales.shape[1]
    sold = sales > 0
    last = t - 1 - np.argmax(sold[:, ::-1], axis=1)
    return np.where(sold.any(axis=1), t - last, t + 1).astype(np.float64)


def abc_classify(value: np.ndarray, groups: np.ndarray | None = None,
                 thresholds: tuple[float, float] = (0.8, 0.95)) -> np.ndarray:
    """ABC class by value within each group.

    Pairs are ranked by value (descending) in their group; a pair is A while the cumulative share of the
    group's value *before* it is below ``thresholds[0]``, B while below ``thresholds[1]``, else C (so the pair
    that crosses a boundary joins the higher class). Pairs with zero value are C.

    Args:
        value: ``(n,)`` value (e.g. units sold x unit cost) over the period.
        groups: ``(n,)`` int group ids, or None for a single group.
        thresholds: cumulative shares closing A and B.

    Returns:
        ``(n,)`` int8 codes 0=A, 1=B, 2=C.
    """
    value = np.asarray(value, dtype=np.float64)
    groups = np.zeros(len(value), dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    order = np.lexsort((-value, groups))
    sorted_groups, sorted_value = groups[order], value[order]
    cumulative = np.cumsum(sorted_value)
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    run_lengths = np.diff(np.r_[starts, len(order)])
    before_group = np.repeat(cumulative[starts] - sorted_value[starts], run_lengths)
    group_total = np.repeat(np.add.reduceat(sorted_value, starts), run_lengths) if len(order) else sorted_value
    before = cumulative - sorted_value - before_group
    with np.errstate(divide="ignore", invalid="ignore"):
        share_before = np.where(group_total > 0, before / group_total, 1.0)
    codes = np.where(share_before < thresholds[0], 0, np.where(share_before < thresholds[1], 1, 2))
    codes = np.where(sorted_value > 0, codes, 2)
    result = np.empty(len(value), dtype=np.int8)
    result[order] = codes
    return result


def xyz_classify(demand: np.ndarray, thresholds: tuple[float, float] = (0.5, 1.0)) -> np.ndarray:
    """XYZ class by coefficient of variation (population std / mean) of daily demand.

    Args:
        demand: ``(n, t)`` daily units.
        thresholds: CV limits: X if CV <= thresholds[0], Y if <= thresholds[1], else Z (no demand = Z).

    Returns:
        ``(n,)`` int8 codes 0=X, 1=Y, 2=Z.
    """
    mean = demand.mean(axis=1)
    std = demand.std(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(mean > 0, std / mean, np.inf)
    return np.where(cv <= thresholds[0], 0, np.where(cv <= thresholds[1], 1, 2)).astype(np.int8)


def sum_rows_by_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum rows (pairs) sharing a key, e.g. all stores of a SKU for a company-wide view.

    Args:
        keys: ``(n,)`` int keys.
        values: ``(n,)`` or ``(n, t)``.

    Returns:
        ``(unique_keys, sums)`` with shapes ``(u,)`` and ``(u,)`` or ``(u, t)``.
    """
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    sums = np.zeros((len(unique_keys),) + np.shape(values)[1:], dtype=np.float64)
    np.add.at(sums, inverse, values)
    return unique_keys, sums


def health_summary(result: HealthResult, on_hand: np.ndarray, unit_cost: np.ndarray,
                   groups: np.ndarray | None = None) -> pa.Table:
    """Totals per group (or one company-wide row): stock value, at-risk pairs, overstock and dead stock value.

    Args:
        result: per-pair health.
        on_hand: ``(n,)`` units.
        unit_cost: ``(n,)`` value per unit.
        groups: ``(n,)`` int group ids or None.

    Returns:
        Arrow table with one row per group: group, pairs, stock_value, at_risk, overstock_value, dead_value.
    """
    n = len(on_hand)
    groups = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    ids, inverse = np.unique(groups, return_inverse=True)
    size = len(ids)
    return pa.table({
        "group": ids,
        "pairs": np.bincount(inverse, minlength=size),
        "stock_value": np.bincount(inverse, on_hand * unit_cost, minlength=size),
        "at_risk": np.bincount(inverse, result.is_at_risk, minlength=size).astype(np.int64),
        "overstock_value": np.bincount(inverse, result.overstock_value, minlength=size),
        "dead_value": np.bincount(inverse, result.dead_value, minlength=size),
    })


def quantile_risk(on_hand: np.ndarray, quantiles: np.ndarray, levels: np.ndarray, level: float) -> np.ndarray:
    """Flag pairs whose stock does not cover the demand quantile at ``level`` (e.g. 0.9 = 10% risk or more).

    Args:
        on_hand: ``(n,)`` units.
        quantiles: ``(n, k)`` horizon-demand quantiles.
        levels: ``(k,)`` probabilities.
        level: probability of the quantile to cover.

    Returns:
        ``(n,)`` bool.
    """
    target = np.full(len(on_hand), level)
    return np.asarray(on_hand, dtype=np.float64) < interpolate_quantile(quantiles, levels, target)
