"""The training demo: programmes with questions and required positions, a year of sessions with enrolments, and held
trainings in the quarter of the demo day (the KPI reads them)."""

from __future__ import annotations

from datetime import date, timedelta

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiScope
from opsdesk.core.testing.factories import EmployeeFactory, PositionFactory, build_small_company
from opsdesk.people.demo import training as demo
from opsdesk.people.models.training import (
    Enrolment,
    PositionTraining,
    TrainingPlan,
    TrainingProgramme,
    TrainingSession,
)
from opsdesk.people.selectors.training import quarter_period

TODAY = date(2026, 11, 20)


def _company(db):
    company = build_small_company()
    clerk = PositionFactory(company=company["company"], code="CLERK", name="店员", level=1)
    manager = PositionFactory(company=company["company"], code="STORE_MANAGER", name="店长", level=4)
    for store in (company["a1"], company["a2"], company["b1"]):
        for number in range(8):
            EmployeeFactory(store=store, position=manager if number == 0 else clerk,
                            hire_date=TODAY - timedelta(days=900))
    return company["company"]


def test_demo_builds_a_year_of_trainings_with_held_ones_this_quarter(db):
    # given
    company = _company(db)
    # when
    counts = demo.build(company, TODAY)
    # then
    assert counts["programmes"] == len(demo.PROGRAMMES) == TrainingProgramme.objects.filter(company=company).count()
    assert counts["sessions"] == TrainingSession.objects.filter(company=company).count()
    assert counts["enrolments"] == Enrolment.objects.filter(session__company=company).count()
    assert TrainingProgramme.objects.get(company=company, code="SVC-ATT").name == "服务态度与礼仪"
    assert TrainingProgramme.objects.get(company=company, code="SVC-ATT").questions.count() == 3
    assert PositionTraining.objects.filter(position__company=company, position__code="CLERK").count() == 3
    held = extensions.kpis()["people_trainings_held"].measure(KpiScope(company.pk), quarter_period(2026, 4))
    stores_held = TrainingSession.objects.filter(company=company, status="held", store__isnull=False,
                                                 starts_at__date__gte=TODAY - timedelta(days=14)).count()
    assert held >= 3
    assert stores_held >= 3
    assert TrainingSession.objects.filter(company=company, starts_at__date__gt=TODAY,
                                          status__in=("planned", "confirmed")).count() >= 3
    assert Enrolment.objects.filter(session__company=company, status="attended", test_score__isnull=False).exists()
    assert TrainingPlan.objects.filter(company=company, store__isnull=True, region__isnull=True, year=2026,
                                       quarter=4).exists()


def test_demo_is_deterministic_and_runs_once(db):
    company = _company(db)
    first = demo.build(company, TODAY)
    again = demo.build(company, TODAY)
    assert first["sessions"] > 0
    assert again["sessions"] == 0
    assert TrainingSession.objects.filter(company=company).count() == first["sessions"]
