"""The forecast engine (``opsdesk.engine.forecast``) as the plan's forecaster, shared by the product and the replay.

The nightly plan reads the latest forecast run: per store x SKU the daily mean, the 10 %-90 % band and the chosen
model's validation errors (the week error, else the RMSE). ``plan_forecast`` turns those into the plan's
``(mean (n, h), sigma (n,))`` - one
implementation, called by ``opsdesk.replenishment.selectors`` on the stored run and by ``EngineForecastCache`` on
the engine's result in the simulation. ``EngineForecastCache`` re-forecasts a simulation world with the engine the
way ``opsdesk forecast`` does (same engine call, horizon, quantiles, country, availability and known future; see its
docstring for what the world cannot give).
"""

from __future__ import annotations

import time

import numpy as np

from .simulate import SimulationInputs

#: Phi^-1(0.9): a 10 %-90 % band is 2 x 1.2816 sigma wide (the product's constant, kept as it was).
BAND_Z = 1.2816
#: The product's forecast run: ``opsdesk forecast`` default horizon and ``forecasting.services.QUANTILES``.
PRODUCT_HORIZON = 28
PRODUCT_QUANTILES = (0.1, 0.5, 0.9)
#: The product's forecast history (``forecasting.selectors.HISTORY_DAYS``).
PRODUCT_HISTORY_DAYS = 1100


def plan_forecast(mean: np.ndarray, lower: np.ndarray, upper: np.ndarray, validation_rmse: np.ndarray,
                  week_error: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The plan's forecast of each pair from a forecast run's outputs.

    The means and band are clipped at 0 with ``lower <= mean <= upper`` (as the run stores them); sigma is the
    chosen model's week error (``opsdesk.engine.forecast.auto.week_error``: the daily error that adds up over a week
    as its validation errors did) where the series has one, else its validation RMSE, else the band's average width
    over the horizon divided by ``2 * BAND_Z`` (a normal's 10 %-90 % width).

    Args:
        mean: ``(n, h)`` daily point forecasts, units/day (NaN = none).
        lower: ``(n, h)`` 10 % quantile, units/day.
        upper: ``(n, h)`` 90 % quantile, units/day.
        validation_rmse: ``(n,)`` RMSE over the validation windows, units/day (NaN = none).
        week_error: ``(n,)`` week error, units/day (NaN = none; None = no series has one: a run stored before
            it was measured).

    Returns:
        ``(mean (n, h), sigma (n,))``: non-negative daily means and the forecast error's standard deviation per day
        as the plan adds it up over its protection period, units/day (0 where nothing is known).
    """
    mean = np.clip(np.nan_to_num(np.asarray(mean, dtype=np.float64)), 0.0, None)
    lower = np.minimum(np.clip(np.asarray(lower, dtype=np.float64), 0.0, None), mean)
    upper = np.maximum(np.clip(np.asarray(upper, dtype=np.float64), 0.0, None), mean)
    h = mean.shape[1]
    band_sigma = (upper - lower).mean(axis=1) / (2 * BAND_Z) if h else np.zeros(len(mean))
    rmse = np.asarray(validation_rmse, dtype=np.float64)
    sigma = np.where(np.isnan(rmse), band_sigma, rmse)
    if week_error is not None:
        weekly = np.asarray(week_error, dtype=np.float64)
        sigma = np.where(np.isnan(weekly), sigma, weekly)
    return mean, np.nan_to_num(np.maximum(sigma, 0.0))


class EngineForecastCache:
    """The forecast engine's forecasts of a simulation world, as the product's nightly plan reads them.

    Every ``refresh_days`` simulated days from the world's ``start`` (the product forecasts nightly; a weekly
    refresh keeps the replay affordable, see bench/replenish.py for the time), ``opsdesk.engine.forecast.forecast``
    runs on the demand history up to that day, as ``opsdesk forecast`` calls it
    (``forecasting.services._run_level`` on ``forecasting.selectors.extract``): the last ``PRODUCT_HISTORY_DAYS``
    days, each pair from its first sale on, days the store did not trade or the pair was out of stock unavailable
    (``inputs.is_observed``), recorded and planned promotions as history covariate (``inputs.promo`` and
    ``inputs.events``, as ``forecasting.selectors`` reads sales rows and ``mark_promotions``),
    the planned promotion calendar (``inputs.events``) and the usual closing weekdays as the known future, the
    world's ``country``, horizon ``PRODUCT_HORIZON``, quantiles ``PRODUCT_QUANTILES``. Its output becomes
    ``(mean, sigma)`` through ``plan_forecast``, as the plan reads a stored run. Between refreshes the latest forecast
    is shifted by the days elapsed (its first columns dropped; the plan extends the last week's rate beyond).

    Left out, as they do not move a SKU's forecast: the store-total levels and their reconciliation (SKUs keep their
    own forecasts, ``reconcile_by_validation``'s default) and the 3-decimal rounding of the stored points.
    """

    def __init__(self, inputs: SimulationInputs, refresh_days: int = 7, horizon: int = PRODUCT_HORIZON,
                 history_days: int = PRODUCT_HISTORY_DAYS, n_jobs: int = 1, on_refresh=None) -> None:
        """``on_refresh(day, seconds)``, when given, hears of each engine run (the bench reports timings)."""
        self.inputs = inputs
        self.refresh_days = refresh_days
        self.horizon = horizon
        self.history_days = history_days
        self.n_jobs = n_jobs
        self.on_refresh = on_refresh
        self._forecasts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.refreshes: list[int] = []

    def origin(self, day: int) -> int:
        """The day whose forecast is in use on ``day``: the latest refresh day at or before it."""
        start = self.inputs.start
        if day < start:
            return day
        return start + (day - start) // self.refresh_days * self.refresh_days

    def get(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Forecast for days ``day + 1 ..`` (``(n, h - shift)`` float32, ``(n,)``) from the latest refresh."""
        origin = self.origin(day)
        if origin not in self._forecasts:
            self._forecasts[origin] = self.forecast_at(origin)
            self.refreshes.append(origin)
        mean, sigma = self._forecasts[origin]
        return mean[:, day - origin:], sigma

    def forecast_at(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Run the engine on the history up to and including ``day``: ``(mean (n, h) float32, sigma (n,))``."""
        from opsdesk.engine.forecast import forecast  # imported when used: it loads LightGBM, which planning needs not

        began = time.perf_counter()
        panel, future = self.engine_inputs(day)
        result = forecast(panel, self.horizon, future=future, quantiles=PRODUCT_QUANTILES,
                          country=self.inputs.country, n_jobs=self.n_jobs)
        mean, sigma = plan_forecast(result.mean, result.quantiles[PRODUCT_QUANTILES[0]],
                                    result.quantiles[PRODUCT_QUANTILES[-1]], result.validation_error,
                                    result.week_error)
        if self.on_refresh is not None:
            self.on_refresh(day, time.perf_counter() - began)
        return mean.astype(np.float32), sigma

    def engine_inputs(self, day: int):
        """``(SeriesPanel, FutureCovariates)`` of the history up to ``day``, as the product extracts them."""
        from opsdesk.engine.forecast import FutureCovariates, SeriesPanel, usual_closed_weekdays

        inputs = self.inputs
        n, total = inputs.demand.shape
        first_column = max(day + 1 - self.history_days, 0)
        y = inputs.demand[:, first_column:day + 1].astype(np.float32)
        t = y.shape[1]
        observed = (np.ones((n, t), dtype=bool) if inputs.is_observed is None
                    else inputs.is_observed[:, first_column:day + 1])
        sources = [flags[:, first_column:day + 1].astype(np.float32)
                   for flags in (inputs.promo, inputs.events) if flags is not None]
        promo = np.maximum.reduce(sources) if sources else None
        sold = y > 0
        first = np.where(sold.any(axis=1), sold.argmax(axis=1), t - 1)
        keep = np.arange(t)[None, :] >= first[:, None]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(t - first, out=indptr[1:])
        dates = self.dates(first_column, day + 1)
        panel = SeriesPanel(ids=np.arange(n), indptr=indptr, y=y[keep], start=dates[first], available=observed[keep],
                            promo=None if promo is None else promo[keep])
        h = self.horizon
        is_open = np.ones((n, h), dtype=np.float32)
        if inputs.is_store_open is not None:
            closed = usual_closed_weekdays(inputs.is_store_open[:, first_column:day + 1], dates)
            ahead = (self.dates(day + 1, day + 1 + h).astype(np.int64) + 3) % 7
            is_open[closed[:, ahead]] = 0.0
        future_promo = None
        if inputs.events is not None:
            future_promo = np.zeros((n, h), dtype=np.float32)
            known = inputs.events[:, day + 1:min(day + 1 + h, total)]
            future_promo[:, :known.shape[1]] = known
        return panel, FutureCovariates(open=is_open, promo=future_promo)

    def dates(self, begin: int, end: int) -> np.ndarray:
        """Dates of the world's columns ``begin .. end - 1`` (past its end too); day numbers when it has none."""
        columns = np.arange(begin, end)
        if self.inputs.dates is None:  # no calendar: a made-up one (weekday effects still line up)
            return np.datetime64("2000-01-03", "D") + columns.astype("timedelta64[D]")
        return self.inputs.dates[0] + columns.astype("timedelta64[D]")
