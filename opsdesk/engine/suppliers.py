"""Supplier scorecards: on-time-in-full, fill, rejection, lead time and price variance per supplier x period.

Pure NumPy. Lines are held as flat arrays (one entry per purchase-order line) with integer supplier and period
codes; every metric is a `bincount` over the dense key `supplier * n_periods + period`, so 200,000 lines score in
milliseconds. A supplier x period without lines has `lines == 0` and NaN metrics: empty periods never drag the
score (frappe/erpnext#41710), and a partial delivery is never counted as on time in full.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Weights of the score (they sum to 1): OTIF by quantity, OTIF by line, fill rate, acceptance, price discipline.
WEIGHTS = {"otif_quantity": 0.35, "otif_lines": 0.2, "fill": 0.2, "acceptance": 0.15, "price": 0.1}
#: Lowest score of each standing, best first; below the last one a supplier is "blocked".
STANDING_THRESHOLDS = (("excellent", 0.9), ("acceptable", 0.75), ("probation", 0.6))
#: Price variance (fraction above contract) that costs the whole price component.
PRICE_TOLERANCE = 0.1
#: Score lost per complaint-per-line (one complaint on every line costs a tenth of the score).
COMPLAINT_PENALTY = 0.1


@dataclass(frozen=True)
class ScorecardLines:
    """Facts of purchase-order lines, one entry per line (all arrays of shape (n,)).

    Attributes:
        supplier: supplier code in [0, n_suppliers).
        period: period code in [0, n_periods) (e.g. the month of the promised date).
        ordered: units ordered (> 0).
        accepted_by_due: units accepted (received minus rejected) on or before the promised date.
        accepted: units accepted in total (any date).
        rejected: units rejected in total.
        lead_days: days from order to first receipt; NaN when nothing was received.
        unit_price: price on the order, per unit.
        contract_price: contract price in force on the order date; NaN without a contract.
    """

    supplier: np.ndarray
    period: np.ndarray
    ordered: np.ndarray
    accepted_by_due: np.ndarray
    accepted: np.ndarray
    rejected: np.ndarray
    lead_days: np.ndarray
    unit_price: np.ndarray
    contract_price: np.ndarray


@dataclass(frozen=True)
class Scorecard:
    """Metrics per supplier x period (arrays of shape (n_suppliers, n_periods)); NaN where `lines == 0`.

    Rates are fractions in [0, 1]; `price_variance` is the ordered-value-weighted fraction above contract
    (negative: below); lead times are in days; `score` in [0, 1].
    """

    lines: np.ndarray
    otif_lines: np.ndarray
    otif_line_rate: np.ndarray
    otif_quantity_rate: np.ndarray
    fill_rate: np.ndarray
    rejection_rate: np.ndarray
    lead_time_mean: np.ndarray
    lead_time_std: np.ndarray
    price_variance: np.ndarray
    complaints: np.ndarray
    score: np.ndarray


def _sums(key: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(key, weights=weights, minlength=size)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan)


def compute_scorecards(
    lines: ScorecardLines, n_suppliers: int, n_periods: int, complaints: np.ndarray | None = None
) -> Scorecard:
    """Score every supplier x period from its purchase-order lines.

    A line is on time in full when the accepted units by the promised date reach the ordered units (early
    deliveries count, rejected units do not). By quantity, each line contributes min(accepted by due, ordered).

    Args:
        lines: the line facts (shape (n,) each).
        n_suppliers: number of supplier codes S.
        n_periods: number of period codes P.
        complaints: complaints about the supplier's products per supplier x period, shape (S, P); zeros if None.

    Returns:
        The Scorecard with arrays of shape (S, P).
    """
    size = n_suppliers * n_periods
    key = lines.supplier.astype(np.int64) * n_periods + lines.period.astype(np.int64)
    ordered = lines.ordered.astype(np.float64)
    on_time_units = np.minimum(lines.accepted_by_due, ordered)
    count = np.bincount(key, minlength=size).astype(np.float64)
    otif = _sums(key, (lines.accepted_by_due >= ordered).astype(np.float64), size)
    ordered_sum = _sums(key, ordered, size)
    accepted = lines.accepted.astype(np.float64)
    delivered = accepted + lines.rejected
    received = ~np.isnan(lines.lead_days)
    lead = np.where(received, lines.lead_days, 0.0)
    lead_n = _sums(key, received.astype(np.float64), size)
    lead_mean = _ratio(_sums(key, lead, size), lead_n)
    lead_var = _ratio(_sums(key, lead * lead, size), lead_n) - lead_mean**2
    priced = ~np.isnan(lines.contract_price)
    contract_value = np.where(priced, lines.contract_price * ordered, 0.0)
    price_gap = np.where(priced, (lines.unit_price - np.where(priced, lines.contract_price, 0.0)) * ordered, 0.0)
    complaint = np.zeros(size) if complaints is None else np.asarray(complaints, dtype=np.float64).reshape(size)
    metrics = {
        "lines": count,
        "otif_lines": otif,
        "otif_line_rate": _ratio(otif, count),
        "otif_quantity_rate": _ratio(_sums(key, on_time_units, size), ordered_sum),
        "fill_rate": _ratio(_sums(key, np.minimum(accepted, ordered), size), ordered_sum),
        "rejection_rate": _ratio(_sums(key, lines.rejected.astype(np.float64), size), _sums(key, delivered, size)),
        "lead_time_mean": lead_mean,
        "lead_time_std": np.sqrt(np.maximum(lead_var, 0.0)),
        "price_variance": _ratio(_sums(key, price_gap, size), _sums(key, contract_value, size)),
        "complaints": complaint,
    }
    metrics["score"] = weighted_score(metrics)
    shaped = {name: value.reshape(n_suppliers, n_periods) for name, value in metrics.items()}
    return Scorecard(**shaped)


def weighted_score(metrics: dict[str, np.ndarray]) -> np.ndarray:
    """The weighted score in [0, 1] of flat metric arrays (NaN where there are no lines).

    Args:
        metrics: "lines", "otif_quantity_rate", "otif_line_rate", "fill_rate", "rejection_rate",
            "price_variance" and "complaints", each of shape (m,).

    Returns:
        Scores, shape (m,). A missing rejection rate (nothing delivered) counts as no rejection; a missing price
        variance (no contract) as on contract.
    """
    acceptance = 1.0 - np.nan_to_num(metrics["rejection_rate"], nan=0.0)
    overpay = np.clip(np.nan_to_num(metrics["price_variance"], nan=0.0), 0.0, PRICE_TOLERANCE)
    price = 1.0 - overpay / PRICE_TOLERANCE
    score = (WEIGHTS["otif_quantity"] * metrics["otif_quantity_rate"]
             + WEIGHTS["otif_lines"] * metrics["otif_line_rate"] + WEIGHTS["fill"] * metrics["fill_rate"]
             + WEIGHTS["acceptance"] * acceptance + WEIGHTS["price"] * price)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_line = np.where(metrics["lines"] > 0, metrics["complaints"] / np.maximum(metrics["lines"], 1), 0.0)
    score = score - COMPLAINT_PENALTY * per_line
    return np.where(metrics["lines"] > 0, np.clip(score, 0.0, 1.0), np.nan)


def overall_score(score: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """Line-weighted mean score per supplier over the periods that had lines (empty periods are ignored).

    Args:
        score: (S, P) scores, NaN for empty periods.
        lines: (S, P) line counts.

    Returns:
        (S,) scores; NaN for a supplier without any line.
    """
    weights = np.where(lines > 0, lines, 0.0)
    total = weights.sum(axis=1)
    weighted = np.where(lines > 0, np.nan_to_num(score, nan=0.0) * weights, 0.0).sum(axis=1)
    return _ratio(weighted, total)


def standing(score: float) -> str:
    """The standing of a score: excellent, acceptable, probation or blocked ("" for no score)."""
    if score != score:  # NaN: no lines, no verdict
        return ""
    for name, threshold in STANDING_THRESHOLDS:
        if score >= threshold:
            return name
    return "blocked"
