"""SLA clock in business hours: golden due dates worked out by hand, DST days, pauses, flags, properties."""

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from opsdesk.engine.sla import (
    BusinessCalendar,
    SlaStatus,
    add_business_seconds,
    business_seconds,
    open_intervals,
    sla_status,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600.0
NINE_TO_NINE = ((time(9), time(21)),)


def _weekdays(hours=NINE_TO_NINE, tz=SHANGHAI, **kwargs) -> BusinessCalendar:
    """Mon-Fri `hours`, closed at the weekend."""
    return BusinessCalendar(weekly=(hours,) * 5 + ((), ()), tz=tz, **kwargs)


def _daily(hours, tz=SHANGHAI, **kwargs) -> BusinessCalendar:
    return BusinessCalendar(weekly=(hours,) * 7, tz=tz, **kwargs)


def _sh(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def _be(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# 2025-06-02 is a Monday; 2025-06-06 a Friday; 2025-06-09 the next Monday.


def test_same_day():
    # given: Mon-Fri 09-21, ticket Mon 10:00
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 10), 2 * HOUR)
    elapsed = business_seconds(calendar, _sh(2025, 6, 2, 10), _sh(2025, 6, 2, 11, 30))
    # then: 10:00 + 2 h = 12:00; 10:00 -> 11:30 is 1.5 h = 5400 s
    assert due == _sh(2025, 6, 2, 12)
    assert elapsed == 5400.0


def test_start_before_opening():
    # given: ticket Mon 07:00, store opens 09:00
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 7), 1 * HOUR)
    elapsed = business_seconds(calendar, _sh(2025, 6, 2, 7), _sh(2025, 6, 2, 10))
    # then: the clock starts at 09:00 -> due 10:00; 07:00 -> 10:00 counts only 09-10 = 3600 s
    assert due == _sh(2025, 6, 2, 10)
    assert elapsed == 3600.0


def test_across_the_night():
    # given: 09:00-21:00 store, ticket Mon 20:00, 4 h target
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 20), 4 * HOUR)
    # then: 1 h (20-21) tonight + 3 h tomorrow from 09:00 -> Tue 12:00
    assert due == _sh(2025, 6, 3, 12)
    assert business_seconds(calendar, _sh(2025, 6, 2, 20), due) == 4 * HOUR


def test_budget_running_out_at_closing_time_is_due_at_closing():
    # given: ticket Fri 20:00, 1 h target
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 6, 20), 1 * HOUR)
    # then: the earliest instant with 1 h elapsed is Fri 21:00, not Mon 09:00
    assert due == _sh(2025, 6, 6, 21)


def test_overnight_bar_ticket_at_one_in_the_morning():
    # given: a bar open 18:00-02:00 every night; ticket Tue 01:00 (inside Monday's night), 2 h target
    calendar = _daily(((time(18), time(2)),))
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 3, 1), 2 * HOUR)
    intervals = open_intervals(calendar, _sh(2025, 6, 2, 12), _sh(2025, 6, 4, 12))
    # then: 01:00-02:00 = 1 h, then Tue 18:00 + 1 h -> Tue 19:00
    assert due == _sh(2025, 6, 3, 19)
    assert intervals == [(_sh(2025, 6, 2, 18), _sh(2025, 6, 3, 2)), (_sh(2025, 6, 3, 18), _sh(2025, 6, 4, 2))]


def test_closed_date_closes_the_whole_night_that_starts_then():
    # given: the bar is closed on Monday 2025-06-02; ticket Tue 01:00, 2 h target
    calendar = _daily(((time(18), time(2)),), closed_dates=frozenset({date(2025, 6, 2)}))
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 3, 1), 2 * HOUR)
    # then: Monday's night (Mon 18:00 - Tue 02:00) never opens -> Tue 18:00 + 2 h = Tue 20:00;
    # Sunday's night still runs until Mon 02:00
    assert due == _sh(2025, 6, 3, 20)
    assert business_seconds(calendar, _sh(2025, 6, 2, 0), _sh(2025, 6, 3, 12)) == 2 * HOUR


def test_weekend_closed():
    # given: Mon-Fri 09-21; ticket Fri 20:00, 2 h target
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 6, 20), 2 * HOUR)
    # then: 1 h on Friday, Sat/Sun closed, 1 h from Mon 09:00 -> Mon 10:00
    assert due == _sh(2025, 6, 9, 10)
    assert business_seconds(calendar, _sh(2025, 6, 6, 20), _sh(2025, 6, 9, 10)) == 2 * HOUR


def test_holiday_in_closed_dates():
    # given: National Day week 2025-10-01 (Wed) .. 10-07 (Tue) closed; ticket Tue 09-30 20:00, 2 h target
    golden_week = frozenset(date(2025, 10, 1) + timedelta(days=offset) for offset in range(7))
    calendar = _weekdays(closed_dates=golden_week)
    # when
    due = add_business_seconds(calendar, _sh(2025, 9, 30, 20), 2 * HOUR)
    # then: 1 h on 09-30, closed 10-01..10-07 (and the weekend in between), 1 h on Wed 10-08 -> 10:00
    assert due == _sh(2025, 10, 8, 10)


def test_special_hours_shorten_a_day_open_a_weekend_and_close_a_weekday():
    # given: Christmas Eve (Wed 2025-12-24) 09-15; a make-up working Saturday 2025-10-11 09-21; Mon 2025-06-02 closed
    calendar = _weekdays(special_hours={
        date(2025, 12, 24): ((time(9), time(15)),),
        date(2025, 10, 11): NINE_TO_NINE,
        date(2025, 6, 2): (),
    })
    # when
    christmas = add_business_seconds(calendar, _sh(2025, 12, 24, 14), 2 * HOUR)
    make_up = add_business_seconds(calendar, _sh(2025, 10, 10, 20), 2 * HOUR)
    closed = add_business_seconds(calendar, _sh(2025, 6, 2, 10), 1 * HOUR)
    # then: 14-15 + Thu 09-10 -> Thu 10:00; Fri 20-21 + Sat 09-10 -> Sat 10:00; Mon closed -> Tue 10:00
    assert christmas == _sh(2025, 12, 25, 10)
    assert make_up == _sh(2025, 10, 11, 10)
    assert closed == _sh(2025, 6, 3, 10)


def test_lunch_break_and_overnight_hours_running_into_the_morning_are_merged():
    # given: Mon 18:00-03:00, Tue 00:00-12:00 and 14:00-18:00, nothing else
    weekly = (((time(18), time(3)),), ((time(0), time(12)), (time(14), time(18))), (), (), (), (), ())
    calendar = BusinessCalendar(weekly=weekly, tz=SHANGHAI)
    # when
    intervals = open_intervals(calendar, _sh(2025, 6, 2, 19), _sh(2025, 6, 9))
    elapsed = business_seconds(calendar, _sh(2025, 6, 2), _sh(2025, 6, 9))
    # then: Mon 19:00 (clipped) - Tue 12:00 merged, Tue 14-18; counted once: 18 h + 4 h = 22 h
    assert intervals == [(_sh(2025, 6, 2, 19), _sh(2025, 6, 3, 12)), (_sh(2025, 6, 3, 14), _sh(2025, 6, 3, 18))]
    assert elapsed == 22 * HOUR


def test_pause_and_resume_while_waiting_on_the_customer():
    # given: ticket Mon 10:00, 4 h target; waiting on the customer 11:00-15:00 (overlapping pause records)
    calendar = _weekdays()
    pauses = [(_sh(2025, 6, 2, 11), _sh(2025, 6, 2, 13)), (_sh(2025, 6, 2, 12), _sh(2025, 6, 2, 15)),
              (_sh(2025, 6, 2, 13), _sh(2025, 6, 2, 14))]
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 10), 4 * HOUR, pauses)
    status = sla_status(calendar, _sh(2025, 6, 2, 10), 4 * HOUR, now=_sh(2025, 6, 2, 12), pauses=pauses)
    # then: 1 h before the pause, 3 h after 15:00 -> 18:00; at 12:00 1 h elapsed and paused
    assert due == _sh(2025, 6, 2, 18)
    assert status == SlaStatus(target_seconds=14400.0, elapsed_seconds=3600.0, remaining_seconds=10800.0,
                               due_at=_sh(2025, 6, 2, 18), is_breached=False, is_approaching=False, is_paused=True)


def test_pause_over_closed_hours_only_removes_opening_time():
    # given: ticket Mon 10:00, 12 h target; paused Mon 20:00 - Tue 10:00
    calendar = _weekdays()
    pauses = [(_sh(2025, 6, 2, 20), _sh(2025, 6, 3, 10))]
    # when
    elapsed = business_seconds(calendar, _sh(2025, 6, 2, 10), _sh(2025, 6, 3, 12), pauses)
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 10), 12 * HOUR, pauses)
    # then: Mon 10-20 = 10 h, Tue 10-12 = 2 h; due: 10 h Mon, 2 h from Tue 10:00 -> Tue 12:00
    assert elapsed == 12 * HOUR
    assert due == _sh(2025, 6, 3, 12)


def test_open_ended_pause_means_never_due():
    # given: ticket Mon 10:00, 4 h target; waiting on the customer since 11:00 with no reply yet
    calendar = _weekdays()
    pauses = [(_sh(2025, 6, 2, 11), None)]
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 10), 4 * HOUR, pauses)
    status = sla_status(calendar, _sh(2025, 6, 2, 10), 4 * HOUR, now=_sh(2025, 6, 3, 12), pauses=pauses)
    # then: only 10-11 counts, forever
    assert due is None
    assert status == SlaStatus(target_seconds=14400.0, elapsed_seconds=3600.0, remaining_seconds=10800.0,
                               due_at=None, is_breached=False, is_approaching=False, is_paused=True)


def test_open_ended_pause_after_the_target_ran_out_keeps_the_due_time():
    # given: ticket Mon 10:00, 4 h target, paused from 15:00 on
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 10), 4 * HOUR, [(_sh(2025, 6, 2, 15), None)])
    # then
    assert due == _sh(2025, 6, 2, 14)


def test_reopened_ticket_counts_from_the_original_start_and_skips_the_gap():
    # given: created Mon 10:00, resolved Mon 11:00, reopened Tue 10:00; 8 h resolution target
    calendar = _weekdays()
    start, resolved, reopened = _sh(2025, 6, 2, 10), _sh(2025, 6, 2, 11), _sh(2025, 6, 3, 10)
    # when
    at_resolution = sla_status(calendar, start, 8 * HOUR, now=_sh(2025, 6, 2, 18), stopped_at=resolved)
    after_reopen = sla_status(calendar, start, 8 * HOUR, now=_sh(2025, 6, 3, 12), pauses=[(resolved, reopened)])
    # then: frozen at 1 h (due 10:00 + 8 h = 18:00 had it run on);
    # reopened: 1 h Mon + 2 h Tue = 3 h elapsed, due 7 h after Tue 10:00 = Tue 17:00
    assert at_resolution.elapsed_seconds == 3600.0
    assert at_resolution.due_at == _sh(2025, 6, 2, 18)
    assert after_reopen == SlaStatus(target_seconds=28800.0, elapsed_seconds=10800.0, remaining_seconds=18000.0,
                                     due_at=_sh(2025, 6, 3, 17), is_breached=False, is_approaching=False,
                                     is_paused=False)


@pytest.mark.parametrize(
    ("now", "elapsed", "is_approaching", "is_breached"),
    [
        (_sh(2025, 6, 2, 12, 59), 10740.0, False, False),  # 2 h 59 min < 0.75 * 4 h = 3 h
        (_sh(2025, 6, 2, 13), 10800.0, True, False),  # exactly 3 h
        (_sh(2025, 6, 2, 14), 14400.0, True, False),  # exactly due: met, not yet breached
        (_sh(2025, 6, 2, 15), 18000.0, False, True),  # 1 h late
    ],
)
def test_approaching_and_breached_flags(now, elapsed, is_approaching, is_breached):
    # given: ticket Mon 10:00, 4 h target, due 14:00
    calendar = _weekdays()
    # when
    status = sla_status(calendar, _sh(2025, 6, 2, 10), 4 * HOUR, now=now)
    # then
    assert status.elapsed_seconds == elapsed
    assert status.remaining_seconds == 4 * HOUR - elapsed
    assert status.due_at == _sh(2025, 6, 2, 14)
    assert (status.is_approaching, status.is_breached, status.is_paused) == (is_approaching, is_breached, False)


def test_breach_is_judged_on_the_wall_clock_across_closed_hours():
    # given: ticket Mon 17:00, 4 h target -> due Mon 21:00 (closing time); now Tue 08:00, before opening
    calendar = _weekdays()
    # when
    status = sla_status(calendar, _sh(2025, 6, 2, 17), 4 * HOUR, now=_sh(2025, 6, 3, 8))
    # then: no business second since 21:00, yet the deadline has passed
    assert status.remaining_seconds == 0.0
    assert status.is_breached is True
    assert status.is_approaching is False


def test_stopped_at_freezes_the_clock():
    # given: ticket Mon 10:00, 4 h first-response target
    calendar = _weekdays()
    start = _sh(2025, 6, 2, 10)
    # when: answered at 12:00 (in time) or 16:00 (late); looked at a week later; or answered "later" than now
    in_time = sla_status(calendar, start, 4 * HOUR, now=_sh(2025, 6, 9, 12), stopped_at=_sh(2025, 6, 2, 12))
    late = sla_status(calendar, start, 4 * HOUR, now=_sh(2025, 6, 9, 12), stopped_at=_sh(2025, 6, 2, 16))
    not_yet = sla_status(calendar, start, 4 * HOUR, now=_sh(2025, 6, 2, 11), stopped_at=_sh(2025, 6, 2, 12))
    # then: 2 h elapsed, 2 h to spare; 6 h elapsed, 2 h late; still running at 11:00 with 1 h elapsed
    assert in_time == SlaStatus(target_seconds=14400.0, elapsed_seconds=7200.0, remaining_seconds=7200.0,
                                due_at=_sh(2025, 6, 2, 14), is_breached=False, is_approaching=False, is_paused=False)
    assert (late.elapsed_seconds, late.remaining_seconds, late.is_breached) == (21600.0, -7200.0, True)
    assert (not_yet.elapsed_seconds, not_yet.is_breached) == (3600.0, False)


def test_naive_datetimes_raise_naming_the_argument():
    # given
    calendar = _weekdays()
    aware, naive = _sh(2025, 6, 2, 10), datetime(2025, 6, 2, 10)
    # when / then
    with pytest.raises(ValueError, match="^start"):
        business_seconds(calendar, naive, aware)
    with pytest.raises(ValueError, match="^end"):
        open_intervals(calendar, aware, naive)
    with pytest.raises(ValueError, match="^start"):
        add_business_seconds(calendar, naive, HOUR)
    with pytest.raises(ValueError, match="^pauses"):
        business_seconds(calendar, aware, aware, pauses=[(naive, None)])
    with pytest.raises(ValueError, match="^now"):
        sla_status(calendar, aware, HOUR, now=naive)
    with pytest.raises(ValueError, match="^stopped_at"):
        sla_status(calendar, aware, HOUR, now=aware, stopped_at=naive)


def test_invalid_arguments_raise():
    # given
    calendar = _weekdays()
    start = _sh(2025, 6, 2, 10)
    # when / then
    with pytest.raises(ValueError, match="7 entries"):
        BusinessCalendar(weekly=(NINE_TO_NINE,) * 6, tz=SHANGHAI)
    with pytest.raises(ValueError, match="seconds"):
        add_business_seconds(calendar, start, -1.0)
    with pytest.raises(ValueError, match="pauses"):
        business_seconds(calendar, start, start, pauses=[(start, start - timedelta(hours=1))])
    with pytest.raises(ValueError, match="warn_fraction"):
        sla_status(calendar, start, HOUR, now=start, warn_fraction=1.5)


def test_empty_or_reversed_window_counts_nothing_and_zero_seconds_is_due_at_start():
    # given
    calendar = _weekdays()
    start = _sh(2025, 6, 7, 10)  # a Saturday: closed
    # when / then
    assert business_seconds(calendar, start, start - timedelta(days=3)) == 0.0
    assert open_intervals(calendar, start, start - timedelta(days=3)) == []
    assert add_business_seconds(calendar, start, 0.0) == start


def test_never_open_calendar_gives_up():
    # given: closed every weekday; one special opening 500 days later
    calendar = BusinessCalendar(weekly=((),) * 7, tz=SHANGHAI,
                                special_hours={date(2026, 10, 15): NINE_TO_NINE})
    # when
    due = add_business_seconds(calendar, _sh(2025, 6, 2, 10), HOUR)
    elapsed = business_seconds(calendar, _sh(2025, 6, 2), _sh(2026, 10, 16))
    # then: no opening within 400 days -> None; an explicit window still finds the 12 h
    assert due is None
    assert elapsed == 12 * HOUR


def test_berlin_dst_days():
    # given: Berlin springs forward Sun 2025-03-30 02:00 CET -> 03:00 CEST, falls back Sun 2025-10-26 03:00 -> 02:00
    always = BusinessCalendar.always_open(BERLIN)
    bar = _daily(((time(22), time(4)),), tz=BERLIN)
    store = _daily(NINE_TO_NINE, tz=BERLIN)
    # when / then: a 24x7 day from Saturday noon to Sunday noon is 23 h in spring and 25 h in autumn
    assert business_seconds(always, _be(2025, 3, 29, 12), _be(2025, 3, 30, 12)) == 23 * HOUR
    assert business_seconds(always, _be(2025, 10, 25, 12), _be(2025, 10, 26, 12)) == 25 * HOUR
    # the bar's Saturday night, 22:00 -> 04:00 on the wall: 5 h in spring (21:00-02:00 UTC), 7 h in autumn
    assert business_seconds(bar, _be(2025, 3, 29, 12), _be(2025, 3, 30, 12)) == 5 * HOUR
    assert business_seconds(bar, _be(2025, 10, 25, 12), _be(2025, 10, 26, 12)) == 7 * HOUR
    # ticket Sat 23:00 CET (22:00 UTC) + 4 h = 02:00 UTC = 04:00 CEST: due exactly at closing
    spring_due = add_business_seconds(bar, _be(2025, 3, 29, 23), 4 * HOUR)
    assert spring_due.astimezone(UTC) == _utc(2025, 3, 30, 2)
    assert spring_due.utcoffset() == timedelta(hours=2)
    # ticket Sat 23:00 CEST (21:00 UTC) + 3.5 h = 00:30 UTC = the first 02:30; + 4.5 h = the second 02:30 (CET)
    first = add_business_seconds(bar, _be(2025, 10, 25, 23), 3.5 * HOUR)
    second = add_business_seconds(bar, _be(2025, 10, 25, 23), 4.5 * HOUR)
    assert (first.astimezone(UTC), first.hour, first.minute, first.fold) == (_utc(2025, 10, 26, 0, 30), 2, 30, 0)
    assert (second.astimezone(UTC), second.hour, second.minute, second.fold) == (_utc(2025, 10, 26, 1, 30), 2, 30, 1)
    # a day store is unaffected: Sat 20:00 + 4 h = Sun 12:00 CEST
    store_due = add_business_seconds(store, _be(2025, 3, 29, 20), 4 * HOUR)
    assert store_due.astimezone(UTC) == _utc(2025, 3, 30, 10)


def test_breach_in_the_repeated_autumn_hour_compares_instants_not_wall_times():
    # given: the bar, ticket Sat 2025-10-25 23:00 CEST, 3.5 h target -> due at the first 02:30 (00:30 UTC)
    bar = _daily(((time(22), time(4)),), tz=BERLIN)
    second_0215 = _be(2025, 10, 26, 2, 15).replace(fold=1)  # 01:15 UTC: 45 min after the first 02:30
    # when
    status = sla_status(bar, _be(2025, 10, 25, 23), 3.5 * HOUR, now=second_0215)
    # then: 21:00 UTC -> 01:15 UTC = 4.25 h elapsed, breached although 02:15 < 02:30 on the wall
    assert status.elapsed_seconds == 4.25 * HOUR
    assert status.is_breached is True


def test_opening_in_the_skipped_hour_starts_at_the_same_instant_as_fold_zero():
    # given: special hours 02:30-06:00 on the spring-forward day; 02:30 does not exist and reads as 03:30 CEST
    calendar = _daily((), tz=BERLIN, special_hours={date(2025, 3, 30): ((time(2, 30), time(6)),)})
    # when
    intervals = open_intervals(calendar, _be(2025, 3, 30), _be(2025, 3, 31))
    # then: 01:30 UTC - 04:00 UTC = 2.5 h
    assert [(opens.astimezone(UTC), closes.astimezone(UTC)) for opens, closes in intervals] == [
        (_utc(2025, 3, 30, 1, 30), _utc(2025, 3, 30, 4))]
    assert business_seconds(calendar, _be(2025, 3, 30), _be(2025, 3, 31)) == 2.5 * HOUR


def test_always_open_counts_wall_clock_time():
    # given
    calendar = BusinessCalendar.always_open(SHANGHAI)
    start = _sh(2025, 6, 7, 3, 15)
    # when
    due = add_business_seconds(calendar, start, 1.5)
    elapsed = business_seconds(calendar, start, start + timedelta(days=3))
    intervals = open_intervals(calendar, start, start + timedelta(days=7))
    # then: one unbroken interval; 3 days = 259200 s
    assert due == start + timedelta(seconds=1.5)
    assert elapsed == 259200.0
    assert intervals == [(start, start + timedelta(days=7))]


def test_results_are_in_the_calendar_time_zone():
    # given: a Shanghai store, a ticket logged in UTC (Mon 02:00 UTC = Mon 10:00 Shanghai)
    calendar = _weekdays()
    # when
    due = add_business_seconds(calendar, _utc(2025, 6, 2, 2), 2 * HOUR)
    # then
    assert due.tzinfo is SHANGHAI
    assert (due.hour, due.minute) == (12, 0)


def test_one_year_span_with_split_days_and_holidays():
    # given: two intervals a day Mon-Sat, Sunday closed, ten holidays
    calendar = BusinessCalendar(
        weekly=(((time(9), time(14)), (time(17), time(23))),) * 6 + ((),), tz=BERLIN,
        closed_dates=frozenset(date(2025, 5, 1) + timedelta(days=7 * k) for k in range(10)))
    start, end = _be(2025, 1, 1), _be(2026, 1, 1)
    # when
    elapsed = business_seconds(calendar, start, end)
    intervals = open_intervals(calendar, start, end)
    # then: 313 Mon-Sat days in 2025 minus 10 holidays (all Thursdays) = 303 days * 11 h
    assert elapsed == 303 * 11 * HOUR
    assert len(intervals) == 303 * 2


# ---- properties -------------------------------------------------------------------------------------------------

_ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
_YEAR_START = _utc(2025, 1, 1)
_times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
_day_hours = st.lists(st.tuples(_times, _times), max_size=2).map(tuple)
_dates = st.dates(date(2024, 12, 20), date(2026, 3, 31))


@st.composite
def _calendars(draw) -> BusinessCalendar:
    weekly = tuple(draw(st.lists(_day_hours, min_size=7, max_size=7)))
    assume(any(weekly))
    return BusinessCalendar(
        weekly=weekly,
        tz=ZoneInfo(draw(st.sampled_from(_ZONES))),
        closed_dates=frozenset(draw(st.sets(_dates, max_size=5))),
        special_hours=draw(st.dictionaries(_dates, _day_hours, max_size=3)),
    )


_instants = st.integers(0, 365 * 86400 * 10**6).map(lambda micros: _YEAR_START + timedelta(microseconds=micros))


@st.composite
def _pauses(draw, start: datetime) -> list[tuple[datetime, datetime]]:
    pauses = []
    for offset, length in draw(st.lists(st.tuples(st.integers(-86400, 20 * 86400), st.integers(0, 3 * 86400)),
                                        max_size=3)):
        pauses.append((start + timedelta(seconds=offset), start + timedelta(seconds=offset + length)))
    return pauses


@settings(max_examples=300, deadline=None)
@given(calendar=_calendars(), start=_instants, seconds=st.floats(0, 3 * 86400), data=st.data())
def test_adding_then_counting_gives_back_the_seconds(calendar, start, seconds, data):
    # given
    start = start.astimezone(calendar.tz)
    pauses = data.draw(_pauses(start))
    # when
    due = add_business_seconds(calendar, start, seconds, pauses)
    # then: exactly `seconds` elapse by `due`, and one microsecond earlier they have not
    assert due is not None
    assert math.isclose(business_seconds(calendar, start, due, pauses), seconds, abs_tol=1e-6)
    if seconds >= 1e-6:
        assert business_seconds(calendar, start, due - timedelta(microseconds=1), pauses) < seconds


@settings(max_examples=300, deadline=None)
@given(calendar=_calendars(), instants=st.lists(_instants, min_size=3, max_size=3), data=st.data())
def test_business_seconds_is_additive_and_matches_the_intervals(calendar, instants, data):
    # given
    first, split, last = sorted(instants)
    pauses = data.draw(_pauses(first))
    # when
    whole = business_seconds(calendar, first, last, pauses)
    parts = business_seconds(calendar, first, split, pauses) + business_seconds(calendar, split, last, pauses)
    intervals = open_intervals(calendar, first, last)
    # then: additive over the split; the intervals are ordered, disjoint, inside the window and sum to the total
    assert math.isclose(whole, parts, abs_tol=1e-6)
    assert all(opens < closes for opens, closes in intervals)
    assert all(earlier[1] < later[0] for earlier, later in zip(intervals, intervals[1:], strict=False))
    assert all(first <= opens and closes <= last for opens, closes in intervals)
    # (aware datetimes sharing a tzinfo subtract as wall-clock times: go through UTC)
    total = sum((closes.astimezone(UTC) - opens.astimezone(UTC)).total_seconds() for opens, closes in intervals)
    assert math.isclose(total, business_seconds(calendar, first, last), abs_tol=1e-6)
    assert whole <= total + 1e-6
