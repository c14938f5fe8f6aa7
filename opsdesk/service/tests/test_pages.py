"""The ticket pages built on the kit: add through the ticket service, detail with both SLA clocks, list export."""

import pytest
from django.urls import reverse

from opsdesk.service.models import Ticket, TicketEvent


def test_hotline_ticket_is_logged_numbered_owned_and_shown_with_its_clocks(client, org):
    # given
    client.force_login(org.users["coo"])
    payload = {"store": org.stores["a1"].pk, "type": "complaint", "priority": "high", "channel": "hotline",
               "title": "冷柜坏了", "description": "酸奶是温的", "compensation_type": "none",
               "received_at": "2025-03-01T10:00"}
    # when
    created = client.post(reverse("service:ticket_add"), payload)
    ticket = Ticket.objects.get()
    page = client.get(ticket.get_absolute_url()).content.decode()
    # then
    assert created.status_code == 302
    assert ticket.number == "T2025-000001"
    assert ticket.created_by == org.users["coo"]
    assert ticket.owner == org.users["store_manager"]
    assert list(TicketEvent.objects.values_list("kind", flat=True)) == ["status"]
    assert 'id="sla-first"' in page
    assert 'id="sla-resolution"' in page
    assert "酸奶是温的" in page


def test_ticket_list_exports_only_the_store_managers_store(client, org):
    # given
    Ticket.objects.create(company=org.company, store=org.stores["a1"], title="in scope")
    Ticket.objects.create(company=org.company, store=org.stores["b1"], title="out of scope")
    client.force_login(org.users["store_manager"])
    # when
    response = client.get(reverse("service:ticket_list") + "?export=csv")
    # then
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert "in scope" in body
    assert "out of scope" not in body


def test_a_resolution_is_rated_once_through_either_link(org):
    # given: a public ticket (tracking link) resolved and closed by the store (second link)
    from django.core.exceptions import ValidationError

    from opsdesk.service import services
    from opsdesk.service.models import CsatRequest, FeedbackLink

    link = FeedbackLink.objects.create(store=org.stores["a1"])
    ticket, tracking = services.public_ticket_create(link=link, data={"title": "排队太久"})
    manager = org.users["store_manager"]
    services.ticket_transition(actor=manager, ticket=ticket, status="resolved", resolution="加开收银台")
    _ticket, closing = services.ticket_transition(actor=manager, ticket=ticket, status="closed")
    services.csat_answer(token=tracking, score=4)
    # when / then
    with pytest.raises(ValidationError) as raised:
        services.csat_answer(token=closing, score=1)
    assert raised.value.messages == ["此工单已经评价过，谢谢。"]
    assert list(CsatRequest.objects.filter(answered_at__isnull=False).values_list("score", flat=True)) == [4]
