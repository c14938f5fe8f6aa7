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
``MovingAverage``, ``ExponentialSmoothing`` (Holt-Winters, damped trend, weekday seasonality, additive or on
log1p - multiplicative-ish; parameters chosen per series from a grid), ``Croston`` (classic / SBA / TSB) and
``GlobalGBM`` (LightGBM over all series: calendar, holidays - ``country="CN"`` adds Spring Festival proximity -,
company ``events``, promotion, price, open and holiday covariates; features computed at the forecast origin,
direct multi-horizon). Statistical kernels are vectorised over series and loop over time on a date-aligned
(n_series, T) float32 matrix (NaN = unavailable), processed in chunks of series (optionally in processes).

``forecast(panel, h, future=..., quantiles=(0.1, 0.5, 0.9), models="auto")`` backtests every candidate on the
last ``n_windows`` windows of ``h`` days (rolling origin; the statistical kernels produce all origins in one pass
over time, choosing their grid parameters only from data before each origin; one-off spikes above Tukey's far fence
of a series' earlier positive values are capped first, ``outlier_fence``), adds an ensemble (mean of the three
candidates with the best average relative error in the chunk), and picks per series the candidate with the lowest
validation MSE blended with the candidates' error over all series (``selection_weight``; two windows alone are a
noisy sample). The global model is fitted once, on data before the first validation origin, and that validated
model also makes the final forecast from features at the last date. Quantiles come from the chosen candidate's
validation residuals (per series, scaled by a horizon profile, finite-sample order statistics, widened by
``INTERVAL_WIDENING`` = 1.15 so that nominal 80 % bands cover about 80 %; ordered, non-negative, 0 on closed days). It
returns a ``ForecastResult`` (``mean``, ``quantiles``, ``model`` and ``validation_error`` per series, ``dates``,
``to_arrow()``). ``reconcile(bottom, top, parent, method="top_down" | "bottom_up" | "wls")`` makes store x SKU
forecasts add up to store totals.

Scale: ``models="statistical"`` with ``n_jobs=2`` handles 1,000,000 series x 365 days (float32 ``y``) in
chunks; ``"auto"`` skips the global model above ``gbm_max_series`` series.

Example::

    panel = SeriesPanel.from_long(sku_ids, dates, units, available=in_stock, promo=promo)
    future = FutureCovariates(open=planned_open, promo=planned_promo)   # (n_series, 28) each
    result = forecast(panel, 28, future=future, country="CN")
    table = result.to_arrow()   # series_id, date, forecast, q10, q50, q90, model
"""

from .auto import ForecastResult, forecast, prediction_quantiles, quantile_column
from .calendar import calendar_features
from .gbm import GlobalGBM
from .models import (
    Croston,
    ExponentialSmoothing,
    ForecastModel,
    MovingAverage,
    SeasonalAverage,
    SeasonalNaive,
    statistical_models,
)
from .panel import FutureCovariates, SeriesPanel
from .reconcile import reconcile

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
    "calendar_features",
    "forecast",
    "prediction_quantiles",
    "quantile_column",
    "reconcile",
    "statistical_models",
]
