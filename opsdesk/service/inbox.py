"""The inbox provider of customer service ("service_ticket"): open tickets whose SLA is about to break or broke,
and closed tickets whose customer gave a low CSAT score (1-2) and wants a call back.

Keys: "sla:<ticket pk>" and "csat:<CSAT request pk>". An SLA item is due when the clock that matters runs out: the
first-response clock while nobody has answered the customer, the resolution clock afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsdesk.core.inbox_items import InboxItem, deferred, end_of_day
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.permissions import user_can
from opsdesk.engine.sla import SlaStatus
from opsdesk.service.choices import OPEN_STATUSES, TicketStatusChoices
from opsdesk.service.kpis import sla_states
from opsdesk.service.models import AREA, CsatRequest, Ticket

#: CSAT scores that call for a follow-up, how recent the answer must be, and the days given to call back.
LOW_CSAT_SCORES = (1, 2)
LOW_CSAT_WINDOW = timedelta(days=30)
FOLLOW_UP_DAYS = 2
MAX_ITEMS = 200


def _open_tickets(user):
    return (Ticket.objects.for_user(user).filter(status__in=OPEN_STATUSES)
            .select_related("store").prefetch_related("pauses"))


def _low_csat(user, now: datetime):
    return (CsatRequest.objects.for_user(user)
            .filter(score__in=LOW_CSAT_SCORES, answered_at__gte=now - LOW_CSAT_WINDOW,
                    ticket__status=TicketStatusChoices.CLOSED)
            .select_related("ticket__store"))


def _sla_item(ticket: Ticket, first: SlaStatus, resolution: SlaStatus) -> InboxItem | None:
    """The item of an open ticket whose SLA broke (critical) or is about to (high); None otherwise."""
    clock = first if ticket.first_response_at is None else resolution
    if first.is_breached or resolution.is_breached:
        severity = Sev.CRITICAL
    elif clock.is_approaching:
        severity = Sev.HIGH
    else:
        return None
    breached = severity == Sev.CRITICAL
    return InboxItem(
        provider=PROVIDER_NAME, key=f"sla:{ticket.pk}", severity=severity, due=clock.due_at,
        title=deferred(lambda: (_("工单 SLA 超时：%(title)s") if breached else _("工单 SLA 即将超时：%(title)s"))
                       % {"title": ticket.title}),
        detail=deferred(lambda: f"{ticket.number} · {ticket.get_status_display()}"),
        store_id=ticket.store_id, store_name=deferred(ticket.store.__str__), company_id=ticket.company_id,
        link=deferred(ticket.get_absolute_url), source_owner_id=ticket.owner_id)


def _csat_item(request: CsatRequest) -> InboxItem:
    ticket = request.ticket
    return InboxItem(
        provider=PROVIDER_NAME, key=f"csat:{request.pk}", severity=Sev.MEDIUM,
        due=end_of_day(timezone.localtime(request.answered_at).date() + timedelta(days=FOLLOW_UP_DAYS)),
        title=deferred(lambda: _("低满意度回访（%(score)s 分）：%(title)s") % {"score": request.score,
                                                                          "title": ticket.title}),
        detail=deferred(lambda: request.comment or ticket.number),
        store_id=ticket.store_id, store_name=deferred(ticket.store.__str__), company_id=ticket.company_id,
        link=deferred(ticket.get_absolute_url), source_owner_id=ticket.owner_id)


class ServiceTicketProvider:
    name = "service_ticket"
    label = gettext_lazy("客服工单")

    def items_for_user(self, user, now: datetime) -> list[InboxItem]:
        if not user_can(user, AREA, "view"):
            return []
        tickets = list(_open_tickets(user))
        states = sla_states(tickets, now=now)
        items = [item for ticket in tickets if (item := _sla_item(ticket, *states[ticket.pk])) is not None]
        items += [_csat_item(request) for request in _low_csat(user, now).order_by("-answered_at", "pk")[:MAX_ITEMS]]
        return sorted(items, key=lambda item: -item.severity)[:MAX_ITEMS]

    def item_for_user(self, user, key: str, now: datetime) -> InboxItem | None:
        kind, _sep, number = key.partition(":")
        if not number.isascii() or not number.isdigit() or not user_can(user, AREA, "view"):
            return None
        if kind == "sla":
            ticket = _open_tickets(user).filter(pk=int(number)).first()
            return None if ticket is None else _sla_item(ticket, *sla_states([ticket], now=now)[ticket.pk])
        if kind == "csat":
            request = _low_csat(user, now).filter(pk=int(number)).first()
            return None if request is None else _csat_item(request)
        return None


PROVIDER_NAME = ServiceTicketProvider.name
PROVIDER = ServiceTicketProvider()


def provider_factory() -> ServiceTicketProvider:
    """What the core registry calls (the provider holds no state: one instance serves every request)."""
    return PROVIDER
