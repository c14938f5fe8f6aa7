"""Ticket services: creation in scope, owners, numbering, supplier derivation, the status workflow and the log."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from opsdesk.purchasing.tests.factories import make_product, make_supplier
from opsdesk.service import selectors, services
from opsdesk.service.models import CsatRequest, Ticket, TicketEvent, TicketPause
from opsdesk.service.tests.conftest import local


def _state(ticket) -> tuple:
    """What a refused write must leave unchanged: the ticket's row, its pauses, its log and the CSAT requests."""
    row = list(Ticket.objects.filter(pk=ticket.pk).values())
    return (row, TicketPause.objects.filter(ticket=ticket).count(), TicketEvent.objects.filter(ticket=ticket).count(),
            CsatRequest.objects.filter(ticket=ticket).count())


# ------------------------------------------------------------------------------------------------- creation


def test_create_numbers_the_ticket_owns_it_by_the_store_manager_and_logs_it(svc, make_ticket):
    # given / when: staff at the counter log two tickets in 2025
    with time_machine.travel(local(2025, 3, 10, 10), tick=False):
        first = make_ticket(actor=svc["staff"], channel="counter")
        second = make_ticket(actor=svc["staff"], title="店员态度冷淡")
    # then
    assert (first.number, second.number) == ("T2025-000001", "T2025-000002")
    assert (first.owner, first.created_by, first.company) == (svc["manager"], svc["staff"], svc["company"])
    assert (first.status, first.received_at) == ("new", local(2025, 3, 10, 10))
    assert list(first.events.values_list("kind", "text")) == [("status", "工单已登记（服务台）。")]


def test_store_manager_cannot_create_a_ticket_at_another_store(svc, make_ticket):
    # given
    before = Ticket.objects.count()
    # when
    with pytest.raises(ValidationError) as error:
        make_ticket(store=svc["b1"], actor=svc["manager"])
    # then
    assert error.value.message_dict == {"store": ["所选对象不存在或不在你的权限范围内。"]}
    assert Ticket.objects.count() == before


def test_owner_must_see_the_store(svc, make_ticket):
    # given: the manager of store b1 cannot see store a1
    before = Ticket.objects.count()
    # when
    with pytest.raises(ValidationError) as error:
        make_ticket(store=svc["a1"], actor=svc["supervisor"], owner=svc["manager_b"])
    # then
    assert error.value.message_dict == {"owner": ["此人看不到该对象，或其角色不能处理它。"]}
    assert Ticket.objects.count() == before


def test_supervisor_may_hand_a_ticket_to_the_store_manager(svc, make_ticket):
    # given / when: the supervisor may not open user accounts, but the manager of a1 is assignable
    ticket = make_ticket(actor=svc["supervisor"], owner=svc["manager"])
    moved = services.ticket_update(actor=svc["manager"], ticket=ticket, data={"owner": svc["supervisor"]})
    # then
    assert (ticket.owner, Ticket.objects.get(pk=moved.pk).owner) == (svc["manager"], svc["supervisor"])


def test_owner_must_hold_a_role_that_works_tickets(svc, make_ticket):
    # given: the auditor sees store a1 but may only read tickets
    # when
    with pytest.raises(ValidationError) as error:
        make_ticket(actor=svc["coo"], owner=svc["auditor"])
    # then
    assert set(error.value.message_dict) == {"owner"}


def test_update_refuses_an_owner_who_cannot_see_the_store(svc, make_ticket):
    # given
    ticket = make_ticket(actor=svc["supervisor"])
    before = _state(ticket)
    # when
    with pytest.raises(ValidationError) as error:
        services.ticket_update(actor=svc["supervisor"], ticket=ticket, data={"owner": svc["manager_b"]})
    # then
    assert set(error.value.message_dict) == {"owner"}
    assert _state(ticket) == before


def test_moving_a_ticket_to_a_store_its_owner_cannot_see_is_refused(svc, make_ticket):
    # given: owned by the manager of a1 (who cannot see a2)
    ticket = make_ticket(actor=svc["supervisor"])
    assert ticket.owner == svc["manager"]
    before = _state(ticket)
    # when
    with pytest.raises(ValidationError) as error:
        services.ticket_update(actor=svc["supervisor"], ticket=ticket, data={"store": svc["a2"]})
    # then
    assert set(error.value.message_dict) == {"owner"}
    assert _state(ticket) == before


def test_store_manager_cannot_change_or_see_another_stores_ticket(svc, make_ticket):
    # given: a ticket at store b1
    ticket = make_ticket(store=svc["b1"], actor=svc["manager_b"])
    before = _state(ticket)
    # when / then: no write reaches it, and no read lists it
    with pytest.raises(PermissionDenied):
        services.ticket_update(actor=svc["manager"], ticket=ticket, data={"title": "改"})
    with pytest.raises(PermissionDenied):
        services.ticket_transition(actor=svc["manager"], ticket=ticket, status="acknowledged")
    with pytest.raises(PermissionDenied):
        services.ticket_log(actor=svc["manager"], ticket=ticket, kind="note", text="看看")
    assert _state(ticket) == before
    assert list(selectors.ticket_list(user=svc["manager"])) == []
    assert list(selectors.ticket_list(user=svc["manager_b"])) == [ticket]


def test_product_names_its_supplier(svc, make_ticket):
    # given: a product of supplier "鲜达供应链", and another supplier
    supplier = make_supplier(svc["company"], code="SUP-FRESH")
    other = make_supplier(svc["company"], code="SUP-OTHER")
    product = make_product(svc["company"], sku="MILK-1")
    product.supplier = supplier
    product.save(update_fields=["supplier"])
    category = services.TicketCategory.objects.get(company=svc["company"], code="product_quality")
    # when
    derived = make_ticket(title="商品过期", category=category, product=product)
    explicit = make_ticket(title="商品过期", category=category, product=product, supplier=other)
    plain = make_ticket(title="地面湿滑")
    later = services.ticket_update(actor=svc["manager"], ticket=plain, data={"product": product})
    # then: derived when not given; an explicit supplier stays
    assert Ticket.objects.get(pk=derived.pk).supplier == supplier
    assert Ticket.objects.get(pk=explicit.pk).supplier == other
    assert Ticket.objects.get(pk=later.pk).supplier == supplier


# ------------------------------------------------------------------------------------------------- workflow


def test_invalid_transition_is_refused_with_a_field_error(svc, make_ticket):
    # given
    ticket = make_ticket()
    before = _state(ticket)
    # when
    with pytest.raises(ValidationError) as error:
        services.ticket_transition(actor=svc["manager"], ticket=ticket, status="closed")
    # then
    assert error.value.message_dict == {"status": ["工单不能从“新建”变为“已关闭”。"]}
    assert _state(ticket) == before


def test_unknown_status_is_refused(svc, make_ticket):
    # given
    ticket = make_ticket()
    before = _state(ticket)
    # when
    with pytest.raises(ValidationError) as error:
        services.ticket_transition(actor=svc["manager"], ticket=ticket, status="lost")
    # then
    assert set(error.value.message_dict) == {"status"}
    assert _state(ticket) == before


def test_resolving_needs_a_resolution(svc, make_ticket):
    # given
    ticket = make_ticket()
    before = _state(ticket)
    # when
    with pytest.raises(ValidationError) as error:
        services.ticket_transition(actor=svc["manager"], ticket=ticket, status="resolved", resolution="  ")
    # then
    assert error.value.message_dict == {"resolution": ["解决工单需要填写处理结果。"]}
    assert _state(ticket) == before


def test_staff_may_log_tickets_but_not_move_them(svc, make_ticket):
    # given
    ticket = make_ticket(actor=svc["staff"])
    before = _state(ticket)
    # when / then
    with pytest.raises(PermissionDenied):
        services.ticket_transition(actor=svc["staff"], ticket=ticket, status="acknowledged")
    assert _state(ticket) == before


def test_close_returns_a_one_time_csat_token_and_mails_the_customer(svc, make_ticket):
    # given: a resolved ticket of a customer with an e-mail address
    ticket = make_ticket(customer_email="li@example.com")
    with time_machine.travel(local(2025, 3, 10, 10), tick=False):
        services.ticket_transition(actor=svc["manager"], ticket=ticket, status="resolved", resolution="已退款")
    mail.outbox.clear()
    # when
    with time_machine.travel(local(2025, 3, 10, 11), tick=False):
        closed, token = services.ticket_transition(actor=svc["manager"], ticket=ticket, status="closed")
    # then
    request = CsatRequest.objects.get(ticket=ticket)
    assert (closed.status, closed.closed_at, closed.resolved_at) == ("closed", local(2025, 3, 10, 11),
                                                                   local(2025, 3, 10, 10))
    assert token
    assert request.token_hash == CsatRequest.hash_token(token)
    assert request.expires_at == local(2025, 3, 24, 11)
    assert [message.to for message in mail.outbox] == [["li@example.com"]]
    assert token in mail.outbox[0].body
    # and the customer answers once
    with time_machine.travel(local(2025, 3, 11, 9), tick=False):
        services.csat_answer(token=token, score=4, comment="处理及时")
    with pytest.raises(ValidationError):
        services.csat_answer(token=token, score=5)
    request.refresh_from_db()
    assert (request.score, request.comment) == (4, "处理及时")


def test_other_transitions_return_no_token(svc, make_ticket):
    # given
    ticket = make_ticket()
    # when
    moved, token = services.ticket_transition(actor=svc["manager"], ticket=ticket, status="in_progress",
                                              note="已联系顾客")
    # then
    assert (moved.status, token, CsatRequest.objects.filter(ticket=ticket).count()) == ("in_progress", None, 0)
    assert moved.events.order_by("-pk").values_list("text", flat=True)[0] == "状态：新建 → 处理中. 已联系顾客"


def test_contacting_the_customer_is_the_first_response(svc, make_ticket):
    # given
    with time_machine.travel(local(2025, 3, 10, 9), tick=False):
        ticket = make_ticket()
    # when: a note (no contact) then a call
    with time_machine.travel(local(2025, 3, 10, 9, 30), tick=False):
        services.ticket_log(actor=svc["manager"], ticket=ticket, kind="note", text="查看监控")
    with time_machine.travel(local(2025, 3, 10, 9, 45), tick=False):
        event = services.ticket_log(actor=svc["manager"], ticket=ticket, kind="call", text="已致电顾客",
                                    is_customer_contact=True)
    # then
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == ("acknowledged", local(2025, 3, 10, 9, 45))
    assert (event.kind, event.author, event.is_customer_contact) == ("call", svc["manager"], True)


def test_log_refuses_status_lines_and_empty_text(svc, make_ticket):
    # given
    ticket = make_ticket()
    before = _state(ticket)
    # when / then
    with pytest.raises(ValidationError) as kind_error:
        services.ticket_log(actor=svc["manager"], ticket=ticket, kind="escalation", text="伪造升级")
    with pytest.raises(ValidationError) as text_error:
        services.ticket_log(actor=svc["manager"], ticket=ticket, kind="note", text="   ")
    assert set(kind_error.value.message_dict) == {"kind"}
    assert set(text_error.value.message_dict) == {"text"}
    assert _state(ticket) == before
