"""Promotion post-evaluation: the no-promotion baseline, uplift with its interval, halo, cannibalisation,
post-promotion dip, ROI and a verdict (pure NumPy over the forecasting engine; no Django).

The baseline of a promotion is the forecast made without it: from the last origin before the promotion, the
forecasting engine (``opsdesk.engine.forecast.forecast``) runs on the history with earlier promotion days marked
unavailable (they are not normal demand) and with the promotion flag off on the forecast days. Its 10-90 % band
gives a per-day standard deviation ``(q90 - q10) / (2 x 1.2816)``. Series are taken as independent; the days of one
series are not (a wrong level shifts every day alike): the variance of a series' sum over days is
``(1 - rho) x sum(sd_d^2) + rho x (sum sd_d)^2`` with an equicorrelation ``rho = ERROR_CORRELATION`` (0.1).

Uplift = actual - baseline, in units, revenue and margin. Baseline revenue and margin value the baseline units at
the regular price and unit margin; actual revenue and margin are the recorded ones (at the promotion price). The
series of a promotion have roles: ``PROMOTED`` (the items on promotion), ``HALO`` (the rest of the category) and
``SUBSTITUTE`` (same sub-category as a promoted item, not promoted: their loss is cannibalisation). The dip is the
uplift of the promoted items over the ``post_days`` after the promotion (negative when customers stocked up).
ROI = (margin uplift of every role + dip margin - cost) / cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opsdesk.engine.forecast import FutureCovariates, SeriesPanel, forecast

Z80 = 1.2815515655446004  # standard normal quantile of 0.9: the 10-90 % band is mean +- Z80 sd
ERROR_CORRELATION = 0.1  # correlation of one series' daily baseline errors (level error shared by the days)
PROMOTED, HALO, SUBSTITUTE = 0, 1, 2
ROLE_NAMES = ("promoted", "halo", "substitute")


@dataclass
class Baseline:
    """The no-promotion forecast of each series for the promotion's days (and the days after).

    Attributes:
        ids: (n,) series ids.
        mean: (n, h) units per day.
        lower / upper: (n, h) q10 / q90.
        sd: (n, h) standard deviation implied by the band.
    """

    ids: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    sd: np.ndarray


def baseline_forecast(series_id: np.ndarray, date: np.ndarray, units: np.ndarray, *, available: np.ndarray,
                      promo: np.ndarray, origin: np.datetime64, h: int, models="statistical",
                      n_windows: int = 2) -> Baseline:
    """Forecast each series `h` days after `origin` as if there were no promotion.

    Args:
        series_id, date, units, available, promo: (M,) long history rows up to `origin` (later rows are ignored).
        origin: the last day before the promotion (datetime64[D]).
        h: promotion days plus the post-promotion days to cover.
        models: forwarded to the forecasting engine ("statistical", "auto" or a list of models).
        n_windows: validation windows of the engine.

    Returns:
        The baseline, series sorted by id.
    """
    day = np.asarray(date, dtype="datetime64[D]")
    keep = day <= np.datetime64(origin, "D")
    normal = np.asarray(available, bool)[keep] & ~np.asarray(promo, bool)[keep]
    panel = SeriesPanel.from_long(np.asarray(series_id)[keep], day[keep], np.asarray(units, float)[keep],
                                  available=normal, end=np.datetime64(origin, "D"),
                                  promo=np.zeros(int(keep.sum()), np.float32))
    future = FutureCovariates(promo=np.zeros((panel.n_series, h), np.float32))
    result = forecast(panel, h, future=future, quantiles=(0.1, 0.9), models=models, n_windows=n_windows)
    lower, upper = result.quantiles[0.1].astype(float), result.quantiles[0.9].astype(float)
    mean = result.mean.astype(float)
    sd = np.maximum(upper - lower, 0.0) / (2 * Z80)
    return Baseline(ids=result.ids, mean=mean, lower=lower, upper=upper, sd=sd)


@dataclass
class Effect:
    """An effect (actual - baseline) summed over days and series, with its 80 % interval."""

    actual: float
    baseline: float
    uplift: float
    lower: float
    upper: float
    sd: float

    @property
    def share(self) -> float | None:
        """Uplift as a share of the baseline (0.25 = +25 %)."""
        return self.uplift / self.baseline if self.baseline else None

    def as_dict(self) -> dict:
        return {"actual": self.actual, "baseline": self.baseline, "uplift": self.uplift, "lower": self.lower,
                "upper": self.upper, "sd": self.sd, "share": self.share}


def effect(actual: np.ndarray, mean: np.ndarray, sd: np.ndarray, weight: np.ndarray | float = 1.0) -> Effect:
    """Sum of actual - baseline over every cell, each valued at `weight` (1 = units, price = revenue).

    Args:
        actual: (n, d) observed values (already in the weighted unit, e.g. revenue), NaN cells are skipped.
        mean, sd: (n, d) baseline units and their sd.
        weight: (n,) or scalar value of one baseline unit (regular price, unit margin).
    """
    weight = np.broadcast_to(np.asarray(weight, float).reshape(-1, 1) if np.ndim(weight) else weight, mean.shape)
    seen = ~np.isnan(actual)
    total_actual = float(np.nansum(actual))
    total_baseline = float(np.sum(np.where(seen, mean * weight, 0.0)))
    cell_sd = np.where(seen, sd * weight, 0.0)
    series_variance = ((1 - ERROR_CORRELATION) * (cell_sd**2).sum(axis=1)
                       + ERROR_CORRELATION * cell_sd.sum(axis=1) ** 2)
    spread = float(np.sqrt(series_variance.sum()))
    uplift = total_actual - total_baseline
    return Effect(total_actual, total_baseline, uplift, uplift - Z80 * spread, uplift + Z80 * spread, spread)


@dataclass
class PromotionEvaluation:
    """What a promotion earned: effects per role and measure, the dip, ROI and the verdict."""

    effects: dict[str, dict[str, Effect]]  # role -> measure (units/revenue/margin) -> effect
    dip: dict[str, Effect]  # promoted items, the days after: units/revenue/margin
    cost: float
    net_margin: float  # margin uplift of every role + dip margin - cost
    net_sd: float
    roi: float | None
    verdict: str  # "pays", "loses" or "unclear"
    confidence: float  # probability that the net margin is positive (normal approximation)

    def as_dict(self) -> dict:
        return {"effects": {role: {m: e.as_dict() for m, e in by.items()} for role, by in self.effects.items()},
                "dip": {m: e.as_dict() for m, e in self.dip.items()}, "cost": self.cost,
                "net_margin": self.net_margin, "net_sd": self.net_sd, "roi": self.roi, "verdict": self.verdict,
                "confidence": self.confidence}


def _normal_cdf(x: float) -> float:
    from math import erf, sqrt

    return 0.5 * (1 + erf(x / sqrt(2)))


def evaluate(*, baseline: Baseline, roles: np.ndarray, days: int, actual_units: np.ndarray,
             actual_revenue: np.ndarray, actual_cost: np.ndarray, price: np.ndarray, unit_cost: np.ndarray,
             cost: float = 0.0, decisive: float = 0.8) -> PromotionEvaluation:
    """Evaluate a finished promotion from its baseline and the actual sales.

    Args:
        baseline: no-promotion forecast, (n, h) with h >= days (the days after are the dip window).
        roles: (n,) PROMOTED, HALO or SUBSTITUTE per series (in the baseline's order).
        days: promotion days (the first `days` columns).
        actual_units / actual_revenue / actual_cost: (n, h) recorded values, NaN = not observed (stock-out, closed).
        price / unit_cost: (n,) regular price and unit cost, to value baseline units.
        cost: the promotion's own cost (display, advertising), not the discount (already in actual revenue).
        decisive: confidence above which the verdict is "pays" (below 1 - decisive: "loses").
    """
    margin_weight = np.asarray(price, float) - np.asarray(unit_cost, float)
    during = slice(0, days)
    after = slice(days, baseline.mean.shape[1])
    actual_margin = actual_revenue - actual_cost
    effects: dict[str, dict[str, Effect]] = {}
    for code, role in enumerate(ROLE_NAMES):
        rows = np.asarray(roles) == code
        effects[role] = {
            "units": effect(actual_units[rows, during], baseline.mean[rows, during], baseline.sd[rows, during]),
            "revenue": effect(actual_revenue[rows, during], baseline.mean[rows, during], baseline.sd[rows, during],
                              np.asarray(price, float)[rows]),
            "margin": effect(actual_margin[rows, during], baseline.mean[rows, during], baseline.sd[rows, during],
                             margin_weight[rows]),
        }
    promoted = np.asarray(roles) == PROMOTED
    dip = {
        "units": effect(actual_units[promoted, after], baseline.mean[promoted, after], baseline.sd[promoted, after]),
        "revenue": effect(actual_revenue[promoted, after], baseline.mean[promoted, after],
                          baseline.sd[promoted, after], np.asarray(price, float)[promoted]),
        "margin": effect(actual_margin[promoted, after], baseline.mean[promoted, after],
                         baseline.sd[promoted, after], margin_weight[promoted]),
    }
    parts = [effects[role]["margin"] for role in ROLE_NAMES] + [dip["margin"]]
    net = sum(part.uplift for part in parts) - cost
    net_sd = float(np.sqrt(sum(part.sd**2 for part in parts)))
    confidence = _normal_cdf(net / net_sd) if net_sd > 0 else float(net > 0)
    verdict = "pays" if confidence >= decisive else "loses" if confidence <= 1 - decisive else "unclear"
    roi = net / cost if cost else None
    return PromotionEvaluation(effects=effects, dip=dip, cost=float(cost), net_margin=float(net), net_sd=net_sd,
                               roi=roi, verdict=verdict, confidence=float(confidence))


def planned_uplift(baseline: Baseline, lift: float, price: np.ndarray, discount: float) -> dict:
    """Forecast effect of a proposed promotion: baseline x (1 + lift) at the discounted price.

    Args:
        baseline: no-promotion forecast of the promoted series over the promotion days, (n, days).
        lift: expected relative unit lift (e.g. the mean share of past promotions of the same type and category).
        price: (n,) regular price; discount: share taken off (0.2 = 20 %).

    Returns:
        dict with baseline and promoted units and revenue, and the uplifts.
    """
    units = float(baseline.mean.sum())
    revenue = float((baseline.mean.sum(axis=1) * np.asarray(price, float)).sum())
    promoted_units = units * (1 + lift)
    promoted_revenue = revenue * (1 + lift) * (1 - discount)
    return {"baseline_units": units, "promoted_units": promoted_units, "units_uplift": promoted_units - units,
            "baseline_revenue": revenue, "promoted_revenue": promoted_revenue,
            "revenue_uplift": promoted_revenue - revenue}


# ------------------------------------------------------------------------------ store-level promotions (Rossmann)


@dataclass
class StoreUplift:
    """Average uplift of promotion days per store (0.2 = +20 %), NaN where it cannot be measured."""

    stores: np.ndarray
    uplift: np.ndarray


def _dense(store: np.ndarray, day: np.ndarray, *columns: np.ndarray):
    stores, row = np.unique(store, return_inverse=True)
    day = np.asarray(day, dtype="datetime64[D]")
    first = day.min()
    col = (day - first).astype(np.int64)
    t = int(col.max()) + 1
    out = []
    for column in columns:
        matrix = np.full((len(stores), t), np.nan)
        matrix[row, col] = column
        out.append(matrix)
    weekday = (np.arange(t) + (first.astype(np.int64) + 3)) % 7  # 1970-01-01 was a Thursday: Monday = 0
    return stores, weekday, out


def store_promo_uplift(store: np.ndarray, day: np.ndarray, sales: np.ndarray, promo: np.ndarray,
                       is_open: np.ndarray, weeks: int = 8) -> StoreUplift:
    """Uplift of promotion days per store against the no-promotion baseline forecast from before each day.

    The baseline of an open promotion day follows the forecasting engine's ``SeasonalAverage(weeks)`` rule, made at
    the last origin before the promotion: the mean of the last `weeks` open, non-promotion days of the same weekday
    before the day (promotion days of the history are unavailable - the promotion flag is off). A store's uplift is
    sum(actual) / sum(baseline) - 1 over its promotion days that have a baseline.

    Args:
        store, day, sales, promo, is_open: (M,) long rows (one per store and day).
        weeks: same-weekday values averaged.
    """
    stores, weekday, (y, flag, opened) = _dense(store, day, sales, promo.astype(float), is_open.astype(float))
    normal = np.where((opened == 1) & (flag == 0), y, np.nan)
    actual_sum = np.zeros(len(stores))
    baseline_sum = np.zeros(len(stores))
    for dow in range(7):
        columns = np.flatnonzero(weekday == dow)
        values = normal[:, columns]
        seen = ~np.isnan(values)
        # running sums of the last `weeks` seen values before each column, per store
        filled = np.where(seen, values, 0.0)
        for position in range(1, len(columns)):
            past_values, past_seen = filled[:, :position], seen[:, :position]
            # index of the `weeks`-th last seen value: count back
            counts = np.cumsum(past_seen[:, ::-1], axis=1)[:, ::-1]
            window = past_seen & (counts <= weeks)
            n = window.sum(axis=1)
            base = np.where(n == weeks, (past_values * window).sum(axis=1) / np.maximum(n, 1), np.nan)
            target = columns[position]
            on_promo = (flag[:, target] == 1) & (opened[:, target] == 1) & np.isfinite(base) & ~np.isnan(y[:, target])
            actual_sum += np.where(on_promo, y[:, target], 0.0)
            baseline_sum += np.where(on_promo, base, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        uplift = np.where(baseline_sum > 0, actual_sum / baseline_sum - 1, np.nan)
    return StoreUplift(stores=stores, uplift=uplift)


def hand_promo_uplift(store: np.ndarray, day: np.ndarray, sales: np.ndarray, promo: np.ndarray,
                      is_open: np.ndarray, weeks: int = 8) -> StoreUplift:
    """The hand computation: per store, per block of `weeks` calendar weeks and weekday, mean of the open promotion
    days / mean of the open non-promotion days - 1, averaged (weighted by promotion days) over the blocks."""
    stores, weekday, (y, flag, opened) = _dense(store, day, sales, promo.astype(float), is_open.astype(float))
    t = y.shape[1]
    block = np.arange(t) // (7 * weeks)
    total = np.zeros(len(stores))
    count = np.zeros(len(stores))
    for b in np.unique(block):
        for dow in range(7):
            columns = np.flatnonzero((block == b) & (weekday == dow))
            values, flags, opens = y[:, columns], flag[:, columns], opened[:, columns]
            promo_days = (flags == 1) & (opens == 1) & ~np.isnan(values)
            other_days = (flags == 0) & (opens == 1) & ~np.isnan(values)
            n_promo, n_other = promo_days.sum(axis=1), other_days.sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (np.where(promo_days, values, 0).sum(axis=1) / n_promo) / (
                    np.where(other_days, values, 0).sum(axis=1) / n_other)
            ok = (n_promo > 0) & (n_other > 0) & np.isfinite(ratio)
            total += np.where(ok, (ratio - 1) * n_promo, 0.0)
            count += np.where(ok, n_promo, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        uplift = np.where(count > 0, total / count, np.nan)
    return StoreUplift(stores=stores, uplift=uplift)
