"""Appraisal scoring: KPI results and competency ratings to a 0-100 score and a proposed rating 1-5, and the
calibration outliers of a group of appraisals. Pure Python (a cycle holds a few hundred appraisals).

Scales:
    * A KPI scores 0-100 by its rule from its measured value and three reference points: `threshold` (0 points),
      `target` (80 points) and `stretch` (100 points). For a "lower is better" KPI the points run the other way
      (threshold > target > stretch).
        - "linear": straight lines between the points, 0 below the threshold, 100 beyond the stretch;
        - "step": 0 below the threshold, 60 from the threshold, 80 from the target, 100 from the stretch.
    * A competency rating 1-5 scores (rating - 1) * 25: 1 -> 0, 3 -> 50, 5 -> 100.
    * The KPI score is the weighted mean of the measured KPIs' scores: a KPI without a value (None) is left out and
      the weights of the others re-normalised to 100 %. The competency score likewise over the rated competencies.
    * overall = kpi_share % x KPI score + (100 - kpi_share) % x competency score; when one part has no score the
      other counts alone.
    * Proposed rating from the overall score: >= 90 -> 5, >= 75 -> 4, >= 60 -> 3, >= 40 -> 2, else 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TARGET_POINTS = 80.0
STRETCH_POINTS = 100.0
STEP_THRESHOLD_POINTS = 60.0
#: (lowest overall score, rating), best first.
RATING_BANDS: tuple[tuple[float, int], ...] = ((90.0, 5), (75.0, 4), (60.0, 3), (40.0, 2))
RULES = ("linear", "step")
#: A proposed rating this far from the rating its KPI score alone would give is an outlier.
RATING_GAP = 2
#: A manager whose average proposed rating lies this far from the group's average is an outlier.
MANAGER_GAP = 0.75
#: A manager needs this many appraisals in the group before the average says anything.
MANAGER_MIN_APPRAISALS = 2


def kpi_points(value: float, *, threshold: float, target: float, stretch: float, rule: str = "linear",
               higher_is_better: bool = True) -> float:
    """The 0-100 score of one measured KPI value.

    Args:
        value: the measured value, in the KPI's unit.
        threshold, target, stretch: the value scoring 0, 80 and 100 points ("higher": threshold < target <=
            stretch; "lower": threshold > target >= stretch).
        rule: "linear" or "step".
        higher_is_better: the KPI's direction.

    Returns:
        The score, 0-100.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    if not higher_is_better:  # mirror: a lower value is a higher achievement
        value, threshold, target, stretch = -value, -threshold, -target, -stretch
    if value < threshold:
        return 0.0
    if value >= stretch:
        return STRETCH_POINTS
    if rule == "step":
        return TARGET_POINTS if value >= target else STEP_THRESHOLD_POINTS
    if value < target:
        return TARGET_POINTS * (value - threshold) / (target - threshold)
    if stretch == target:
        return STRETCH_POINTS
    return TARGET_POINTS + (STRETCH_POINTS - TARGET_POINTS) * (value - target) / (stretch - target)


def rating_points(rating: int) -> float:
    """The 0-100 score of a competency rating 1-5."""
    if not 1 <= rating <= 5:
        raise ValueError(f"a rating is 1-5, got {rating}")
    return (rating - 1) * 25.0


def weighted_mean(scores: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """The mean of the scores that exist, each weighted, the weights re-normalised over them.

    Args:
        scores: one score per item, None for an item without one (left out).
        weights: one weight per item (any positive scale, e.g. percent).

    Returns:
        The weighted mean, or None when no item with a positive weight has a score.
    """
    if len(scores) != len(weights):
        raise ValueError("scores and weights differ in length")
    pairs = [(score, weight) for score, weight in zip(scores, weights, strict=True) if score is not None and weight > 0]
    total = sum(weight for _score, weight in pairs)
    if not total:
        return None
    return sum(score * weight for score, weight in pairs) / total


def overall_score(kpi_score: float | None, competency_score: float | None, kpi_share: float) -> float | None:
    """kpi_share % of the KPI score plus the rest of the competency score; one part alone when the other is None."""
    return weighted_mean([kpi_score, competency_score], [kpi_share, 100.0 - kpi_share])


def proposed_rating(score: float | None) -> int | None:
    """The rating 1-5 an overall score proposes (see RATING_BANDS); None without a score."""
    if score is None:
        return None
    for lowest, rating in RATING_BANDS:
        if score >= lowest:
            return rating
    return 1


@dataclass(frozen=True)
class CalibrationRow:
    """One appraisal as calibration sees it."""

    key: int
    manager_key: int | None
    rating: int | None  # the proposed rating (or the final one, once set)
    kpi_score: float | None


@dataclass(frozen=True)
class Outlier:
    """An appraisal to look at again, and why: "kpi_gap" (rating far from the KPI score) or "manager" (its
    manager's average rating lies far from the group's)."""

    key: int
    reason: str
    gap: float


def calibration_outliers(rows: Sequence[CalibrationRow]) -> list[Outlier]:
    """The rows whose rating sits far from their KPI score, and the rows of managers whose average deviates.

    Args:
        rows: the group's appraisals (rows without a rating are ignored).

    Returns:
        Outliers in the order of `rows`; a row may appear once per reason.
    """
    rated = [row for row in rows if row.rating is not None]
    outliers: list[Outlier] = []
    for row in rated:
        kpi_rating = proposed_rating(row.kpi_score)
        if kpi_rating is not None and abs(row.rating - kpi_rating) >= RATING_GAP:
            outliers.append(Outlier(row.key, "kpi_gap", float(row.rating - kpi_rating)))
    if not rated:
        return outliers
    mean = sum(row.rating for row in rated) / len(rated)
    by_manager: dict[int, list[int]] = {}
    for row in rated:
        if row.manager_key is not None:
            by_manager.setdefault(row.manager_key, []).append(row.rating)
    for row in rated:
        ratings = by_manager.get(row.manager_key, [])
        if len(ratings) < MANAGER_MIN_APPRAISALS:
            continue
        gap = sum(ratings) / len(ratings) - mean
        if abs(gap) >= MANAGER_GAP:
            outliers.append(Outlier(row.key, "manager", round(gap, 2)))
    return outliers
