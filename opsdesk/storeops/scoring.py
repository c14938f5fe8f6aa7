"""Scoring of an inspection: pure functions over plain item specs and answers (no database access).

Rules:
- every scored item (all kinds but "note") earns a fraction f in [0, 1] of its weight:
  pass/fail 1 or 0; score 1-5 (s - 1) / 4; number 1 inside [min, max] else 0; choice 1 if the option passes
  else 0; photo 1 once a photo is attached;
- an item fails when: pass/fail answered "fail"; score below the item's pass score; number outside the
  thresholds; choice option marked as failing; photo item without a photo;
- items answered "not applicable" and items of weight 0 leave the denominator;
- score = 100 * sum(w * f) / sum(w), rounded half-up to 0.1; no weight at all scores 100;
- the run passes when score >= the version's pass threshold and no critical item failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class ItemSpec:
    """What scoring needs to know about a template item."""

    id: int
    kind: str
    weight: Decimal = Decimal("1")
    is_critical: bool = False
    pass_score: int = 3
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    options: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True)
class AnswerValue:
    """An answer as entered; only the field matching the item kind is read."""

    is_not_applicable: bool = False
    is_pass: bool | None = None
    score: int | None = None
    number: Decimal | None = None
    choice: str = ""
    photo_count: int = 0


@dataclass(frozen=True)
class RunScore:
    """The result of scoring a run."""

    score: Decimal
    is_passed: bool
    has_critical_failure: bool
    failed_item_ids: tuple[int, ...]
    earned_weight: Decimal
    possible_weight: Decimal


def is_answered(item: ItemSpec, answer: AnswerValue | None) -> bool:
    """Whether the answer holds a value for the item's kind (notes never need one)."""
    if item.kind == "note":
        return True
    if answer is None:
        return False
    if answer.is_not_applicable:
        return True
    return {
        "pass_fail": answer.is_pass is not None,
        "score": answer.score is not None,
        "number": answer.number is not None,
        "choice": bool(answer.choice),
        "photo": answer.photo_count > 0,
    }.get(item.kind, False)


def item_fraction(item: ItemSpec, answer: AnswerValue) -> Decimal:
    """The fraction of the item's weight the answer earns (0..1)."""
    if item.kind == "pass_fail":
        return Decimal(1) if answer.is_pass else Decimal(0)
    if item.kind == "score":
        return (Decimal(min(max(answer.score or 1, 1), 5)) - 1) / 4
    if item.kind == "number":
        return Decimal(0) if _number_fails(item, answer.number) else Decimal(1)
    if item.kind == "choice":
        return Decimal(1) if _choice_passes(item, answer.choice) else Decimal(0)
    if item.kind == "photo":
        return Decimal(1) if answer.photo_count > 0 else Decimal(0)
    return Decimal(1)


def item_fails(item: ItemSpec, answer: AnswerValue | None) -> bool:
    """Whether the answered item counts as a failure (unanswered and not-applicable items never fail)."""
    if answer is None or answer.is_not_applicable or item.kind == "note" or not is_answered(item, answer):
        return False
    if item.kind == "pass_fail":
        return answer.is_pass is False
    if item.kind == "score":
        return answer.score < item.pass_score
    if item.kind == "number":
        return _number_fails(item, answer.number)
    if item.kind == "choice":
        return not _choice_passes(item, answer.choice)
    return False


def score_run(items: list[ItemSpec], answers: dict[int, AnswerValue], pass_threshold: Decimal) -> RunScore:
    """Weighted score and pass/fail of a run; `answers` maps item id to answer (missing: unanswered)."""
    earned = possible = Decimal(0)
    failed: list[int] = []
    critical = False
    for item in items:
        answer = answers.get(item.id)
        if item_fails(item, answer):
            failed.append(item.id)
            critical = critical or item.is_critical
        if item.kind == "note" or answer is None or answer.is_not_applicable or not is_answered(item, answer):
            continue
        if item.weight <= 0:
            continue
        possible += item.weight
        earned += item.weight * item_fraction(item, answer)
    score = Decimal(100) if possible == 0 else (Decimal(100) * earned / possible)
    score = score.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return RunScore(
        score=score,
        is_passed=score >= pass_threshold and not critical,
        has_critical_failure=critical,
        failed_item_ids=tuple(failed),
        earned_weight=earned,
        possible_weight=possible,
    )


def _number_fails(item: ItemSpec, value: Decimal | None) -> bool:
    if value is None:
        return False
    if item.min_value is not None and value < item.min_value:
        return True
    return item.max_value is not None and value > item.max_value


def _choice_passes(item: ItemSpec, choice: str) -> bool:
    for label, passes in item.options:
        if label == choice:
            return passes
    return False
