"""Global gradient-boosting model (LightGBM), direct multi-horizon with features computed at the forecast origin.

One model serves all series and all horizon steps. A training example is (series, origin o, step k): its features
are what is known at origin o - statistics of the history up to o (scale, recent and weekday profiles, promotion
uplift, last year's value) - plus the calendar, holidays and known-future covariates (open, promo, price, state and
school holidays) of the target day o + k - 1, and k itself. The target is demand relative to the series' recent
level (log ratio to the mean of the last ``scale_window`` = 91 days for mostly-positive demand, plain ratio to the
91-day mean for intermittent demand), so series of any size share one model. (A 28-day level carried December's
peak into January: on Rossmann's 2015-01-02 origin RMSPE 0.271 against 0.188 with 91 days; a 364-day level
did better there, 0.182, but over-forecast a synthetic two-year panel's Christmas ramp by 32 %: a year-long
window is full only for training origins with a year behind them.) Around Easter the model also reads last
year's value on the same day of the Easter cycle (Carnival, Holy Week, Whitsun move with it). Training origins are
spaced ``origin_step`` days apart before the forecast origin (``max_origins`` = 52 of them: two years, so that each
season is seen twice where the history allows); rows are subsampled at random to stay within ``max_rows``, so a
second year adds feature building but no training rows. (Issue 20, tenth pass: with one year, 26 origins, Rossmann's
rolling origins scored RMSPE 0.1703 / 0.1358 / 0.1087 / 0.1013 and its band held 0.715 / 0.959 / 0.792 / 0.826 of
actuals; with two 0.1722 / 0.1367 / 0.1001 / 0.0998 and 0.811 / 0.949 / 0.803 / 0.805; Online Retail's SKUs
unchanged.) A training row needs a level: a series with no available day before the origin has no relative target
(it would be log1p(y) itself, a ratio of thousands), and predictions stay within the range of the relative targets
trained on. No recursion: the horizon is predicted directly, so errors do not compound.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .calendar import calendar_features, easter_offsets
from .models import ForecastModel
from .panel import Dense

DEFAULT_FUTURE = {"open": 1.0, "promo": 0.0, "state_holiday": 0.0, "school_holiday": 0.0}


def _stack_future(dense: Dense, h: int, future: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """Covariates over history and horizon, name -> (n, T + h); missing future values take their default."""
    out = {}
    for name, history in dense.covariates.items():
        if future and name in future:
            ahead = np.asarray(future[name], dtype=np.float32)
        elif name == "price":
            ahead = np.repeat(history[:, -1:], h, axis=1)
        else:
            ahead = np.full((dense.n_series, h), DEFAULT_FUTURE.get(name, 0.0), dtype=np.float32)
        out[name] = np.concatenate([history, ahead], axis=1)
    return out


class OriginStatistics:
    """Per-series statistics of the history before an origin (n,), used as features and for scaling."""

    def __init__(self, y: np.ndarray, dow: np.ndarray, covariates: dict[str, np.ndarray], origin: int,
                 scale_window: int = 28, carry: bool = True):
        self._measure(y, dow, covariates, origin, scale_window)
        if not carry:
            return
        # a series whose data stopped (a gap of months) is described as of the day it stopped, its level carried
        # forward by the panel's change since (``kernels.stale_windows``)
        for rows, end, change in kernels.stale_windows(y[:, :origin], origin, scale_window):
            then = OriginStatistics(y[rows], dow, {k: v[rows] for k, v in covariates.items()}, end, scale_window,
                                    carry=False)
            self.scale[rows] = then.scale * change
            for name, values in then.ratios.items():  # levels relative to the carried scale
                self.ratios[name][rows] = values / change if name.startswith("mean_") else values
            self.weekday_8[rows], self.weekday_52[rows] = then.weekday_8 / change, then.weekday_52 / change

    def _measure(self, y, dow, covariates, origin, scale_window):
        past = y[:, :origin]
        self.scale = kernels.fallback_level(past, origin, scale_window)
        base = np.where(self.scale > 0, self.scale, np.nan)
        self.ratios = {f"mean_{w}": kernels.fallback_level(past, origin, w) / base for w in (7, 28, 91, 364)}
        recent = past[:, -28:]
        self.ratios["available_28"] = (~np.isnan(recent)).mean(axis=1)
        last91 = past[:, -91:]
        with np.errstate(invalid="ignore"):
            self.ratios["zero_91"] = kernels._nanmean(np.where(np.isnan(last91), np.nan, last91 == 0), axis=1)
        if "promo" in covariates:
            promo = covariates["promo"][:, max(0, origin - 91):origin] > 0
            on = kernels._nanmean(np.where(promo, last91, np.nan), axis=1)
            off = kernels._nanmean(np.where(~promo, last91, np.nan), axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                self.ratios["promo_uplift"] = on / off
        self.weekday_8 = kernels._nanmean(kernels.weekly_block(past, dow, origin, 8), axis=1) / base[:, None]
        self.weekday_52 = kernels._nanmean(kernels.weekly_block(past, dow, origin, 52), axis=1) / base[:, None]


class GlobalGBM(ForecastModel):
    """LightGBM global model over all series (see module docstring for the design).

    ``yearly=False`` leaves out the yearly-season features (``YEARLY_FEATURES``: the series' and the panel's ramp
    a year ago, days to Christmas); ``forecast(models="auto")`` makes both variants (``snapshots_with_yearly``) and
    keeps, per series group, the one with the lower validation error (``auto.gate_yearly``).
    """

    name = "gbm"

    def __init__(self, *, country: str | None = None, events=None, target: str = "auto", n_estimators: int = 500,
                 learning_rate: float = 0.05, num_leaves: int = 127, max_rows: int = 800_000, origin_step: int = 14,
                 max_origins: int = 52, min_history: int = 28, n_jobs: int = 1, seed: int = 0, yearly: bool = True,
                 scale_window: int = 91):
        if target not in ("auto", "log", "ratio"):
            raise ValueError("target must be auto, log or ratio")
        self.country, self.events, self.target = country, events, target
        self.n_estimators, self.learning_rate, self.num_leaves = n_estimators, learning_rate, num_leaves
        self.max_rows, self.origin_step, self.min_history = max_rows, origin_step, min_history
        self.max_origins = max_origins
        self.n_jobs, self.seed = n_jobs, seed
        self.yearly = yearly
        self.scale_window = scale_window

    def snapshots(self, dense, origins, h, future=None):
        rows, calendar, covariates, dow = self._training_rows(dense, origins, h, future)
        columns = self._columns(self.yearly)
        booster = self._fit(*rows, columns, self.n_estimators)
        return [self._inverse(self._predict(booster, features, columns).reshape(dense.n_series, h), stats.scale)
                for features, stats in self._origin_features(dense, origins, h, calendar, covariates, dow)]

    def snapshots_with_yearly(self, dense, origins, h, future=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Snapshots without and with the yearly features, for ``auto.gate_yearly`` to choose between.

        The second model is the first plus ``n_estimators * YEARLY_ROUNDS_SHARE`` trees over all features fitted to
        the first one's training residuals (LightGBM's ``init_score``): the yearly season as a correction of the
        plain model, at about a fifth of a second model's training time.

        Returns:
            (plain, yearly): one (n_series, h) array per origin each, as ``snapshots``.
        """
        rows, calendar, covariates, dow = self._training_rows(dense, origins, h, future)
        plain_columns, all_columns = self._columns(False), self._columns(True)
        plain = self._fit(*rows, plain_columns, self.n_estimators, keep_scores=True)
        start = _training_scores(plain)
        plain.free_dataset()
        rounds = max(1, int(round(self.n_estimators * YEARLY_ROUNDS_SHARE)))
        correction = self._fit(*rows, all_columns, rounds, init_score=start)
        del rows
        out_plain, out_yearly = [], []
        for features, stats in self._origin_features(dense, origins, h, calendar, covariates, dow):
            raw = self._predict(plain, features, plain_columns)
            out_plain.append(self._inverse(raw.reshape(dense.n_series, h), stats.scale))
            raw = raw + self._predict(correction, features, all_columns)
            out_yearly.append(self._inverse(raw.reshape(dense.n_series, h), stats.scale))
        return out_plain, out_yearly

    def _training_rows(self, dense, origins, h, future):
        """((features, target) of the training origins before ``origins[0]``, calendar, covariates, weekday)."""
        cutoff = origins[0]
        n_days = dense.y.shape[1]
        dates = dense.dates[0] + np.arange(n_days + h).astype("timedelta64[D]")
        calendar = calendar_features(dates, country=self.country, events=self.events)
        self._easter_lag = easter_offsets(dates)[1] if "easter" in calendar else None
        covariates = _stack_future(dense, h, future)
        dow = calendar["dow"].astype(np.int64)
        self._total = _panel_total(dense.y)
        self._target_mode(dense.y[:, :cutoff])
        rows = self._train_matrix(dense.y[:, :cutoff], covariates, calendar, dense.static, dow, h)
        return rows, calendar, covariates, dow

    def _origin_features(self, dense, origins, h, calendar, covariates, dow):
        for origin in origins:
            yield self._features(dense.y, covariates, calendar, dense.static, dow, origin, h)

    def _columns(self, yearly: bool) -> list[int]:
        """Indices of the features a model uses (all, or all but ``YEARLY_FEATURES``), in the features' order."""
        return [j for j, name in enumerate(self.feature_names_) if yearly or name not in YEARLY_FEATURES]

    def _predict(self, booster, features: np.ndarray, columns: list[int]) -> np.ndarray:
        if len(columns) < features.shape[1]:
            features = features[:, columns]
        return booster.predict(features, num_threads=self.n_jobs)

    def _target_mode(self, history: np.ndarray) -> None:
        if self.target != "auto":
            self.mode_ = self.target
            return
        seen = history[~np.isnan(history)]
        self.mode_ = "log" if seen.size and (seen == 0).mean() < 0.3 else "ratio"

    def _transform(self, y: np.ndarray, scale: np.ndarray) -> np.ndarray:
        if self.mode_ == "log":
            return np.log1p(np.clip(y, 0, None)) - np.log1p(scale)[:, None]
        return np.minimum(y / np.maximum(scale, 1e-3)[:, None], 20.0)

    def _inverse(self, raw: np.ndarray, scale: np.ndarray) -> np.ndarray:
        # never beyond the relative demand seen in training (the yearly correction adds to the plain model's output)
        raw = np.clip(raw, *self.target_range_)
        if self.mode_ == "log":
            return np.expm1(raw + np.log1p(scale)[:, None])
        return raw * np.maximum(scale, 1e-3)[:, None]

    def _train_matrix(self, y, covariates, calendar, static, dow, h) -> tuple[np.ndarray, np.ndarray]:
        """(rows, F) float32 features (every feature) and (rows,) targets of the training origins."""
        n, cutoff = y.shape
        last = cutoff - h
        origins = list(range(last, self.min_history - 1, -self.origin_step))[:self.max_origins] or [max(last, 1)]
        # all origins are kept (they span the seasons); rows are subsampled to respect max_rows instead
        keep_share = min(1.0, self.max_rows / (n * h * len(origins)))
        rng = np.random.default_rng(self.seed)
        blocks, targets = [], []
        for origin in origins:
            features, stats = self._features(y, covariates, calendar, static, dow, origin, h)
            target = self._transform(y[:, origin:origin + h], stats.scale).ravel()
            usable = ~np.isnan(target) & (features[:, self.feature_names_.index("open")] != 0
                                          if "open" in self.feature_names_ else True)
            # a series without any level before the origin has no relative target (log mode: log1p(y) - 0)
            usable &= np.repeat(stats.scale > 0, h)
            if keep_share < 1.0:
                usable &= rng.random(len(target)) < keep_share
            blocks.append(features[usable])
            targets.append(target[usable])
        target = np.concatenate(targets)
        self.target_range_ = (float(target.min()), float(target.max())) if target.size else (-np.inf, np.inf)
        return np.concatenate(blocks), target

    def _fit(self, features: np.ndarray, target: np.ndarray, columns: list[int], rounds: int, init_score=None,
             keep_scores: bool = False):
        import lightgbm as lgb

        params = {"objective": "l2", "learning_rate": self.learning_rate, "num_leaves": self.num_leaves,
                  "min_data_in_leaf": 50, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
                  "lambda_l2": 1.0, "num_threads": self.n_jobs, "seed": self.seed, "verbose": -1}
        if len(columns) < features.shape[1]:
            features = features[:, columns]
        data = lgb.Dataset(features, target, feature_name=[self.feature_names_[j] for j in columns],
                           init_score=init_score, free_raw_data=True)
        return lgb.train(params, data, num_boost_round=rounds, keep_training_booster=keep_scores)

    def _features(self, y, covariates, calendar, static, dow, origin, h):
        """Feature matrix (n * h, F) float32 for the h days after column origin - 1, rows series-major."""
        n = y.shape[0]
        target = slice(origin, origin + h)
        stats = OriginStatistics(y, dow, covariates, origin, self.scale_window if self.mode_ == "log" else 91)
        columns: dict[str, np.ndarray] = {"step": np.broadcast_to(np.arange(1, h + 1), (n, h))}
        for name, values in calendar.items():
            columns[name] = np.broadcast_to(values[target], (n, h))
        columns.update(_covariate_columns(covariates, origin, h))
        columns.update(_history_columns(y, stats, dow, origin, h, getattr(self, "_easter_lag", None)))
        columns.update(_yearly_columns(y, self._total, origin, h))
        for name, values in static.items():
            columns[f"static_{name}"] = np.broadcast_to(np.asarray(values, dtype=np.float32)[:, None], (n, h))
        self.feature_names_ = list(columns)
        matrix = np.empty((n * h, len(columns)), dtype=np.float32)
        for j, values in enumerate(columns.values()):
            matrix[:, j] = np.asarray(values, dtype=np.float32).ravel()
        return matrix, stats


def _training_scores(booster) -> np.ndarray:
    """(rows,) raw scores of a booster kept in training on its training rows: the ones LightGBM updated while
    boosting, handed to a metric callback by the public ``eval_train`` (predicting the rows again would cost about a
    quarter of the training time)."""
    box: list[np.ndarray] = []

    def keep(scores, _data):
        box.append(np.array(scores, dtype=np.float64))
        return "scores", 0.0, False

    booster.eval_train(keep)
    return box[0]


def _covariate_columns(covariates: dict[str, np.ndarray], origin: int, h: int) -> dict[str, np.ndarray]:
    """Known-future covariates of the target days (n, h) each, with the day before/after for flags."""
    columns = {}
    for name, values in covariates.items():
        ahead = values[:, origin:origin + h]
        if name == "price":
            reference = kernels._nanmean(values[:, max(0, origin - 28):origin], axis=1)[:, None]
            columns["price_ratio"] = ahead / np.where(reference > 0, reference, np.nan)
            continue
        columns[name] = ahead
        if name in ("open", "promo", "state_holiday"):
            columns[f"{name}_previous"] = values[:, origin - 1:origin + h - 1]
            following = values[:, origin + 1:origin + h + 1].copy()
            following = np.pad(following, ((0, 0), (0, h - following.shape[1])), constant_values=np.nan)
            following[:, -1] = np.nan  # the day after the horizon is unknown at forecast time
            columns[f"{name}_next"] = following
    return columns


YEAR = 364  # days: a year back on the same weekday
YEARLY_FEATURES = ("own_ramp", "panel_ramp", "days_to_christmas")  # left out with ``yearly=False``
YEARLY_ROUNDS_SHARE = 0.2  # trees of the yearly correction in ``snapshots_with_yearly``, share of n_estimators
RAMP_WINDOW = 3  # +- days around the target's date a year ago
RAMP_BASE = 28  # days before the origin's date a year ago that set last year's base level


def _panel_total(y: np.ndarray) -> np.ndarray:
    """(T,) total of all series per day (0 where nothing was observed)."""
    return np.nansum(y, axis=0, dtype=np.float64)


def _ramp(values: np.ndarray, origin: int, h: int) -> np.ndarray:
    """(m, h) last year's growth from the origin to each target day: the mean around the target's date a year ago
    over the mean of the ``RAMP_BASE`` days before the origin's date a year ago (NaN without a year of history).

    This is how the yearly season enters the model: a series with a year of history carries its own ramp (the
    Christmas build-up of a gift, a summer slump), and the panel total's ramp (``panel_ramp``) lets the global model
    apply what items with history did to young items.
    """
    m = values.shape[0]
    base_lo, base_hi = origin - YEAR - RAMP_BASE, origin - YEAR
    if base_lo < 0:
        return np.full((m, h), np.nan, dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        base = kernels._nanmean(values[:, base_lo:base_hi], axis=1)
        targets = np.arange(origin, origin + h) - YEAR
        offsets = np.arange(-RAMP_WINDOW, RAMP_WINDOW + 1)
        index = np.clip(targets[:, None] + offsets[None, :], 0, origin - 1)  # (h, 2w+1), before the origin
        around = kernels._nanmean(values[:, index], axis=2)  # (m, h)
        ramp = around / np.where(base > 0, base, np.nan)[:, None]
    return np.clip(ramp, 0.0, 50.0).astype(np.float32)


def _yearly_columns(y: np.ndarray, total: np.ndarray, origin: int, h: int) -> dict[str, np.ndarray]:
    """Yearly-season features (n, h): the series' own ramp a year ago and the panel total's."""
    n = y.shape[0]
    total = np.where(total[:origin] > 0, total[:origin], np.nan)[None, :]
    return {"own_ramp": _ramp(y, origin, h),
            "panel_ramp": np.broadcast_to(_ramp(total, origin, h), (n, h))}


def _history_columns(y: np.ndarray, stats: OriginStatistics, dow: np.ndarray, origin: int, h: int,
                     easter_lag: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Features from the history before the origin, (n, h) each: weekday profiles, level ratios, last year (the
    same weekday 364 days back and, around Easter, the same day of last year's Easter cycle: ``easter_lag`` days
    back, see ``calendar.easter_offsets``)."""
    n = y.shape[0]
    future_dow = dow[origin:origin + h]
    columns = {"weekday_8": stats.weekday_8[:, future_dow], "weekday_52": stats.weekday_52[:, future_dow]}
    for name, values in stats.ratios.items():
        columns[name] = np.broadcast_to(values[:, None], (n, h))
    year_ago = np.arange(origin, origin + h) - 364
    base = np.where(stats.scale > 0, stats.scale, np.nan)[:, None]
    lagged = np.full((n, h), np.nan, dtype=np.float32)
    valid = year_ago >= 0
    lagged[:, valid] = y[:, year_ago[valid]]
    columns["year_ago"] = lagged / base
    if easter_lag is not None:
        lag = easter_lag[origin:origin + h]
        back = np.arange(origin, origin + h) - lag
        valid = (lag > 0) & (back >= 0)
        aligned = np.full((n, h), np.nan, dtype=np.float32)
        aligned[:, valid] = y[:, back[valid]]
        columns["easter_year_ago"] = aligned / base
    columns["log_scale"] = np.broadcast_to(np.log1p(stats.scale)[:, None], (n, h))
    return columns
