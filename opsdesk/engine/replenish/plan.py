"""Replenishment plan: safety stock, reorder point, order-up-to level and rounded order quantity per pair.

Every array is indexed by pair (one store x SKU), shape ``(n,)``; forecasts are ``(n, h)`` daily units.
The whole plan is vectorised over pairs: there is no Python loop per pair.

Formulas (documented here once, used by the code below and checked by golden tests):

- position ``IP = on_hand + on_order - backorders`` (units).
- ``L`` lead time mean and ``sigma_L`` its standard deviation (days, ``lead_time_from_receipts``), ``R`` the review
  period (order cycle, days), ``c`` the planner's check interval (days; ``c = R`` by default, 1 for a daily planner).
- protection period ``P = L + c`` (days): the time an order placed now must cover before the next chance to
  order arrives. With ``c = R`` this is the classic ``L + R`` of a periodic (R, S) policy.
- demand over ``x`` days ``D(x)``: sum of the daily forecast means over the first ``x`` days (linear for a fractional
  last day; beyond the forecast horizon the mean of the last 7 forecast days is extended).
- mean daily demand ``d = D(L + R) / (L + R)``.
- safety stock (``safety_stock_method="normal"``)::

      SS = z * sqrt(P * sigma_e**2 + d**2 * sigma_L**2)

  with ``sigma_e`` the forecast error's standard deviation per day (units/day) and the variance growing with ``P``
  as if days were independent. The product passes the forecast engine's week error (``plan_forecast``): the daily
  error that adds up over seven days as the validation errors' 7-day sums did, so that errors that persist from
  day to day (a missed level or ramp) count as they do over a protection period of about a week.
  ``z = Phi^-1(service level of the pair's ABC class)`` (``service_measure="cycle"``), or, with
  ``service_measure="fill_rate"``, the class targets are fill rates ``beta`` and ``z`` is the smallest ``k >= 0``
  with ``G(k) = (1 - beta) * Q / sigma_P`` (Silver, Pyke & Peterson), ``G(k) = phi(k) - k (1 - Phi(k))`` the
  standard normal loss function, ``Q = max(D(R), pack, MOQ)`` the expected order size and ``sigma_P`` the square
  root above: expected units short per cycle = ``(1 - beta)`` x units per cycle.
  ``service_measure="fill_rate_pooled"``: the class target ``beta`` is the fill rate of the class as a whole
  (units served / units demanded over all its pairs), met at the least safety-stock value: minimising
  ``sum v_i sigma_i k_i`` subject to ``sum (d_i / Q_i) sigma_i G(k_i) <= (1 - beta) sum d_i`` (Lagrange) gives
  ``1 - Phi(k_i) = v_i T_i / lambda`` with ``T_i = Q_i / d_i`` the cycle length in days and ``v_i`` the unit cost
  (1 without costs), so ``k_i = max(Phi^-1(1 - v_i T_i / lambda), 0)``; ``lambda`` (the implied cost of a unit
  short) is found per class by bisection. Cheap, fast-turning pairs get more protection, pairs whose cycle stock
  already covers their variability get none (Silver, Pyke & Peterson's shortage-cost rule).
  Every measure reports ``expected_fill_rate = 1 - sigma_P G(k) / Q`` per pair.
- safety stock (``safety_stock_method="quantile"``): the caller gives quantiles of demand summed over ``P`` days;
  with ``q`` the quantile at the service level, ``SS = sqrt(max(q - D(P), 0)**2 + (z * d * sigma_L)**2)`` (the
  quantiles carry the demand uncertainty; the lead-time term is added in quadrature as above).
- reorder point ``s = D(P) + SS``; order-up-to level ``S = D(L + R) + SS`` (``s = S`` when ``c = R``).
- order when ``IP <= s`` and ``IP < S``: raw need ``S - IP``, rounded UP to a multiple of the pack size and to at
  least the minimum order quantity (itself rounded up to the pack), else zero. Reason codes: "covered"
  (``IP >= S``), "above_reorder_point" (``s < IP < S``, a daily planner waits), "below_reorder_point" (ordered).
- urgency: days until the net on-hand stock (on hand - backorders) is used up by the forecast, minus ``L``;
  negative means a stockout is expected before an order placed today can arrive. Sort ascending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa

from ._normal import norm_cdf, norm_ppf

REASONS: tuple[str, ...] = ("covered", "above_reorder_point", "below_reorder_point")
REASON_COVERED, REASON_ABOVE_REORDER_POINT, REASON_BELOW_REORDER_POINT = 0, 1, 2
ABC_LABELS: tuple[str, ...] = ("A", "B", "C")


@dataclass(frozen=True)
class PlanInputs:
    """Facts for every store x SKU pair. Shapes ``(n,)`` unless stated; units are stock units and days.

    Attributes:
        on_hand: units on hand.
        on_order: units ordered and not yet received.
        backorders: units owed to customers.
        lead_time_mean: supplier lead time mean, days (see ``lead_time_from_receipts``).
        lead_time_std: supplier lead time standard deviation, days.
        review_days: days between two reviews (order cycle) ``R``.
        abc_class: int codes 0=A, 1=B, 2=C (index into ``PlanParams.service_levels``).
        pack_size: units per pack (>= 1); orders are multiples of it.
        min_order_qty: minimum order quantity, units (0 = none).
        forecast_mean: ``(n, h)`` forecast daily demand, units/day, day 0 = tomorrow.
        forecast_sigma: the forecast error's standard deviation per day, units/day (module docstring).
        unit_cost: purchase cost per unit (optional, for values).
        horizon_quantiles: ``(n, k)`` quantiles of demand summed over ``L + R`` days (optional).
        quantile_levels: ``(k,)`` increasing probabilities of ``horizon_quantiles``.
    """

    on_hand: np.ndarray
    on_order: np.ndarray
    backorders: np.ndarray
    lead_time_mean: np.ndarray
    lead_time_std: np.ndarray
    review_days: np.ndarray
    abc_class: np.ndarray
    pack_size: np.ndarray
    min_order_qty: np.ndarray
    forecast_mean: np.ndarray
    forecast_sigma: np.ndarray
    unit_cost: np.ndarray | None = None
    horizon_quantiles: np.ndarray | None = None
    quantile_levels: np.ndarray | None = None


@dataclass(frozen=True)
class PlanParams:
    """Policy settings.

    Attributes:
        service_levels: cycle service-level target per ABC class code (A, B, C).
        check_interval_days: how often the planner runs, days (``c``); None = on review days only (``c = R``,
            the classic periodic (R, S) policy); 1 = a daily planner with a (s, S) policy.
        safety_stock_method: "normal" (forecast error sigma) or "quantile" (``horizon_quantiles``).
        service_measure: "cycle": ``service_levels`` are cycle service levels, ``z = Phi^-1(level)``;
            "fill_rate": they are fill-rate targets per pair and ``z`` solves the normal loss equation;
            "fill_rate_pooled": they are fill-rate targets per ABC class, allocated over its pairs at the least
            safety-stock value (module docstring).
        z_scale: multiplier on every z (1.0 = the targets as stated; used to calibrate simulations).
        min_pair_fill_rate: "fill_rate_pooled" only: None keeps every safety factor ``>= 0``; a value lets the
            allocation go below zero (reorder point under the expected demand) down to the factor whose expected
            fill rate is this value, never below a reorder point of 0.
    """

    service_levels: tuple[float, ...] = (0.98, 0.95, 0.90)
    check_interval_days: float | None = None
    safety_stock_method: Literal["normal", "quantile"] = "normal"
    service_measure: Literal["cycle", "fill_rate", "fill_rate_pooled"] = "cycle"
    z_scale: float = 1.0
    min_pair_fill_rate: float | None = None


@dataclass(frozen=True)
class PlanResult:
    """One proposal per pair with its explanation (module docstring). All arrays ``(n,)``; units and days.

    ``protection_days`` is ``P = L + c``; ``demand_protection`` is ``D(P)``; ``demand_horizon`` is ``D(L + R)``;
    ``raw_need`` is ``S - IP``; ``rounding_added`` is ``order_qty - raw_need`` on ordered lines;
    ``is_moq_applied`` says the MOQ raised the quantity above pack rounding; ``reason`` indexes ``REASONS``;
    ``order_value`` is ``order_qty * unit_cost`` when costs are given; ``expected_fill_rate`` is the normal-model
    fill rate ``1 - sigma_P G(z) / Q`` of the pair's policy (``Q`` the expected order size).
    """

    position: np.ndarray
    lead_time_mean: np.ndarray
    lead_time_std: np.ndarray
    protection_days: np.ndarray
    service_level: np.ndarray
    z: np.ndarray
    demand_protection: np.ndarray
    demand_horizon: np.ndarray
    safety_stock: np.ndarray
    reorder_point: np.ndarray
    order_up_to: np.ndarray
    raw_need: np.ndarray
    order_qty: np.ndarray
    rounding_added: np.ndarray
    is_moq_applied: np.ndarray
    reason: np.ndarray
    days_until_stockout: np.ndarray
    urgency: np.ndarray
    order_value: np.ndarray | None = field(default=None)
    expected_fill_rate: np.ndarray | None = field(default=None)

    def to_arrow(self) -> pa.Table:
        """Return the proposals as an Arrow table, ``reason`` as its text code."""
        columns = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "reason"}
        columns = {name: values for name, values in columns.items() if values is not None}
        table = pa.table(columns)
        reason = pa.DictionaryArray.from_arrays(pa.array(self.reason, pa.int8()), pa.array(REASONS))
        return table.append_column("reason", reason)

    def urgency_order(self) -> np.ndarray:
        """Indices of the pairs that order, most urgent first. Returns ``(m,)`` int64."""
        ordering = np.flatnonzero(self.order_qty > 0)
        return ordering[np.argsort(self.urgency[ordering], kind="stable")]


def plan(inputs: PlanInputs, params: PlanParams | None = None) -> PlanResult:
    """Compute the replenishment proposal for every pair at once.

    Args:
        inputs: pair facts and forecasts, see ``PlanInputs``.
        params: policy settings; defaults to ``PlanParams()``.

    Returns:
        ``PlanResult`` with every intermediate value needed to explain the proposal.
    """
    params = params or PlanParams()
    f64 = np.float64
    position = inputs.on_hand.astype(f64) + inputs.on_order - inputs.backorders
    lead_mean = np.maximum(inputs.lead_time_mean.astype(f64), 0.0)
    lead_std = np.maximum(inputs.lead_time_std.astype(f64), 0.0)
    review = np.asarray(inputs.review_days, dtype=f64)
    check = review if params.check_interval_days is None else np.minimum(params.check_interval_days, review)
    protection = lead_mean + check
    cumulative = cumulative_forecast(inputs.forecast_mean)
    demand_horizon = demand_over(cumulative, lead_mean + review)
    demand_protection = demand_over(cumulative, protection)
    mean_daily = np.divide(demand_horizon, lead_mean + review, out=np.zeros_like(demand_horizon),
                           where=lead_mean + review > 0)
    sigma = inputs.forecast_sigma.astype(f64)
    service = service_level_for(inputs.abc_class, params.service_levels)
    sigma_protection = safety_stock(1.0, protection, sigma, mean_daily, lead_std)
    cycle_quantity = np.maximum(np.maximum(demand_over(cumulative, review), inputs.pack_size), inputs.min_order_qty)
    if params.service_measure == "fill_rate":
        z = fill_rate_safety_factor(service, cycle_quantity, sigma_protection) * params.z_scale
    elif params.service_measure == "fill_rate_pooled":
        cost = np.ones_like(mean_daily) if inputs.unit_cost is None else np.asarray(inputs.unit_cost, dtype=f64)
        floor = np.zeros_like(mean_daily)
        if params.min_pair_fill_rate is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                loss = np.where(sigma_protection > 0, (1 - params.min_pair_fill_rate) * cycle_quantity
                                / sigma_protection, np.inf)
                lowest = np.where(sigma_protection > 0, -demand_protection / sigma_protection, 0.0)
            floor = np.minimum(np.maximum(normal_loss_inverse(loss), lowest), 0.0)
        z = pooled_safety_factors(service, inputs.abc_class, mean_daily, cycle_quantity, sigma_protection,
                                  cost, floor) * params.z_scale
    else:
        z = np.maximum(norm_ppf(service), 0.0) * params.z_scale
    if params.safety_stock_method == "quantile":
        safety = quantile_safety_stock(inputs, service, demand_protection, z * mean_daily * lead_std)
    else:
        safety = z * sigma_protection
    reorder_point = demand_protection + safety
    order_up_to = demand_horizon + safety
    raw_need = order_up_to - position
    is_due = (position <= reorder_point) & (raw_need > 0)
    order_qty = round_order_quantity(np.where(is_due, raw_need, 0.0), inputs.pack_size, inputs.min_order_qty)
    reason = np.where(raw_need <= 0, REASON_COVERED,
                      np.where(is_due, REASON_BELOW_REORDER_POINT, REASON_ABOVE_REORDER_POINT)).astype(np.int8)
    pack_only = round_order_quantity(np.where(is_due, raw_need, 0.0), inputs.pack_size, np.zeros_like(raw_need))
    moq_applied = order_qty > pack_only
    stockout_days = days_until_stockout(inputs.on_hand.astype(f64) - inputs.backorders, cumulative)
    value = None if inputs.unit_cost is None else order_qty * inputs.unit_cost
    return PlanResult(
        position=position, lead_time_mean=lead_mean, lead_time_std=lead_std, protection_days=protection,
        service_level=service, z=z, demand_protection=demand_protection, demand_horizon=demand_horizon,
        safety_stock=safety, reorder_point=reorder_point, order_up_to=order_up_to, raw_need=raw_need,
        order_qty=order_qty, rounding_added=np.where(order_qty > 0, order_qty - raw_need, 0.0),
        is_moq_applied=moq_applied, reason=reason, days_until_stockout=stockout_days,
        urgency=stockout_days - lead_mean, order_value=value,
        expected_fill_rate=expected_fill_rate(z, cycle_quantity, sigma_protection),
    )


def normal_loss(k: np.ndarray) -> np.ndarray:
    """Standard normal loss function ``G(k) = phi(k) - k (1 - Phi(k))`` (expected shortfall beyond ``k``).

    Args:
        k: safety factors, any shape.

    Returns:
        ``G(k)``, same shape.
    """
    k = np.asarray(k, dtype=np.float64)
    return np.exp(-0.5 * k * k) / np.sqrt(2 * np.pi) - k * (1.0 - norm_cdf(k))


def normal_loss_inverse(target: np.ndarray, iterations: int = 60) -> np.ndarray:
    """The ``k`` with ``G(k) = target`` (any real ``k``; ``G`` falls from +inf to 0): Newton from the left.

    Args:
        target: ``(n,)`` expected shortfall in units of sigma, ``> 0``; ``inf`` gives ``-inf``, ``<= 0`` gives 8.

    Returns:
        ``(n,)`` safety factors, capped at 8.
    """
    target = np.asarray(target, dtype=np.float64)
    finite = np.isfinite(target) & (target > 0)
    goal = np.where(finite, target, 1.0)
    # G(k) >= -k, so k = -goal - 1 lies left of the root; G is convex and decreasing, so Newton converges
    # monotonically from there.
    k = np.where(goal < normal_loss(0.0), 0.0, -goal - 1.0)
    for _ in range(iterations):
        slope = 1.0 - norm_cdf(k)
        k = k + (normal_loss(k) - goal) / np.maximum(slope, 1e-300)
    k = np.minimum(k, 8.0)
    return np.where(finite, k, np.where(np.isinf(target) & (target > 0), -np.inf, 8.0))


def fill_rate_safety_factor(fill_rate: np.ndarray, cycle_quantity: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Smallest ``k >= 0`` with ``G(k) <= (1 - fill_rate) * cycle_quantity / sigma``.

    Args:
        fill_rate: ``(n,)`` targets in (0, 1).
        cycle_quantity: ``(n,)`` units per replenishment cycle.
        sigma: ``(n,)`` standard deviation of demand over the protection interval, units.

    Returns:
        ``(n,)`` safety factors (0 where no safety stock is needed or ``sigma`` is 0).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.where(sigma > 0, (1.0 - fill_rate) * cycle_quantity / sigma, np.inf)
    return np.maximum(normal_loss_inverse(target), 0.0)


def expected_fill_rate(z: np.ndarray, cycle_quantity: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Normal-model fill rate ``1 - sigma G(z) / Q`` (clipped to [0, 1]).

    Args:
        z: ``(n,)`` safety factors.
        cycle_quantity: ``(n,)`` units per replenishment cycle ``Q`` (> 0 where it matters).
        sigma: ``(n,)`` standard deviation of demand over the protection interval, units.

    Returns:
        ``(n,)`` expected fill rates (1 where nothing can be short).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        short = np.where(sigma > 0, sigma * normal_loss(z) / cycle_quantity, 0.0)
    return np.clip(1.0 - np.nan_to_num(short, nan=0.0, posinf=1.0), 0.0, 1.0)


def pooled_safety_factors(fill_rate: np.ndarray, groups: np.ndarray, mean_daily: np.ndarray,
                          cycle_quantity: np.ndarray, sigma: np.ndarray, unit_cost: np.ndarray,
                          floor: np.ndarray | None = None, iterations: int = 40) -> np.ndarray:
    """Safety factors meeting each group's aggregate fill rate at the least safety-stock value (module docstring).

    Args:
        fill_rate: ``(n,)`` target of the pair's group (constant within a group).
        groups: ``(n,)`` int group codes (the ABC class).
        mean_daily: ``(n,)`` mean demand ``d``, units/day.
        cycle_quantity: ``(n,)`` expected order size ``Q``, units.
        sigma: ``(n,)`` standard deviation of demand over the protection interval, units.
        unit_cost: ``(n,)`` value per unit ``v`` (ones to minimise units).
        floor: ``(n,)`` lowest factor per pair (default 0).
        iterations: bisection steps on ``log(lambda)``.

    Returns:
        ``(n,)`` safety factors (``floor`` where there is no demand or no variability).
    """
    floor = np.zeros_like(mean_daily) if floor is None else np.asarray(floor, dtype=np.float64)
    is_active = (mean_daily > 0) & (sigma > 0) & (cycle_quantity > 0)
    cycle_days = np.divide(cycle_quantity, mean_daily, out=np.ones_like(mean_daily), where=is_active)
    weight = np.maximum(unit_cost, 1e-12) * cycle_days  # v_i T_i
    cycles_per_day = np.divide(mean_daily, cycle_quantity, out=np.zeros_like(mean_daily), where=is_active)
    exposure = cycles_per_day * sigma  # units short per day are exposure * G(k)
    z = np.where(is_active, floor, np.maximum(floor, 0.0))
    for code in np.unique(groups):
        in_group = groups == code
        rows = np.flatnonzero(in_group & is_active)
        if rows.size:
            budget = (1.0 - fill_rate[rows[0]]) * mean_daily[in_group].sum()
            z[rows] = _allocate(weight[rows], exposure[rows], floor[rows], budget, iterations)
    return z


def _allocate(weight: np.ndarray, exposure: np.ndarray, floor: np.ndarray, budget: float,
              iterations: int) -> np.ndarray:
    """``k_i = max(Phi^-1(1 - weight_i / lambda), floor_i)`` with the smallest ``lambda`` whose shortage fits."""

    def factors(log_lambda: float) -> np.ndarray:
        return np.minimum(np.maximum(norm_ppf(np.clip(1.0 - weight / np.exp(log_lambda), 0.0, 1.0)), floor), 8.0)

    def shortage(k: np.ndarray) -> float:
        return float((exposure * normal_loss(k)).sum())

    if shortage(floor) <= budget:
        return floor.copy()
    # Shortage falls as lambda rises: at lambda = min(weight) every k is at its floor, at e^40 max(weight) k = 8.
    low, high = float(np.log(weight.min())), float(np.log(weight.max())) + 40.0
    for _ in range(iterations):
        middle = 0.5 * (low + high)
        if shortage(factors(middle)) > budget:
            low = middle
        else:
            high = middle
    return factors(high)


def service_level_for(abc_class: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Map ABC class codes to service-level targets.

    Args:
        abc_class: ``(n,)`` int codes indexing ``levels``.
        levels: target per class code.

    Returns:
        ``(n,)`` float64 probabilities.
    """
    return np.asarray(levels, dtype=np.float64)[np.asarray(abc_class, dtype=np.intp)]


def safety_stock(z: np.ndarray | float, days: np.ndarray, sigma_e: np.ndarray, mean_daily: np.ndarray,
                 lead_time_std: np.ndarray) -> np.ndarray:
    """Safety stock ``z * sqrt(days * sigma_e**2 + mean_daily**2 * lead_time_std**2)``.

    Args:
        z: safety factor(s), scalar or ``(n,)``.
        days: ``(n,)`` protection period, days.
        sigma_e: ``(n,)`` one-day forecast error standard deviation, units/day.
        mean_daily: ``(n,)`` mean forecast demand, units/day.
        lead_time_std: ``(n,)`` lead-time standard deviation, days.

    Returns:
        ``(n,)`` safety stock, units.
    """
    variance = days * np.square(sigma_e) + np.square(mean_daily) * np.square(lead_time_std)
    return z * np.sqrt(np.maximum(variance, 0.0))


def quantile_safety_stock(inputs: PlanInputs, service: np.ndarray, demand_horizon: np.ndarray,
                          lead_term: np.ndarray) -> np.ndarray:
    """Safety stock from quantiles of the horizon demand (see module docstring).

    Args:
        inputs: needs ``horizon_quantiles`` ``(n, k)`` and ``quantile_levels`` ``(k,)``.
        service: ``(n,)`` service-level targets.
        demand_horizon: ``(n,)`` mean demand over ``L + R``, units.
        lead_term: ``(n,)`` ``z * d * sigma_L``, units.

    Returns:
        ``(n,)`` safety stock, units.
    """
    if inputs.horizon_quantiles is None or inputs.quantile_levels is None:
        raise ValueError("safety_stock_method='quantile' needs horizon_quantiles and quantile_levels")
    quantile = interpolate_quantile(inputs.horizon_quantiles, inputs.quantile_levels, service)
    return np.sqrt(np.square(np.maximum(quantile - demand_horizon, 0.0)) + np.square(lead_term))


def interpolate_quantile(quantiles: np.ndarray, levels: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-row linear interpolation of a quantile function at ``target`` (clamped to the given levels).

    Args:
        quantiles: ``(n, k)`` values, non-decreasing along k.
        levels: ``(k,)`` increasing probabilities.
        target: ``(n,)`` probabilities.

    Returns:
        ``(n,)`` interpolated quantiles.
    """
    levels = np.asarray(levels, dtype=np.float64)
    target = np.clip(target, levels[0], levels[-1])
    upper = np.clip(np.searchsorted(levels, target, side="left"), 1, len(levels) - 1)
    lower = upper - 1
    weight = (target - levels[lower]) / (levels[upper] - levels[lower])
    rows = np.arange(quantiles.shape[0])
    return quantiles[rows, lower] * (1 - weight) + quantiles[rows, upper] * weight


def cumulative_forecast(forecast_mean: np.ndarray) -> np.ndarray:
    """Cumulative forecast with a leading zero column.

    Args:
        forecast_mean: ``(n, h)`` daily means, units/day.

    Returns:
        ``(n, h + 1)`` float64, column j = demand over the first j days.
    """
    n, h = forecast_mean.shape
    cumulative = np.empty((n, h + 1), dtype=np.float64)
    cumulative[:, 0] = 0.0
    np.cumsum(forecast_mean, axis=1, dtype=np.float64, out=cumulative[:, 1:])
    return cumulative


def demand_over(cumulative: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Forecast demand over a fractional number of days per row.

    Args:
        cumulative: ``(n, h + 1)`` from ``cumulative_forecast``.
        days: ``(n,)`` horizon, days (>= 0).

    Returns:
        ``(n,)`` units; past ``h`` the mean of the last (up to) 7 forecast days is extended.
    """
    h = cumulative.shape[1] - 1
    days = np.maximum(np.asarray(days, dtype=np.float64), 0.0)
    whole = np.minimum(np.floor(days).astype(np.intp), h)
    rows = np.arange(cumulative.shape[0])
    base = cumulative[rows, whole]
    tail_days = min(7, h)
    tail_rate = (cumulative[:, h] - cumulative[:, h - tail_days]) / tail_days if h > 0 else np.zeros_like(base)
    next_day = np.where(whole < h, cumulative[rows, np.minimum(whole + 1, h)] - base, tail_rate)
    beyond = np.maximum(days - h, 0.0)
    fraction = np.where(whole < h, days - whole, 0.0)
    return base + fraction * next_day + beyond * tail_rate


def days_until_stockout(stock: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Days until the forecast uses up ``stock`` (linear within a day), extrapolated past the horizon.

    Args:
        stock: ``(n,)`` units available now.
        cumulative: ``(n, h + 1)`` from ``cumulative_forecast``.

    Returns:
        ``(n,)`` days (0 when stock <= 0, ``inf`` when no demand is forecast).
    """
    h = cumulative.shape[1] - 1
    stock = np.asarray(stock, dtype=np.float64)
    full_days = np.minimum((cumulative[:, 1:] <= stock[:, None]).sum(axis=1), h)
    rows = np.arange(cumulative.shape[0])
    base = cumulative[rows, full_days]
    nxt = cumulative[rows, np.minimum(full_days + 1, h)] - base
    tail_days = min(7, h)
    tail_rate = (cumulative[:, h] - cumulative[:, h - tail_days]) / tail_days
    rate = np.where(full_days < h, nxt, tail_rate)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        extra = np.where(rate > 0, (stock - base) / rate, np.inf)
    result = full_days + np.maximum(extra, 0.0)
    return np.where(stock <= 0, 0.0, result)


def round_order_quantity(need: np.ndarray, pack_size: np.ndarray, min_order_qty: np.ndarray) -> np.ndarray:
    """Round a positive need UP to a multiple of the pack, at least the MOQ rounded up to the pack; else zero.

    Args:
        need: ``(n,)`` units wanted (<= 0 means nothing).
        pack_size: ``(n,)`` units per pack (values < 1 are treated as 1).
        min_order_qty: ``(n,)`` minimum order quantity, units.

    Returns:
        ``(n,)`` float64 order quantity, an exact multiple of the pack size.
    """
    pack = np.maximum(np.asarray(pack_size, dtype=np.float64), 1.0)
    # The 1e-9 guard keeps a need of exactly k packs at k packs despite float division.
    packs = np.ceil(np.asarray(need, dtype=np.float64) / pack - 1e-9)
    min_packs = np.ceil(np.asarray(min_order_qty, dtype=np.float64) / pack - 1e-9)
    packs = np.maximum(packs, min_packs)
    return np.where(need > 0, np.maximum(packs, 1.0) * pack, 0.0)


def lead_time_from_receipts(indptr: np.ndarray, observed_days: np.ndarray, stated_days: np.ndarray,
                            min_receipts: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Lead-time mean and standard deviation per pair from observed receipts, else the supplier's stated time.

    Args:
        indptr: ``(n + 1,)`` offsets into ``observed_days`` (pair i owns ``observed_days[indptr[i]:indptr[i+1]]``).
        observed_days: ``(m,)`` days from order to receipt of past orders.
        stated_days: ``(n,)`` supplier's stated lead time, days (used when fewer than ``min_receipts``).
        min_receipts: receipts needed to trust the observations.

    Returns:
        ``(mean, std)``, each ``(n,)`` days; the std is the sample std (ddof=1), 0 when stated time is used.
    """
    counts = np.diff(indptr)
    owner = np.repeat(np.arange(len(counts)), counts)
    total = np.bincount(owner, observed_days, minlength=len(counts))
    squares = np.bincount(owner, np.square(observed_days), minlength=len(counts))
    is_observed = counts >= max(min_receipts, 2)
    safe_counts = np.maximum(counts, 2)
    mean = np.where(is_observed, total / safe_counts, stated_days)
    variance = (squares - safe_counts * np.square(total / safe_counts)) / (safe_counts - 1)
    std = np.where(is_observed, np.sqrt(np.maximum(variance, 0.0)), 0.0)
    return mean.astype(np.float64), std
