"""Day-by-day replay of a holdout period under a replenishment policy, vectorised across pairs.

Each simulated day ``t`` (pairs in parallel, Python loop over days only):

1. receipts due on day ``t`` arrive (an order placed at the end of day ``s`` with realised lead time ``l``
   arrives at the start of day ``s + l``);
2. actual demand is served from stock; what cannot be served is lost (no backorders);
3. the policy sees on hand, on order and the demand history up to and including day ``t`` and may order.

Measured from ``measure_from`` on (the days between ``start`` and ``measure_from`` are a burn-in so that every
policy starts from its own steady state). Reported per policy:

- fill rate: units served / units demanded (and ``value_fill_rate``: the same weighted by unit value);
- cycle service level: share of replenishment cycles with demand that had no lost sale, a cycle running from
  one receipt to the next (the first starts at ``measure_from``, the last ends with the period);
- stockout days: pair-days with lost demand;
- average on-hand units and value: mean over measured days of the end-of-day stock summed over pairs;
- orders: order lines placed.
Stock is conserved per pair: initial + received - sold = final.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class SimulationInputs:
    """The world the policies are replayed in. Shapes ``(n,)`` unless stated.

    Attributes:
        demand: ``(n, T)`` actual daily demand, units (history then the simulated days).
        start: first simulated day index (days before it are history known to every policy).
        measure_from: first measured day index (``start <= measure_from < T``).
        lead_time_actual: ``(n, T)`` int realised lead time (>= 1 day) of an order placed on each day.
        stated_lead_time: supplier's stated lead time, days (what an ERP is configured with).
        lead_time_mean: lead time mean estimated from observed receipts, days.
        lead_time_std: lead time std estimated from observed receipts, days.
        review_days: order cycle ``R``, days.
        abc_class: int codes 0=A, 1=B, 2=C.
        pack_size: units per pack.
        min_order_qty: minimum order quantity, units.
        unit_value: value per unit (cost), currency.
        events: ``(n, T)`` bool planned event days known in advance (promotions from the promotion calendar), or
            None; only a forecaster may use it (see ``forecasters.event_adjusted``).
        event_groups: ``(n,)`` int keys pooling event uplift estimates (e.g. the product across stores), or None.
        dates: ``(T,)`` datetime64[D] calendar date of each day, or None (the forecast engine then makes one up).
        is_store_open: ``(n, T)`` bool, the pair's store traded that day (None: every day).
        is_observed: ``(n, T)`` bool, the day's demand was observable: the store traded and the pair was not out
            of stock (None: every day). Unobservable days are missing for the forecast engine, not zero demand.
        promo: ``(n, T)`` float32 promotion flags recorded with the sales (the engine reads them with ``events``).
        country: ISO country code of the world's holidays for the forecast engine, or None.
        pairs: ``(n, 2)`` int store and product ids of each row (a company's world), or None.
    """

    demand: np.ndarray
    start: int
    measure_from: int
    lead_time_actual: np.ndarray
    stated_lead_time: np.ndarray
    lead_time_mean: np.ndarray
    lead_time_std: np.ndarray
    review_days: np.ndarray
    abc_class: np.ndarray
    pack_size: np.ndarray
    min_order_qty: np.ndarray
    unit_value: np.ndarray
    events: np.ndarray | None = None
    event_groups: np.ndarray | None = None
    dates: np.ndarray | None = None
    is_store_open: np.ndarray | None = None
    is_observed: np.ndarray | None = None
    promo: np.ndarray | None = None
    country: str | None = None
    pairs: np.ndarray | None = None


class Policy(Protocol):
    """A replenishment policy as the simulator drives it."""

    name: str

    def initial_on_hand(self) -> np.ndarray:
        """Stock on hand at the start of the simulation, ``(n,)`` units."""
        ...

    def order(self, day: int, on_hand: np.ndarray, on_order: np.ndarray) -> np.ndarray:
        """Units to order at the end of ``day`` per pair, ``(n,)`` (0 = none)."""
        ...


@dataclass(frozen=True)
class SimulationResult:
    """Per-pair totals (``(n,)``), the units lost on each measured day (``lost_daily``, ``(n, measured_days)``,
    day 0 = ``inputs.measure_from``) and the measured summary."""

    policy: str
    initial: np.ndarray
    received: np.ndarray
    sold: np.ndarray
    final: np.ndarray
    demanded: np.ndarray
    served: np.ndarray
    stockout_days: np.ndarray
    orders: np.ndarray
    cycles: np.ndarray
    stockout_cycles: np.ndarray
    on_hand_sum: np.ndarray
    measured_days: int
    unit_value: np.ndarray
    lost_daily: np.ndarray

    def summary(self) -> dict[str, float | int]:
        """Measured figures: fill_rate, value_fill_rate, cycle_service_level, stockout_days, avg_inventory_units/value,
        orders."""
        demanded = float(self.demanded.sum())
        demanded_value = float((self.demanded * self.unit_value).sum())
        cycles = int(self.cycles.sum())
        days = max(self.measured_days, 1)
        return {
            "fill_rate": float(self.served.sum()) / demanded if demanded > 0 else 1.0,
            "value_fill_rate": (float((self.served * self.unit_value).sum()) / demanded_value
                                if demanded_value > 0 else 1.0),
            "cycle_service_level": 1.0 - int(self.stockout_cycles.sum()) / cycles if cycles else 1.0,
            "stockout_days": int(self.stockout_days.sum()),
            "avg_inventory_units": float(self.on_hand_sum.sum()) / days,
            "avg_inventory_value": float((self.on_hand_sum * self.unit_value).sum()) / days,
            "orders": int(self.orders.sum()),
        }


def simulate(inputs: SimulationInputs, policy: Policy) -> SimulationResult:
    """Replay ``inputs`` under ``policy`` with lost sales.

    Args:
        inputs: demand, lead times and item facts.
        policy: the policy (see ``Policy``).

    Returns:
        ``SimulationResult``.
    """
    n, horizon = inputs.demand.shape
    rows = np.arange(n)
    max_lead = int(inputs.lead_time_actual[:, inputs.start:].max(initial=1))
    pipeline = np.zeros((n, horizon + max_lead + 1))
    on_hand = np.asarray(policy.initial_on_hand(), dtype=np.float64).copy()
    initial = on_hand.copy()
    on_order = np.zeros(n)
    totals = {key: np.zeros(n) for key in ("received", "sold", "demanded", "served", "stockout_days", "orders",
                                           "cycles", "stockout_cycles", "on_hand_sum")}
    cycle_has_demand = np.zeros(n, dtype=bool)
    cycle_has_stockout = np.zeros(n, dtype=bool)
    lost_daily = np.zeros((n, max(horizon - inputs.measure_from, 0)), dtype=np.float32)
    for day in range(inputs.start, horizon):
        is_measured = day >= inputs.measure_from
        arrivals = pipeline[:, day]
        on_hand += arrivals
        on_order -= arrivals
        totals["received"] += arrivals
        if is_measured:
            closing = arrivals > 0
            totals["cycles"] += closing & cycle_has_demand
            totals["stockout_cycles"] += closing & cycle_has_demand & cycle_has_stockout
            cycle_has_demand &= ~closing
            cycle_has_stockout &= ~closing
        demand = inputs.demand[:, day].astype(np.float64)
        sold = np.minimum(on_hand, demand)
        on_hand -= sold
        totals["sold"] += sold
        if is_measured:
            lost = demand - sold > 0
            lost_daily[:, day - inputs.measure_from] = demand - sold
            totals["demanded"] += demand
            totals["served"] += sold
            totals["stockout_days"] += lost
            cycle_has_demand |= demand > 0
            cycle_has_stockout |= lost
            totals["on_hand_sum"] += on_hand
        quantity = np.asarray(policy.order(day, on_hand, on_order), dtype=np.float64)
        pipeline[rows, day + inputs.lead_time_actual[:, day]] += quantity
        on_order += quantity
        if is_measured:
            totals["orders"] += quantity > 0
    totals["cycles"] += cycle_has_demand
    totals["stockout_cycles"] += cycle_has_demand & cycle_has_stockout
    return SimulationResult(policy=policy.name, initial=initial, final=on_hand,
                            measured_days=horizon - inputs.measure_from, unit_value=inputs.unit_value,
                            lost_daily=lost_daily, **totals)


def calibrate(make_policy: Callable[[float], Policy], inputs: SimulationInputs, low: float, high: float,
              target_fill: float = 0.98, iterations: int = 10) -> tuple[float, SimulationResult, bool]:
    """Smallest knob value (bisection) whose policy reaches ``target_fill``; the knob raises stock monotonically.

    Args:
        make_policy: ``knob -> Policy``.
        inputs: the simulation world.
        low: knob known (or assumed) too small.
        high: largest knob tried.
        target_fill: fill-rate target.
        iterations: bisection steps.

    Returns:
        ``(knob, result, is_reached)``: at ``high`` with ``is_reached=False`` when even ``high`` misses the target.
    """
    best = simulate(inputs, make_policy(high))
    if best.summary()["fill_rate"] < target_fill:
        return high, best, False
    best_knob = high
    for _ in range(iterations):
        middle = (low + high) / 2
        result = simulate(inputs, make_policy(middle))
        if result.summary()["fill_rate"] >= target_fill:
            high, best, best_knob = middle, result, middle
        else:
            low = middle
    return best_knob, best, True
