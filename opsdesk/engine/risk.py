"""Risk scoring on a 5 x 5 matrix: scores, levels, residual after controls, key-risk-indicator states and the
likelihood a breached indicator proposes. Pure Python; no Django.

Conventions: likelihood and impact are levels 1..5; a score is likelihood x impact (1..25). Level bands are given
as the lowest score of "medium", "high" and "critical" (defaults 5, 10, 17: 1-4 low, 5-9 medium, 10-16 high,
17-25 critical).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LEVELS = ("low", "medium", "high", "critical")
DEFAULT_BANDS = (5, 10, 17)
#: How many levels a control of each effectiveness takes off (per control; the total is capped at MAX_REDUCTION).
EFFECTIVENESS_STEPS = {"none": 0, "partial": 1, "effective": 2}
MAX_REDUCTION = 2


def score(likelihood: int, impact: int) -> int:
    """Likelihood x impact, both checked to lie in 1..5."""
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= int(value) <= 5:
            raise ValueError(f"{name} must be 1..5, got {value!r}")
    return int(likelihood) * int(impact)


def level(value: int, bands: tuple[int, int, int] = DEFAULT_BANDS) -> str:
    """The level of a score: "low", "medium", "high" or "critical" by the lowest scores of the upper three."""
    medium, high, critical = bands
    if not medium < high < critical:
        raise ValueError(f"bands must increase, got {bands!r}")
    if value >= critical:
        return "critical"
    if value >= high:
        return "high"
    return "medium" if value >= medium else "low"


@dataclass(frozen=True)
class Control:
    """A control as the scoring sees it: "preventive" lowers likelihood, "mitigating" lowers impact."""

    kind: str
    effectiveness: str


@dataclass(frozen=True)
class Residual:
    """Residual likelihood, impact and score after the controls, and the levels each kind of control took off."""

    likelihood: int
    impact: int
    score: int
    likelihood_reduction: int
    impact_reduction: int


def residual(likelihood: int, impact: int, controls: Iterable[Control]) -> Residual:
    """Residual position: each preventive control takes its steps off the likelihood, each mitigating one off
    the impact (none 0, partial 1, effective 2), at most MAX_REDUCTION levels per axis, never below 1.

    Args:
        likelihood, impact: inherent levels 1..5.
        controls: the risk's controls.
    Returns:
        Residual with the levels and the score (likelihood x impact).
    """
    score(likelihood, impact)
    steps = {"preventive": 0, "mitigating": 0}
    for control in controls:
        if control.kind not in steps:
            raise ValueError(f"control kind must be preventive or mitigating, got {control.kind!r}")
        steps[control.kind] += EFFECTIVENESS_STEPS[control.effectiveness]
    down_l, down_i = min(steps["preventive"], MAX_REDUCTION), min(steps["mitigating"], MAX_REDUCTION)
    new_l, new_i = max(1, likelihood - down_l), max(1, impact - down_i)
    return Residual(new_l, new_i, new_l * new_i, likelihood - new_l, impact - new_i)


def kri_status(value: float | None, amber: float, red: float, direction: str) -> str:
    """"green", "amber", "red" or "unknown" (no value) for a KPI value against its thresholds.

    Args:
        value: the measured KPI value, or None.
        amber, red: thresholds; for a "higher" (is better) KPI red <= amber and the status worsens below them,
            for a "lower" KPI red >= amber and it worsens above them.
        direction: "higher" or "lower" is better.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be higher or lower, got {direction!r}")
    if direction == "higher" and red > amber or direction == "lower" and red < amber:
        raise ValueError("the red threshold must lie beyond the amber one in the bad direction")
    if value is None:
        return "unknown"
    if direction == "higher":
        return "red" if value < red else "amber" if value < amber else "green"
    return "red" if value > red else "amber" if value > amber else "green"


def proposed_likelihood(current: int, status: str) -> int:
    """The likelihood a KRI proposes for its risk: one level up for amber, two for red (at most 5); green and
    unknown propose no change."""
    step = {"amber": 1, "red": 2}.get(status, 0)
    return min(5, current + step)
