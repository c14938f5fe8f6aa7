"""Project scheduling on a calendar-day grid: forward and backward pass, critical path, template scheduling, moving a
task with its dependents, and the forecast that says which milestones are at risk.

Pure Python (a project holds tens to a few hundred tasks; a topological sweep is microseconds). Conventions:
    * Time is an integer day offset from the project's origin (day 0 = its start date). Calendar days, no working
      calendar: a store opening runs over weekends, and a template's durations are written in calendar days.
    * A task with duration `d` > 0 occupies the half-open interval `[start, start + d)`: its last day is
      `start + d - 1`. A milestone has duration 0 and sits on its start day (`finish == start`).
    * Dependencies are finish-to-start with a lag in days: `start[successor] >= finish[predecessor] + lag`, where
      `finish = start + d` (exclusive). Lag 0 means the successor may start the day after the predecessor's last
      day (or on the milestone's day); a negative lag is a lead.
    * Arrays are plain lists indexed by task position `0..n-1`; `links` reference those positions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


class CycleError(ValueError):
    """The dependencies form a cycle (no schedule exists)."""


@dataclass(frozen=True)
class Link:
    """A finish-to-start dependency: `successor` starts at least `lag` days after `predecessor` finishes."""

    predecessor: int
    successor: int
    lag: int = 0


@dataclass(frozen=True)
class Schedule:
    """The result of a forward and a backward pass.

    Attributes:
        early_start, early_finish: earliest start and (exclusive) finish per task, shape (n,), day offsets.
        late_start, late_finish: latest start and finish that keep the project finish, shape (n,).
        total_float: late_start - early_start per task (days the task can slip without delaying the project).
        critical: per task, True where the total float is 0 (the critical path; more than one chain may tie).
        finish: the project finish, max(early_finish) (exclusive), or 0 for no tasks.
    """

    early_start: list[int]
    early_finish: list[int]
    late_start: list[int]
    late_finish: list[int]
    total_float: list[int]
    critical: list[bool]
    finish: int

    def critical_indices(self) -> list[int]:
        """Positions of the critical tasks, in order of their early start (ties: by position)."""
        return sorted((i for i, flag in enumerate(self.critical) if flag), key=lambda i: (self.early_start[i], i))


def _check(n: int, durations: Sequence[int], links: Sequence[Link]) -> None:
    if len(durations) != n:
        raise ValueError("durations must have one entry per task")
    for duration in durations:
        if duration < 0:
            raise ValueError("a duration cannot be negative")
    for link in links:
        if not (0 <= link.predecessor < n and 0 <= link.successor < n) or link.predecessor == link.successor:
            raise ValueError(f"bad link {link}")


def topological_order(n: int, links: Sequence[Link]) -> list[int]:
    """Task positions so that every predecessor comes before its successors (Kahn; ties by position).

    Raises:
        CycleError: the links contain a cycle.
    """
    successors: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for link in links:
        successors[link.predecessor].append(link.successor)
        indegree[link.successor] += 1
    ready = [i for i in range(n) if indegree[i] == 0]
    ready.reverse()
    order = []
    while ready:
        task = ready.pop()
        order.append(task)
        for successor in sorted(successors[task], reverse=True):
            indegree[successor] -= 1
            if indegree[successor] == 0:
                ready.append(successor)
    if len(order) != n:
        raise CycleError("the dependencies contain a cycle")
    return order


def forward_pass(durations: Sequence[int], links: Sequence[Link],
                 floors: Sequence[int] | None = None) -> tuple[list[int], list[int]]:
    """Earliest starts and finishes.

    Args:
        durations: days per task, shape (n,); 0 for a milestone.
        links: finish-to-start dependencies with lag.
        floors: the earliest day each task may start regardless of its predecessors (its planned start, a
            "start no earlier than"), shape (n,); None means 0 for every task.

    Returns:
        (early_start, early_finish), each shape (n,), finish exclusive.
    """
    n = len(durations)
    _check(n, durations, links)
    incoming: list[list[Link]] = [[] for _ in range(n)]
    for link in links:
        incoming[link.successor].append(link)
    start = [0 if floors is None else int(floors[i]) for i in range(n)]
    finish = [0] * n
    for task in topological_order(n, links):
        for link in incoming[task]:
            start[task] = max(start[task], finish[link.predecessor] + link.lag)
        finish[task] = start[task] + int(durations[task])
    return start, finish


def backward_pass(durations: Sequence[int], links: Sequence[Link], project_finish: int) -> tuple[list[int], list[int]]:
    """Latest starts and finishes that still finish the project by `project_finish` (exclusive day offset).

    Returns:
        (late_start, late_finish), each shape (n,).
    """
    n = len(durations)
    _check(n, durations, links)
    outgoing: list[list[Link]] = [[] for _ in range(n)]
    for link in links:
        outgoing[link.predecessor].append(link)
    late_finish = [project_finish] * n
    late_start = [0] * n
    for task in reversed(topological_order(n, links)):
        for link in outgoing[task]:
            late_finish[task] = min(late_finish[task], late_start[link.successor] - link.lag)
        late_start[task] = late_finish[task] - int(durations[task])
    return late_start, late_finish


def schedule(durations: Sequence[int], links: Sequence[Link], floors: Sequence[int] | None = None) -> Schedule:
    """Forward pass, backward pass against the project's own finish, floats and the critical path."""
    early_start, early_finish = forward_pass(durations, links, floors)
    finish = max(early_finish, default=0)
    late_start, late_finish = backward_pass(durations, links, finish)
    total_float = [late - early for late, early in zip(late_start, early_start, strict=True)]
    return Schedule(early_start, early_finish, late_start, late_finish, total_float,
                    [value == 0 for value in total_float], finish)


def move_task(starts: Sequence[int], durations: Sequence[int], links: Sequence[Link], task: int,
              new_start: int) -> list[int]:
    """New starts after `task` is moved to `new_start` (clamped to the earliest day its predecessors allow).

    A task that was tight to its predecessors before the move (it started on the first day they allowed) stays
    tight: it follows them later or earlier. A task with room before it keeps its day unless a predecessor now
    pushes it. Tasks not downstream of `task` therefore never move.

    Returns:
        starts, shape (n,).
    """
    n = len(durations)
    _check(n, durations, links)
    incoming: list[list[Link]] = [[] for _ in range(n)]
    for link in links:
        incoming[link.successor].append(link)
    old_finish = [int(starts[i]) + int(durations[i]) for i in range(n)]

    def earliest(i: int, finish: list[int]) -> int | None:
        return max((finish[link.predecessor] + link.lag for link in incoming[i]), default=None)

    tight = [bool(incoming[i]) and earliest(i, old_finish) == int(starts[i]) for i in range(n)]
    new_starts, new_finish = [int(value) for value in starts], list(old_finish)
    for i in topological_order(n, links):
        allowed = earliest(i, new_finish)
        wanted = int(new_start) if i == task else int(starts[i])
        if i != task and tight[i]:
            new_starts[i] = allowed
        else:
            new_starts[i] = wanted if allowed is None else max(wanted, allowed)
        new_finish[i] = new_starts[i] + int(durations[i])
    return new_starts


def descendants(n: int, links: Sequence[Link], task: int) -> set[int]:
    """Positions reachable from `task` through successors (not including `task`)."""
    successors: list[list[int]] = [[] for _ in range(n)]
    for link in links:
        successors[link.predecessor].append(link.successor)
    seen: set[int] = set()
    stack = [task]
    while stack:
        for successor in successors[stack.pop()]:
            if successor not in seen:
                seen.add(successor)
                stack.append(successor)
    return seen


def ancestors(n: int, links: Sequence[Link], task: int) -> set[int]:
    """Positions from which `task` is reachable (its predecessors, theirs, ...)."""
    return descendants(n, [Link(link.successor, link.predecessor, link.lag) for link in links], task)


def forecast_finish(starts: Sequence[int], durations: Sequence[int], links: Sequence[Link], done: Sequence[bool],
                    progress: Sequence[float], today: int) -> list[int]:
    """Forecast (exclusive) finish per task: done tasks keep their planned finish; an open task starts no earlier
    than planned nor before its predecessors' forecast finish plus lag, and cannot finish before `today` plus its
    remaining work (ceil(duration × (1 - progress)), progress in 0..1). A milestone not yet reached forecasts to
    today at the earliest.

    Returns:
        forecast finish per task, shape (n,); for a milestone, its forecast day.
    """
    n = len(durations)
    _check(n, durations, links)
    incoming: list[list[Link]] = [[] for _ in range(n)]
    for link in links:
        incoming[link.successor].append(link)
    finish = [0] * n
    for task in topological_order(n, links):
        duration = int(durations[task])
        if done[task]:
            finish[task] = int(starts[task]) + duration
            continue
        start = int(starts[task])
        for link in incoming[task]:
            start = max(start, finish[link.predecessor] + link.lag)
        remaining = math.ceil(duration * (1.0 - min(max(float(progress[task]), 0.0), 1.0)))
        finish[task] = max(start + duration, today + remaining)
    return finish


def last_day(start: int, duration: int) -> int:
    """The day a task ends on (its last working day; a milestone's own day)."""
    return start + duration - 1 if duration > 0 else start
