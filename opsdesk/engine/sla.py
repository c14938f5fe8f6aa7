"""SLA clocks counted in a store's business hours: opening time only, minus the time spent waiting on the customer.

Pure Python (no NumPy needed: a year is ~400 intervals). A `BusinessCalendar` holds the weekly opening hours in the
store's local time zone plus closed dates and special hours. Openings are generated day by day in local wall time
and converted to UTC with zoneinfo, so a DST change day simply has a shorter or longer night; all arithmetic is done
on integer microseconds since the Unix epoch (aware datetimes that share a tzinfo subtract as wall-clock times in
Python, which would be wrong across a DST change), and only the public results are floats (seconds) or aware
datetimes in the calendar's zone.

Conventions:
    * An interval `(open, close)` with `close <= open` ends on the next day (`(time(22), time(2))` is a bar night;
      `(time(0), time(0))` is a whole day). It belongs to the day it starts on: a closed date or a special-hours
      date replaces the whole night that starts then, not the small hours that end the previous night.
    * A wall time that does not exist (the hour skipped in spring) or that happens twice (the hour repeated in
      autumn) is read with `fold=0` (PEP 495): a skipped 02:30 means 03:30 summer time, a repeated 02:30 the
      first one.
    * Intervals are half-open `[start, end)`. A pause with end None lasts forever; overlapping pauses are merged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

#: Give up looking for business time after this many consecutive days without any opening.
MAX_IDLE_DAYS = 400

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
#: End of an open-ended pause, in microseconds since the epoch (far beyond datetime.max).
_FOREVER = 2**62

Interval = tuple[int, int]  # [start, end) in microseconds since the Unix epoch


@dataclass(frozen=True)
class BusinessCalendar:
    """A store's opening hours in its local time zone.

    Attributes:
        weekly: 7 entries, Monday..Sunday; each a tuple of (open, close) naive local times. `close <= open` means
            the interval ends after midnight on the next day (e.g. `(time(22), time(2))`).
        tz: the store's time zone, a `zoneinfo.ZoneInfo` (or a fixed `datetime.timezone`); pytz zones are refused.
        closed_dates: dates on which no opening starts (holidays, closures).
        special_hours: per date, intervals that replace the weekly hours on that date (an empty tuple: closed).
    """

    weekly: tuple[tuple[tuple[time, time], ...], ...]
    tz: tzinfo
    closed_dates: frozenset[date] = frozenset()
    special_hours: Mapping[date, tuple[tuple[time, time], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError(f"weekly must have 7 entries (Monday..Sunday), got {len(self.weekly)}")
        if not isinstance(self.tz, tzinfo):
            raise ValueError("tz must be a tzinfo, e.g. ZoneInfo('Asia/Shanghai')")
        if hasattr(self.tz, "localize"):
            # pytz zones give LMT offsets when attached with tzinfo=; use zoneinfo instead.
            raise ValueError("tz must be a zoneinfo.ZoneInfo (pytz time zones are not supported)")
        for day_hours in (*self.weekly, *self.special_hours.values()):
            for interval in day_hours:
                if len(interval) != 2 or not all(isinstance(t, time) and t.tzinfo is None for t in interval):
                    raise ValueError(f"opening intervals must be (open, close) pairs of naive times, got {interval!r}")
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))

    @classmethod
    def always_open(cls, tz: tzinfo) -> BusinessCalendar:
        """A calendar open 24 hours a day, 7 days a week (the SLA counts wall-clock time).

        Args:
            tz: the time zone (only used to express results).

        Returns:
            The 24x7 calendar.
        """
        whole_day = ((time(0), time(0)),)
        return cls(weekly=(whole_day,) * 7, tz=tz)

    def hours_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """The opening intervals that start on `day` (special hours, else weekly hours; none if closed).

        Args:
            day: a local date.

        Returns:
            The (open, close) intervals of that date.
        """
        if day in self.closed_dates:
            return ()
        special = self.special_hours.get(day)
        return self.weekly[day.weekday()] if special is None else tuple(special)


@dataclass(frozen=True)
class SlaStatus:
    """The state of one SLA target (first response, resolution) at one instant.

    Attributes:
        target_seconds: the target, in business seconds.
        elapsed_seconds: business seconds counted so far (frozen once stopped).
        remaining_seconds: target minus elapsed; negative once breached.
        due_at: the instant the target runs out (calendar time zone); None if it never does (open-ended pause).
        is_breached: the clock passed `due_at` before it was stopped.
        is_approaching: not breached and elapsed >= warn_fraction * target.
        is_paused: the clock is running but inside a pause (waiting on the customer) at `now`.
    """

    target_seconds: float
    elapsed_seconds: float
    remaining_seconds: float
    due_at: datetime | None
    is_breached: bool
    is_approaching: bool
    is_paused: bool


def open_intervals(calendar: BusinessCalendar, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Aware datetimes of every opening overlapping [start, end), clipped to it, merged, in order.

    Args:
        calendar: the store's calendar.
        start: aware start of the window.
        end: aware end of the window (exclusive).

    Returns:
        Disjoint, non-adjacent (open, close) pairs in the calendar's time zone, sorted; empty if `end <= start`.
    """
    lower, upper = _to_us(start, "start"), _to_us(end, "end")
    merged: list[list[int]] = []
    for opens, closes in _clip(_openings(calendar, _local_date(calendar, start) - _ONE_DAY, upper), lower, upper):
        if merged and opens <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], closes)
        else:
            merged.append([opens, closes])
    return [(_from_us(opens, calendar.tz), _from_us(closes, calendar.tz)) for opens, closes in merged]


def business_seconds(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
) -> float:
    """Seconds of opening time in [start, end) outside the pauses.

    Args:
        calendar: the store's calendar.
        start: aware start of the window.
        end: aware end of the window (exclusive).
        pauses: aware (start, end) pairs when the clock stops (waiting on the customer); end None lasts forever.

    Returns:
        Business seconds (microsecond resolution); 0.0 if `end <= start`.
    """
    lower, upper = _to_us(start, "start"), _to_us(end, "end")
    paused = _merge_pauses(pauses)
    pieces = _clip(_openings(calendar, _local_date(calendar, start) - _ONE_DAY, upper), lower, upper)
    return sum(closes - opens for opens, closes in _subtract(pieces, paused)) / 1e6


def add_business_seconds(
    calendar: BusinessCalendar,
    start: datetime,
    seconds: float,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
) -> datetime | None:
    """The earliest instant at which `seconds` of business time have elapsed after start (pauses excluded).

    Args:
        calendar: the store's calendar.
        start: aware start of the clock.
        seconds: business seconds to add (finite, >= 0; rounded to the microsecond).
        pauses: aware (start, end) pairs when the clock stops; end None lasts forever.

    Returns:
        The instant in the calendar's time zone (`start` itself for 0 seconds; a closing time when the budget
        runs out exactly then); None if never: an open-ended pause starts first, or no opening for
        MAX_IDLE_DAYS consecutive days.
    """
    lower = _to_us(start, "start")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be finite and >= 0, got {seconds!r}")
    needed = round(seconds * 1e6)
    if needed == 0:
        return start.astimezone(calendar.tz)
    paused = _merge_pauses(pauses)
    horizon = paused[-1][0] if paused and paused[-1][1] == _FOREVER else _FOREVER
    first_day = _local_date(calendar, start) - _ONE_DAY
    pieces = _clip(_openings(calendar, first_day, horizon, MAX_IDLE_DAYS), lower, horizon)
    try:
        for opens, closes in _subtract(pieces, paused):
            if closes - opens >= needed:
                return _from_us(opens + needed, calendar.tz)
            needed -= closes - opens
    except OverflowError:  # the budget runs past year 9999: never, for any ticket
        return None
    return None


def sla_status(
    calendar: BusinessCalendar,
    start: datetime,
    target_seconds: float,
    now: datetime,
    pauses: Sequence[tuple[datetime, datetime | None]] = (),
    stopped_at: datetime | None = None,
    warn_fraction: float = 0.75,
) -> SlaStatus:
    """The state of one SLA target at `now`, or frozen at `stopped_at` once the target was met.

    A reopened ticket passes the gap between resolution and reopening as a pause and `stopped_at=None`: elapsed
    time still counts from the original start. Breach is judged on the wall clock: a target due at closing time
    is breached the next morning even though no business second has elapsed since.

    Args:
        calendar: the store's calendar.
        start: aware instant the clock started (ticket created, or first message).
        target_seconds: the target in business seconds (finite, >= 0).
        now: aware current instant.
        pauses: aware (start, end) pairs when the clock stops; end None lasts forever.
        stopped_at: aware instant the target was met (first response given, ticket resolved); a `stopped_at`
            later than `now` is not yet in effect.
        warn_fraction: share of the target, in [0, 1], from which the status is approaching.

    Returns:
        The SlaStatus; `due_at` in the calendar's time zone.
    """
    # compare instants as integers: aware datetimes sharing a tzinfo compare by wall time, ignoring fold
    at = _to_us(now, "now")
    stopped = None if stopped_at is None else _to_us(stopped_at, "stopped_at")
    if not math.isfinite(target_seconds) or target_seconds < 0:
        raise ValueError(f"target_seconds must be finite and >= 0, got {target_seconds!r}")
    if not 0.0 <= warn_fraction <= 1.0:
        raise ValueError(f"warn_fraction must be in [0, 1], got {warn_fraction!r}")
    is_stopped = stopped is not None and stopped <= at
    as_of = stopped_at if is_stopped else now
    elapsed = business_seconds(calendar, start, as_of, pauses)
    due_at = add_business_seconds(calendar, start, target_seconds, pauses)
    is_breached = due_at is not None and _to_us(as_of, "now") > _to_us(due_at, "due_at")
    is_paused = not is_stopped and any(opens <= at < closes for opens, closes in _merge_pauses(pauses))
    return SlaStatus(
        target_seconds=float(target_seconds),
        elapsed_seconds=elapsed,
        remaining_seconds=float(target_seconds) - elapsed,
        due_at=due_at,
        is_breached=is_breached,
        is_approaching=not is_breached and elapsed >= warn_fraction * target_seconds,
        is_paused=is_paused,
    )


def _to_us(moment: datetime, name: str) -> int:
    """Microseconds since the Unix epoch of an aware datetime; ValueError naming `name` otherwise."""
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a timezone-aware datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return (moment - _EPOCH) // _MICROSECOND


def _from_us(micros: int, tz: tzinfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=micros)).astimezone(tz)


def _local_date(calendar: BusinessCalendar, moment: datetime) -> date:
    return moment.astimezone(calendar.tz).date()


def _wall_us(day: date, at: time, tz: tzinfo) -> int:
    """Microseconds since the epoch of a local wall time (fold=0 for skipped or repeated times)."""
    local = datetime(day.year, day.month, day.day, at.hour, at.minute, at.second, at.microsecond, tzinfo=tz)
    return (local - _EPOCH) // _MICROSECOND


def _day_openings(calendar: BusinessCalendar, day: date) -> list[Interval]:
    """The openings that start on a local date, as sorted epoch-microsecond intervals (empty ones dropped)."""
    intervals = []
    for opens, closes in calendar.hours_on(day):
        start = _wall_us(day, opens, calendar.tz)
        end = _wall_us(day if closes > opens else day + _ONE_DAY, closes, calendar.tz)
        if end > start:  # an interval inside a skipped DST hour is empty
            intervals.append((start, end))
    intervals.sort()
    return intervals


def _openings(
    calendar: BusinessCalendar, first_day: date, until: int, max_idle_days: int | None = None
) -> Iterator[Interval]:
    """Non-overlapping openings that start from `first_day` on and before the day of `until`, in order.

    Overlaps (an overnight interval running into the next morning's hours) are trimmed, not merged, so that a
    24x7 calendar still yields one piece per day. With `max_idle_days`, stops after that many consecutive days
    without any opening.
    """
    frontier = -_FOREVER
    idle_days = 0
    day = first_day
    while _wall_us(day, time(0), calendar.tz) < until:
        intervals = _day_openings(calendar, day)
        for start, end in intervals:
            start = max(start, frontier)
            if end > start:
                yield start, end
                frontier = end
        idle_days = 0 if intervals else idle_days + 1
        if (max_idle_days is not None and idle_days >= max_idle_days) or day == date.max:
            return
        day += _ONE_DAY


def _clip(pieces: Iterable[Interval], lower: int, upper: int) -> Iterator[Interval]:
    """The parts of sorted, disjoint pieces inside [lower, upper); stops at the first piece past upper."""
    for start, end in pieces:
        if start >= upper:
            return
        start, end = max(start, lower), min(end, upper)
        if end > start:
            yield start, end


def _merge_pauses(pauses: Sequence[tuple[datetime, datetime | None]]) -> list[Interval]:
    """Pauses as sorted, merged epoch-microsecond intervals (end None -> _FOREVER); empty ones dropped."""
    intervals = []
    for pause in pauses:
        if len(pause) != 2:
            raise ValueError(f"pauses must be (start, end) pairs, got {pause!r}")
        start = _to_us(pause[0], "pauses")
        end = _FOREVER if pause[1] is None else _to_us(pause[1], "pauses")
        if end < start:
            raise ValueError(f"pauses must not end before they start, got {pause!r}")
        if end > start:
            intervals.append((start, end))
    intervals.sort()
    merged: list[list[int]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _subtract(pieces: Iterable[Interval], pauses: list[Interval]) -> Iterator[Interval]:
    """The parts of sorted, disjoint pieces outside sorted, merged pauses (one forward pass over both)."""
    first = 0
    for start, end in pieces:
        while first < len(pauses) and pauses[first][1] <= start:
            first += 1
        cursor = start
        index = first
        while index < len(pauses) and pauses[index][0] < end and cursor < end:
            pause_start, pause_end = pauses[index]
            if pause_start > cursor:
                yield cursor, pause_start
            cursor = max(cursor, pause_end)
            index += 1
        if cursor < end:
            yield cursor, end
