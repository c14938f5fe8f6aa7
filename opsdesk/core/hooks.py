"""Explicit extension points the foundation calls and later apps fill (no signals, no reverse imports).

- `facts_changed(company_id)`: called after a fact import, a forecast run or a replenishment plan commits (the
  cockpit refreshes its rollups, goals are measured again).
- `home_view`: the page signed-in users land on (the cockpit sets it; when it returns None the core home page
  answers).
- `write_sales_targets(company_id, targets, source)`: the goals app sets the cockpit's monthly store sales targets
  through it (the cockpit registers the writer; domain apps may not import the cockpit).
- `commitment_checks(order, actor, override_reason, record)`: called where money is committed (a purchase order
  sent); every registered check (the budgets app's) returns its findings; a "stop" finding not overridden makes
  `commitment_checks` raise `CommitmentStopped` (a ValidationError carrying the findings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

_FACTS_CHANGED: list[Callable[[int], object]] = []
home_view: Callable | None = None


def on_facts_changed(callback: Callable[[int], object]) -> None:
    """Register a callback run after facts of a company changed."""
    if callback not in _FACTS_CHANGED:
        _FACTS_CHANGED.append(callback)


def facts_changed(company_id: int) -> None:
    """Tell every registered app that a company's facts changed (after commit)."""
    from django.db import transaction

    for callback in _FACTS_CHANGED:
        transaction.on_commit(lambda callback=callback: callback(company_id))


def set_home_view(view: Callable) -> None:
    global home_view
    home_view = view


_SALES_TARGET_WRITER: list[Callable[..., int]] = []


def set_sales_target_writer(writer: Callable[..., int]) -> None:
    """Register `writer(company_id, targets, source) -> rows written` (the cockpit's)."""
    _SALES_TARGET_WRITER[:] = [writer]


def write_sales_targets(company_id: int, targets: dict, source: str) -> int:
    """Set monthly store sales targets: `targets` maps (store_id, first day of month) to an amount (Decimal). The
    rows `source` wrote before and no longer names are removed; a target of another source for the same store and
    month is replaced (the last writer wins). Returns the number of rows written, 0 without a writer."""
    if not _SALES_TARGET_WRITER:
        return 0
    return _SALES_TARGET_WRITER[0](company_id, targets, source)


@dataclass(frozen=True)
class CommitmentFinding:
    """One check's word on a commitment: level "ok", "warn", "stop" or "overridden", the arithmetic in a sentence,
    and whether the actor may override a stop (with a reason)."""

    level: str
    message: str
    can_override: bool = False


class CommitmentStopped(ValidationError):
    """A commitment stopped by a check; `findings` holds every finding (the stops and the rest)."""

    def __init__(self, findings: list[CommitmentFinding]):
        self.findings = findings
        super().__init__([finding.message for finding in findings if finding.level == "stop"])

    @property
    def can_override(self) -> bool:
        return all(finding.can_override for finding in self.findings if finding.level == "stop")


_COMMITMENT_CHECKS: list[Callable[..., list[CommitmentFinding]]] = []
_COMMITMENT_STOPPED: list[Callable[..., object]] = []


def register_commitment_check(check: Callable[..., list[CommitmentFinding]],
                              on_stop: Callable[..., object] | None = None) -> None:
    """Register `check(order, actor, override_reason, record) -> list[CommitmentFinding]` (with `record` False it
    writes nothing: a preview on the order's page) and `on_stop(order, actor, findings)`, run after a stopped
    commitment was rolled back (to record that it awaits the next level)."""
    if check not in _COMMITMENT_CHECKS:
        _COMMITMENT_CHECKS.append(check)
    if on_stop is not None and on_stop not in _COMMITMENT_STOPPED:
        _COMMITMENT_STOPPED.append(on_stop)


def commitment_checks(order, actor, override_reason: str = "", record: bool = True) -> list[CommitmentFinding]:
    """Run every registered check; raise CommitmentStopped when a stop was not overridden (when recording)."""
    findings = [finding for check in _COMMITMENT_CHECKS
                for finding in check(order, actor, override_reason=override_reason, record=record)]
    if record and any(finding.level == "stop" for finding in findings):
        raise CommitmentStopped(findings)
    return findings


def commitment_stopped(order, actor, stopped: CommitmentStopped) -> None:
    """Tell the checks a commitment was stopped (called outside the rolled-back transaction)."""
    for callback in _COMMITMENT_STOPPED:
        callback(order, actor, stopped.findings)
