"""KPI golden values (people_open_positions at the period end, people_time_to_hire over the hires of the period)
and the inbox items for missing interview feedback and unanswered offers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.people.models import Position
from opsdesk.people.models.recruitment import Application, Candidate, Interview, Requisition
from opsdesk.people.wiring.recruitment import PROVIDER

PERIOD = (date(2025, 2, 1), date(2025, 3, 31))


def _local(*parts) -> datetime:
    return timezone.make_aware(datetime(*parts))


def _requisition(org, store, headcount, *, approved=None, closed=None, status="approved") -> Requisition:
    position = Position.objects.create(company=org.company, code=f"PK{Position.objects.count() + 1}", name="店员",
                                       level=1)
    return Requisition.objects.create(company=org.company, store=org.stores[store] if store else None,
                                      position=position, headcount=headcount, requested_by=org.users["hr"],
                                      status=status, approved_at=approved, closed_at=closed)


def _hires(requisition, *days) -> None:
    for day in days:
        candidate = Candidate.objects.create(company=requisition.company, name=f"入职{day}")
        Application.objects.create(requisition=requisition, candidate=candidate, stage="hired", hired_on=day)


@pytest.fixture
def facts(org):
    """Six requisitions (see each line); the period is 2025-02-01 .. 2025-03-31."""
    # a1, 3 wanted, approved 00:30 local on 10 Jan (16:30 UTC on the 9th), hired 5 Feb and 2 Apr: open 3 - 1 = 2
    r1 = _requisition(org, "a1", 3, approved=_local(2025, 1, 10, 0, 30))
    _hires(r1, date(2025, 2, 5), date(2025, 4, 2))
    # a2, approved 1 Mar, cancelled 15 Mar: closed at the period end
    _requisition(org, "a2", 2, approved=_local(2025, 3, 1, 9), closed=_local(2025, 3, 15, 9), status="cancelled")
    # b1, 1 wanted, approved 20 Mar: open 1
    _requisition(org, "b1", 1, approved=_local(2025, 3, 20, 9))
    # a1, approved 5 Apr: after the period end
    _requisition(org, "a1", 2, approved=_local(2025, 4, 5, 9))
    # head office, 4 wanted, approved 1 Feb, two hired 10 Mar, two 10 Apr (filled then): open 4 - 2 = 2
    r5 = _requisition(org, None, 4, approved=_local(2025, 2, 1, 9), closed=_local(2025, 4, 10, 9), status="filled")
    _hires(r5, date(2025, 3, 10), date(2025, 3, 10), date(2025, 4, 10), date(2025, 4, 10))
    # pending, never approved
    _requisition(org, "a1", 5, status="pending")
    return org


def _measure(code, org, store_keys=None):
    stores = None if store_keys is None else tuple(org.stores[key].pk for key in store_keys)
    return kpis()[code].measure(KpiScope(company_id=org.company.pk, store_ids=stores), PERIOD)


def test_open_positions_golden_values(facts):
    # given: the facts above; when / then
    assert _measure("people_open_positions", facts) == 5.0  # 2 (a1) + 1 (b1) + 2 (head office)
    assert _measure("people_open_positions", facts, ("a1", "a2")) == 2.0
    assert _measure("people_open_positions", facts, ("b1",)) == 1.0
    assert _measure("people_open_positions", facts, ("b2",)) == 0.0


def test_time_to_hire_golden_values(facts):
    # given: hires in the period: 5 Feb for the a1 requisition approved 10 Jan (26 days, local dates) and two on
    # 10 Mar for the head-office one approved 1 Feb (37 days each); when / then
    assert _measure("people_time_to_hire", facts) == pytest.approx((26 + 37 + 37) / 3)
    assert _measure("people_time_to_hire", facts, ("a1", "a2")) == 26.0
    assert _measure("people_time_to_hire", facts, ("b1",)) is None


def test_kpi_definitions_read_as_intended():
    # given / when
    open_positions, time_to_hire = kpis()["people_open_positions"], kpis()["people_time_to_hire"]
    # then
    assert (open_positions.unit, open_positions.direction) == ("count", "lower")
    assert (time_to_hire.unit, time_to_hire.direction) == ("days", "lower")


def test_inbox_chases_missing_feedback_after_a_day_and_offers_after_a_week(org):
    # given
    requisition = _requisition(org, "a1", 2, approved=timezone.now())
    now = timezone.now()
    today = timezone.localdate(now)
    supervisor = org.users["supervisor"]

    def application(name, **fields):
        candidate = Candidate.objects.create(company=org.company, name=name)
        return Application.objects.create(requisition=requisition, candidate=candidate, **fields)

    late = Interview.objects.create(application=application("甲", stage="interview"), interviewer=supervisor,
                                    scheduled_at=now - timedelta(days=1, minutes=5))
    Interview.objects.create(application=application("乙", stage="interview"), interviewer=supervisor,
                             scheduled_at=now - timedelta(hours=20))
    Interview.objects.create(application=application("丙", stage="interview"), interviewer=supervisor,
                             scheduled_at=now - timedelta(days=3), feedback="好", rating=4, feedback_at=now)
    waiting = application("丁", stage="offer", offer_sent_on=today - timedelta(days=8))
    application("戊", stage="offer", offer_sent_on=today - timedelta(days=7))
    application("己", stage="offer", offer_sent_on=today - timedelta(days=9), offer_accepted_on=today)
    # when
    supervisor_keys = sorted(item.key for item in PROVIDER.items_for_user(supervisor, now))
    manager_keys = sorted(item.key for item in PROVIDER.items_for_user(org.users["store_manager"], now))
    # then
    assert supervisor_keys == sorted([f"feedback:{late.pk}", f"offer:{waiting.pk}"])
    assert manager_keys == [f"offer:{waiting.pk}"]  # not their interview; the offer is in their store
    assert PROVIDER.items_for_user(org.users["staff"], now) == []
    assert PROVIDER.item_for_user(org.users["store_manager"], f"feedback:{late.pk}", now) is None
