"""Readiness for the next step of the career ladder: one score 0-100 from four parts, each shown with its weight.

Pure Python (a person has a handful of required skills). The selector
`opsdesk.people.selectors.skills.readiness(employee)` gathers the inputs from the database; this module only
computes.

The four parts, each a fraction 0..1, and their default weights (points out of 100):

    skills      40  coverage of the next position's required levels: sum(w * min(assessed, required)) /
                    sum(w * required), w the skill's weight (1 unless stated). A level above the requirement earns
                    nothing extra; an unassessed skill counts as level 0. No required skills: 1 (nothing missing).
    trainings   20  required trainings of the next position attended / required. None required: 1.
    ratings     25  the last two final appraisal ratings (1-5, newest first) as (mean - 1) / 4, the newest
                    weighted 0.6 and the one before 0.4; one rating alone counts fully. No rating: the neutral
                    value 0.5 (as a rating of 3), flagged `ratings_missing`.
    time        15  months in the current role / the current position's minimum months in role, capped at 1.
                    A minimum of 0 months: 1. Unknown start of role: 0.

score = sum(weight * part) / sum(weights) * 100, rounded to one decimal.

Bands: "ready_now" when score >= 80, "ready_in_year" when score >= 60, else "not_yet". Without a next position
the band is "top" (nothing to be ready for) and the score is still computed against empty requirements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: Points out of 100 of each part (see the module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {"skills": 40.0, "trainings": 20.0, "ratings": 25.0, "time": 15.0}
PART_NAMES = ("skills", "trainings", "ratings", "time")
#: Lowest score of each band.
READY_NOW_MIN = 80.0
READY_IN_YEAR_MIN = 60.0
#: Weights of the newest and the previous rating.
RATING_WEIGHTS = (0.6, 0.4)
#: The ratings part when no rating exists (a rating of 3 of 5).
NEUTRAL_RATING_PART = 0.5
BANDS = ("ready_now", "ready_in_year", "not_yet", "top")


@dataclass(frozen=True)
class ReadinessPart:
    """One part of the score: its value 0..1, its weight and the points it earns (weight * value, out of 100)."""

    name: str
    value: float
    weight: float
    points: float


@dataclass(frozen=True)
class ReadinessResult:
    """The score 0-100 (one decimal), its band, its four parts and whether the ratings part is the neutral value."""

    score: float
    band: str
    parts: tuple[ReadinessPart, ...]
    ratings_missing: bool

    def part(self, name: str) -> ReadinessPart:
        return next(part for part in self.parts if part.name == name)


def skills_part(required: Sequence[int], assessed: Sequence[int], weights: Sequence[float] | None = None) -> float:
    """Coverage 0..1 of the required levels.

    Args:
        required: required level (1-5) per skill, shape (n,).
        assessed: assessed level (0 = not assessed, 1-5) per skill, shape (n,).
        weights: weight per skill, shape (n,); None means 1 each.

    Returns:
        sum(w * min(assessed, required)) / sum(w * required); 1.0 when nothing is required.
    """
    if len(required) != len(assessed) or (weights is not None and len(weights) != len(required)):
        raise ValueError("required, assessed and weights must have the same length")
    weights = weights if weights is not None else [1.0] * len(required)
    total = sum(w * r for w, r in zip(weights, required, strict=True))
    if total <= 0:
        return 1.0
    covered = sum(w * min(a, r) for w, a, r in zip(weights, assessed, required, strict=True))
    return covered / total


def trainings_part(required: int, attended: int) -> float:
    """Attended / required required trainings (attended capped at required); 1.0 when none is required."""
    if required < 0 or attended < 0:
        raise ValueError("training counts cannot be negative")
    return 1.0 if required == 0 else min(attended, required) / required


def ratings_part(ratings: Sequence[int]) -> tuple[float, bool]:
    """The last two ratings (1-5, newest first; more are ignored) as 0..1, and whether none existed."""
    recent = list(ratings[:2])
    if not recent:
        return NEUTRAL_RATING_PART, True
    if any(not 1 <= rating <= 5 for rating in recent):
        raise ValueError("ratings must lie between 1 and 5")
    if len(recent) == 1:
        mean = float(recent[0])
    else:
        mean = RATING_WEIGHTS[0] * recent[0] + RATING_WEIGHTS[1] * recent[1]
    return (mean - 1.0) / 4.0, False


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month counts once its day of month is reached); 0 if end < start."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def time_part(months_in_role: int | None, min_months: int) -> float:
    """Months in role / minimum months, capped at 1; 1.0 when no minimum; 0.0 when the start is unknown."""
    if min_months <= 0:
        return 1.0
    if months_in_role is None:
        return 0.0
    return min(months_in_role / min_months, 1.0)


def band_of(score: float, *, has_next_position: bool = True) -> str:
    """"ready_now" (>= 80), "ready_in_year" (>= 60), "not_yet"; "top" without a next position."""
    if not has_next_position:
        return "top"
    if score >= READY_NOW_MIN:
        return "ready_now"
    if score >= READY_IN_YEAR_MIN:
        return "ready_in_year"
    return "not_yet"


def readiness_score(*, required_levels: Sequence[int], assessed_levels: Sequence[int],
                    skill_weights: Sequence[float] | None = None, trainings_required: int = 0,
                    trainings_attended: int = 0, ratings: Sequence[int] = (), months_in_role: int | None = None,
                    min_months_in_role: int = 0, has_next_position: bool = True,
                    weights: dict[str, float] | None = None) -> ReadinessResult:
    """The readiness score of one person for the next position.

    Args:
        required_levels: the next position's required level per skill, shape (n,).
        assessed_levels: the person's newest assessed level per same skill (0 = not assessed), shape (n,).
        skill_weights: weight per skill, shape (n,), default 1 each.
        trainings_required: number of distinct required trainings of the next position.
        trainings_attended: how many of them the person attended.
        ratings: final appraisal ratings 1-5, newest first (only the first two count).
        months_in_role: whole months in the current position, None when unknown.
        min_months_in_role: the current position's minimum months before promotion.
        has_next_position: False at the top of the ladder (band "top").
        weights: points per part (keys PART_NAMES), default DEFAULT_WEIGHTS; they need not sum to 100.

    Returns:
        A ReadinessResult: score 0-100 rounded to one decimal, band, parts (value, weight, points) in PART_NAMES
        order, ratings_missing.
    """
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    if set(weights) != set(PART_NAMES) or any(value < 0 for value in weights.values()):
        raise ValueError(f"weights need the keys {PART_NAMES} with non-negative values")
    total_weight = sum(weights.values())
    if total_weight <= 0:
        raise ValueError("the weights must not all be zero")
    rating_value, ratings_missing = ratings_part(ratings)
    values = {
        "skills": skills_part(required_levels, assessed_levels, skill_weights),
        "trainings": trainings_part(trainings_required, trainings_attended),
        "ratings": rating_value,
        "time": time_part(months_in_role, min_months_in_role),
    }
    scale = 100.0 / total_weight
    parts = tuple(ReadinessPart(name, values[name], weights[name], weights[name] * values[name] * scale)
                  for name in PART_NAMES)
    score = round(sum(part.points for part in parts), 1)
    return ReadinessResult(score=score, band=band_of(score, has_next_position=has_next_position), parts=parts,
                           ratings_missing=ratings_missing)
