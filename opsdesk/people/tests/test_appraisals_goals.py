"""Person goals (the goals app) appear in the appraisal of their person for the cycle's period, with attainment."""

from __future__ import annotations

from datetime import date

from opsdesk.goals.models import Goal
from opsdesk.people.selectors import appraisals as selectors
from opsdesk.people.tests.routes_appraisals import make_appraisal, make_cycle, own_employee


def person_goal(org, user, *, kpi="service_csat", start=date(2026, 7, 1), kind="quarter", target=90.0,
                actual=None, title="满意度 90%"):
    goal = Goal(company=org.company, title=title, kpi_code=kpi, person=user, period_kind=kind, period_start=start,
                target_kind="absolute", target_value=target)
    goal.full_clean()
    goal.save()
    Goal.objects.filter(pk=goal.pk).update(actual=actual)
    return goal


def test_the_persons_goals_of_the_cycle_show_with_attainment_by_direction(org, login, client):
    user = org.users["staff"]
    employee = own_employee(org, user)
    appraisal = make_appraisal(employee, cycle=make_cycle(org.company, start=date(2026, 7, 1),
                                                          end=date(2026, 9, 30)))
    csat = person_goal(org, user, actual=81.0)
    person_goal(org, user, start=date(2026, 10, 1), title="下季度目标")  # outside the cycle
    person_goal(org, org.users["supervisor"], title="别人的目标")  # someone else's

    [first] = selectors.person_goals(appraisal)  # not next quarter's, not someone else's
    assert (first.pk, first.title, first.target, first.actual, first.attainment_pct) == (csat.pk, "满意度 90%", 90.0,
                                                                                        81.0, 90.0)
    assert first.period == "2026-07-01 – 2026-09-30"

    login(user)
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert 'id="person-goals"' in page
    assert "满意度 90%" in page
    assert "90.0%" in page


def _codes():
    from opsdesk.core.extensions import kpis

    return kpis()


def test_a_lower_is_better_goal_reads_target_over_actual(org):
    lower = next(code for code, definition in _codes().items() if definition.direction == "lower")
    user = org.users["staff"]
    appraisal = make_appraisal(own_employee(org, user))
    person_goal(org, user, kpi=lower, target=2.0, actual=4.0, title="越低越好")
    [goal] = selectors.person_goals(appraisal)
    assert goal.attainment_pct == 50.0


def test_no_user_no_goals(org):
    from opsdesk.people.models import Employee

    employee = Employee.objects.create(company=org.company, store=org.stores["a1"], employee_no="NU-1", name="无账号")
    assert selectors.person_goals(make_appraisal(employee)) == []
