"""Training KPIs and the quarterly plan page: golden values of a hand-built Q4 (computed by hand in the comments)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.people.models.training import Enrolment, TrainingPlan, TrainingProgramme, TrainingSession
from opsdesk.people.selectors.training import quarter_period, training_figures

Q3, Q4 = quarter_period(2026, 3), quarter_period(2026, 4)


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def _session(org, store, programme, starts, status="held", company=None, **fields):
    return TrainingSession.objects.create(company=company or org.company, programme=programme, store=store,
                                          starts_at=starts, ends_at=starts + timedelta(hours=2), status=status,
                                          **fields)


def _enrol(session, status, store=None, **fields):
    employee = EmployeeFactory(store=store or session.store, company=session.company)
    return Enrolment.objects.create(session=session, employee=employee, status=status, **fields)


@pytest.fixture
def q4(org):
    """Q4 2026 (see the module docstring of selectors.training for the rules):

    s1 a1 P 10-10 held: attended ×3 (scores 80 pass / 50 fail / none; ratings 5, 4), absent ×1, cancelled ×1
       cost 300 + 50 × 3 = 450
    s2 a2 Q 11-05 held, actual cost 200: attended ×2 (rating 3)
    s3 head office P 12-01 held: attended ×1, absent ×1; cost 300 + 50 = 350
    s4 b1 Q 12-02 held: attended ×1; cost 0
    s8 a2 Q 12-31 23:00 held: attended ×1; cost 0
    not counted in Q4: s5 a1 cancelled, s6 a1 confirmed (scheduled only), s7 a1 09-30 23:30 held (Q3),
    s9 x1 (company B) held
    """
    a1, a2, b1 = org.stores["a1"], org.stores["a2"], org.stores["b1"]
    p = TrainingProgramme.objects.create(company=org.company, code="P", name="服务态度", topic="service_attitude",
                                         duration_hours=Decimal("2.0"), cost_per_session=300, cost_per_trainee=50,
                                         pass_mark=60)
    q = TrainingProgramme.objects.create(company=org.company, code="Q", name="消防安全", topic="safety",
                                         duration_hours=Decimal("1.5"))
    s1 = _session(org, a1, p, local(2026, 10, 10))
    _enrol(s1, "attended", test_score=80, passed=True, feedback_rating=5)
    _enrol(s1, "attended", test_score=50, passed=False, feedback_rating=4)
    _enrol(s1, "attended")
    _enrol(s1, "absent")
    _enrol(s1, "cancelled")
    s2 = _session(org, a2, q, local(2026, 11, 5), actual_cost=200)
    _enrol(s2, "attended", feedback_rating=3)
    _enrol(s2, "attended")
    s3 = _session(org, None, p, local(2026, 12, 1))
    _enrol(s3, "attended", store=a1)
    _enrol(s3, "absent", store=a1)
    s4 = _session(org, b1, q, local(2026, 12, 2))
    _enrol(s4, "attended")
    s8 = _session(org, a2, q, local(2026, 12, 31, 23))
    _enrol(s8, "attended")
    _enrol(_session(org, a1, p, local(2026, 12, 20), status="cancelled"), "cancelled")
    _session(org, a1, p, local(2026, 12, 28), status="confirmed")
    _enrol(_session(org, a1, p, local(2026, 9, 30, 23, 30)), "attended")
    other = TrainingProgramme.objects.create(company=org.other_company, code="P", name="外司课程", topic="safety",
                                             duration_hours=1)
    _enrol(_session(org, org.stores["x1"], other, local(2026, 11, 1), company=org.other_company), "attended")
    TrainingPlan.objects.create(company=org.company, year=2026, quarter=4, planned_sessions=6)
    TrainingPlan.objects.create(company=org.company, region=org.region_a, year=2026, quarter=4, planned_sessions=4)
    return org


def _measure(code: str, store_ids=None, period=Q4, org=None):
    return extensions.kpis()[code].measure(KpiScope(org.company.pk, store_ids), period)


def test_trainings_held_counts_held_sessions_by_start_date_and_store(q4):
    org = q4
    a1, a2, b1 = (org.stores[key].pk for key in ("a1", "a2", "b1"))
    # the whole company: s1 s2 s3 s4 s8 (head office included)
    assert _measure("people_trainings_held", org=org) == 5.0
    # stores a1 and a2: s1 s2 s8 (the head-office session s3 only counts company-wide)
    assert _measure("people_trainings_held", (a1, a2), org=org) == 3.0
    assert _measure("people_trainings_held", (b1,), org=org) == 1.0
    # Q3: s7 at 23:30 local on 30 September
    assert _measure("people_trainings_held", period=Q3, org=org) == 1.0
    assert _measure("people_trainings_held", period=(date(2026, 12, 31), date(2026, 12, 31)), org=org) == 1.0


def test_attendance_hours_and_cost_per_trainee(q4):
    org = q4
    stores = (org.stores["a1"].pk, org.stores["a2"].pk)
    # company: attended 3+2+1+1+1 = 8 of seated 4+2+2+1+1 = 10
    assert _measure("people_training_attendance", org=org) == pytest.approx(80.0)
    # hours: 3×2 + 2×1.5 + 1×2 + 1×1.5 + 1×1.5 = 14
    assert _measure("people_training_hours", org=org) == pytest.approx(14.0)
    # cost: (450 + 200 + 350 + 0 + 0) / 8 = 125
    assert _measure("people_training_cost_per_trainee", org=org) == pytest.approx(125.0)
    # stores a1, a2: attended 6 of 7; hours 6 + 3 + 1.5; cost (450 + 200) / 6
    assert _measure("people_training_attendance", stores, org=org) == pytest.approx(600 / 7)
    assert _measure("people_training_hours", stores, org=org) == pytest.approx(10.5)
    assert _measure("people_training_cost_per_trainee", stores, org=org) == pytest.approx(650 / 6)


def test_no_held_session_gives_zero_held_and_no_rates(org):
    period = (date(2025, 1, 1), date(2025, 3, 31))
    assert _measure("people_trainings_held", period=period, org=org) == 0.0
    assert _measure("people_training_attendance", period=period, org=org) is None
    assert _measure("people_training_cost_per_trainee", period=period, org=org) is None


def test_figures_pass_rate_feedback_and_people(q4):
    figures = training_figures(KpiScope(q4.company.pk), Q4)
    # scheduled: not cancelled s1 s2 s3 s4 s6 s8; tested 2, passed 1; ratings 5 4 3
    assert (figures.scheduled, figures.held, figures.attended, figures.people) == (6, 5, 8, 8)
    assert (figures.pass_rate, figures.average_feedback) == (50.0, 4.0)


def test_plan_page_shows_the_quarter_exactly(q4, client):
    # given
    client.force_login(q4.users["coo"])
    # when
    response = client.get(reverse("people:training_plan"), {"year": 2026})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    for cell, value in {"planned-q4": "6", "scheduled-q4": "6", "held-q4": "5", "attendance-q4": "80.0%",
                        "trainees-q4": "8", "people-q4": "8", "hours-q4": "14.0", "cost-q4": "125.00",
                        "pass-q4": "50.0%", "feedback-q4": "4.00", "held-q3": "1", "planned-q3": "—",
                        "held-q1": "0"}.items():
        assert f'id="{cell}">{value}</td>' in page, cell
    chart = response.context["chart"]
    assert chart["data"][0]["y"] == [0, 0, 0, 6]
    assert chart["data"][1]["y"] == [0, 0, 1, 5]


def test_plan_page_of_a_region_and_of_an_out_of_scope_store(q4, client):
    client.force_login(q4.users["regional_manager"])
    response = client.get(reverse("people:training_plan"), {"year": 2026, "region": q4.region_a.pk})
    page = response.content.decode()
    assert 'id="planned-q4">4</td>' in page
    assert 'id="held-q4">3</td>' in page
    assert client.get(reverse("people:training_plan"), {"store": q4.stores["b1"].pk}).status_code == 404


def test_plan_page_renders_in_english(q4, client):
    user = q4.users["hr"]
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse("people:training_plan"), {"year": 2026}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'id="held-q4">5</td>' in response.content.decode()


def test_plan_api_returns_the_same_figures(q4, client):
    client.force_login(q4.users["coo"])
    response = client.get("/api/v1/people/training/plan/", {"year": 2026})
    assert response.status_code == 200
    row = response.json()[3]
    assert (row["quarter"], row["planned"], row["held"], row["trainees"], row["hours"], row["cost_per_trainee"]) \
        == (4, 6, 5, 8, 14.0, 125.0)


def test_brief_section_of_a_day(q4):
    from opsdesk.people.wiring.training import brief_section

    # 1 December: s3 (head office) held that day; December so far: s3 only (s4 is on the 2nd)
    section = brief_section(q4.company.pk, None, date(2026, 12, 1), "zh-hans")
    assert section.lines == ["当日举办培训 1 场；本月已举办 1 场，出席率 50.0%，学时 2.0 人·小时"]
    assert brief_section(q4.company.pk, None, date(2026, 1, 10), "zh-hans") is None


def test_plan_breakdown_by_region_and_by_store(q4):
    from opsdesk.people.selectors.training import plan_breakdown, plan_scope

    coo = q4.users["coo"]
    by_region = plan_breakdown(coo, plan_scope(coo), 2026)
    # region A: s1 s2 s8 held in Q4 (plan 4), s7 in Q3; region B: s4; head office: s3
    assert [(row.label, row.cells) for row in by_region] == [
        ("华东区", [(None, 0), (None, 0), (None, 1), (4, 3)]),
        ("华南区", [(None, 0), (None, 0), (None, 0), (None, 1)]),
        ("总部/外部场地", [(None, 0), (None, 0), (None, 0), (None, 1)]),
    ]
    manager = q4.users["regional_manager"]
    by_store = plan_breakdown(manager, plan_scope(manager, region_id=q4.region_a.pk), 2026)
    assert [(row.label, row.cells[3]) for row in by_store] == [("A1 上海一店", (None, 1)), ("A2 杭州一店", (None, 2))]
