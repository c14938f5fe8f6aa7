"""The three policies compared by the simulation.

All three run daily (as Odoo's and ERPNext's schedulers do), see the same position (on hand + on order), and have
their quantities rounded by the same supplier constraints (multiple of the pack, at least the MOQ).

- ``OdooMinMax`` (stock.warehouse.orderpoint): ``min = a * (L_stated + buffer_days)``,
  ``max = min + a * R``, ``a`` the average daily demand over the last ``history_days`` before the simulation;
  fixed for the whole period. When the forecasted position is strictly below ``min`` (Odoo compares with
  ``float_compare(..) < 0``) it orders ``max - position`` rounded up to the multiple (pack).
  ``buffer_days = 0`` is the rule as specified; the bench also calibrates it, as a user raising min would.
- ``ErpnextReorder`` (erpnext/stock/reorder_item.py): ``level = a * L_stated + z * s_d * sqrt(L_stated)``,
  ``qty = a * R`` with ``s_d`` the standard deviation of daily demand over the same history and
  ``z = Phi^-1(service level of the ABC class) * z_scale``; when ``projected <= level`` it orders
  ``max(qty, level - projected)``; fixed for the whole period.
- ``OpsdeskForecast``: every day takes the forecast of the coming days made from the demand history up to that day
  (its cache: ``EngineForecastCache``, the product's forecast engine refreshed weekly, or ``ForecastCache``, the
  built-in TSB forecaster with the planned events) and runs
  ``plan`` as a daily planner (check interval ``c = 1``): safety stock ``z * sqrt((L + 1) sigma_e^2 + d^2
  sigma_L^2)`` with lead time mean/std from observed receipts, reorder point ``D(L + 1) + SS``, order up to
  ``D(L + R) + SS``. Give it ``PlanParams(check_interval_days=None)`` for the periodic (R, S) variant, or another
  ``service_measure`` (the unit value is passed as the unit cost, as the nightly plan does).
"""

from __future__ import annotations

import numpy as np

from ._normal import norm_ppf
from .forecasters import Forecaster, event_adjusted, tsb_weekly_forecast
from .plan import PlanInputs, PlanParams, plan, round_order_quantity, service_level_for
from .simulate import SimulationInputs


def history_stats(inputs: SimulationInputs, history_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Average and standard deviation of daily demand over the ``history_days`` before the simulation.

    Args:
        inputs: the simulation world.
        history_days: window length, days.

    Returns:
        ``(average, std)`` each ``(n,)`` units/day.
    """
    window = inputs.demand[:, max(inputs.start - history_days, 0):inputs.start].astype(np.float64)
    return window.mean(axis=1), window.std(axis=1)


class OdooMinMax:
    """Odoo-style static min/max orderpoint (see module docstring)."""

    name = "odoo_minmax"

    def __init__(self, inputs: SimulationInputs, buffer_days: float = 0.0, history_days: int = 90) -> None:
        average, _ = history_stats(inputs, history_days)
        self.minimum = average * (inputs.stated_lead_time + buffer_days)
        self.maximum = self.minimum + average * inputs.review_days
        self.inputs = inputs

    def initial_on_hand(self) -> np.ndarray:
        """Start at max."""
        return np.ceil(self.maximum)

    def order(self, day: int, on_hand: np.ndarray, on_order: np.ndarray) -> np.ndarray:
        """Order up to max when the position is below min."""
        position = on_hand + on_order
        need = np.where(position < self.minimum, np.maximum(self.minimum, self.maximum) - position, 0.0)
        return round_order_quantity(need, self.inputs.pack_size, self.inputs.min_order_qty)


class ErpnextReorder:
    """ERPNext-style reorder level and reorder quantity (see module docstring)."""

    name = "erpnext_reorder"

    def __init__(self, inputs: SimulationInputs, service_levels: tuple[float, ...] = (0.98, 0.95, 0.90),
                 z_scale: float = 1.0, history_days: int = 90) -> None:
        average, deviation = history_stats(inputs, history_days)
        z = np.maximum(norm_ppf(service_level_for(inputs.abc_class, service_levels)), 0.0) * z_scale
        lead = inputs.stated_lead_time.astype(np.float64)
        self.level = average * lead + z * deviation * np.sqrt(lead)
        self.quantity = average * inputs.review_days
        self.inputs = inputs

    def initial_on_hand(self) -> np.ndarray:
        """Start at level + quantity."""
        return np.ceil(self.level + self.quantity)

    def order(self, day: int, on_hand: np.ndarray, on_order: np.ndarray) -> np.ndarray:
        """Order max(qty, level - projected) when projected <= level."""
        projected = on_hand + on_order
        is_active = (self.level > 0) | (self.quantity > 0)
        due = is_active & (projected <= self.level)
        need = np.where(due, np.maximum(self.quantity, self.level - projected), 0.0)
        return round_order_quantity(need, self.inputs.pack_size, self.inputs.min_order_qty)


def calendar_forecaster(inputs: SimulationInputs, base: Forecaster = tsb_weekly_forecast,
                        history_from: int = 0) -> Forecaster:
    """The replenishment module's own forecaster: ``base`` adjusted for the world's planned events when it has them.

    Args:
        inputs: the simulation world (``events`` ``(n, T)`` and ``event_groups`` ``(n,)`` or None).
        base: history-only forecaster.
        history_from: first day of the history the forecaster is given (``ForecastCache``'s).

    Returns:
        ``event_adjusted(base, ...)`` when ``inputs.events`` is set, else ``base``.
    """
    if inputs.events is None:
        return base
    return event_adjusted(base, inputs.events[:, history_from:], inputs.event_groups)


class ForecastCache:
    """Forecasts of a ``Forecaster`` per simulated day, shared between runs (they depend on demand history only, not
    on the policy). The product's plan forecasts with the forecast engine instead (``EngineForecastCache``); this one
    drives the ablation rows (the built-in TSB forecaster) and tests."""

    def __init__(self, inputs: SimulationInputs, forecaster: Forecaster | None = None,
                 history_window: int | None = None, history_from: int = 0) -> None:
        """``forecaster`` None = ``calendar_forecaster(inputs)`` (history plus planned events); the history given to
        it starts at day ``history_from`` (or ``history_window`` days back, whichever is later)."""
        self.inputs = inputs
        self.forecaster = calendar_forecaster(inputs, history_from=history_from) if forecaster is None else forecaster
        self.history_window = history_window
        self.history_from = history_from
        self.horizon = int(np.ceil((inputs.lead_time_mean + 3 * inputs.lead_time_std + inputs.review_days).max())) + 1
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def get(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Forecast for days ``day + 1 ..`` made from demand up to and including ``day``."""
        if day not in self._cache:
            first = self.history_from if self.history_window is None else max(day + 1 - self.history_window,
                                                                               self.history_from)
            history = self.inputs.demand[:, first:day + 1]
            mean, sigma = self.forecaster(history, self.horizon)
            self._cache[day] = (mean.astype(np.float32), np.asarray(sigma, dtype=np.float64))
        return self._cache[day]


class PerfectForecastCache(ForecastCache):
    """Benchmark bound, not a policy anyone can run: the "forecast" is the actual demand of the coming days (what the
    simulation will replay) with a zero forecast error. ``OpsdeskForecast`` on it shows how far any forecast could
    take the plan in a world; only the lead times stay uncertain (their spread enters the safety stock as usual)."""

    def get(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """The actual demand of days ``day + 1 .. day + horizon`` (zeros past the world's end), sigma 0."""
        n, days = self.inputs.demand.shape
        future = np.zeros((n, self.horizon), dtype=np.float32)
        actual = self.inputs.demand[:, day + 1:min(day + 1 + self.horizon, days)]
        future[:, :actual.shape[1]] = actual
        return future, np.zeros(n)


class OpsdeskForecast:
    """Forecast-driven daily (s, S) policy built on ``plan`` (see module docstring)."""

    name = "opsdesk"

    def __init__(self, inputs: SimulationInputs, cache: ForecastCache, params: PlanParams | None = None) -> None:
        self.inputs = inputs
        self.cache = cache
        self.params = params or PlanParams(check_interval_days=1.0)

    def _plan(self, day: int, on_hand: np.ndarray, on_order: np.ndarray):
        mean, sigma = self.cache.get(day)
        zeros = np.zeros_like(on_hand)
        facts = PlanInputs(
            on_hand=on_hand, on_order=on_order, backorders=zeros, lead_time_mean=self.inputs.lead_time_mean,
            lead_time_std=self.inputs.lead_time_std, review_days=self.inputs.review_days,
            abc_class=self.inputs.abc_class, pack_size=self.inputs.pack_size,
            min_order_qty=self.inputs.min_order_qty, forecast_mean=mean, forecast_sigma=sigma,
            unit_cost=self.inputs.unit_value)
        return plan(facts, self.params)

    def initial_on_hand(self) -> np.ndarray:
        """Start at the order-up-to level planned on the day before the simulation."""
        zeros = np.zeros(self.inputs.demand.shape[0])
        return np.ceil(self._plan(self.inputs.start - 1, zeros, zeros).order_up_to)

    def order(self, day: int, on_hand: np.ndarray, on_order: np.ndarray) -> np.ndarray:
        """Re-plan with today's forecast and order the proposal."""
        return self._plan(day, on_hand, on_order).order_qty
