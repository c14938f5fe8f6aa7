"""Replenishment and inventory health: pure, vectorised NumPy over all store x SKU pairs.

- ``plan``: safety stock, reorder point, order-up-to level and rounded order quantity with explanations.
- ``consolidate``: order lines grouped per supplier and delivery day.
- ``health``: days of cover, stockout risk, overstock, dead stock, ABC/XYZ.
- ``simulate`` / ``policies``: replay a holdout under Odoo min/max, ERPNext reorder level and the OpsDesk plan.
- ``plan_forecast`` / ``EngineForecastCache``: the forecast engine's output as the plan's (mean, sigma).
"""

from .consolidate import consolidate
from .engine_forecast import EngineForecastCache, plan_forecast
from .forecasters import Forecaster, event_adjusted, tsb_weekly_forecast, weekly_profile
from .health import (
    HealthParams,
    HealthResult,
    abc_classify,
    days_since_last_sale,
    health_summary,
    inventory_health,
    stockout_probability,
    stockout_probability_from_quantiles,
    sum_rows_by_key,
    xyz_classify,
)
from .plan import (
    REASONS,
    PlanInputs,
    PlanParams,
    PlanResult,
    cumulative_forecast,
    days_until_stockout,
    demand_over,
    expected_fill_rate,
    lead_time_from_receipts,
    normal_loss,
    normal_loss_inverse,
    plan,
    pooled_safety_factors,
    round_order_quantity,
    safety_stock,
)
from .policies import (
    ErpnextReorder,
    ForecastCache,
    OdooMinMax,
    OpsdeskForecast,
    PerfectForecastCache,
    calendar_forecaster,
)
from .simulate import Policy, SimulationInputs, SimulationResult, calibrate, simulate

__all__ = [
    "EngineForecastCache", "ErpnextReorder", "ForecastCache", "Forecaster", "HealthParams", "HealthResult",
    "OdooMinMax", "OpsdeskForecast", "PerfectForecastCache", "PlanInputs", "PlanParams", "PlanResult", "Policy",
    "REASONS", "SimulationInputs", "SimulationResult",
    "abc_classify", "calendar_forecaster", "calibrate", "consolidate", "cumulative_forecast", "days_since_last_sale",
    "days_until_stockout", "demand_over", "event_adjusted", "expected_fill_rate", "health_summary",
    "inventory_health", "lead_time_from_receipts", "normal_loss", "normal_loss_inverse", "plan", "plan_forecast",
    "pooled_safety_factors", "round_order_quantity", "safety_stock", "simulate", "stockout_probability",
    "stockout_probability_from_quantiles", "sum_rows_by_key", "tsb_weekly_forecast",
    "weekly_profile", "xyz_classify",
]
