"""The readiness selector gathers exactly the right inputs (newest levels, attended required trainings, the last
two done ratings, months in role) and the engine's golden score follows."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.people.models import Position
from opsdesk.people.models.skills import EmployeeSkill, PositionSkill, Skill, SkillFamily
from opsdesk.people.selectors.skills import readiness

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


def _skill(company, code):
    family, _ = SkillFamily.objects.get_or_create(company=company, code="F", defaults={"name": "类别"})
    return Skill.objects.create(company=company, family=family, code=code, name=code)


def _session(company, programme, day):
    from opsdesk.people.models import TrainingSession

    start = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9))
    return TrainingSession.objects.create(company=company, programme=programme, starts_at=start,
                                          ends_at=start.replace(hour=12), status="held")


def _programme(company, code):
    from opsdesk.people.models import TrainingProgramme

    return TrainingProgramme.objects.create(company=company, code=code, name=code, topic="service",
                                            duration_hours=2)


def _appraisal(employee, name, end, status, rating):
    from opsdesk.people.models import Appraisal, AppraisalCycle, AppraisalTemplate

    template, _ = AppraisalTemplate.objects.get_or_create(company=employee.company, name="模板")
    cycle = AppraisalCycle.objects.create(company=employee.company, name=name, period_start=end.replace(day=1),
                                          period_end=end, self_review_due=end, manager_review_due=end)
    return Appraisal.objects.create(cycle=cycle, employee=employee, template=template, status=status,
                                    final_rating=rating)


@pytest.fixture
def ladder(org):
    company = org.company
    top = Position.objects.create(company=company, code="R-NEXT", name="副店长", level=3)
    current = Position.objects.create(company=company, code="R-CUR", name="主管", level=2, next_position=top,
                                      min_months_in_role=24)
    skills = {code: _skill(company, code) for code in ("A", "B", "C")}
    PositionSkill.objects.create(position=top, skill=skills["A"], required_level=4, weight=2)
    PositionSkill.objects.create(position=top, skill=skills["B"], required_level=3)
    PositionSkill.objects.create(position=top, skill=skills["C"], required_level=2)
    return current, top, skills


def test_readiness_inputs_and_score_golden(org, ladder):
    from opsdesk.people.models import Enrolment, PositionTraining

    # given: an employee in role since 2025-03-15 (20 whole months by 2026-11-30 of 24 required)
    current, top, skills = ladder
    employee = EmployeeFactory(store=org.stores["a1"], position=current, position_since=date(2025, 3, 15),
                               hire_date=date(2020, 1, 1))
    # skills: A 2 then 3 (newest counts; a future assessment is ignored), B 4 (above 3: counts 3), C never assessed
    for code, level, day in (("A", 2, date(2025, 1, 10)), ("A", 3, date(2026, 3, 1)), ("A", 5, date(2026, 12, 31)),
                             ("B", 4, date(2026, 2, 1))):
        EmployeeSkill.objects.create(employee=employee, skill=skills[code], level=level, assessed_on=day)
    # trainings: 3 required; P1 attended, P2 attended but failed, P3 absent; P4 attended but not required
    programmes = {code: _programme(org.company, code) for code in ("P1", "P2", "P3", "P4")}
    for code in ("P1", "P2", "P3"):
        PositionTraining.objects.create(position=top, programme=programmes[code])
    for code, status, passed in (("P1", "attended", None), ("P2", "attended", False), ("P3", "absent", None),
                                 ("P4", "attended", True)):
        Enrolment.objects.create(session=_session(org.company, programmes[code], date(2026, 5, 1)),
                                 employee=employee, status=status, passed=passed)
    # ratings: done Q2 (5) and Q1 (4) count; Q3 is not signed off; Q4 2025 is the third newest
    _appraisal(employee, "2025Q4", date(2025, 12, 31), "done", 1)
    _appraisal(employee, "2026Q1", date(2026, 3, 31), "done", 4)
    _appraisal(employee, "2026Q2", date(2026, 6, 30), "done", 5)
    _appraisal(employee, "2026Q3", date(2026, 9, 30), "sign_off", 2)

    # when
    result = readiness(employee, today=TODAY)

    # then: skills (2*3 + 3 + 0) / (2*4 + 3 + 2) = 9/13; trainings 1/3; ratings 0.6*5 + 0.4*4 = 4.6 -> 0.9;
    # time 20/24. Score 40*9/13 + 20/3 + 22.5 + 12.5 = 69.359 -> 69.4
    assert result.next_position == top
    assert [(gap.skill.code, gap.required_level, gap.level, gap.shortfall) for gap in result.gaps] == [
        ("A", 4, 3, 1), ("B", 3, 4, 0), ("C", 2, 0, 2)]
    assert (result.trainings_required, result.trainings_attended) == (3, 1)
    assert result.ratings == [5, 4]
    assert result.ratings_missing is False
    assert result.months_in_role == 20
    assert result.min_months_in_role == 24
    assert result.part("skills").value == pytest.approx(9 / 13, abs=1e-12)
    assert result.part("trainings").value == pytest.approx(1 / 3, abs=1e-12)
    assert result.part("ratings").value == pytest.approx(0.9, abs=1e-12)
    assert result.part("time").value == pytest.approx(20 / 24, abs=1e-12)
    assert [part.points for part in result.parts] == [27.7, 6.7, 22.5, 12.5]
    assert result.score == 69.4
    assert result.band == "ready_in_year"


def test_readiness_without_ratings_trainings_or_dates(org, ladder):
    # given: no assessments, no required trainings, no appraisals, no start date of the role
    current, top, _skills = ladder
    employee = EmployeeFactory(store=org.stores["a1"], position=current)
    # when
    result = readiness(employee, today=TODAY)
    # then: skills 0, trainings 0 of 0 = full (20), ratings neutral (12.5, flagged), time unknown 0
    assert result.trainings_required == 0
    assert result.ratings_missing is True
    assert result.months_in_role is None
    assert result.score == 32.5
    assert result.band == "not_yet"


def test_readiness_at_the_top_of_the_ladder(org, ladder):
    # given: an employee on the top step (no next position), hired 2026-05-30: 6 of 12 months
    _current, top, _skills = ladder
    employee = EmployeeFactory(store=org.stores["a1"], position=top, hire_date=date(2026, 5, 30))
    # when
    result = readiness(employee, today=TODAY)
    # then: nothing required (40 + 20), neutral ratings 12.5, time 6/12 * 15 = 7.5
    assert result.next_position is None
    assert result.band == "top"
    assert result.score == 80.0
