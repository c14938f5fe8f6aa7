"""The periods of report packs: ISO weeks (Monday to Sunday) and calendar months, their codes ("2026-W48",
"2026-11"), the period before, the same period last year and the period just ended."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from opsdesk.reports.choices import PackKindChoices as K

Period = tuple[date, date]


def bounds(kind: str, day: date) -> Period:
    """The ISO week (Monday..Sunday) or the calendar month that contains `day`."""
    if kind == K.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    return date(day.year, day.month, 1), date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def previous(kind: str, start: date) -> Period:
    """The period before the one starting on `start`."""
    return bounds(kind, start - timedelta(days=1))


def following(kind: str, start: date) -> Period:
    """The period after the one starting on `start`."""
    return bounds(kind, bounds(kind, start)[1] + timedelta(days=1))


def last_year(kind: str, start: date) -> Period:
    """The same period a year earlier: the same ISO week number (week 52 for a week 53) or the same month."""
    if kind == K.WEEKLY:
        year, week, _weekday = start.isocalendar()
        weeks_then = date(year - 1, 12, 28).isocalendar()[1]
        return bounds(kind, date.fromisocalendar(year - 1, min(week, weeks_then), 1))
    return bounds(kind, date(start.year - 1, start.month, 1))


def just_ended(kind: str, today: date) -> Period:
    """The last whole period before `today` (last week on a Monday, last month on the 1st)."""
    return previous(kind, bounds(kind, today)[0])


def code(kind: str, start: date) -> str:
    """"2026-W48" or "2026-11"."""
    if kind == K.WEEKLY:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def parse(kind: str, text: str) -> Period:
    """The period of a code (ValueError when it is not one)."""
    if kind == K.WEEKLY:
        year, _sep, week = text.partition("-W")
        return bounds(kind, date.fromisocalendar(int(year), int(week), 1))
    if kind == K.MONTHLY:
        year, _sep, month = text.partition("-")
        return bounds(kind, date(int(year), int(month), 1))
    raise ValueError(f"unknown period kind {kind!r}")


def label(kind: str, period: Period) -> str:
    """"2026-W48 (2026-11-23 – 2026-11-29)" or "2026-11"."""
    if kind == K.WEEKLY:
        return f"{code(kind, period[0])} ({period[0].isoformat()} – {period[1].isoformat()})"
    return code(kind, period[0])
