"""Vectorised statistical kernels: arrays are (n_series, T) with NaN for unavailable days; loops run over time only.

Each kernel takes ``snapshots``, a sorted list of column counts ``o`` (history ``y[:, :o]``), and returns one
forecast (n_series, h) per snapshot from a single pass over time, so rolling-origin validation costs no refit.
"""

from __future__ import annotations

import warnings

import numpy as np

SEASON = 7


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(values, axis=axis)


def _zero_nan(values: np.ndarray) -> np.ndarray:
    """Copy with NaN replaced by 0 (cheaper than np.nan_to_num, which also scans for infinities)."""
    return np.where(np.isnan(values), values.dtype.type(0), values)


def _nanmedian(values: np.ndarray, axis: int) -> np.ndarray:
    """Median ignoring NaN (NaN when all are NaN); sorting is much faster than np.nanmedian on many rows."""
    ordered = np.sort(np.moveaxis(values, axis, -1), axis=-1)  # NaN sort last
    count = (~np.isnan(ordered)).sum(-1, keepdims=True)
    low = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0), -1)
    high = np.take_along_axis(ordered, np.maximum(count // 2, 0), -1)
    return np.where(count > 0, (low + high) / 2, np.nan)[..., 0]


def weekly_block(y: np.ndarray, dow: np.ndarray, origin: int, weeks: int) -> np.ndarray:
    """The last ``weeks`` weeks before ``origin`` arranged by weekday.

    Args:
        y: (n, T) demand with NaN for unavailable days.
        dow: (T,) int weekday of each column (0 = Monday).
        origin: number of history columns to use.
        weeks: number of weeks to take (padded with NaN when the history is shorter).

    Returns:
        (n, weeks, 7) block, ``[:, -1, d]`` is the most recent weekday ``d``.
    """
    width = weeks * SEASON
    begin = origin - width
    block = np.full((y.shape[0], width), np.nan, dtype=y.dtype)
    block[:, max(0, -begin):] = y[:, max(0, begin):origin]
    # roll so that column j of each week holds weekday j
    first_dow = (int(dow[origin - 1]) + 1) % SEASON
    block = block.reshape(y.shape[0], weeks, SEASON)
    return np.roll(block, first_dow, axis=2) if first_dow else block


def fallback_level(y: np.ndarray, origin: int, window: int = 56) -> np.ndarray:
    """(n,) mean of the last ``window`` available days before ``origin`` (0 when none)."""
    level = _nanmean(y[:, max(0, origin - window):origin], axis=1)
    missing = np.isnan(level)
    if missing.any():
        level[missing] = _nanmean(y[missing, :origin], axis=1) if origin else np.nan
    return _zero_nan(level)


def seasonal_naive(y: np.ndarray, dow: np.ndarray, snapshots: list[int], h: int, weeks: int = 8) -> list[np.ndarray]:
    """Repeat the last available value of each weekday (searching up to ``weeks`` weeks back)."""
    out = []
    for origin in snapshots:
        block = weekly_block(y, dow, origin, weeks)
        last = block[:, -1, :].copy()
        for back in range(2, weeks + 1):
            gap = np.isnan(last)
            if not gap.any():
                break
            last[gap] = block[:, -back, :][gap]
        last = np.where(np.isnan(last), fallback_level(y, origin)[:, None], last)
        out.append(_by_weekday(last, dow, origin, h))
    return out


def seasonal_average(y: np.ndarray, dow: np.ndarray, snapshots: list[int], h: int, weeks: int,
                     median: bool) -> list[np.ndarray]:
    """Mean or median of the last ``weeks`` available values of each weekday."""
    out = []
    for origin in snapshots:
        block = weekly_block(y, dow, origin, weeks)
        value = _nanmedian(block, axis=1) if median else _nanmean(block, axis=1)
        value = np.where(np.isnan(value), fallback_level(y, origin)[:, None], value)
        out.append(_by_weekday(value, dow, origin, h))
    return out


def moving_average(y: np.ndarray, snapshots: list[int], h: int, window: int) -> list[np.ndarray]:
    """Flat forecast: mean of the available days among the last ``window`` days."""
    return [np.repeat(fallback_level(y, origin, window)[:, None], h, axis=1) for origin in snapshots]


def weekday_profile(y: np.ndarray, dow: np.ndarray, origin: int, weeks: int, shrink: float) -> np.ndarray:
    """(n, 7) multiplicative weekday profile from the ``weeks`` weeks before ``origin``.

    A series' own profile (its mean on each weekday over its mean weekday) is blended with the panel's (the
    same on the series' summed weekday means, so large series weigh more) by ``days / (days + shrink)``, its
    days with a sale in those weeks: a series that sold on few days follows the panel (days, not units: a
    wholesale order of 48 units tells one day's story). A weekday the series was never
    available on takes the panel's value. Each row is scaled to mean 1 over the weekdays the series was
    available on (all seven when none), so ``level * profile`` keeps the level of a mean over available days.
    Weekdays nobody was available on get 1.
    """
    block = weekly_block(y, dow, origin, weeks)
    own = _nanmean(block, axis=1)  # (n, 7), NaN where the series had no available weekday d
    seen = ~np.isnan(own)
    panel = _zero_nan(own).sum(0)
    panel_seen = seen.any(0) & (panel > 0)
    panel = np.where(panel_seen, panel / panel[panel_seen].mean(), 1.0) if panel_seen.any() else np.ones(SEASON)
    mean_own = np.where(seen, own, 0.0).sum(1) / np.maximum(seen.sum(1), 1)
    ratio = np.divide(own, mean_own[:, None], out=np.full_like(own, np.nan), where=mean_own[:, None] > 0)
    days = (block > 0).sum(axis=(1, 2))
    weight = (days / (days + shrink))[:, None] if shrink > 0 else np.ones((len(days), 1))
    profile = np.where(np.isnan(ratio), panel[None, :], weight * ratio + (1 - weight) * panel[None, :])
    basis = np.where(seen.any(1, keepdims=True), seen, True)
    scale = (profile * basis).sum(1) / basis.sum(1)
    profile = np.divide(profile, scale[:, None], out=np.ones_like(profile), where=scale[:, None] > 0)
    return profile.astype(y.dtype, copy=False)


def weekday_moving_average(y: np.ndarray, dow: np.ndarray, snapshots: list[int], h: int, window: int, weeks: int,
                           shrink: float) -> list[np.ndarray]:
    """``moving_average`` spread over the weekdays by ``weekday_profile``."""
    return [fallback_level(y, origin, window)[:, None] * _by_weekday(weekday_profile(y, dow, origin, weeks, shrink),
                                                                     dow, origin, h)
            for origin in snapshots]


def _by_weekday(value: np.ndarray, dow: np.ndarray, origin: int, h: int) -> np.ndarray:
    """Spread (n, 7) per-weekday values over the ``h`` days after column ``origin - 1``."""
    future_dow = (int(dow[origin - 1]) + 1 + np.arange(h)) % SEASON
    return value[:, future_dow]


def _initial_states(y: np.ndarray, dow: np.ndarray, first: np.ndarray, window: int = 28):
    """Level (n,) and additive weekday profile (n, 7) from the first ``window`` days after each series' start."""
    n, n_days = y.shape
    columns = np.minimum(first[:, None] + np.arange(window)[None, :], n_days - 1)
    block = y[np.arange(n)[:, None], columns]
    block[first[:, None] + np.arange(window)[None, :] >= n_days] = np.nan
    level = _zero_nan(_nanmean(block, axis=1))
    season = np.zeros((n, SEASON), dtype=y.dtype)
    block_dow = dow[columns]
    for d in range(SEASON):
        masked = np.where(block_dow == d, block, np.nan)
        season[:, d] = _zero_nan(_nanmean(masked, axis=1) - level)
    return level, season


def holt_winters(y: np.ndarray, dow: np.ndarray, first: np.ndarray, snapshots: list[int], h: int,
                 grid: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Additive Holt-Winters with damped trend and weekday seasonality, parameters picked per series from a grid.

    Error-correction form, with e = y - (l + phi*b + s):  l <- l + phi*b + alpha*e,  b <- phi*b + beta*e,
    s_d <- s_d + gamma*e. Unavailable days skip the correction (the state only drifts by the damped trend).
    At each snapshot the grid point with the smallest in-sample one-step squared error so far is used, so
    validation forecasts never see validation data.

    Args:
        y: (n, T) demand, NaN where unavailable.
        dow: (T,) weekday of each column.
        first: (n,) first available column of each series.
        snapshots: sorted history lengths to forecast from.
        h: horizon in days.
        grid: (G, 4) rows of (alpha, beta, gamma, phi).

    Returns:
        (forecasts, choices): per snapshot an (n, h) forecast and the (n,) chosen grid row.
    """
    dtype = y.dtype
    alpha, beta, gamma, phi = (grid[:, k].astype(dtype) for k in range(4))
    n, g = y.shape[0], len(grid)
    level0, season0 = _initial_states(y, dow, first)
    level = np.repeat(level0[:, None], g, axis=1)
    trend = np.zeros((n, g), dtype=dtype)
    season = np.ascontiguousarray(np.repeat(season0.T[:, :, None], g, axis=2))  # (7, n, G): season[d] contiguous
    sse = np.zeros((n, g), dtype=dtype)
    values = np.ascontiguousarray(_zero_nan(y).T)  # (T, n): one contiguous row per day
    seen = (~np.isnan(y)).T.astype(dtype)
    damped_trend, error, scratch = np.empty_like(level), np.empty_like(level), np.empty_like(level)
    forecasts, choices = [], []
    pending = list(snapshots)
    for t in range(y.shape[1] + 1):
        while pending and pending[0] == t:
            pending.pop(0)
            choice = sse.argmin(axis=1)
            forecasts.append(_hw_forecast(level, trend, season, choice, phi, dow, t, h))
            choices.append(choice)
        if t == y.shape[1] or not pending:
            break
        s = season[int(dow[t])]
        np.multiply(phi, trend, out=damped_trend)
        level += damped_trend  # level now holds l + phi*b
        np.subtract(values[t][:, None], level, out=error)
        error -= s
        error *= seen[t][:, None]  # unavailable days: no correction, no error
        # written with out= buffers: fresh temporaries of this size cost an allocation (often an mmap) each
        np.multiply(error, error, out=scratch)
        sse += scratch
        np.multiply(alpha, error, out=scratch)
        level += scratch
        np.multiply(beta, error, out=scratch)
        np.add(damped_trend, scratch, out=trend)
        np.multiply(gamma, error, out=scratch)
        s += scratch
    return forecasts, choices


def _hw_forecast(level, trend, season, choice, phi, dow, origin: int, h: int) -> np.ndarray:
    rows = np.arange(level.shape[0])
    steps = np.arange(1, h + 1)
    chosen_phi = phi[choice][:, None]
    damp_sum = np.cumsum(chosen_phi ** steps[None, :], axis=1)
    future_dow = (int(dow[origin - 1]) + steps) % SEASON
    return (level[rows, choice][:, None] + damp_sum * trend[rows, choice][:, None]
            + season[:, rows, choice].T[:, future_dow])


def croston(y: np.ndarray, snapshots: list[int], h: int, alpha: float, variant: str,
            beta: float = 0.1) -> list[np.ndarray]:
    """Croston's method and its SBA and TSB variants for intermittent demand.

    Classic/SBA: demand size z and inter-demand interval p (counted in available days) are smoothed on demand
    days with ``alpha``; forecast z / p (SBA multiplies by 1 - alpha/2). TSB: the demand probability pi is
    updated on every available day with ``beta`` and the size on demand days; forecast pi * z. Unavailable days
    are skipped (they neither count as an interval day nor as a zero).

    Args:
        y: (n, T) non-negative demand, NaN where unavailable.
        snapshots: sorted history lengths to forecast from.
        h: horizon in days.
        alpha: size (and interval) smoothing weight.
        variant: "classic", "sba" or "tsb".
        beta: probability smoothing weight (TSB only).

    Returns:
        Per snapshot an (n, h) flat forecast.
    """
    n = y.shape[0]
    dtype = y.dtype
    size = np.full(n, np.nan, dtype=dtype)
    interval = np.full(n, np.nan, dtype=dtype)
    since = np.zeros(n, dtype=dtype)
    probability = np.full(n, np.nan, dtype=dtype)
    rows = np.ascontiguousarray(np.where(np.isnan(y), dtype.type(-1), y).T)  # (T, n); -1 marks unavailable
    out, pending = [], list(snapshots)
    for t in range(y.shape[1] + 1):
        while pending and pending[0] == t:
            pending.pop(0)
            if variant == "tsb":
                rate = np.nan_to_num(probability) * np.nan_to_num(size)
            else:
                rate = np.nan_to_num(size / interval) * ((1 - alpha / 2) if variant == "sba" else 1.0)
            out.append(np.repeat(rate[:, None], h, axis=1))
        if t == y.shape[1] or not pending:
            break
        value = rows[t]
        seen = value >= 0
        demand = value > 0
        since += seen
        fresh = demand & np.isnan(size)
        size = np.where(demand, np.where(fresh, value, size + alpha * (value - size)), size)
        interval = np.where(demand, np.where(fresh, since, interval + alpha * (since - interval)), interval)
        since = np.where(demand, 0, since)
        hit = demand.astype(dtype)
        probability = np.where(seen, np.where(np.isnan(probability), hit, probability + beta * (hit - probability)),
                               probability)
    return out


def clip_outliers(y: np.ndarray, origin: int, fence: float = 3.0, min_count: int = 5, *, season: int = 364,
                  season_window: int = 7) -> np.ndarray:
    """Cap one-off spikes (a wholesale order, a data error) at Tukey's fence of each series' positive values.

    The cap is ``Q3 + fence * (Q3 - Q1)`` of the positive available values before column ``origin`` (so that
    validation forecasts from later origins never use later data); series with fewer than ``min_count`` positive
    values are left alone. Mean-type models (moving averages, Croston/TSB sizes, seasonal means) otherwise carry
    a single huge order into every forecast day for weeks. A value above the cap is kept when the same series was
    also above its cap within ``season_window`` days of the same date a year (``season`` days) earlier or later
    (before ``origin``): a peak that repeats a year apart is a season (Christmas, a yearly fair), not an outlier.

    Args:
        y: (n, T) demand, NaN where unavailable.
        origin: number of leading columns that define the cap.
        fence: multiple of the interquartile range above Q3 (3 = Tukey's "far out").
        min_count: fewest positive values needed to cap a series.
        season: days between repeats of a seasonal peak (364 keeps the weekday; 0 disables the exemption).
        season_window: tolerance in days around the date a season earlier or later.

    Returns:
        (n, T) capped copy of ``y`` (``y`` itself when nothing exceeds a cap), same dtype, NaN kept.
    """
    positive = np.sort(np.where(y[:, :origin] > 0, y[:, :origin], np.nan), axis=1)  # NaN sort last
    count = (~np.isnan(positive)).sum(1)
    q1, q3 = (_sorted_quantile(positive, count, q) for q in (0.25, 0.75))
    cap = np.where(count >= min_count, q3 + fence * (q3 - q1), np.inf).astype(y.dtype)[:, None]
    above = y > cap
    if not above.any():
        return y
    keep = np.zeros_like(above)
    if season and y.shape[1] > season - season_window:
        rows = np.flatnonzero(above[:, :origin].any(1))
        known = above[rows, :origin]
        # windowed count of exceedances around each column (+- season_window), from a cumulative sum
        cumulative = np.concatenate([np.zeros((len(rows), 1), np.int32), np.cumsum(known, 1, dtype=np.int32)], 1)
        columns = np.arange(y.shape[1])
        for shift in (-season, season):
            centre = columns + shift
            lo = np.clip(centre - season_window, 0, origin)
            hi = np.clip(centre + season_window + 1, 0, origin)
            keep[rows] |= (cumulative[:, hi] - cumulative[:, lo]) > 0
    return np.where(above & ~keep, cap, y)  # NaN stays NaN


def _sorted_quantile(ordered: np.ndarray, count: np.ndarray, q: float) -> np.ndarray:
    """(n,) quantile ``q`` (linear interpolation) of rows sorted with NaN last holding ``count`` values each."""
    rows = np.arange(ordered.shape[0])
    position = q * np.maximum(count - 1, 0)
    low = np.floor(position).astype(np.int64)
    high = np.minimum(low + 1, np.maximum(count - 1, 0))
    weight = position - low
    return ordered[rows, low] * (1 - weight) + ordered[rows, high] * weight


STALE_REFERENCE_SERIES = 5_000  # series with current data that measure the panel's change for a stale one


def stale_windows(y: np.ndarray, origin: int, window: int = 28, min_seen: int = 7,
                  limits: tuple[float, float] = (0.5, 2.0)) -> list[tuple[np.ndarray, int, float]]:
    """Series left stale by a gap in their data, grouped by the day their data stopped.

    A series with fewer than ``min_seen`` available days among the last ``window`` before ``origin`` (a store whose
    data stopped for months) says nothing current about its level or weekday profile. It is described as of the
    day after its last available day before that window, if the ``window`` days up to it held at least
    ``2 * min_seen`` available days; the panel's change since is the median, over series available in both
    windows (up to ``STALE_REFERENCE_SERIES`` of them, evenly spread), of their level now over their level then.

    Returns:
        [(rows, end, change)]: the stale series whose data stopped at column ``end`` (exclusive), and the panel's
        change of level since (clipped to ``limits``). Empty when no series is stale.
    """
    past = y[:, :origin]
    recent = (~np.isnan(past[:, -window:])).sum(1)
    stale = np.flatnonzero(recent < min_seen)
    if stale.size == 0 or origin <= 2 * window:
        return []
    before = ~np.isnan(past[stale, :origin - window])
    ends = before.shape[1] - np.argmax(before[:, ::-1], 1)  # the column after the last available one
    ends[~before.any(1)] = 0
    fresh = np.flatnonzero(recent >= 2 * min_seen)
    if fresh.size > STALE_REFERENCE_SERIES:  # evenly spread: a median needs no more, and SKUs out of stock for
        fresh = fresh[np.linspace(0, fresh.size - 1, STALE_REFERENCE_SERIES).astype(np.int64)]  # weeks end anywhere
    now = _nanmean(past[fresh, -window:], axis=1)  # each has 2 * min_seen days there
    out = []
    for end in np.unique(ends[ends >= window]):
        rows = stale[ends == end]
        rows = rows[(~np.isnan(past[rows, end - window:end])).sum(1) >= 2 * min_seen]
        then = _nanmean(past[fresh, end - window:end], axis=1)
        both = then > 0
        if rows.size == 0 or both.sum() < 10:
            continue
        change = float(np.clip(np.median(now[both] / then[both]), *limits))
        out.append((rows, int(end), change))
    return out
