"""Reads of customer service. Every function takes the acting user (or a store for the public pages) and goes
through `for_user`; SLA states come from the engine's business-hours clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from opsdesk.engine.sla import BusinessCalendar, SlaStatus, sla_status
from opsdesk.service.choices import OPEN_STATUSES, TicketPriorityChoices
from opsdesk.service.models import BusinessHours, SlaTarget, Ticket, TicketCategory, TicketPause

#: Opening hours of a store that has none recorded: every day 09:00-21:00.
DEFAULT_HOURS = ((time(9), time(21)),)
#: SLA targets of a company that has none recorded (business minutes): first response, resolution.
DEFAULT_TARGETS = {
    TicketPriorityChoices.URGENT: (30, 240),
    TicketPriorityChoices.HIGH: (60, 480),
    TicketPriorityChoices.MEDIUM: (120, 1440),
    TicketPriorityChoices.LOW: (240, 2880),
}


def ticket_list(*, user, action: str = "view") -> QuerySet[Ticket]:
    """Tickets the user may reach, ready for a list page."""
    return Ticket.objects.for_user(user, action).select_related("store", "category", "owner")


def category_choices(*, company_id: int) -> QuerySet[TicketCategory]:
    """Active categories of a company (the public page and the ticket form)."""
    return TicketCategory.objects.filter(company_id=company_id, is_active=True)


#: How far past "now" (or the last stop) a calendar is loaded: an SLA due date lies within it.
CALENDAR_HORIZON = timedelta(days=60)


def store_calendars(ranges: dict[int, tuple[date, date]]) -> dict[int, BusinessCalendar]:
    """Per store id: its business-hours calendar (weekly hours, and the days its calendar marks closed within the
    given (start, end) range). Two queries whatever the number of stores."""
    from opsdesk.sales.models import StoreCalendarDay

    if not ranges:
        return {}
    weekly: dict[int, list[list[tuple[time, time]]]] = {store_id: [[] for _ in range(7)] for store_id in ranges}
    for row in BusinessHours.objects.filter(store_id__in=ranges).order_by("store_id", "weekday", "opens"):
        weekly[row.store_id][row.weekday].append((row.opens, row.closes))
    first = min(start for start, _end in ranges.values()) - timedelta(days=1)
    last = max(end for _start, end in ranges.values())
    closed: dict[int, set[date]] = {store_id: set() for store_id in ranges}
    for store_id, day in StoreCalendarDay.objects.filter(store_id__in=ranges, is_open=False, date__gte=first,
                                                         date__lte=last).values_list("store_id", "date"):
        start, end = ranges[store_id]
        if start - timedelta(days=1) <= day <= end:
            closed[store_id].add(day)
    zone = ZoneInfo(settings.TIME_ZONE)
    return {store_id: BusinessCalendar(
        weekly=tuple(tuple(day) for day in days) if any(days) else (DEFAULT_HOURS,) * 7, tz=zone,
        closed_dates=frozenset(closed[store_id])) for store_id, days in weekly.items()}


def sla_targets(company_ids) -> dict[tuple[int, str], tuple[int, int]]:
    """(company, priority) -> (first-response, resolution) business minutes, defaults filled in (one query)."""
    company_ids = set(company_ids)
    targets = {(company_id, str(priority)): minutes for company_id in company_ids
               for priority, minutes in DEFAULT_TARGETS.items()}
    for row in SlaTarget.objects.filter(company_id__in=company_ids):
        targets[(row.company_id, row.priority)] = (row.first_response_minutes, row.resolution_minutes)
    return targets


def sla_states(tickets, *, now: datetime | None = None) -> dict[int, tuple[SlaStatus, SlaStatus]]:
    """Ticket pk -> (first-response, resolution) SLA states at `now`: the one SLA reader of pages, KPIs, the inbox,
    the analysis and the escalation sweep. Queries: targets 1, calendars 2, pauses 1 unless prefetched."""
    now = now or timezone.now()
    tickets = list(tickets)
    targets = sla_targets({ticket.company_id for ticket in tickets})
    ranges: dict[int, tuple[date, date]] = {}
    for ticket in tickets:
        start = timezone.localtime(ticket.sla_start).date()
        stop = max(now, ticket.resolved_at or ticket.closed_at or now)
        end = timezone.localtime(stop + CALENDAR_HORIZON).date()
        low, high = ranges.get(ticket.store_id, (start, end))
        ranges[ticket.store_id] = (min(low, start), max(high, end))
    calendars = store_calendars(ranges)
    pauses: dict[int, list] = {ticket.pk: [] for ticket in tickets}
    if tickets and not all(hasattr(ticket, "_prefetched_objects_cache") and "pauses" in
                           ticket._prefetched_objects_cache for ticket in tickets):
        for pause in TicketPause.objects.filter(ticket_id__in=pauses).order_by("started_at"):
            pauses[pause.ticket_id].append((pause.started_at, pause.ended_at))
    else:
        for ticket in tickets:
            pauses[ticket.pk] = [(pause.started_at, pause.ended_at) for pause in ticket.pauses.all()]
    states = {}
    for ticket in tickets:
        first_minutes, resolution_minutes = targets[(ticket.company_id, ticket.priority)]
        calendar = calendars[ticket.store_id]
        first = sla_status(calendar, ticket.sla_start, first_minutes * 60.0, now, pauses=pauses[ticket.pk],
                           stopped_at=ticket.first_response_at)
        resolution = sla_status(calendar, ticket.sla_start, resolution_minutes * 60.0, now,
                                pauses=pauses[ticket.pk], stopped_at=ticket.resolved_at or ticket.closed_at)
        states[ticket.pk] = (first, resolution)
    return states


def ticket_sla(ticket: Ticket, *, now: datetime | None = None) -> tuple[SlaStatus, SlaStatus]:
    """The first-response and resolution SLA states of one ticket at `now`."""
    return sla_states([ticket], now=now)[ticket.pk]


def open_tickets(*, user) -> QuerySet[Ticket]:
    """Open tickets in the user's scope."""
    return ticket_list(user=user).filter(status__in=OPEN_STATUSES).prefetch_related("pauses")


def supplier_quality_complaints(*, company_id: int, supplier_ids: list[int], start, end):
    """Complaint tickets about a supplier's product quality, as (supplier_id, local date) for the supplier scorecard
    (registered with purchasing: the ticket itself is the one record of the complaint)."""
    rows = Ticket.objects.filter(
        company_id=company_id, supplier_id__in=supplier_ids, type="complaint", category__is_product_quality=True,
        received_at__date__gte=start, received_at__date__lte=end).values_list("supplier_id", "received_at")
    return [(supplier_id, timezone.localtime(received).date()) for supplier_id, received in rows]
