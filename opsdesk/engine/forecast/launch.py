"""Launches: series whose history starts less than ``LAUNCH_DAYS`` days before the origin.

A per-series model forecasts a launch from its few days of history, and a product's first days carry the stocking
orders that put it on the shelves: on Online Retail's 2011-10-03 origin, 20 items first sold the day before (up to
276 units) were forecast at up to 209 a day, and sold 5 % of that. How launches went on is known from the panel's
own past launches, so each launch ``a`` days old is scaled by the panel's ``R(a)``: the mean daily sales of past
launches over the ``h`` days after their first ``a`` days, over their mean daily sales in those ``a`` days (a ratio
of sums, each over available days). On the panels of ``bench/forecast.py --rolling --only online_retail`` (906 to
1,402 past launches) it was 0.38 / 0.14 / 0.14 / 0.14 at one day, 0.69 / 0.34 / 0.35 / 0.36 at five and 0.71 /
0.62 / 0.62 / 0.64 at 27 (issue 20, ninth pass): the 2010 origin's launches had only eleven months of the shop
before them. The launches' own forecasts (106 / 38 / 45 / 111 items) went from 20,293 / 10,369 / 13,740 / 98,741
units to 15,076 / 4,055 / 5,813 / 22,982 against 16,105 / 11,178 / 18,395 / 28,409 sold, their absolute error from
17,732 / 12,246 / 17,627 / 99,053 to 15,529 / 11,152 / 17,418 / 33,322. The ratio is one number per age for the
whole panel. Small launches tend to grow and large ones to shrink: a ratio per quintile of the first days' mean,
tried on the kept forecasts, gave per-SKU WAPE 0.998 / 1.249 / 1.058 / 1.070 against this one's 0.997 / 1.248 /
1.060 / 1.075 (better on two origins, worse on two) for five ratios per age instead of one.
"""

from __future__ import annotations

import numpy as np

from .panel import DAY, SeriesPanel

LAUNCH_DAYS = 28  # younger than this (days from its first available day to the origin, both counted) is a launch
LAUNCH_MIN = 30  # past launches an age needs before its ratio is used (1 otherwise)
LAUNCH_SAMPLE = 20_000  # past launches read at most (evenly spaced over the panel)
LAUNCH_LIMITS = (0.02, 3.0)  # the ratio, clipped
_STEP = 50_000  # series per block when finding first days (bounds the memory of a million-series panel)


def first_days(panel: SeriesPanel, span: tuple) -> np.ndarray:
    """(n_series,) column of each series' first available day in the date-aligned matrix of ``span`` (``to_dense``'s
    columns; negative before its first column), or ``span[1]`` for a series with no available day."""
    n_days = span[1]
    first_date = span[0] - np.timedelta64(n_days - 1, "D")
    out = np.full(panel.n_series, n_days, dtype=np.int64)
    for lo in range(0, panel.n_series, _STEP):
        part = panel.subset(slice(lo, min(lo + _STEP, panel.n_series)))
        if not len(part.y):
            continue
        starts, ends = part.indptr[:-1], part.indptr[1:]
        clipped = np.minimum(starts, len(part.y) - 1)  # an empty series reads its neighbour: ruled out below
        hit = starts
        if not part.available[clipped].all():  # some series start on an unavailable day: search them
            index = np.where(part.available, np.arange(len(part.y)), len(part.y))
            hit = np.where(part.available[clipped], starts, np.minimum.reduceat(index, clipped))
        found = (ends > starts) & (hit >= starts) & (hit < ends) & part.available[np.minimum(hit, len(part.y) - 1)]
        offset = ((part.start - first_date) // DAY).astype(np.int64)
        out[lo:lo + part.n_series] = np.where(found, offset + (hit - starts), n_days)
    return out


def launch_ratios(panel: SeriesPanel, first: np.ndarray, data_start: int, span: tuple, h: int
                  ) -> tuple[np.ndarray, int]:
    """(R, past launches read): ``R[a]`` for ages ``a = 1 .. LAUNCH_DAYS - 1`` (``R[0]`` unused; 1 where fewer than
    ``LAUNCH_MIN`` past launches saw that age).

    A past launch started at least ``LAUNCH_DAYS`` days after the data start (a series starting earlier may be the
    data starting, not the product) and early enough that ``LAUNCH_DAYS - 1 + h`` days followed before the origin.
    """
    n_days = span[1]
    width = LAUNCH_DAYS - 1 + h
    offset = ((panel.start - (span[0] - np.timedelta64(n_days - 1, "D"))) // DAY).astype(np.int64)
    past = np.flatnonzero((first >= data_start + LAUNCH_DAYS) & (first + width <= n_days))
    ratios = np.ones(LAUNCH_DAYS)
    if len(past) < LAUNCH_MIN:
        return ratios, int(len(past))
    if len(past) > LAUNCH_SAMPLE:
        past = past[np.linspace(0, len(past) - 1, LAUNCH_SAMPLE).astype(np.int64)]
    position = (first[past] - offset[past])[:, None] + np.arange(width)[None, :]  # within each series
    inside = position < panel.lengths[past][:, None]
    flat = panel.indptr[past][:, None] + np.minimum(position, panel.lengths[past][:, None] - 1)
    value = np.where(inside & panel.available[flat], panel.y[flat], np.nan).astype(np.float64)
    seen = np.isfinite(value)
    total = np.cumsum(np.nan_to_num(value), axis=1)
    count = np.cumsum(seen, axis=1)
    for age in range(1, LAUNCH_DAYS):
        early_sum, early_count = total[:, age - 1], count[:, age - 1]
        later_sum = total[:, age - 1 + h] - early_sum
        later_count = count[:, age - 1 + h] - early_count
        use = (early_count > 0) & (later_count > 0)
        if use.sum() < LAUNCH_MIN:
            continue
        early = (early_sum[use] / early_count[use]).sum()
        later = (later_sum[use] / later_count[use]).sum()
        if early > 0:
            ratios[age] = float(np.clip(later / early, *LAUNCH_LIMITS))
    return ratios, int(len(past))


def launch_factors(panel: SeriesPanel, span: tuple, h: int) -> tuple[np.ndarray, dict] | None:
    """(n_series,) factor on each series' forecast (``R(age)`` for launches, 1 elsewhere) and a summary for the
    result's choices, or None when no series is a launch.

    Args:
        panel: the history.
        span: (origin, days) of the date-aligned matrix (``history_span``).
        h: horizon in days.
    """
    n_days = span[1]
    first = first_days(panel, span)
    seen = first < n_days
    if not seen.any():
        return None
    data_start = int(max(first[seen].min(), 0))
    age = n_days - first
    young = seen & (first >= data_start + LAUNCH_DAYS) & (age < LAUNCH_DAYS)
    if not young.any():
        return None
    ratios, n_past = launch_ratios(panel, first, data_start, span, h)
    factor = np.ones(panel.n_series)
    factor[young] = ratios[age[young]]
    summary = {"series": int(young.sum()), "past_launches": n_past,
               "ratio": [round(float(r), 4) for r in ratios[1:]]}
    return factor, summary
