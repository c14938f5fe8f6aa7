"""The ticket pages built on the kit: add through the ticket service, detail with both SLA clocks, list export."""

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
    assert 'id="sla-first"' in page and 'id="sla-resolution"' in page
    assert "酸奶是温的" in page


def test_ticket_list_exports_only_the_store_managers_store(client, org):
    # given
    Ticket.objects.create(company=org.company, store=org.stores["a1"], title="in scope")
    Ticket.objects.create(company=org.company, store=org.stores["b1"], title="out of scope")
    client.force_login(org.users["store_manager"])
    # when
    response = client.get(reverse("service:ticket_list") + "?export=csv")
    # then
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "in scope" in body and "out of scope" not in body
