"""Budget arithmetic: spreading a yearly amount over months, copying with growth, the availability of a budget line
at the point of commitment, a purchase-order line split into actual and committed, and the year-end projection.

Pure functions on plain floats and NumPy arrays: amounts are in the company's money (2 decimals), months are
indexed 0..11 (January..December). Rounding always keeps the yearly total exact: the cents left over by rounding
go to the month with the largest share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MONTHS = 12
STOP, WARN, NONE = "stop", "warn", "none"


def _round_keep_total(raw: np.ndarray, total: float) -> list[float]:
    """Round to cents so that the rounded months add up exactly to `total` (rounded to cents)."""
    cents = np.floor(raw * 100 + 0.5).astype(np.int64)
    left = int(round(total * 100)) - int(cents.sum())
    if left and len(cents):
        cents[int(np.argmax(raw))] += left
    return [float(value) / 100 for value in cents]


def spread_evenly(total: float, months: int = MONTHS) -> list[float]:
    """A yearly amount in equal months.

    Args:
        total: the yearly amount.
        months: the number of months (12).

    Returns:
        `months` amounts (2 decimals) adding up to `total`; the rounding remainder lies in the first month.
    """
    return _round_keep_total(np.full(months, total / months), total)


def spread_by_weights(total: float, weights) -> list[float]:
    """A yearly amount spread in proportion to `weights` (e.g. last year's actuals or sales by month).

    Args:
        total: the yearly amount.
        weights: shape (12,), non-negative; all zero (no history) spreads evenly.

    Returns:
        12 amounts (2 decimals) adding up to `total`.
    """
    weights = np.clip(np.asarray(weights, dtype=float), 0, None)
    if weights.sum() <= 0:
        return spread_evenly(total, len(weights))
    return _round_keep_total(total * weights / weights.sum(), total)


def grow(amounts, factor: float) -> list[float]:
    """Last year's months times a growth factor (1.05 = +5 %), each rounded to cents; the total is the rounded
    grown total."""
    amounts = np.asarray(amounts, dtype=float)
    return _round_keep_total(amounts * factor, round(float(amounts.sum()) * factor, 2))


def split_order_line(quantity: float, received_quantity: float, unit_price: float) -> tuple[float, float]:
    """A purchase-order line's value split once: the received part is actual, the open rest committed.

    Returns:
        (actual, committed), both >= 0 and adding up to quantity × price when nothing was over-received.
    """
    received = min(max(received_quantity, 0.0), quantity) if quantity > 0 else 0.0
    return round(received * unit_price, 2), round(max(quantity - received, 0.0) * unit_price, 2)


@dataclass(frozen=True)
class Availability:
    """What a commitment leaves of a budget line's month: available = budget - actual - committed (each amount
    counted once); `level` is "stop", "warn" or "ok"."""

    budget: float
    actual: float
    committed: float
    requested: float
    rule: str

    @property
    def available(self) -> float:
        return round(self.budget - self.actual - self.committed, 2)

    @property
    def remaining_after(self) -> float:
        return round(self.available - self.requested, 2)

    @property
    def level(self) -> str:
        if self.remaining_after >= 0 or self.rule == NONE:
            return "ok"
        return STOP if self.rule == STOP else WARN


def availability(budget: float, actual: float, committed: float, requested: float, rule: str) -> Availability:
    """The check of one commitment against a budget line's month (see `Availability`)."""
    if rule not in (STOP, WARN, NONE):
        raise ValueError(f"rule must be stop, warn or none, got {rule!r}")
    return Availability(round(budget, 2), round(actual, 2), round(committed, 2), round(requested, 2), rule)


@dataclass(frozen=True)
class Projection:
    """A line's year-end projection: actual to date + committed + the rest of the year's expected spending.

    `rest` is the remaining baseline less what is already committed (a commitment is part of the coming months'
    spending, not added on top of it), never below zero.
    """

    budget: float
    actual: float
    committed: float
    rest: float

    @property
    def projected(self) -> float:
        return round(self.actual + self.committed + self.rest, 2)

    @property
    def variance(self) -> float:
        """Projected minus budget: positive is an overrun."""
        return round(self.projected - self.budget, 2)

    @property
    def variance_pct(self) -> float | None:
        return None if not self.budget else round(self.variance * 100 / self.budget, 2)

    @property
    def is_overrun(self) -> bool:
        return self.variance > 0


def season_weights(last_year) -> np.ndarray:
    """Monthly weights adding up to 1 from last year's months (equal weights when there is no history)."""
    last_year = np.clip(np.asarray(last_year if last_year is not None else np.zeros(MONTHS), dtype=float), 0, None)
    if last_year.sum() <= 0:
        return np.full(MONTHS, 1 / MONTHS)
    return last_year / last_year.sum()


def project(budget, actual, committed: float, elapsed: float, *, last_year=None, forecast=None) -> Projection:
    """Year-end projection of one budget line.

    Args:
        budget: shape (12,), the line's months.
        actual: shape (12,), the actual spending by month so far.
        committed: open commitments (sent, unreceived purchase orders) of the line.
        elapsed: months of the year gone, as a fraction (e.g. 10.5 on 16 November: Jan..Oct and half of Nov).
        last_year: shape (12,) or None, last year's actuals: the seasonality of the run rate.
        forecast: shape (12,) or None, expected spending by month from a forecast; when given, the rest of the
            year is the forecast of the months (and part of a month) not yet gone.

    Returns:
        The Projection (rest = max(baseline of the remaining months - committed, 0)).
    """
    budget = np.asarray(budget, dtype=float)
    actual = np.asarray(actual, dtype=float)
    elapsed = min(max(float(elapsed), 0.0), float(MONTHS))
    whole = int(elapsed)
    fraction = elapsed - whole
    gone = np.zeros(MONTHS)
    gone[:whole] = 1.0
    if whole < MONTHS:
        gone[whole] = fraction
    if forecast is not None:
        baseline = float((np.asarray(forecast, dtype=float) * (1 - gone)).sum())
    else:
        weights = season_weights(last_year)
        share_gone = float((weights * gone).sum())
        rate = float(actual.sum()) / share_gone if share_gone > 0 else float(budget.sum())
        baseline = rate * float((weights * (1 - gone)).sum())
    rest = max(baseline - committed, 0.0)
    return Projection(round(float(budget.sum()), 2), round(float(actual.sum()), 2), round(committed, 2),
                      round(rest, 2))


def overrun_share(projections: list[Projection]) -> float | None:
    """The share (0..1) of lines projected to overrun their budget; None without lines."""
    if not projections:
        return None
    return sum(1 for item in projections if item.is_overrun) / len(projections)
