"""Top-level ``forecast``: rolling-origin validation, per-series model choice, prediction intervals."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context

import numpy as np

from .calendar import unusual_days
from .gbm import RAMP_BASE, YEAR, GlobalGBM, _ramp
from .kernels import clip_outliers
from .launch import launch_factors
from .models import ForecastModel, apply_closures, statistical_models
from .panel import Dense, FutureCovariates, SeriesPanel, history_span, to_dense

ENSEMBLE = "ensemble"
YEARLY = "ensemble_yearly"  # the ensemble times last year's ramp (own, or the panel total's for young series)
MIN_RESIDUALS = 8  # below this many validation residuals a series borrows the pooled residual distribution
#: Widening of the residual quantiles about their median. Validation residuals understate the error of the final
#: forecast (the chosen model is the one that looked best on them, and the future drifts further away from them).
#: Chosen on the pseudo-holdouts of ``bench/forecast.py --pseudo-holdout`` (test windows ending before the
#: benchmark's own): with the finite-sample correction, nominal 10-90 % intervals covered 78.8 % (Online Retail,
#: window shifted 28 days), 79.8 % (shifted 56 days) and 81.4 % (Rossmann, shifted 42 days); 76.4 / 77.6 / 76.7 %
#: at 1.0, 79.5 / 80.4 / 82.7 % at 1.2. Calibrating on one validation window and checking on the other (leave one
#: window out) over-widened to 84-87 %: two windows differ more from each other than the future does from both.
INTERVAL_WIDENING = 1.15
CRITERIA = ("mse", "rmse_mae")
CONFORMAL_GROUPS = 3  # series groups (terciles of relative validation error) calibrated separately
CONFORMAL_BUCKET = 7  # horizon days per bucket of the conformal band's horizon profile (a week)
CONFORMAL_MIN_CELL = 50  # scores a (group, horizon bucket) cell needs before it calibrates by itself
YEARLY_MARGIN = 0.005  # the yearly variant must beat the plain one by this much (relative score) to be used: at a
#: tie (a synthetic season both variants know from the calendar, scores 1.0000 and 1.0000) a coin flip decided;
#: where it helps it wins by more (Rossmann's rolling origins: 0.012 to 0.019)
LOCAL_YEAR = 364  # days of history before the first validation origin the per-series models see (see _local_view)
CONFORMAL_PRIOR = 8.0  # residuals' worth of the pooled relative error mixed into each series' scale


@dataclass
class ForecastResult:
    """Forecasts of every series for the ``h`` days after a common origin.

    Attributes:
        ids: (n_series,) series ids.
        origin: datetime64[D] last day of history; forecasts cover origin + 1 .. origin + h.
        mean: (n_series, h) point forecast (units per day); float64, or float32 when the panel's ``y`` is.
        quantiles: q -> (n_series, h) same dtype, ordered in q and non-negative.
        model: (n_series,) str name of the model chosen for each series.
        validation_error: (n_series,) float64 root mean squared error of that model over the validation windows
            (units per day; NaN when a series had no observable validation day).
        params: settings used (horizon, windows, candidate names, ...).
        validation: (n_series, W, h) validation forecasts of the chosen model (``keep_validation=True``), else None.
        validation_actual: (n_series, W, h) demand observed on those days (NaN = unavailable), else None.
        week_error: (n_series,) float64 daily error that adds up over a week as the validation errors' 7-day sums
            do (``week_error``; units per day, NaN as ``validation_error``): what a replenishment plan adds up over
            its protection period.
    """

    ids: np.ndarray
    origin: np.datetime64
    mean: np.ndarray
    quantiles: dict[float, np.ndarray]
    model: np.ndarray
    validation_error: np.ndarray
    params: dict = field(default_factory=dict)
    validation: np.ndarray | None = None
    validation_actual: np.ndarray | None = None
    week_error: np.ndarray | None = None

    @property
    def dates(self) -> np.ndarray:
        """(h,) datetime64[D] forecast dates, common to all series."""
        return self.origin + np.arange(1, self.mean.shape[1] + 1).astype("timedelta64[D]")

    def to_arrow(self):
        """Long-format pyarrow.Table: series_id, date, forecast, one column per quantile (q10, q50, q90, ...),
        model."""
        import pyarrow as pa

        n, h = self.mean.shape
        columns = {"series_id": np.repeat(self.ids, h), "date": np.tile(self.dates, n),
                   "forecast": self.mean.ravel()}
        for q, values in sorted(self.quantiles.items()):
            columns[quantile_column(q)] = values.ravel()
        columns["model"] = np.repeat(self.model.astype(str), h)
        return pa.table(columns)


def quantile_column(q: float) -> str:
    """Column name of quantile ``q``: 0.1 -> "q10", 0.025 -> "q2.5"."""
    return f"q{100 * q:g}"


def forecast(
    panel: SeriesPanel, h: int, *, future: FutureCovariates | None = None,
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9), models: str | list[ForecastModel] = "auto",
    n_windows: int = 2, country: str | None = None, events=None, max_history: int | None = None,
    n_jobs: int = 1, chunk_size: int = 20_000, gbm_max_series: int = 100_000, gbm_params: dict | None = None,
    selection_weight: float = 0.2, criterion: str = "mse", outlier_fence: float | None = None,
    interval_widening: float = INTERVAL_WIDENING, intervals: str = "conformal", groups: np.ndarray | None = None,
    keep_validation: bool = False, yearly: bool = True, level_correction: bool = True,
    launch_correction: bool = True,
) -> ForecastResult:
    """Forecast every series of ``panel`` ``h`` days ahead, choosing a model per series by backtest.

    Args:
        panel: daily history; unavailable days are missing, not zero demand.
        h: horizon in days.
        future: known-future covariates, each (n_series, h); ``open == 0`` forces 0.
        quantiles: probability levels of the prediction intervals, each in (0, 1).
        models: "auto" (statistical models + LightGBM global model), "statistical", or a list of models.
        n_windows: rolling-origin validation windows of ``h`` days each (the last ``n_windows * h`` days).
        country: ISO country code for holiday features ("CN" adds Spring Festival proximity). Its unusual days
            (``calendar.unusual_days``: public holidays and China's weekend working days) are left out of the
            per-series models' history and of last year's ramp of the panel total: a holiday week in the last 28
            days read as a level (the demo company's chain-wide forecasts were 7-12 % high for three weeks after
            China's National Day week), and a holiday inside last year's base as a fall.
        events: company event dates, used like holidays by the global model.
        max_history: use at most this many most recent days.
        n_jobs: processes for the per-series (statistical) part and threads for LightGBM.
        chunk_size: series per chunk of the statistical part (bounds memory).
        gbm_max_series: "auto" skips the global model above this many series.
        gbm_params: keyword arguments for ``GlobalGBM``.
        selection_weight: weight of a series' own validation errors against the candidates' errors over all
            series when choosing its model (1 = pure per-series choice, 0 = one candidate for all; see ``choose``).
        criterion: validation error that ranks candidates: "mse", or "rmse_mae" (mean of the RMSE and the MAE,
            each relative to the series' mean over candidates; see ``validation_errors``). "mse" is the default:
            on the benchmark's pseudo-holdouts "rmse_mae" cut WAPE but gave up RMSSE (bench/forecast.py).
        outlier_fence: history values above Q3 + fence * IQR of a series' positive values are capped before the
            per-series models see them (``kernels.clip_outliers``); None (the default since issue 20) keeps the
            history as is. A large order is demand too: with the cap at 3 IQR Online Retail's SKU forecasts on the
            rolling origins were 27 / 6 / 28 / 4 % low before any level correction, without it 10 % low to 7 % high
            (bias -10.3 / +6.6 / -19.5 / +7.1 %, band coverage 0.81 / 0.85 / 0.83 / 0.81 against 0.81-0.85; per-SKU
            WAPE 0.997 / 1.274 / 1.067 / 1.219 against 0.920 / 1.186 / 1.023 / 1.155: absolute error prefers a
            forecast below the mean of skewed demand). Spreading the cut volume over the following year instead
            of dropping it did no better (-14.5 / +9.4 / -10.5 / +6.7 %, coverage 0.86-0.91).
        interval_widening: factor on the spread of the residual quantiles about their median (1 = raw residual
            quantiles; see ``INTERVAL_WIDENING``); ``intervals="residual"`` only.
        intervals: "conformal" (default: ``conformal_quantiles``, calibrated per series group on leave-one-window-out
            validation scores, grown along the horizon) or "residual" (per-series residual quantiles, widened).
        groups: (n_series,) int series group for the conformal calibration (None: terciles of each series'
            relative validation error).
        keep_validation: keep the chosen model's validation forecasts and actuals on the result (for
            ``reconcile_by_validation``; costs n_series x windows x h floats twice).
        yearly: use the yearly season where it validates. With the "auto" global model: the model is made with
            and without its yearly features (``GlobalGBM.snapshots_with_yearly``), and each series group (with or
            without a year of history before the first validation origin) keeps the variant with the lower error
            on the validation windows (``gate_yearly``; on Rossmann's last origins the features cost RMSPE, on a
            panel whose items each repeat their own season they help). Without a global model: the candidate
            "ensemble_yearly", the ensemble times last year's ramp from the origin to each target day (the series'
            own where it sold in last year's base weeks, blended with the panel total's), chosen like any other
            candidate on validation; needs 392 days of history to differ from the ensemble. False: neither.
        level_correction: scale the chosen forecasts of each chunk of series by ``level_factor`` (the ratio of
            actual to forecast volume over the validation windows), so a bias shared by the panel - capped spikes,
            mean-type models lagging a ramp - does not carry into the forecast; only where the factor of the
            earlier windows would have brought the last one's volume closer to the actual (``gate_level``), after
            last year's ramp of the panel total where that validates (``gate_ramp``; not when the global model
            took its yearly features for any series). The choices made (series taking the yearly features,
            scores, level factors per chunk) are in ``params["choices"]``.
        launch_correction: scale the forecasts of launches (series whose history starts less than ``LAUNCH_DAYS``
            days before the origin, at least that long after the data start) by the panel's ratio for their age
            (``launch.launch_factors``: how past launches sold after their first days, against those days); their
            own few days hold the stocking orders of the launch. Online Retail, ``bench/forecast.py --rolling``
            (per-SKU WAPE 1.000 / 1.251 / 1.060 / 1.192 -> 0.997 / 1.248 / 1.060 / 1.078): the 111 launches of the
            2011-10-03 origin had been forecast at 98,741 units and sold 28,409 (now 22,982). The launches and the
            ratios are in ``params["choices"]["launches"]``.

    Returns:
        ForecastResult with mean, quantiles, chosen model and validation error per series.
    """
    levels = tuple(sorted(float(q) for q in quantiles))
    if not levels or not all(0 < q < 1 for q in levels):
        raise ValueError("quantiles must lie strictly between 0 and 1")
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}")
    span = history_span(panel, max_history)
    n_days = span[1]
    n_windows = max(0, min(n_windows, (n_days - 14) // h))
    origins = [n_days - k * h for k in range(n_windows, 0, -1)] + [n_days]
    if intervals not in ("conformal", "residual"):
        raise ValueError('intervals must be "conformal" or "residual"')
    local, global_models = _candidates(panel, models, country, events, n_jobs, gbm_max_series, gbm_params)
    known = future.as_dict() if future is not None else {}
    choices: dict = {}
    global_out = _global_outputs(panel, span, global_models, origins, h, known,
                                 yearly and isinstance(models, str), criterion, choices)
    # the global model carries the yearly season itself (validated by ``gate_yearly``); the candidate serves the
    # statistical path (on Rossmann's selection origins it cost 0.012 RMSPE next to the global model)
    yearly_candidate = yearly and not global_models
    total = _panel_total(panel, span) if yearly_candidate and n_days > YEAR + RAMP_BASE else None
    # last year's ramp of the panel goes on top of forecasts that carry no yearly season of their own: not where the
    # global model took its yearly features (they would count last year twice, with last year's promotion weeks:
    # on Rossmann's 2015-02-13 origin, product path, that cost RMSPE 0.139 -> 0.188)
    seasonal = any(value["series"] for key, value in choices.items() if key.endswith("_yearly"))
    ramps = (panel_ramps(panel, span, origins, h, country)
             if yearly and level_correction and n_windows >= 2 and not seasonal else None)
    launches = launch_factors(panel, span, h) if launch_correction else None
    if launches is not None:
        choices["launches"] = launches[1]
    job = _Job(panel, span, origins, h, known, local, global_out, levels, selection_weight, criterion, outlier_fence,
               interval_widening, intervals, groups, keep_validation, yearly_candidate, total, level_correction,
               ramps, None if launches is None else launches[0], country)
    bounds = [(lo, min(lo + chunk_size, panel.n_series)) for lo in range(0, panel.n_series, chunk_size)]
    parts = _run_chunks(job, bounds, n_jobs)
    mean, model, error, weekly = (np.concatenate([p[k] for p in parts]) for k in ("mean", "model", "error", "week"))
    quantile_values = {q: np.concatenate([p["quantiles"][j] for p in parts]) for j, q in enumerate(levels)}
    validation = np.concatenate([p["validation"] for p in parts]) if keep_validation else None
    actual = np.concatenate([p["actual"] for p in parts]) if keep_validation else None
    names = [m.name for m in local] + list(global_out) + [ENSEMBLE] + ([YEARLY] if yearly_candidate else [])
    if level_correction:
        choices["level_factor"] = [float(p["level_factor"]) for p in parts]
        if ramps is not None:
            choices["yearly_ramp"] = [bool(p["ramp"]) for p in parts]
    params = {"h": h, "n_windows": n_windows, "candidates": names, "quantiles": levels, "country": country,
              "history_days": n_days, "selection_weight": selection_weight, "criterion": criterion,
              "outlier_fence": outlier_fence, "interval_widening": interval_widening, "intervals": intervals,
              "yearly": yearly, "level_correction": level_correction, "choices": choices}
    return ForecastResult(panel.ids, span[0], mean, quantile_values, np.array(names, dtype=object)[model], error,
                          params, validation, actual, weekly)


def _candidates(panel, models, country, events, n_jobs, gbm_max_series, gbm_params):
    """(per-series models run in chunks, global models run once on the whole panel).

    The "auto" global model starts without the yearly features; ``_global_outputs`` adds them where they validate.
    """
    if isinstance(models, str):
        if models not in ("auto", "statistical"):
            raise ValueError('models must be "auto", "statistical" or a list of models')
        chosen: list[ForecastModel] = statistical_models()
        if models == "auto" and panel.n_series <= gbm_max_series:
            chosen.append(GlobalGBM(**{"country": country, "events": events, "n_jobs": n_jobs, "yearly": False,
                                       **(gbm_params or {})}))
    else:
        chosen = list(models)
    return ([m for m in chosen if not isinstance(m, GlobalGBM)], [m for m in chosen if isinstance(m, GlobalGBM)])


def _global_outputs(panel: SeriesPanel, span: tuple, models: list, origins: list[int], h: int, known: dict,
                    yearly: bool, criterion: str, choices: dict) -> dict[str, list[np.ndarray]]:
    """Snapshots of each global model: name -> one (n_series, h) array per origin.

    With ``yearly`` a global model without the yearly features also gets them (``snapshots_with_yearly``), when the
    first validation origin has a year of history before it (otherwise the features are empty), and
    ``gate_yearly`` keeps per series group the variant with the lower error on the validation windows, which all
    end at or before the origin. What was chosen, and the scores, go into ``choices`` (the result's params).
    """
    out: dict[str, list[np.ndarray]] = {}
    if not models:
        return out
    dense = to_dense(panel, span=span)
    windows = origins[:-1]
    for model in models:
        if not (yearly and isinstance(model, GlobalGBM) and not model.yearly and windows
                and origins[0] > YEAR + RAMP_BASE):
            out[model.name] = model.snapshots(dense, origins, h, known)
            continue
        plain, seasonal = model.snapshots_with_yearly(dense, origins, h, known)
        actual = np.stack([dense.y[:, o:o + h] for o in windows], 1).astype(np.float64)
        validation = [np.stack([apply_closures(v[k], dense.window(o, h)) for k, o in enumerate(windows)], 1)
                      for v in (plain, seasonal)]
        # series with a year of history before the first validation origin carry their own ramp; young ones
        # would only learn the panel's, so the two groups choose apart
        groups = (dense.first <= origins[0] - YEAR - RAMP_BASE).astype(np.int64)
        use, scores = gate_yearly(*validation, actual, groups, criterion)
        out[model.name] = [np.where(use[:, None], s, p) for p, s in zip(plain, seasonal, strict=True)]
        choices[f"{model.name}_yearly"] = {"series": int(use.sum()), "of": int(len(use)), "scores": scores}
    return out


def gate_yearly(plain: np.ndarray, seasonal: np.ndarray, actual: np.ndarray, groups: np.ndarray,
                criterion: str = "mse") -> tuple[np.ndarray, dict]:
    """Which series take the global model with the yearly features: those of a group where it validated better.

    Within each group, each series' validation error of the two variants is taken relative to its mean over
    both (``_relative_score``, so a large series does not outvote the rest), averaged over the group's series;
    the yearly variant must be lower by ``YEARLY_MARGIN``. A group without any observed validation day keeps the
    plain variant.

    Args:
        plain: (n, W, h) validation forecasts of the model without the yearly features (closures applied).
        seasonal: (n, W, h) the same with them.
        actual: (n, W, h) observed demand, NaN where unavailable.
        groups: (n,) int series group.
        criterion: validation error, as in ``validation_errors``.

    Returns:
        ((n,) bool, True where the yearly variant is used; group -> [plain score, yearly score]).
    """
    error = validation_errors([plain, seasonal], actual, criterion)
    use = np.zeros(len(groups), dtype=bool)
    scores = {}
    for group in np.unique(groups):
        rows = groups == group
        score = _relative_score(error[rows])
        use[rows] = bool(np.isfinite(score).all() and score[1] < score[0] - YEARLY_MARGIN)
        scores[int(group)] = [round(float(v), 4) for v in score]
    return use, scores


@dataclass
class _Job:
    panel: SeriesPanel
    span: tuple
    origins: list[int]
    h: int
    known: dict
    local: list
    global_out: dict
    levels: tuple
    selection_weight: float = 0.2
    criterion: str = "mse"
    outlier_fence: float | None = None
    interval_widening: float = INTERVAL_WIDENING
    intervals: str = "conformal"
    groups: np.ndarray | None = None
    keep_validation: bool = False
    yearly: bool = True
    total: np.ndarray | None = None
    level_correction: bool = True
    ramps: np.ndarray | None = None  # (W + 1, h) panel total's yearly ramp per origin (``panel_ramps``)
    launch: np.ndarray | None = None  # (n_series,) factor on the forecasts of launches (``launch_factors``)
    country: str | None = None  # the per-series models do not learn from its unusual days (``calendar.unusual_days``)


_SHARED: _Job | None = None  # set before forking workers so chunks read the panel without pickling it


def _run_chunks(job: _Job, bounds: list[tuple[int, int]], n_jobs: int) -> list[dict]:
    global _SHARED
    if n_jobs <= 1 or len(bounds) == 1 or os.name != "posix":
        return [_chunk(job, lo, hi) for lo, hi in bounds]
    _SHARED = job
    try:
        with ProcessPoolExecutor(n_jobs, mp_context=get_context("fork")) as pool:
            return list(pool.map(_shared_chunk, bounds))
    finally:
        _SHARED = None


def _shared_chunk(bound: tuple[int, int]) -> dict:
    return _chunk(_SHARED, *bound)


def _chunk(job: _Job, lo: int, hi: int) -> dict:
    """Backtest, choose and forecast the series ``lo:hi``."""
    names, validation, final, actual, known = candidate_outputs(job, lo, hi)
    observed = np.isfinite(actual).reshape(actual.shape[0], -1).sum(1)
    choice = choose(validation_errors(validation, actual, job.criterion), job.selection_weight, observed)
    take = np.arange(len(choice))
    mean = np.stack(final, 1)[take, choice]
    chosen = np.stack(validation, 1)[take, choice]
    gated = gate_ramp(chosen, actual, job.ramps) if job.level_correction else None
    if gated is not None:  # last year's ramp of the panel total, then the bias left over it
        factor, ramps = gated
        mean, chosen = mean * ramps[-1], chosen * ramps[None, :-1]
    else:
        factor = gate_level(chosen, actual) if job.level_correction else 1.0
    mean, chosen = mean * factor, chosen * factor
    if job.launch is not None:  # only the final forecast: the validation windows began before or with a launch
        mean = mean * job.launch[lo:hi, None]
    residual = actual - chosen
    if job.intervals == "conformal":
        groups = None if job.groups is None else np.asarray(job.groups)[lo:hi]
        quantiles = conformal_quantiles(mean, residual, job.levels, known.get("open"), groups=groups)
    else:
        quantiles = prediction_quantiles(mean, residual, job.levels, known.get("open"),
                                         widening=job.interval_widening, finite_sample=True)
    dtype = job.panel.y.dtype  # float32 panels get float32 forecasts (memory at the 1M-series scale)
    out = {"mean": mean.astype(dtype, copy=False), "model": choice, "error": np.sqrt(_nanmean_rows(residual ** 2)),
           "week": week_error(residual), "quantiles": [q.astype(dtype, copy=False) for q in quantiles]}
    out["level_factor"] = factor
    out["ramp"] = gated is not None
    if job.keep_validation:
        out["validation"], out["actual"] = chosen, actual
    return out


def candidate_outputs(job: _Job, lo: int, hi: int):
    """Validation and final forecasts of every candidate (plus the ensemble) for the series ``lo:hi``.

    Returns:
        (names, validation, final, actual, known): validation is a list of (n, W, h) arrays, final a list of
        (n, h) arrays (both with closures applied), actual the (n, W, h) observed demand (NaN = unavailable).
    """
    rows = slice(lo, hi)
    dense = to_dense(job.panel.subset(rows), span=job.span)
    known = {k: v[rows] for k, v in job.known.items()}
    windows = job.origins[:-1]
    history = dense if job.outlier_fence is None else replace(
        dense, y=clip_outliers(dense.y, job.origins[0], job.outlier_fence))
    unusual = unusual_days(history.dates, job.country)
    if unusual.any():
        history = replace(history, y=np.where(unusual[None, :], np.nan, history.y))
    view, origins = _local_view(history, job.origins)
    outputs = {m.name: m.snapshots(view, origins, job.h, known) for m in job.local}
    outputs.update({name: [v[rows] for v in values] for name, values in job.global_out.items()})
    empty = np.zeros((dense.n_series, 0, job.h))
    validation = {name: np.stack([apply_closures(v, dense.window(o, job.h))
                                  for v, o in zip(values, windows, strict=False)], 1) if windows else empty
                  for name, values in outputs.items()}
    final = {name: apply_closures(values[-1], known) for name, values in outputs.items()}
    actual = (np.stack([dense.y[:, o:o + job.h] for o in windows], 1).astype(np.float64)  # (n, W, h)
              if windows else empty)
    promoted, promo = None, dense.covariates.get("promo")
    if promo is not None:
        ahead = known.get("promo")
        ahead = np.zeros((dense.n_series, job.h), dtype=promo.dtype) if ahead is None else ahead
        on = np.concatenate([np.nan_to_num(promo), ahead], axis=1) > 0
        promoted = (np.stack([on[:, o:o + job.h] for o in windows], 1) if windows else empty.astype(bool),
                    on[:, job.origins[-1]:job.origins[-1] + job.h])
    _add_ensemble(validation, final, actual, job.criterion, informed=list(job.global_out), promoted=promoted)
    if job.yearly and ENSEMBLE in validation:
        _add_yearly(validation, final, dense, job, windows)
    return list(validation), list(validation.values()), list(final.values()), actual, known


def _local_view(dense: Dense, origins: list[int]) -> tuple[Dense, list[int]]:
    """The history the per-series models see: ``LOCAL_YEAR`` days before the first validation origin and what
    follows (their origins shifted to match). They weigh recent weeks (moving and seasonal averages, smoothing), so
    older days change nothing but their run time, while the global model and the yearly features read all of it:
    the product hands over three years so that the yearly season can be learnt."""
    cut = max(0, origins[0] - LOCAL_YEAR)
    return dense.tail(dense.y.shape[1] - cut), [o - cut for o in origins]


def validation_errors(validation: list[np.ndarray], actual: np.ndarray, criterion: str = "mse") -> np.ndarray:
    """(n, M) validation error of each candidate for each series (NaN where nothing was observed).

    "mse" is the mean squared error. "rmse_mae" is the mean of the RMSE and the MAE, each divided by the series'
    mean over candidates: squared error alone favours forecasts near the mean, which one-off large orders pull
    up, while absolute error favours the typical (median) day; stock is judged on both.

    Args:
        validation: M arrays (n, W, h) of validation forecasts.
        actual: (n, W, h) observed demand, NaN where unavailable.
        criterion: "mse" or "rmse_mae".

    Returns:
        (n, M) float64 errors; lower is better.
    """
    residuals = [v - actual for v in validation]
    mse = np.stack([_nanmean_rows(r ** 2) for r in residuals], 1)
    if criterion == "mse":
        return mse
    mae = np.stack([_nanmean_rows(np.abs(r)) for r in residuals], 1)
    return 0.5 * (_relative(np.sqrt(mse)) + _relative(mae))


def choose(mse: np.ndarray, weight: float = 0.2, observed: np.ndarray | None = None) -> np.ndarray:
    """(n,) index of the candidate for each series from validation errors (n, M) (MSE or another criterion).

    Two windows are a small sample, so a series' own relative errors (MSE over its mean MSE across candidates)
    are blended with the candidates' average relative error over all series, ``weight`` on the series' own.
    With ``observed`` (n,) (validation days each series was observed on), a series observed on fewer days than
    the median series gets that much less weight on its own errors: one or two days (a store whose data stopped
    before the windows, an item launched in the last one) say next to nothing about which model suits it.
    Series without any observed validation day take the best candidate overall (the first when none was
    validated).
    """
    relative = _relative(mse)
    overall = _relative_score(mse)
    own = np.full((mse.shape[0], 1), weight)
    if observed is not None and (np.asarray(observed) > 0).any():
        observed = np.asarray(observed, dtype=np.float64)
        reference = np.median(observed[observed > 0])
        own = weight * np.minimum(1.0, observed / reference)[:, None]
    blended = own * np.nan_to_num(relative, nan=1.0) + (1 - own) * np.where(np.isfinite(overall), overall,
                                                                             1e9)[None, :]
    blended[np.isnan(mse)] = np.inf
    return np.where(np.isnan(mse).all(1), int(np.argmin(overall)), np.argmin(blended, 1))


def _nanmean_rows(values: np.ndarray) -> np.ndarray:
    """(n,) mean over all but the first axis ignoring NaN (NaN for rows without values)."""
    flat = values.reshape(values.shape[0], -1)
    count = (~np.isnan(flat)).sum(1)
    total = np.nansum(flat, 1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


WEEK_ERROR_DAYS = 7  # days summed by ``week_error``: a week, about the protection period of a weekly order
WEEK_ERROR_SHRINK = 0.5  # weight of the pooled ratio in each series' (squared) ratio of ``week_error``


def week_error(residual: np.ndarray, days: int = WEEK_ERROR_DAYS, shrink: float = WEEK_ERROR_SHRINK) -> np.ndarray:
    """(n,) daily error that, added up over ``days`` consecutive days as if days were independent, gives the error
    of the validation forecasts' ``days``-day sums: the RMSE of the series times the root of the ratio of the
    variance of ``days``-day sums of errors per observed day to the variance of one day's error. Equal to the RMSE
    when errors of different days are independent, larger when they persist (a level missed for days, a ramp),
    smaller when they cancel (a weekday shape moved by a day).

    The ratio is measured on every run of ``days`` consecutive days within each validation window (unobserved days
    add nothing to a sum and are not counted), and each series' squared ratio is mixed half and half with the
    ratio pooled over all series (``shrink``): a series has only a few such runs. A replenishment plan adds the
    daily error over its protection period (``safety stock = z sqrt(P sigma^2 ...)``): with the RMSE it treated
    days as independent, with this it carries how errors really add up over a week (issue 20, thirteenth pass: on
    Online Retail's replay the inventory at 98 % fill fell 7 %).

    Args:
        residual: (n, W, h) actual - validation forecast (NaN = unobserved).
        days: length of the summed runs (<= h).
        shrink: weight of the pooled ratio.

    Returns:
        (n,) units/day; NaN where the series has no observed validation day, 0 where its errors are all 0.
    """
    n = residual.shape[0]
    one = _nanmean_rows(residual ** 2)
    h = residual.shape[2] if residual.ndim == 3 else 0
    if n == 0 or h < days:
        return np.sqrt(one)
    error = np.nan_to_num(residual, nan=0.0)
    seen = (~np.isnan(residual)).astype(np.float64)
    zeros = np.zeros(residual.shape[:2] + (1,))
    summed = np.concatenate([zeros, np.cumsum(error, axis=2)], axis=2)
    counted = np.concatenate([zeros, np.cumsum(seen, axis=2)], axis=2)
    runs = summed[:, :, days:] - summed[:, :, :-days]
    observed = counted[:, :, days:] - counted[:, :, :-days]
    squares = (runs ** 2).reshape(n, -1).sum(1)
    count = observed.reshape(n, -1).sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_day = np.where(count > 0, squares / np.maximum(count, 1), np.nan)
        own = per_day / one
        usable = np.isfinite(own) & (one > 0)
        pooled = per_day[usable].sum() / one[usable].sum() if usable.any() else 1.0
    ratio = np.where(usable, (1 - shrink) * own + shrink * pooled, pooled)
    return np.sqrt(one * ratio)


def _relative(mse: np.ndarray) -> np.ndarray:
    """(n, M) each candidate's MSE over the series' mean MSE across candidates (NaN where undefined)."""
    scale = _nanmean_rows(mse)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return mse / np.where(scale > 0, scale, np.nan)


def _relative_score(error: np.ndarray, cap: float = 3.0) -> np.ndarray:
    """(M,) mean over series of each candidate's relative error, capped at ``cap`` (inf if never validated).

    The cap keeps a candidate that explodes on a handful of series from looking worse than one that is mediocre
    everywhere.
    """
    relative = np.minimum(_relative(error), cap)
    count = (~np.isnan(relative)).sum(0)
    return np.where(count > 0, np.nansum(relative, 0) / np.maximum(count, 1), np.inf)


def _add_ensemble(validation: dict, final: dict, actual: np.ndarray, criterion: str = "mse", size: int = 3,
                  informed: list[str] | None = None, promoted: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Add the mean of the ``size`` candidates with the best relative validation error (over the series of the
    chunk) as a candidate.

    On ``promoted`` days (``(validation (n, W, h), final (n, h))`` bool), when ``informed`` candidates (the global
    models, which read the promotion calendar) are among those, the ensemble is their mean alone: averaged with
    per-series models that know no promotion, their uplift was cut by two thirds (the demo company's SKUs selling
    2 a day or more, two origins: the global model forecast 0.98-1.01 of the generator's expected demand on
    promoted days, a per-series seasonal mean 0.62-0.65, the forecasts chosen, mostly this ensemble, 0.77-0.81)."""
    names = list(validation)
    if len(names) < 2:
        return
    error = validation_errors(list(validation.values()), actual, criterion)
    top = [names[j] for j in np.argsort(_relative_score(error))[:size]]
    validation[ENSEMBLE] = np.mean([validation[m] for m in top], axis=0)
    final[ENSEMBLE] = np.mean([final[m] for m in top], axis=0)
    knowing = [m for m in top if m in (informed or ())]
    if promoted is None or not knowing:
        return
    validation[ENSEMBLE] = np.where(promoted[0], np.mean([validation[m] for m in knowing], axis=0),
                                    validation[ENSEMBLE])
    final[ENSEMBLE] = np.where(promoted[1], np.mean([final[m] for m in knowing], axis=0), final[ENSEMBLE])


LEVEL_FACTOR_RANGE = (0.67, 1.5)
#: Biases smaller than this (relative) are left alone: on Rossmann's selection origins a correction of about 3 %
#: cost RMSPE (0.1108 -> 0.1115 on 2015-03-27), on Online Retail's the corrections are 25-50 %.
LEVEL_DEAD_BAND = 0.05


def level_factor(validation: np.ndarray, actual: np.ndarray, limits: tuple[float, float] = LEVEL_FACTOR_RANGE
                 ) -> float:
    """Correction of a bias shared by the series: actual over forecast volume on each validation window (days
    observed); when every window erred on the same side by more than ``LEVEL_DEAD_BAND`` (judged on the mildest
    ratio) the geometric mean of their ratios is used (clipped to ``limits``), otherwise 1 (no consistent bias,
    e.g. a holiday in one window only). The mean, not the mildest ratio: on Online Retail's three selection
    origins of ``bench/forecast.py --rolling --top 300`` it took the total bias from -14.0/-10.0/-2.4 % to
    -3.6/-1.6/-0.1 % (the mildest ratio stopped short every time, the future needing 1.54/1.30/1.38 against
    window ratios 1.66 and 1.32, 1.17 and 1.40, 1.41 and 1.35), for SKU-level WAPE +0.05/+0.04/+0.01.

    Args:
        validation: (n, W, h) validation forecasts of the chosen models.
        actual: (n, W, h) observed demand, NaN where unavailable.
        limits: smallest and largest factor.

    Returns:
        The factor (1 when the windows saw no volume or disagree).
    """
    observed = ~np.isnan(actual)
    forecast_volume = np.where(observed, validation, 0.0).sum(axis=(0, 2))
    actual_volume = np.where(observed, actual, 0.0).sum(axis=(0, 2))
    if not len(forecast_volume) or (forecast_volume <= 0).any() or (actual_volume <= 0).any():
        return 1.0
    ratios = actual_volume / forecast_volume
    if not ((ratios > 1).all() or (ratios < 1).all()):
        return 1.0
    mildest = ratios[np.argmin(np.abs(np.log(ratios)))]
    if abs(np.log(mildest)) < np.log1p(LEVEL_DEAD_BAND):
        return 1.0
    return float(np.clip(np.exp(np.log(ratios).mean()), *limits))


def gate_level(validation: np.ndarray, actual: np.ndarray) -> float:
    """``level_factor`` of all validation windows, used only where it would have helped out of sample: the factor
    of the earlier windows alone must bring the volume of the last window (days observed, all series) closer to
    the actual volume. 1 with fewer than two windows.

    The correction is judged on the volume it corrects. It costs per-series accuracy where the missing volume sits in
    a few spikes: on Online Retail's 2010-10-31 origin the factor 1.5 of the first window cut the last window's
    volume error from 24 % to 14 % but raised its absolute error by 20 % (bench/forecast.py --rolling).

    Args:
        validation: (n, W, h) validation forecasts of the chosen models.
        actual: (n, W, h) observed demand, NaN where unavailable.

    Returns:
        The factor to apply to the forecasts (1 = no correction).
    """
    if validation.shape[1] < 2:
        return 1.0
    trial = level_factor(validation[:, :-1], actual[:, :-1])
    if trial == 1.0:
        return 1.0
    observed = ~np.isnan(actual[:, -1])
    forecast_volume = float(np.where(observed, validation[:, -1], 0.0).sum())
    actual_volume = float(np.where(observed, actual[:, -1], 0.0).sum())
    if abs(trial * forecast_volume - actual_volume) >= abs(forecast_volume - actual_volume):
        return 1.0
    return level_factor(validation, actual)


RAMP_LIMITS = (0.4, 2.5)  # last year's ramp of the panel total, clipped (as ``yearly_factor``)
RAMP_MARGIN = 0.05  # the ramp must cut the last window's weekly volume error by this share to be used


def panel_ramps(panel: SeriesPanel, span: tuple, origins: list[int], h: int, country: str | None = None
                ) -> np.ndarray | None:
    """(len(origins), h) last year's growth of the panel total from each origin to each of its target days
    (``gbm._ramp`` on the daily total, days nobody traded and the unusual days of ``country`` left out: a holiday
    week inside last year's base would read as a fall, and holidays move between years), or None when the first
    origin has no year and ``RAMP_BASE`` days of the total before it."""
    total = _panel_total(panel, span)
    observed = np.flatnonzero(total > 0)
    if not len(observed) or origins[0] - YEAR - RAMP_BASE < observed[0]:
        return None
    usual = (total > 0) & ~unusual_days(span[0] - np.arange(len(total) - 1, -1, -1).astype("timedelta64[D]"), country)
    series = np.where(usual, total, np.nan)[None, :]
    ramps = np.stack([_ramp(series[:, :o], o, h)[0] for o in origins]).astype(np.float64)
    if not np.isfinite(ramps).any(axis=1).all():
        return None
    return np.clip(np.nan_to_num(ramps, nan=1.0), *RAMP_LIMITS)


def _weekly_volume_error(forecast: np.ndarray, actual: np.ndarray, week: int = 7) -> float:
    """Sum over the weeks of a window of |forecast - actual volume| (days observed, all series) over the volume."""
    observed = ~np.isnan(actual)
    f = np.where(observed, forecast, 0.0).sum(axis=0)
    a = np.where(observed, actual, 0.0).sum(axis=0)
    weeks = np.arange(len(a)) // week
    error = np.abs(np.bincount(weeks, weights=f) - np.bincount(weeks, weights=a)).sum()
    return float(error / a.sum()) if a.sum() > 0 else np.inf


def gate_ramp(validation: np.ndarray, actual: np.ndarray, ramps: np.ndarray | None) -> tuple[float, np.ndarray] | None:
    """Last year's ramp of the panel total on top of the chosen forecasts, where it would have helped out of sample.

    The per-series models forecast a level; before a seasonal build-up (Online Retail's autumn) they lag it on
    every validation window, and ``level_factor`` then carries the lag of the windows (September's growth) into a
    horizon that grows at another pace (November's). With a year of the panel total behind every origin, each
    validation window's forecasts are first multiplied by last year's ramp from its own origin, and the level
    factor is taken over what is left. Used when, with the factor of the earlier windows, it brings the last
    window's weekly volumes closer to the actual than the plain level correction does (by ``RAMP_MARGIN``) without
    raising the squared error of its series' daily forecasts.

    Args:
        validation: (n, W, h) validation forecasts of the chosen models.
        actual: (n, W, h) observed demand, NaN where unavailable.
        ramps: (W + 1, h) the panel's ramp from each validation origin and from the forecast origin, or None.

    Returns:
        (level factor over the ramped windows, ramps) to apply, or None (no ramp: use ``gate_level``).
    """
    windows = validation.shape[1]
    if ramps is None or windows < 2 or ramps.shape[0] != windows + 1:
        return None
    ramped = validation * ramps[None, :windows, :]
    plain = level_factor(validation[:, :-1], actual[:, :-1]) * validation[:, -1]
    trial = level_factor(ramped[:, :-1], actual[:, :-1]) * ramped[:, -1]
    if _weekly_volume_error(trial, actual[:, -1]) > (1 - RAMP_MARGIN) * _weekly_volume_error(plain, actual[:, -1]):
        return None
    if np.nansum((trial - actual[:, -1]) ** 2) > np.nansum((plain - actual[:, -1]) ** 2):
        return None  # the volumes closer, the series further off
    return level_factor(ramped, actual), ramps


def _panel_total(panel: SeriesPanel, span: tuple, step: int = 100_000) -> np.ndarray:
    """(T,) total demand of all series per column of the date-aligned matrix (chunks bound the memory)."""
    n_days = span[1]
    first_date = span[0] - np.timedelta64(n_days - 1, "D")
    total = np.zeros(n_days)
    for lo in range(0, panel.n_series, step):
        part = panel.subset(slice(lo, min(lo + step, panel.n_series)))
        offset = ((part.start - first_date) // np.timedelta64(1, "D")).astype(np.int64)
        column = np.arange(len(part.y)) - np.repeat(part.indptr[:-1], part.lengths) + np.repeat(offset, part.lengths)
        keep = (column >= 0) & part.available
        total += np.bincount(column[keep], weights=part.y[keep].astype(np.float64), minlength=n_days)[:n_days]
    return total


def yearly_factor(y: np.ndarray, total: np.ndarray, origin: int, h: int) -> np.ndarray:
    """(n, h) last year's ramp from ``origin`` to each target day (1 where unknown).

    The series' own ramp (``gbm._ramp``) is weighted by the share of its last-year base days that sold (up to 1),
    the rest comes from the panel total's ramp; clipped to [0.4, 2.5].
    """
    own = _ramp(y, origin, h)
    positive = total[:origin] > 0
    panel = _ramp(np.where(positive, total[:origin], np.nan)[None, :], origin, h)[0]
    panel = np.where(np.isfinite(panel), panel, 1.0)
    lo = origin - YEAR - RAMP_BASE
    if lo < 0:
        return np.ones((y.shape[0], h))
    base = y[:, lo:origin - YEAR]
    weight = (np.nan_to_num(base) > 0).mean(1)[:, None] * np.isfinite(own)
    factor = weight * np.nan_to_num(own, nan=1.0) + (1 - weight) * panel[None, :]
    return np.clip(factor, 0.4, 2.5)


def _add_yearly(validation: dict, final: dict, dense, job: _Job, windows: list[int]) -> None:
    """Add ``YEARLY``: the ensemble times ``yearly_factor`` at each origin (the ensemble itself without a total)."""
    if job.total is None:
        validation[YEARLY], final[YEARLY] = validation[ENSEMBLE], final[ENSEMBLE]
        return
    y = dense.y.astype(np.float64)
    factors = [yearly_factor(y, job.total, o, job.h) for o in windows]
    validation[YEARLY] = (validation[ENSEMBLE] * np.stack(factors, 1) if windows else validation[ENSEMBLE])
    final[YEARLY] = final[ENSEMBLE] * yearly_factor(y, job.total, job.origins[-1], job.h)


def row_quantiles(values: np.ndarray, levels: tuple[float, ...],
                  finite_sample: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of each row ignoring NaN (linear interpolation), vectorised over rows.

    With ``finite_sample`` the order statistic for level q sits at position q * (m + 1) - 1 (0-based, clipped to
    the sample) instead of q * (m - 1): the split-conformal choice, under which a new draw falls below it with
    probability q. Plain interpolation of m = 56 residuals gives a 10-90 % interval that holds a new value only
    77 % of the time.

    Args:
        values: (n, m) samples per row, NaN for missing.
        levels: probability levels.
        finite_sample: use the conformal positions.

    Returns:
        ((n, len(levels)) quantiles, NaN for empty rows; (n,) number of samples per row).
    """
    ordered = np.sort(values, axis=1)  # NaN sort last
    count = (~np.isnan(ordered)).sum(1)
    out = np.full((values.shape[0], len(levels)), np.nan)
    rows = np.arange(values.shape[0])
    top = np.maximum(count - 1, 0)
    for j, q in enumerate(levels):
        position = np.clip(q * (count + 1) - 1, 0, top) if finite_sample else q * top
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, top)
        weight = position - low
        out[:, j] = ordered[rows, low] * (1 - weight) + ordered[rows, high] * weight
    out[count == 0] = np.nan
    return out, count


def prediction_quantiles(mean: np.ndarray, residual: np.ndarray, levels: tuple[float, ...],
                         is_open: np.ndarray | None = None, *, widening: float = 1.0,
                         finite_sample: bool = False) -> list[np.ndarray]:
    """Quantile forecasts from validation residuals, per series, scaled by a horizon profile.

    The spread of standardised residuals by horizon step (pooled over series) gives a profile ``s_k`` (mean 1,
    linear in k); each series' residuals divided by ``s_k`` give its own quantiles ``z_q`` (spread about their
    median ``z_0.5`` by ``widening``), and the forecast quantile is ``mean + s_k * z_q``, clipped at 0, sorted
    over q, and 0 on closed days. Series with fewer than 8 residuals use residuals pooled over all series relative
    to their forecast level.

    Args:
        mean: (n, h) point forecast.
        residual: (n, W, h) actual minus forecast over the validation windows (NaN where unobserved).
        levels: sorted probability levels.
        is_open: (n, h) future open flag or None.
        widening: factor on ``z_q - z_0.5`` (1 = the residual quantiles as they are).
        finite_sample: conformal order statistics (see ``row_quantiles``).

    Returns:
        One (n, h) array per level.
    """
    n, h = mean.shape
    if residual.shape[1] == 0:
        return [mean.copy() for _ in levels]
    spread = np.sqrt(_nanmean_rows(residual ** 2))[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        standard = residual / np.where(spread > 0, spread, np.nan)
    by_step = np.sqrt(np.nan_to_num(_nanmean_rows(np.moveaxis(standard, 2, 0) ** 2), nan=1.0))  # (h,)
    slope, intercept = np.polyfit(np.arange(h), by_step, 1) if h > 1 else (0.0, 1.0)
    profile = np.clip(intercept + slope * np.arange(h), 0.25, None)
    profile = profile / profile.mean()
    with_median = (*levels, 0.5)
    z, count = row_quantiles((residual / profile).reshape(n, -1), with_median, finite_sample)
    level = np.maximum(mean.mean(1), 1e-9)
    pooled, _ = row_quantiles((residual / profile / level[:, None, None]).reshape(1, -1), with_median, finite_sample)
    sparse = count < MIN_RESIDUALS
    z[sparse] = np.nan_to_num(pooled[0][None, :] * level[sparse, None])
    z = z[:, -1:] + widening * (z[:, :-1] - z[:, -1:])
    out = np.stack([mean + profile[None, :] * z[:, [j]] for j in range(len(levels))], 0)
    out = np.maximum.accumulate(np.clip(out, 0.0, None), axis=0)
    if is_open is not None:
        out[:, np.asarray(is_open) == 0] = 0.0
    return list(out)


def _conformal_scale(residual: np.ndarray, level: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """(n,) error scale per series: its RMS residual shrunk towards ``pooled * level`` (CONFORMAL_PRIOR residuals'
    worth), so series with few or all-zero residuals still get a sensible scale."""
    flat = residual.reshape(residual.shape[0], -1)
    count = (~np.isnan(flat)).sum(1)
    own = np.nansum(flat ** 2, 1)
    prior = (pooled * level) ** 2
    return np.sqrt((own + CONFORMAL_PRIOR * prior) / (count + CONFORMAL_PRIOR))


def cell_quantiles(scores: np.ndarray, groups: np.ndarray, levels: tuple[float, ...], *,
                   bucket: int = CONFORMAL_BUCKET,
                   min_count: int = CONFORMAL_MIN_CELL) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Finite-sample conformal quantiles of the scores per (series group, horizon bucket) cell.

    A cell with fewer than ``min_count`` observed scores borrows the scores of its horizon bucket pooled over all
    groups; a bucket with fewer than that borrows every score; with no score at all the quantiles are 0 (the band
    collapses to the point forecast).

    Args:
        scores: (n, W, h) scaled validation errors, NaN where unobserved.
        groups: (n,) int series group.
        levels: sorted probability levels.
        bucket: horizon days per bucket (the last bucket may be shorter).
        min_count: fewest scores a cell or bucket calibrates on by itself.

    Returns:
        (keys, table, source): keys (G,) the sorted distinct groups; table (G, B, L) quantiles with
        B = ceil(h / bucket); source (G, B) int8: 0 the cell's own scores, 1 its bucket pooled over groups,
        2 every score, 3 none.
    """
    h = scores.shape[2]
    groups = np.asarray(groups)
    keys = np.unique(groups)
    starts = range(0, h, bucket)
    table = np.zeros((len(keys), len(starts), len(levels)))
    source = np.full((len(keys), len(starts)), 3, dtype=np.int8)
    everything = scores.reshape(1, -1)
    for b, lo in enumerate(starts):
        pooled = scores[:, :, lo:lo + bucket].reshape(1, -1)
        for g, key in enumerate(keys):
            cell = scores[groups == key][:, :, lo:lo + bucket].reshape(1, -1)
            for tier, block in enumerate((cell, pooled, everything)):
                if np.isfinite(block).sum() >= min_count or (tier == 2 and np.isfinite(block).any()):
                    table[g, b] = row_quantiles(block, levels, finite_sample=True)[0][0]
                    source[g, b] = tier
                    break
    return keys, table, source


def horizon_quantiles(scores: np.ndarray, groups: np.ndarray, levels: tuple[float, ...], *,
                      bucket: int = CONFORMAL_BUCKET) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Conformal quantiles per series group and horizon bucket: each group calibrated on all its scores, the
    horizon's growth from a straight line.

    A bucket's own quantiles (``cell_quantiles`` per bucket) rest on the few days its validation weeks held, and
    errors that hit every series on the same day (a pre-holiday rush, a chain-wide promotion) make them swing from
    week to week. Here the spread of each bucket's scores pooled over groups (the mean distance of the levels'
    quantiles and the median from the median) is fitted by a line over the buckets, weighted by their counts; the
    profile is the line over its weighted mean (at least 1/4; none for one bucket or no spread). The scores divided
    by their bucket's profile are pooled over the horizon per group (``cell_quantiles`` with one bucket: a group
    with fewer than ``CONFORMAL_MIN_CELL`` scores borrows all), and the table is those quantiles times the profile.

    Args:
        scores: (n, W, h) scaled validation errors, NaN where unobserved.
        groups: (n,) int series group.
        levels: sorted probability levels.
        bucket: horizon days per bucket of the profile.

    Returns:
        (keys, table, profile): keys (G,) the sorted distinct groups, table (G, B, L) quantiles with
        B = ceil(h / bucket), profile (B,).
    """
    h = scores.shape[2]
    with_median = tuple(sorted({*levels, 0.5}))
    middle = with_median.index(0.5)
    _, pooled, _ = cell_quantiles(scores, np.zeros(len(groups), dtype=int), with_median, bucket=bucket)
    spread = np.abs(pooled[0] - pooled[0][:, [middle]]).mean(1)  # (B,)
    count = np.array([np.isfinite(scores[:, :, lo:lo + bucket]).sum() for lo in range(0, h, bucket)], dtype=float)
    profile = np.ones(len(spread))
    seen = count > 0
    if seen.sum() >= 2 and spread[seen].max() > 0:
        centre = np.arange(len(spread), dtype=float)
        slope, intercept = np.polyfit(centre[seen], spread[seen], 1, w=np.sqrt(count[seen]))
        line = intercept + slope * centre
        average = np.average(line[seen], weights=count[seen])
        if average > 0:
            profile = np.clip(line / average, 0.25, None)
    by_day = np.repeat(profile, bucket)[:h]
    keys, whole, _ = cell_quantiles(scores / by_day[None, None, :], groups, levels, bucket=h)  # (G, 1, L)
    return keys, whole * profile[None, :, None], profile


def error_groups(raw: np.ndarray, exact: np.ndarray, n_groups: int = CONFORMAL_GROUPS) -> np.ndarray:
    """(n,) conformal series groups by relative validation error ``raw`` (RMS error over the level, NaN where no
    validation day was observed): quantile groups ``1..n_groups`` of the series with an error, a series without an
    observed day in the median's group, and group 0 for the ``exact`` ones (forecast without error on every
    observed day: an item unsold throughout and forecast 0). Those are kept apart because their scores are all 0:
    with terciles over every series, Online Retail's 874 such items of 3,960 (2011-10-31) shared the lowest tercile
    with 324 of its 792 best sellers, and on the four rolling origins the bands of the top 20 % by volume held 58-65 %
    of their days, the next 30 % 72-78 % (now 75-83 % and 75-84 %; the pinball loss of q10 and q90 fell 9-10 %)."""
    live = np.isfinite(raw) & ~exact
    fill = np.median(raw[live]) if live.any() else 0.0
    edges = (np.quantile(raw[live], np.linspace(0, 1, n_groups + 1)[1:-1])
             if live.sum() >= 3 * n_groups else np.array([]))
    return np.where(exact, 0, 1 + np.searchsorted(edges, np.where(np.isfinite(raw), raw, fill)))


def conformal_quantiles(mean: np.ndarray, residual: np.ndarray, levels: tuple[float, ...],
                        is_open: np.ndarray | None = None, *, groups: np.ndarray | None = None,
                        bucket: int = CONFORMAL_BUCKET) -> list[np.ndarray]:
    """Quantile forecasts calibrated by split conformal prediction on the validation windows.

    Each validation residual is scaled by the series' error scale estimated *without its own window* (leave one
    window out), so the scores carry the same estimation noise as the final band; their finite-sample conformal
    quantiles ``Q_g,b(q)`` per series group over the whole horizon, grown along the horizon by a line through the
    spreads of ``bucket``-day buckets (``horizon_quantiles``: errors grow with the horizon, but a week's own
    quantiles follow the days its validation weeks held), give ``mean + scale_i * Q_g,b(q)`` with the scale from
    all windows. No widening factor: an asymmetric score distribution (validation bias, a skewed demand) shows in
    the band as it is. Clipped at 0, ordered over q, 0 on closed days.

    Args:
        mean: (n, h) point forecast.
        residual: (n, W, h) actual minus forecast over the validation windows (NaN where unobserved).
        levels: sorted probability levels.
        is_open: (n, h) future open flag or None.
        groups: (n,) int group of each series (None: ``error_groups``, terciles of the relative error scale and
            the error-free series apart, whose scores do not calibrate and whose band takes the others' pooled
            quantiles).
        bucket: horizon days per calibration bucket.

    Returns:
        One (n, h) array per level.
    """
    n, h = mean.shape
    n_windows = residual.shape[1]
    if n_windows == 0 or n == 0:
        return [mean.copy() for _ in levels]
    residual = residual.astype(np.float64)
    level = np.maximum(np.abs(mean).mean(1), 1e-6)
    relative = residual / level[:, None, None]
    exact = np.zeros(n, dtype=bool)
    if groups is None:
        raw = np.sqrt(_nanmean_rows(relative ** 2))
        exact = raw == 0  # forecast without error on every observed validation day (NaN: none observed)
        if exact.all():
            exact[:] = False
        groups = error_groups(raw, exact)
    groups = np.asarray(groups)
    live = ~exact
    pooled = np.ones(n)
    for g in np.unique(groups[live]):  # each group's relative error is the prior of its series' scales
        rows = (groups == g) & live
        value = np.sqrt(np.nanmean(relative[rows] ** 2)) if np.isfinite(relative[rows]).any() else np.nan
        pooled[rows] = value if np.isfinite(value) and value > 0 else 1.0
    if exact.any():  # the prior of an error-free series' scale: the others' median relative error (their RMS is
        value = np.nanmedian(raw[live]) if np.isfinite(raw[live]).any() else np.nan  # led by near-zero levels)
        pooled[exact] = value if np.isfinite(value) and value > 0 else 1.0
    scale = np.maximum(_conformal_scale(residual, level, pooled), 1e-9)
    if n_windows >= 2:  # leave one window out
        scores = np.empty_like(residual)
        for w in range(n_windows):
            others = np.delete(residual, w, axis=1)
            scores[:, w] = residual[:, w] / np.maximum(_conformal_scale(others, level, pooled), 1e-9)[:, None]
    else:
        scores = residual / scale[:, None, None]
    if exact.any():  # their scores (all 0) calibrate nothing; their band takes the others' pooled quantiles
        scores, calibrated = scores[live], groups[live]
        _, whole, _ = horizon_quantiles(scores, np.zeros(len(scores), dtype=int), levels, bucket=bucket)
    else:
        calibrated = groups
    keys, table, _ = horizon_quantiles(scores, calibrated, levels, bucket=bucket)
    z = np.empty((n, h, len(levels)))
    z[live] = np.repeat(table, bucket, axis=1)[:, :h][np.searchsorted(keys, calibrated)]  # (n, h, L)
    if exact.any():
        z[exact] = np.repeat(whole, bucket, axis=1)[0, :h]
    out = mean[None, :, :] + scale[None, :, None] * np.moveaxis(z, 2, 0)
    out = np.maximum.accumulate(np.clip(out, 0.0, None), axis=0)
    if is_open is not None:
        out[:, np.asarray(is_open) == 0] = 0.0
    return list(out)
