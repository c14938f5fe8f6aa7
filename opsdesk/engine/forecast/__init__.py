"""Demand forecasting for many daily series at once (pure NumPy + LightGBM; no Django).

Data: a ``SeriesPanel`` holds all series in one flat array with offsets (statsforecast's GroupedArray idea):
``y`` (N,) demand, ``indptr`` (n_series + 1,) offsets, ``ids``, ``start`` (n_series,) datetime64[D], and an
``available`` (N,) mask - days with a stock-out or a closed store are *missing*, never zero demand. Optional
per-day covariates: ``open``, ``promo``, ``price``, ``state_holiday``, ``school_holiday``; per-series ``static``
features. Build one with ``SeriesPanel.from_long(series_id, date, y, available=..., promo=..., ...)`` or
``SeriesPanel.from_arrow(table, ...)``. What is known about the forecast days goes in ``FutureCovariates``
(each (n_series, h)): planned promotions, planned closures (``open == 0`` -> forecast 0), holidays.

Models (protocol ``fit(panel) -> self``, ``predict(h, future=None) -> (n_series, h)``, ``forecast(panel, h,
future=None)``): ``SeasonalNaive``, ``SeasonalAverage`` (mean/median of the last weeks' same weekday),
``MovingAverage`` (flat, or ``WeekdayMovingAverage``: spread over a weekday profile shrunk towards the
panel's), ``ExponentialSmoothing`` (Holt-Winters, damped trend, weekday seasonality, additive or on
log1p - multiplicative-ish; parameters chosen per series from a grid), ``Croston`` (classic / SBA / TSB) and
``GlobalGBM`` (LightGBM over all series: calendar, holidays - ``country="CN"`` adds Spring Festival proximity -,
company ``events``, promotion, price, open and holiday covariates; features computed at the forecast origin,
direct multi-horizon). Statistical kernels are vectorised over series and loop over time on a date-aligned
(n_series, T) float32 matrix (NaN = unavailable), processed in chunks of series (optionally in processes).

``forecast(panel, h, future=..., quantiles=(0.1, 0.5, 0.9), models="auto")`` backtests every candidate on the last
``n_windows`` windows of ``h`` days (rolling origin; the statistical kernels produce all origins in one pass over
time, choosing their grid parameters only from data before each origin; with ``outlier_fence`` one-off spikes
above Tukey's far fence of a series' earlier positive values are capped first, off by default; the per-series models
do not learn from the country's unusual days, ``calendar.unusual_days``: public holidays and China's weekend working
days), adds an ensemble (mean of the three candidates with the best average relative error in the chunk; on
promoted days the global model's forecast alone when it is one of them, since the others know no promotion), and
picks per series the
candidate with the lowest validation MSE blended with the candidates' error over all series (``selection_weight``;
two windows alone are a noisy sample).
The global model is fitted once, on data before the first validation origin, and that validated model also makes the
final forecast from features at the last date. The yearly season: the global model sees the calendar (week and day
of year, the company's holidays, ``days_to_christmas`` for countries that keep Christmas) and each series' own ramp
a year ago (``own_ramp``: last year's level around the target date over last year's level before the origin) next to
the panel total's (``panel_ramp``), so items with a year of history carry their ramp and young items learn it from
the others; the spike cap keeps a peak that repeats a year apart. These yearly features and the level correction
(``level_correction``: actual over forecast volume on the validation windows) are used only where they validate: the
global model is made with and without the yearly features and each series group keeps the variant with the lower
validation error (``gate_yearly``), and the level factor of the earlier validation windows must bring the last one's
volume closer to the actual (``gate_level``); ``result.params["choices"]`` records what was chosen. Quantiles are
conformal (``intervals="conformal"``, ``conformal_quantiles``): validation residuals scaled by each series' error scale
estimated without their own window, pooled per series group over the horizon and grown along it by a line through the
weekly spreads (``horizon_quantiles``), their finite-sample quantiles applied to the scale from all windows
(``intervals="residual"`` keeps the older per-series residual quantiles widened by ``INTERVAL_WIDENING``). It returns a
``ForecastResult`` (``mean``, ``quantiles``, ``model`` and ``validation_error`` per series, ``dates``, ``to_arrow()``;
with ``keep_validation=True`` also the chosen model's validation forecasts and actuals). ``reconcile(bottom, top,
parent, method="top_down" | "bottom_up" | "wls")`` makes store x SKU forecasts add up to store totals; ``mint`` is MinT
with a shrunk covariance of validation errors and ``reconcile_by_validation`` picks per store among its own model, the
sum of its SKUs, MinT and the mean of its own model and the sum the one whose total did best on validation (SKUs keep
their own forecasts unless ``move_children``). ``region_holiday_flags(dates, country, subdivision)`` gives the public
holidays of a store's region (German state, UK nation).

Scale: ``models="statistical"`` with ``n_jobs=2`` handles 1,000,000 series x 365 days (float32 ``y``) in
chunks; ``"auto"`` skips the global model above ``gbm_max_series`` series.

Example::

    panel = SeriesPanel.from_long(sku_ids, dates, units, available=in_stock, promo=promo)
    future = FutureCovariates(open=planned_open, promo=planned_promo)   # (n_series, 28) each
    result = forecast(panel, 28, future=future, country="CN")
    table = result.to_arrow()   # series_id, date, forecast, q10, q50, q90, model
"""

from .auto import ForecastResult, conformal_quantiles, forecast, prediction_quantiles, quantile_column
from .calendar import (
    calendar_features,
    closes_on_holidays,
    region_holiday_flags,
    subdivisions,
    trading_span,
    usual_closed_weekdays,
)
from .gbm import GlobalGBM
from .models import (
    Croston,
    ExponentialSmoothing,
    ForecastModel,
    MovingAverage,
    SeasonalAverage,
    SeasonalNaive,
    WeekdayMovingAverage,
    statistical_models,
)
from .panel import FutureCovariates, SeriesPanel, static_features
from .reconcile import mint, reconcile, reconcile_by_validation

__all__ = [
    "Croston",
    "ExponentialSmoothing",
    "ForecastModel",
    "ForecastResult",
    "FutureCovariates",
    "GlobalGBM",
    "MovingAverage",
    "SeasonalAverage",
    "SeasonalNaive",
    "SeriesPanel",
    "static_features",
    "WeekdayMovingAverage",
    "calendar_features",
    "closes_on_holidays",
    "conformal_quantiles",
    "forecast",
    "mint",
    "prediction_quantiles",
    "quantile_column",
    "reconcile",
    "reconcile_by_validation",
    "region_holiday_flags",
    "statistical_models",
    "subdivisions",
    "trading_span",
    "usual_closed_weekdays",
]
