"""KPIs of customer service against hand computations, their registration, the cockpit tiles and the brief section.

Times are Shanghai wall times; a store without recorded hours is open 09:00-21:00 every day, and the urgent SLA is
30 business minutes to the first response and 240 to the resolution (selectors.DEFAULT_TARGETS).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.sales.models import StoreDaySales
from opsdesk.service import kpis, selectors
from opsdesk.service.choices import TicketPriorityChoices, TicketStatusChoices, TicketTypeChoices
from opsdesk.service.models import CsatRequest, Survey, SurveyResponse, Ticket, TicketPause

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = (date(2026, 3, 1), date(2026, 3, 31))
_serial = count(1)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def make_ticket(store, *, received: datetime, status: str = TicketStatusChoices.NEW, **fields) -> Ticket:
    """A ticket written directly (the services are tested elsewhere): the figures here need exact timestamps."""
    fields.setdefault("title", f"工单 {next(_serial)}")
    return Ticket.objects.create(company_id=store.company_id, store=store, received_at=received, status=status,
                                 number=f"T-{next(_serial)}", **fields)


def make_csat(ticket: Ticket, *, score: int | None, answered: datetime | None, comment: str = "") -> CsatRequest:
    return CsatRequest.objects.create(ticket=ticket, token_hash=f"hash-{next(_serial)}", created_at=ticket.received_at,
                                      expires_at=ticket.received_at + timedelta(days=14), answered_at=answered,
                                      score=score, comment=comment)


def make_responses(store, scores: list[int | None], *, submitted: datetime, reasons: list[str] = ()) -> None:
    survey = Survey.objects.get_or_create(company_id=store.company_id, name="NPS")[0]
    reasons = list(reasons) + [""] * (len(scores) - len(reasons))
    for score, reason in zip(scores, reasons, strict=True):
        SurveyResponse.objects.create(survey=survey, store=store, submitted_at=submitted, nps_score=score,
                                      nps_reason=reason)


def csat_fixture(store, scores: list[int], *, answered: datetime) -> None:
    received = answered - timedelta(days=1)
    ticket = make_ticket(store, received=received, status=TicketStatusChoices.CLOSED,
                         first_response_at=received + timedelta(minutes=5), resolved_at=received + timedelta(hours=1),
                         closed_at=received + timedelta(hours=2))
    for score in scores:
        make_csat(ticket, score=score, answered=answered)


def scope_of(*stores) -> KpiScope:
    return KpiScope(company_id=stores[0].company_id, store_ids=tuple(store.pk for store in stores))


# ------------------------------------------------------------------------------------------------ CSAT


def test_csat_is_the_share_of_answers_scoring_4_or_5(org):
    # given: four answers in March at a1, plus answers that must not count
    a1 = org.stores["a1"]
    csat_fixture(a1, [5, 4, 3, 1], answered=at(10, 12))
    csat_fixture(a1, [1, 1], answered=at(1, 0, month=4))  # April 1st 00:00: after the period
    csat_fixture(org.stores["b1"], [1], answered=at(10, 12))  # another store
    make_csat(make_ticket(a1, received=at(9, 10)), score=None, answered=None)  # asked, never answered
    # when
    value = kpis.csat_percent(scope_of(a1), MARCH)
    company = kpis.csat_percent(KpiScope(company_id=org.company.pk), MARCH)
    # then: 2 of 4; the company counts b1's answer too (2 of 5)
    assert value == 50.0
    assert company == 40.0


def test_csat_without_answers_is_none(org):
    assert kpis.csat_percent(scope_of(org.stores["a1"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ NPS


@pytest.mark.parametrize(("scores", "expected"), [
    ([10, 9, 8, 6, 0], 0.0),  # 2 promoters, 2 detractors of 5: 40 - 40
    ([10, 10, 9, 7], 75.0),  # 3 of 4 promoters, no detractors
    ([6, 6, 7, 8], -50.0),  # 2 of 4 detractors
    ([9, 8, 7, 6, 5, 4, 3, 2], -50.0),  # 1 promoter, 5 detractors of 8: 12.5 - 62.5
])
def test_nps_is_promoters_minus_detractors(org, scores, expected):
    # given
    a1 = org.stores["a1"]
    make_responses(a1, scores, submitted=at(15, 18))
    make_responses(a1, [None, None], submitted=at(15, 18))  # a response without an NPS answer
    make_responses(a1, [0, 0, 0], submitted=at(28, 23, month=2))  # February
    # when
    value = kpis.nps_value(scope_of(a1), MARCH)
    # then
    assert value == pytest.approx(expected, abs=1e-9)


def test_nps_without_responses_is_none(org):
    make_responses(org.stores["b1"], [10], submitted=at(15, 18))
    assert kpis.nps_value(scope_of(org.stores["a1"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ SLA compliance


def sla_fixture(store) -> dict[str, Ticket]:
    """Urgent tickets received Monday 2 March 10:00 (targets 30 / 240 business minutes, open 09:00-21:00)."""
    urgent = {"priority": TicketPriorityChoices.URGENT, "status": TicketStatusChoices.RESOLVED}
    tickets = {
        # first response after 20 min, resolved after 120 min: met
        "met": make_ticket(store, received=at(2, 10), first_response_at=at(2, 10, 20), resolved_at=at(2, 12),
                           **urgent),
        # first response after 45 min: missed
        "late_response": make_ticket(store, received=at(2, 10), first_response_at=at(2, 10, 45),
                                     resolved_at=at(2, 11), **urgent),
        # resolved after 300 min: missed
        "late_resolution": make_ticket(store, received=at(2, 10), first_response_at=at(2, 10, 10),
                                       resolved_at=at(2, 15), **urgent),
        # on time by the clock, but the sweep flagged a breach: missed
        "flagged": make_ticket(store, received=at(2, 10), first_response_at=at(2, 10, 5), resolved_at=at(2, 10, 30),
                               resolution_breached=True, **urgent),
        # 270 wall minutes, of which 180 waiting on the customer: 90 business minutes, met
        "paused": make_ticket(store, received=at(2, 10), first_response_at=at(2, 10, 10), resolved_at=at(2, 14, 30),
                              **urgent),
        # received 20:50, answered 09:15 next morning: 10 + 15 business minutes, met; resolved 10:00 (70): met
        "overnight": make_ticket(store, received=at(2, 20, 50), first_response_at=at(3, 9, 15),
                                 resolved_at=at(3, 10), **urgent),
        # resolved in February, and still open: not in March's figure
        "february": make_ticket(store, received=at(27, 10, month=2), first_response_at=at(27, 10, 5, month=2),
                                resolved_at=at(27, 11, month=2), **urgent),
        "open": make_ticket(store, received=at(2, 10), priority=TicketPriorityChoices.URGENT),
    }
    TicketPause.objects.create(ticket=tickets["paused"], started_at=at(2, 11), ended_at=at(2, 14),
                               reason=TicketStatusChoices.WAITING_CUSTOMER)
    return tickets


def test_sla_compliance_counts_tickets_resolved_in_the_period_meeting_both_targets(org):
    # given
    a1 = org.stores["a1"]
    tickets = sla_fixture(a1)
    # when
    value = kpis.sla_compliance_percent(scope_of(a1), MARCH)
    # then: met, paused and overnight of the six resolved in March
    assert value == 50.0
    # and the batched clock agrees with the ticket page's clock, ticket by ticket
    resolved = list(kpis.resolved_tickets(Ticket.objects.filter(store=a1), MARCH))
    states = kpis.sla_states(resolved)
    met = {ticket.title for ticket in resolved if kpis.sla_met(ticket, *states[ticket.pk])}
    assert met == {tickets[name].title for name in ("met", "paused", "overnight")}
    for ticket in resolved:  # resolved clocks are frozen: "now" does not matter
        assert states[ticket.pk] == selectors.ticket_sla(ticket)


def test_sla_compliance_without_resolved_tickets_is_none(org):
    make_ticket(org.stores["a1"], received=at(2, 10))
    assert kpis.sla_compliance_percent(scope_of(org.stores["a1"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ complaints


def test_complaints_per_10k_transactions_of_the_same_stores_and_days(org):
    # given: 3 complaints and a suggestion at a1 in March, 1 complaint at b1; transactions on two March days
    a1, b1 = org.stores["a1"], org.stores["b1"]
    for day in (1, 15, 31):
        make_ticket(a1, received=at(day, 12), type=TicketTypeChoices.COMPLAINT)
    make_ticket(a1, received=at(15, 12), type=TicketTypeChoices.SUGGESTION)
    make_ticket(a1, received=at(1, 0, month=4), type=TicketTypeChoices.COMPLAINT)  # April
    make_ticket(b1, received=at(15, 12), type=TicketTypeChoices.COMPLAINT)
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 1), transactions=1000)
    StoreDaySales.objects.create(store=a1, date=date(2026, 3, 31), transactions=2000)
    StoreDaySales.objects.create(store=a1, date=date(2026, 4, 1), transactions=99_999)  # April
    StoreDaySales.objects.create(store=b1, date=date(2026, 3, 2), transactions=1000)
    # when
    store = kpis.complaints_per_10k_transactions(scope_of(a1), MARCH)
    both = kpis.complaints_per_10k_transactions(scope_of(a1, b1), MARCH)
    # then: 3 / 3000 x 10,000 and (3 + 1) / 4000 x 10,000
    assert store == 10.0
    assert both == 10.0
    assert kpis.complaints_per_10k_transactions(scope_of(org.stores["a2"]), MARCH) is None


# ------------------------------------------------------------------------------------------------ registries


def test_the_kpis_are_registered_with_unit_and_direction():
    registered = extensions.kpis()
    assert {code: (registered[code].unit, registered[code].direction) for code in registered
            if code.startswith("service_")} == {
        "service_csat": ("%", "higher"), "service_nps": ("score", "higher"),
        "service_sla_compliance": ("%", "higher"), "service_complaints_per_10k": ("per10k", "lower")}
    assert registered["service_csat"].measure is kpis.csat_percent


def test_cockpit_tiles_show_the_users_scope(org, login, settings):
    # given: a1 (the store manager's) and b1 answers this month
    settings.LANGUAGE_CODE = "zh-hans"
    today = date.today()
    this_month = datetime(today.year, today.month, 1, 12, tzinfo=SHANGHAI)
    csat_fixture(org.stores["a1"], [5, 1], answered=this_month)
    csat_fixture(org.stores["b1"], [5, 5], answered=this_month)
    make_ticket(org.stores["a1"], received=this_month, type=TicketTypeChoices.COMPLAINT)
    make_ticket(org.stores["b1"], received=this_month, type=TicketTypeChoices.COMPLAINT)
    # when
    manager = kpis.cockpit_tiles(org.users["store_manager"], today)
    coo = kpis.cockpit_tiles(org.users["coo"], today)
    page = login(org.users["store_manager"]).get(reverse("cockpit:extension_tiles")).content.decode()
    # then: CSAT counts the closed tickets' answers (the complaints are open)
    assert [(tile["value"], tile["tone"]) for tile in manager] == [
        ("1", "warning"), ("—", "neutral"), ("50.0", "danger"), ("—", "neutral")]
    assert [tile["value"] for tile in coo] == ["2", "—", "75.0", "—"]
    # other apps add their own tiles to the same strip: each of customer service's four appears once
    labels = ("未结投诉", "SLA 达成率（本月）", "顾客满意度（本月）", "NPS（本季度）")
    assert [page.count(label) for label in labels] == [1, 1, 1, 1]
    assert "50.0" in page
    assert kpis.cockpit_tiles(org.users["supplier"], today) == []


def test_brief_section_counts_the_days_tickets(org):
    # given: on 10 March at a1, two new tickets (one breached and still open) and one resolved that day
    a1 = org.stores["a1"]
    make_ticket(a1, received=at(10, 9), resolution_breached=True)
    make_ticket(a1, received=at(10, 11), status=TicketStatusChoices.RESOLVED, resolved_at=at(10, 15))
    make_ticket(a1, received=at(8, 11), status=TicketStatusChoices.RESOLVED, resolved_at=at(11, 9))  # open then
    make_ticket(a1, received=at(11, 9))  # the next day
    make_ticket(org.stores["b1"], received=at(10, 9))  # another store
    csat_fixture(a1, [5, 2], answered=at(10, 20))
    csat_fixture(a1, [5], answered=at(3, 20))
    # when
    section = kpis.brief_section(org.company.pk, (a1.pk,), date(2026, 3, 10), "zh-hans")
    # then: the CSAT fixture's tickets were received 9 and 2 March and resolved the same day
    assert section.title == "客户服务"
    assert section.lines == ["新工单 2 张，日终未结 2 张，其中 SLA 超时 1 张", "顾客满意度：当日 50.0%，本月 66.7%"]
