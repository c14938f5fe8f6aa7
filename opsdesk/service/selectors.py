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
from opsdesk.service.models import BusinessHours, SlaTarget, Ticket, TicketCategory

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


def store_calendar(store, *, start: date, end: date) -> BusinessCalendar:
    """A store's business-hours calendar: its weekly hours, and the days its calendar marks closed."""
    from opsdesk.sales.models import StoreCalendarDay

    weekly: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    for row in BusinessHours.objects.filter(store=store).order_by("weekday", "opens"):
        weekly[row.weekday].append((row.opens, row.closes))
    has_hours = any(weekly)
    week = tuple(tuple(day) if has_hours else DEFAULT_HOURS for day in weekly)
    closed = StoreCalendarDay.objects.filter(store=store, is_open=False, date__gte=start - timedelta(days=1),
                                             date__lte=end).values_list("date", flat=True)
    return BusinessCalendar(weekly=week, tz=ZoneInfo(settings.TIME_ZONE), closed_dates=frozenset(closed))


def sla_minutes(*, company_id: int, priority: str) -> tuple[int, int]:
    """The first-response and resolution targets (business minutes) of a priority in a company."""
    row = SlaTarget.objects.filter(company_id=company_id, priority=priority).first()
    if row is not None:
        return row.first_response_minutes, row.resolution_minutes
    return DEFAULT_TARGETS[TicketPriorityChoices(priority)]


def ticket_pauses(ticket: Ticket) -> list[tuple[datetime, datetime | None]]:
    return [(pause.started_at, pause.ended_at) for pause in ticket.pauses.all()]


def ticket_sla(ticket: Ticket, *, now: datetime | None = None, calendar: BusinessCalendar | None = None
               ) -> tuple[SlaStatus, SlaStatus]:
    """The first-response and resolution SLA states of a ticket at `now`."""
    now = now or timezone.now()
    first_minutes, resolution_minutes = sla_minutes(company_id=ticket.company_id, priority=ticket.priority)
    stop = ticket.resolved_at or ticket.closed_at
    horizon = max(now, stop or now) + timedelta(days=60)
    calendar = calendar or store_calendar(ticket.store, start=timezone.localtime(ticket.sla_start).date(),
                                          end=timezone.localtime(horizon).date())
    pauses = ticket_pauses(ticket)
    first = sla_status(calendar, ticket.sla_start, first_minutes * 60.0, now, pauses=pauses,
                       stopped_at=ticket.first_response_at)
    resolution = sla_status(calendar, ticket.sla_start, resolution_minutes * 60.0, now, pauses=pauses,
                            stopped_at=stop)
    return first, resolution


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
