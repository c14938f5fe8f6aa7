"""The tickets API (/api/v1/service/tickets/): scope, filters, strict bodies, ids, and the workflow operations."""

from __future__ import annotations

import json

import pytest
import time_machine

from opsdesk.core.testing.factories import make_token
from opsdesk.service.models import CsatRequest, Ticket
from opsdesk.service.tests.conftest import local

TICKETS = "/api/v1/service/tickets/"


@pytest.fixture
def api(client):
    """`api(user).get(url)`, `.patch(url, body)`, `.post(url, body)` with the user's bearer token."""

    class Caller:
        def __init__(self, user):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)[1]}"}

        def get(self, url, **params):
            return client.get(url, params, **self.headers)

        def patch(self, url, body):
            return client.patch(url, json.dumps(body), content_type="application/json", **self.headers)

        def post(self, url, body):
            return client.post(url, json.dumps(body), content_type="application/json", **self.headers)

        def delete(self, url):
            return client.delete(url, **self.headers)

    return Caller


@pytest.fixture
def tickets(svc, make_ticket):
    """Three tickets at a1 (one high-priority about expired goods), one at a2, one at b1."""
    with time_machine.travel(local(2025, 3, 3, 10), tick=False):
        old = make_ticket(title="收银排队太久", priority="low")
    with time_machine.travel(local(2025, 3, 10, 10), tick=False):
        expired = make_ticket(title="商品过期", priority="high", channel="hotline")
        rude = make_ticket(title="店员态度冷淡")
        other = make_ticket(store=svc["a2"], actor=svc["supervisor"], title="地面湿滑")
        away = make_ticket(store=svc["b1"], actor=svc["manager_b"], title="商品过期")
    return {"old": old, "expired": expired, "rude": rude, "a2": other, "b1": away}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["items"])


def test_store_manager_lists_only_their_stores_tickets(svc, tickets, api):
    # given
    caller = api(svc["manager"])
    # when
    response = caller.get(TICKETS)
    # then
    assert _ids(response) == sorted(tickets[name].pk for name in ("old", "expired", "rude"))
    assert response.json()["count"] == 3


@pytest.mark.parametrize(("params", "expected"), [
    ({"priority": "high"}, ["expired"]),
    ({"channel": "hotline"}, ["expired"]),
    ({"q": "过期"}, ["expired"]),
    ({"status": "new"}, ["old", "expired", "rude"]),
    ({"received_at_after": "2025-03-05"}, ["expired", "rude"]),
    ({"received_at_before": "2025-03-05"}, ["old"]),
])
def test_filters_of_the_list_page_work(svc, tickets, api, params, expected):
    # when
    response = api(svc["manager"]).get(TICKETS, **params)
    # then
    assert _ids(response) == sorted(tickets[name].pk for name in expected)


def test_store_filter_cannot_reach_out_of_scope(svc, tickets, api):
    # when: the manager of a1 asks for store b1; the COO may
    refused = api(svc["manager"]).get(TICKETS, store=str(svc["b1"].pk))
    allowed = api(svc["coo"]).get(TICKETS, store=str(svc["b1"].pk))
    # then
    assert refused.status_code == 400
    assert _ids(allowed) == [tickets["b1"].pk]


def test_one_ticket_in_scope(svc, tickets, api):
    # when
    response = api(svc["manager"]).get(f"{TICKETS}{tickets['expired'].pk}/")
    # then
    body = response.json()
    assert response.status_code == 200
    assert (body["title"], body["priority"], body["status"], body["number"]) == ("商品过期", "high", "new",
                                                                                tickets["expired"].number)


@pytest.mark.parametrize("ticket_id", ["b1", "a2", "9" * 25, "0"])
def test_out_of_scope_and_impossible_ids_answer_404(svc, tickets, api, ticket_id):
    # given
    object_id = tickets[ticket_id].pk if ticket_id in tickets else ticket_id
    caller = api(svc["manager"])
    before = list(Ticket.objects.order_by("pk").values())
    # when
    answers = [
        caller.get(f"{TICKETS}{object_id}/").status_code,
        caller.patch(f"{TICKETS}{object_id}/", {"title": "改"}).status_code,
        caller.delete(f"{TICKETS}{object_id}/").status_code,
        caller.post(f"{TICKETS}{object_id}/status/", {"status": "acknowledged"}).status_code,
        caller.post(f"{TICKETS}{object_id}/log/", {"text": "看看"}).status_code,
    ]
    # then
    assert answers == [404] * 5
    assert list(Ticket.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"title": None}, "title"),
    ({"priority": None}, "priority"),
    ({"store_id": None}, "store"),
    ({"colour": "red"}, "colour"),
    ({"status": "closed"}, "status"),  # the status moves only through /status/
    ({"store_id": 10**24}, "store"),
])
def test_bad_patch_answers_422_naming_the_field_and_changes_nothing(svc, tickets, api, body, field):
    # given
    ticket = tickets["expired"]
    before = list(Ticket.objects.filter(pk=ticket.pk).values())
    # when
    response = api(svc["manager"]).patch(f"{TICKETS}{ticket.pk}/", body)
    # then
    assert response.status_code == 422, response.content
    assert field in {part for error in response.json()["detail"] for part in error["loc"]}
    assert list(Ticket.objects.filter(pk=ticket.pk).values()) == before


def test_patch_changes_the_given_fields(svc, tickets, api):
    # given
    ticket = tickets["expired"]
    # when
    body = {"priority": "urgent", "description": "牛奶过期两天"}
    response = api(svc["manager"]).patch(f"{TICKETS}{ticket.pk}/", body)
    # then
    ticket.refresh_from_db()
    assert response.status_code == 200
    assert (ticket.priority, ticket.description, ticket.title) == ("urgent", "牛奶过期两天", "商品过期")


def test_patch_refuses_an_owner_of_another_store_or_company(svc, tickets, api):
    # given: the manager of b1 (same company, cannot see a1) and an admin of another company
    from opsdesk.core.testing.factories import make_user

    stranger = make_user("admin", username="stranger")
    ticket = tickets["expired"]
    caller = api(svc["coo"])
    # when
    same_company = caller.patch(f"{TICKETS}{ticket.pk}/", {"owner_id": svc["manager_b"].pk})
    other_company = caller.patch(f"{TICKETS}{ticket.pk}/", {"owner_id": stranger.pk})
    # then
    assert (same_company.status_code, other_company.status_code) == (422, 422)
    assert same_company.json()["detail"][0]["msg"] == "此人看不到该对象，或其角色不能处理它。"
    assert other_company.json()["detail"][0]["msg"] == "所选对象不存在或不在你的权限范围内。"
    assert Ticket.objects.get(pk=ticket.pk).owner == svc["manager"]


def test_status_endpoint_moves_the_ticket(svc, tickets, api):
    # given
    ticket = tickets["expired"]
    url = f"{TICKETS}{ticket.pk}/status/"
    caller = api(svc["manager"])
    # when
    acknowledged = caller.post(url, {"status": "acknowledged", "note": "已致电"})
    refused = caller.post(url, {"status": "closed"})
    unresolved = caller.post(url, {"status": "resolved"})
    resolved = caller.post(url, {"status": "resolved", "resolution": "已退款并致歉"})
    closed = caller.post(url, {"status": "closed"})
    # then
    assert acknowledged.json() == {"id": ticket.pk, "status": "acknowledged", "csat_token": None}
    assert (refused.status_code, refused.json()["detail"][0]["loc"]) == (422, ["body", "status"])
    assert (unresolved.status_code, unresolved.json()["detail"][0]["loc"]) == (422, ["body", "resolution"])
    assert resolved.json()["status"] == "resolved"
    token = closed.json()["csat_token"]
    assert closed.status_code == 200
    assert token
    assert CsatRequest.objects.get(ticket=ticket).token_hash == CsatRequest.hash_token(token)


def test_staff_and_auditor_cannot_move_a_ticket(svc, tickets, api):
    # given
    ticket = tickets["expired"]
    # when
    answers = [api(svc[role]).post(f"{TICKETS}{ticket.pk}/status/", {"status": "acknowledged"}).status_code
               for role in ("staff", "auditor")]
    # then
    assert answers == [404, 404]
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_log_endpoint_adds_a_line(svc, tickets, api):
    # given
    ticket = tickets["rude"]
    # when
    response = api(svc["manager"]).post(f"{TICKETS}{ticket.pk}/log/", {"kind": "call", "text": "已致电顾客道歉",
                                                                        "is_customer_contact": True})
    bad = api(svc["manager"]).post(f"{TICKETS}{ticket.pk}/log/", {"kind": "status", "text": "伪造"})
    # then
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["text"]) == ("call", "已致电顾客道歉")
    assert bad.status_code == 422
    ticket.refresh_from_db()
    assert ticket.status == "acknowledged"
    assert ticket.first_response_at is not None
