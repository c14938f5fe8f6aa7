"""The "service_ticket" inbox provider: SLA items of open tickets, follow-ups of low CSAT scores, scope, keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.core import extensions
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.core.inbox_items import end_of_day
from opsdesk.service.choices import TicketPriorityChoices, TicketStatusChoices
from opsdesk.service.inbox import PROVIDER
from opsdesk.service.tests.test_kpis import at, make_csat, make_ticket

NOW = at(2, 10, 25)  # Monday 2 March 2026, 10:25 Shanghai
URGENT = TicketPriorityChoices.URGENT  # 30 business minutes to the first response, 240 to the resolution


@pytest.fixture(autouse=True)
def _live_inbox(settings):
    settings.OPSDESK_INBOX_CACHE_SECONDS = 0


def inbox_fixture(org) -> dict:
    a1, b1 = org.stores["a1"], org.stores["b1"]
    closed = {"status": TicketStatusChoices.CLOSED, "first_response_at": at(1, 10), "resolved_at": at(1, 11),
              "closed_at": at(1, 12)}
    tickets = {
        "approaching": make_ticket(a1, received=at(2, 10), priority=URGENT),  # 25 of 30 min
        "breached": make_ticket(a1, received=at(2, 9), priority=URGENT),  # 85 of 30 min
        "fresh": make_ticket(a1, received=at(2, 10, 20), priority=URGENT),  # 5 of 30 min
        "answered": make_ticket(a1, received=at(2, 9), priority=URGENT, first_response_at=at(2, 9, 10),
                                status=TicketStatusChoices.IN_PROGRESS),  # 85 of 240 min to the resolution
        "other_store": make_ticket(b1, received=at(2, 9), priority=URGENT),
        "unhappy": make_ticket(a1, received=at(1, 9), **closed),
        "happy": make_ticket(a1, received=at(1, 9), **closed),
        "long_ago": make_ticket(a1, received=at(20, 9, month=1), **closed),
    }
    requests = {
        "unhappy": make_csat(tickets["unhappy"], score=2, answered=at(1, 20), comment="态度差"),
        "happy": make_csat(tickets["happy"], score=4, answered=at(1, 20)),
        "long_ago": make_csat(tickets["long_ago"], score=1, answered=at(21, 9, month=1)),  # over 30 days
    }
    return {"tickets": tickets, "requests": requests}


def test_store_manager_sees_sla_risks_and_low_csat_of_their_store(org):
    # given
    data = inbox_fixture(org)
    tickets, unhappy = data["tickets"], data["requests"]["unhappy"]
    # when
    items = PROVIDER.items_for_user(org.users["store_manager"], NOW)
    # then
    assert {item.key: (item.severity, item.due) for item in items} == {
        f"sla:{tickets['breached'].pk}": (Sev.CRITICAL, at(2, 9, 30)),
        f"sla:{tickets['approaching'].pk}": (Sev.HIGH, at(2, 10, 30)),
        f"csat:{unhappy.pk}": (Sev.MEDIUM, end_of_day(at(3, 0).date())),
    }
    breached = next(item for item in items if item.severity == Sev.CRITICAL)
    assert str(breached.title) == f"工单 SLA 超时：{tickets['breached'].title}"
    assert str(breached.link) == tickets["breached"].get_absolute_url()
    assert breached.store_id == org.stores["a1"].pk
    assert breached.source_owner_id is None


def test_a_company_wide_user_sees_every_store(org):
    data = inbox_fixture(org)
    keys = {item.key for item in PROVIDER.items_for_user(org.users["coo"], NOW)}
    assert f"sla:{data['tickets']['other_store'].pk}" in keys
    assert len(keys) == 4


def test_item_for_user_fetches_one_item_in_scope(org):
    # given
    data = inbox_fixture(org)
    tickets, manager = data["tickets"], org.users["store_manager"]
    # when
    found = PROVIDER.item_for_user(manager, f"sla:{tickets['approaching'].pk}", NOW)
    csat = PROVIDER.item_for_user(manager, f"csat:{data['requests']['unhappy'].pk}", NOW)
    # then
    assert (found.key, found.severity) == (f"sla:{tickets['approaching'].pk}", Sev.HIGH)
    assert csat.severity == Sev.MEDIUM
    for key in (f"sla:{tickets['other_store'].pk}", f"sla:{tickets['fresh'].pk}",
                f"csat:{data['requests']['happy'].pk}", "sla:abc", "sla:", "nope:1", "sla:²"):
        assert PROVIDER.item_for_user(manager, key, NOW) is None
    assert PROVIDER.items_for_user(org.users["supplier"], NOW) == []


def test_provider_is_registered_and_shows_in_the_inbox_page(org, login):
    # given: an urgent ticket left unanswered for two days
    ticket = make_ticket(org.stores["a1"], received=timezone.now() - timedelta(days=2), priority=URGENT,
                         title="冷柜漏水无人处理")
    # when
    page = login(org.users["store_manager"]).get(reverse("cockpit:inbox")).content.decode()
    # then
    assert PROVIDER in extensions.inbox_providers()
    assert "冷柜漏水无人处理" in page
    assert ticket.get_absolute_url() in page
