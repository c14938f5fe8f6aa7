"""Golden SLA clocks through the ticket services, with frozen time: business hours, nights, weekends, holidays,
waiting on the customer, reopening, and the escalation sweep.

The expected instants are worked out by hand from the store's hours (medium priority: first response 120 business
minutes, resolution 1440 business minutes = 24 business hours). Times are exact: the clock counts integer
microseconds, so no tolerance is needed.
"""

from __future__ import annotations

from datetime import time

import pytest
import time_machine
from django.core import mail

from opsdesk.sales.models import StoreCalendarDay
from opsdesk.service import selectors, services
from opsdesk.service.choices import EventKindChoices
from opsdesk.service.models import Ticket
from opsdesk.service.tests.conftest import local, set_hours

HOUR = 3600.0
FRIDAY_20 = local(2025, 3, 7, 20)  # Friday evening, one hour before closing
MONDAY_9 = local(2025, 3, 10, 9)  # Monday opening


def _create_at(make_ticket, moment, **fields) -> Ticket:
    with time_machine.travel(moment, tick=False):
        return make_ticket(priority="medium", **fields)


def _move(actor, ticket, status, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return services.ticket_transition(actor=actor, ticket=ticket, status=status, **kwargs)


def _sla(ticket, moment):
    ticket = Ticket.objects.prefetch_related("pauses").get(pk=ticket.pk)
    return selectors.ticket_sla(ticket, now=moment)


@pytest.mark.parametrize(("weekdays", "hours", "holidays", "first_due", "resolution_due"), [
    # open every day: 1 h on Friday night, the rest on Saturday; resolution 1 + 12 + 11 h -> Sunday 20:00
    (range(7), (time(9), time(21)), (), local(2025, 3, 8, 10), local(2025, 3, 9, 20)),
    # closed at the weekend: the clock stands still from Friday 21:00 to Monday 09:00
    (range(5), (time(9), time(21)), (), local(2025, 3, 10, 10), local(2025, 3, 11, 20)),
    # and Monday is a holiday (the store calendar marks it closed)
    (range(5), (time(9), time(21)), ((2025, 3, 10),), local(2025, 3, 11, 10), local(2025, 3, 12, 20)),
    # open around the clock: wall-clock time
    (range(7), (time(0), time(0)), (), local(2025, 3, 7, 22), local(2025, 3, 8, 20)),
], ids=["every-day", "weekend-closed", "monday-holiday", "24h"])
def test_friday_evening_ticket_is_due_by_business_hours(svc, make_ticket, weekdays, hours, holidays, first_due,
                                                       resolution_due):
    # given: store a1's hours and closed days; a medium ticket received on Friday at 20:00
    set_hours(svc["a1"], weekdays, *hours)
    for year, month, day in holidays:
        StoreCalendarDay.objects.create(store=svc["a1"], date=local(year, month, day).date(), is_open=False)
    ticket = _create_at(make_ticket, FRIDAY_20)
    # when
    first, resolution = _sla(ticket, FRIDAY_20)
    # then
    assert (first.target_seconds, resolution.target_seconds) == (2 * HOUR, 24 * HOUR)
    assert first.due_at == first_due
    assert resolution.due_at == resolution_due
    assert (first.elapsed_seconds, first.is_breached) == (0.0, False)


def test_overnight_and_weekend_do_not_count(svc, make_ticket):
    # given: a store closed at the weekend; a medium ticket received on Friday at 20:00
    set_hours(svc["a1"], range(5))
    ticket = _create_at(make_ticket, FRIDAY_20)
    # when: Friday at closing, Sunday noon, Monday 09:30
    at_close, _resolution = _sla(ticket, local(2025, 3, 7, 21))
    on_sunday, _resolution = _sla(ticket, local(2025, 3, 9, 12))
    on_monday, resolution = _sla(ticket, local(2025, 3, 10, 9, 30))
    # then: 1 h on Friday, nothing at the weekend, 30 min on Monday (approaching: 90 of 120 minutes)
    assert at_close.elapsed_seconds == on_sunday.elapsed_seconds == HOUR
    assert (on_monday.elapsed_seconds, on_monday.remaining_seconds) == (1.5 * HOUR, 0.5 * HOUR)
    assert (on_monday.is_approaching, on_monday.is_breached) == (True, False)
    assert resolution.elapsed_seconds == 1.5 * HOUR


def test_waiting_on_the_customer_pauses_the_clock(svc, make_ticket):
    # given: Monday 09:00 ticket; waiting on the customer 10:00-15:00, then in progress again
    set_hours(svc["a1"], range(5))
    ticket = _create_at(make_ticket, MONDAY_9)
    _move(svc["manager"], ticket, "waiting_customer", local(2025, 3, 10, 10))
    # when: during the pause, then after it
    paused_first, paused = _sla(ticket, local(2025, 3, 10, 12))
    _move(svc["manager"], ticket, "in_progress", local(2025, 3, 10, 15))
    first, resolution = _sla(ticket, local(2025, 3, 10, 17))
    # then: the first response was given at 10:00; resolution counts 9-10 and 15-17 only, and is due 5 h later
    ticket.refresh_from_db()
    assert ticket.first_response_at == local(2025, 3, 10, 10)
    assert (paused.is_paused, paused.elapsed_seconds) == (True, HOUR)
    assert (first.elapsed_seconds, first.is_breached, paused_first.is_paused) == (HOUR, False, False)
    assert (resolution.is_paused, resolution.elapsed_seconds) == (False, 3 * HOUR)
    # Monday 9-10 + 15-21 (7 h), Tuesday 12 h, Wednesday 5 h -> 14:00 (Tuesday 21:00 without the pause)
    assert resolution.due_at == local(2025, 3, 12, 14)
    assert list(ticket.pauses.values_list("started_at", "ended_at", "reason")) == [
        (local(2025, 3, 10, 10), local(2025, 3, 10, 15), "waiting_customer")]


def test_reopened_ticket_does_not_count_the_resolved_gap(svc, make_ticket):
    # given: Monday 09:00 ticket, resolved Tuesday 10:00 (13 business hours), reopened Wednesday 10:00
    set_hours(svc["a1"], range(5))
    ticket = _create_at(make_ticket, MONDAY_9)
    _move(svc["manager"], ticket, "resolved", local(2025, 3, 11, 10), resolution="已为顾客退款")
    stopped_first, stopped = _sla(ticket, local(2025, 3, 11, 18))
    reopened, _token = _move(svc["manager"], ticket, "in_progress", local(2025, 3, 12, 10))
    # when
    _first, resolution = _sla(ticket, local(2025, 3, 12, 12))
    # then: stopped at 13 h while resolved; 13 + 2 h on Wednesday after the reopening, due Wednesday 21:00
    assert (stopped.elapsed_seconds, stopped.is_breached) == (13 * HOUR, False)
    assert (reopened.status, reopened.reopen_count, reopened.resolved_at) == ("in_progress", 1, None)
    assert resolution.elapsed_seconds == 15 * HOUR
    assert resolution.due_at == local(2025, 3, 12, 21)
    assert stopped_first.elapsed_seconds == 13 * HOUR  # the resolution was the first response
    assert stopped_first.is_breached is True  # ... and it came after the 2 h target


def test_reopened_closed_ticket_does_not_count_the_closed_gap(svc, make_ticket):
    # given: resolved Tuesday 10:00, closed Tuesday 11:00, reopened Wednesday 10:00
    set_hours(svc["a1"], range(5))
    ticket = _create_at(make_ticket, MONDAY_9)
    _move(svc["manager"], ticket, "resolved", local(2025, 3, 11, 10), resolution="已为顾客退款")
    _move(svc["manager"], ticket, "closed", local(2025, 3, 11, 11))
    _move(svc["manager"], ticket, "in_progress", local(2025, 3, 12, 10))
    # when
    _first, resolution = _sla(ticket, local(2025, 3, 12, 12))
    # then: neither the resolved hour nor the closed night counts
    assert resolution.elapsed_seconds == 15 * HOUR
    assert resolution.due_at == local(2025, 3, 12, 21)


def _escalations(ticket) -> list[str]:
    return list(ticket.events.filter(kind=EventKindChoices.ESCALATION).values_list("text", flat=True))


def test_escalation_climbs_one_level_per_breach(svc, make_ticket):
    # given: store closed at the weekend; a medium ticket received on Friday 20:00, never answered
    set_hours(svc["a1"], range(5))
    ticket = _create_at(make_ticket, FRIDAY_20)
    mail.outbox.clear()
    # when / then: before the first-response target (Monday 10:00) nothing happens
    assert services.tickets_escalate(now=local(2025, 3, 10, 9, 59)) == 0
    # first response broken: the supervisor
    assert services.tickets_escalate(now=local(2025, 3, 10, 10, 1)) == 1
    assert services.tickets_escalate(now=local(2025, 3, 10, 12)) == 0  # once only
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.first_response_breached, ticket.resolution_breached) == (1, True, False)
    # resolution broken (due Tuesday 20:00): the regional manager
    assert services.tickets_escalate(now=local(2025, 3, 11, 19, 59)) == 0
    assert services.tickets_escalate(now=local(2025, 3, 11, 20, 1)) == 1
    ticket.refresh_from_db()
    assert (ticket.escalation_level, ticket.resolution_breached) == (2, True)
    # twice the resolution target (48 business hours: Thursday 20:00): the COO
    assert services.tickets_escalate(now=local(2025, 3, 13, 19, 59)) == 0
    assert services.tickets_escalate(now=local(2025, 3, 13, 20)) == 1
    ticket.refresh_from_db()
    assert ticket.escalation_level == 3
    assert _escalations(ticket) == [f"SLA 超时，升级至第 {level} 级。" for level in (1, 2, 3)]
    assert [message.to for message in mail.outbox] == [["sup@example.com"], ["rm@example.com"], ["coo@example.com"]]


def test_escalation_leaves_answered_and_paused_tickets_alone(svc, make_ticket):
    # given: two Monday 09:00 tickets: one answered at 10:00 and waiting on the customer since, one resolved
    set_hours(svc["a1"], range(5))
    waiting = _create_at(make_ticket, MONDAY_9)
    resolved = _create_at(make_ticket, MONDAY_9, title="地面湿滑")
    _move(svc["manager"], waiting, "waiting_customer", local(2025, 3, 10, 10))
    _move(svc["manager"], resolved, "resolved", local(2025, 3, 10, 10), resolution="已放置警示牌")
    # when: a week later
    climbed = services.tickets_escalate(now=local(2025, 3, 17, 12))
    # then
    assert climbed == 0
    assert list(Ticket.objects.order_by("pk").values_list("escalation_level", "first_response_breached",
                                                          "resolution_breached")) == [(0, False, False)] * 2


def test_jumps_straight_to_the_level_it_reached(svc, make_ticket):
    # given: a ticket nobody looked at for two weeks
    set_hours(svc["a1"], range(5))
    ticket = _create_at(make_ticket, MONDAY_9)
    # when
    climbed = services.tickets_escalate(now=local(2025, 3, 24, 12))
    # then: one climb, straight to the COO, one log line
    ticket.refresh_from_db()
    assert (climbed, ticket.escalation_level) == (1, 3)
    assert _escalations(ticket) == ["SLA 超时，升级至第 3 级。"]
