"""Headcount and turnover KPIs (golden values counted by hand), the cockpit tiles and the org chart's scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.core.testing.factories import CompanyFactory, EmployeeFactory, RegionFactory, StoreFactory
from opsdesk.people.models import Employee, Position
from opsdesk.people.selectors.employees import org_chart
from opsdesk.people.wiring.employees import cockpit_tiles

Q3 = (date(2026, 7, 1), date(2026, 9, 30))


@pytest.fixture
def staff_history(db):
    """Store S1, store S2 and head office, with hires and leavers around Q3 2026 (see each line)."""
    company = CompanyFactory(code="KPI")
    region = RegionFactory(company=company)
    s1, s2 = StoreFactory(region=region, code="S1"), StoreFactory(region=region, code="S2")

    def person(number, store, hired, left=None, status="active"):
        return EmployeeFactory(company=company, store=store, employee_no=number, hire_date=hired, left_date=left,
                               status="left" if left else status)

    person("e1", s1, date(2025, 1, 1))
    person("e2", s1, date(2025, 6, 1), date(2026, 8, 15))  # leaves in Q3
    person("e3", s1, date(2026, 8, 1))  # hired in Q3
    person("e4", s1, date(2024, 1, 1), date(2026, 6, 30))  # left the day before Q3
    person("e5", s1, date(2026, 3, 1), status="on_leave")  # on leave: still on the payroll
    person("e6", s1, date(2026, 10, 5))  # hired after Q3
    person("e7", s1, date(2025, 1, 1), date(2026, 9, 30))  # leaves on Q3's last day
    person("f1", s2, date(2025, 1, 1), date(2026, 7, 1))  # leaves on Q3's first day
    person("f2", s2, date(2025, 1, 1))
    person("h1", None, date(2020, 1, 1))
    person("h2", None, date(2020, 1, 1), date(2026, 9, 1))
    return {"company": company, "s1": s1, "s2": s2}


def test_headcount_at_period_end(staff_history):
    # given: on 30 Sep: e1, e3, e5, f2, h1 (company); e1, e3, e5 (S1)
    measure = kpis()["people_headcount"].measure
    company = staff_history["company"].pk
    # when / then
    assert measure(KpiScope(company), Q3) == 5.0
    assert measure(KpiScope(company, (staff_history["s1"].pk,)), Q3) == 3.0


def test_turnover_golden(staff_history):
    # given: company: start (30 Jun) e1 e2 e5 e7 f1 f2 h1 h2 = 8, end e1 e3 e5 f2 h1 = 5, leavers e2 e7 f1 h2 = 4
    #        S1: start e1 e2 e5 e7 = 4, end e1 e3 e5 = 3, leavers e2 e7 = 2
    measure = kpis()["people_turnover"].measure
    company = staff_history["company"].pk
    # when
    whole = measure(KpiScope(company), Q3)
    store = measure(KpiScope(company, (staff_history["s1"].pk,)), Q3)
    # then
    assert whole == pytest.approx(4 / 6.5 * 100, abs=1e-9)
    assert store == pytest.approx(2 / 3.5 * 100, abs=1e-9)


def test_turnover_without_anybody_is_none(staff_history):
    # given: a store without employees
    empty = StoreFactory(region=staff_history["s1"].region, code="S9")
    # when / then
    assert kpis()["people_turnover"].measure(KpiScope(staff_history["company"].pk, (empty.pk,)), Q3) is None


def test_cockpit_tiles(org):
    # given: org company A: E-A1, E-A2, E-B1, E-B2 and E-HQ, all active without dates
    # when
    tiles = cockpit_tiles(org.users["hr"], date(2026, 11, 15))
    store_tiles = cockpit_tiles(org.users["store_manager"], date(2026, 11, 15))
    # then
    assert [(tile["value"], tile["unit"]) for tile in tiles] == [("5", "count"), ("0.0", "%")]
    assert store_tiles[0]["value"] == "1"
    assert cockpit_tiles(org.users["supplier"], date(2026, 11, 15)) == []


@pytest.fixture
def store_team(org):
    """Store a1: the store manager M (L4), R1 reporting to M, R2 without a manager (L1); E-A1 has no position."""
    manager_position = Position.objects.create(company=org.company, code="SM", name="店长", level=4)
    clerk = Position.objects.create(company=org.company, code="CL", name="店员", level=1)
    a1 = org.stores["a1"]
    boss = EmployeeFactory(store=a1, employee_no="A1-M", name="店长甲", position=manager_position)
    EmployeeFactory(store=a1, employee_no="A1-R1", name="店员乙", position=clerk, manager=boss)
    EmployeeFactory(store=a1, employee_no="A1-R2", name="店员丙", position=clerk)
    EmployeeFactory(store=a1, employee_no="A1-X", name="离职丁", position=clerk, status="left")
    return boss


def _shape(nodes):
    return [(node.employee.employee_no, _shape(node.children)) for node in nodes]


def test_org_chart_of_a_store(org, store_team):
    # when
    units = org_chart(org.users["store_manager"], store_id=org.stores["a1"].pk)
    # then: managers first, else the store's highest level; people who left are not shown
    assert [(unit.title, unit.headcount) for unit in units] == [(str(org.stores["a1"]), 4)]
    assert _shape(units[0].roots) == [("A1-M", [("A1-R1", []), ("A1-R2", []), ("E-A1", [])])]


@pytest.mark.parametrize(("role", "units"), [
    ("store_manager", ["A1"]), ("supervisor", ["A1", "A2"]), ("regional_manager", ["A1", "A2"]),
    ("hr", [None, "A1", "A2", "B1", "B2"]), ("coo", [None, "A1", "A2", "B1", "B2"]), ("staff", ["A1"]),
])
def test_org_chart_scope(org, store_team, role, units):
    # when
    chart = org_chart(org.users[role])
    # then: only stores of the user's scope; head office for company-wide users only
    numbers = [{node.employee.store.code if node.employee.store_id else None for node in unit.roots}.pop()
               for unit in chart]
    assert numbers == units


def test_org_chart_page_answers_404_for_a_store_out_of_scope(org, login, store_team):
    # given
    client = login(org.users["store_manager"])
    # when
    inside = client.get(reverse("people:employee_org_chart"), {"store": org.stores["a1"].pk})
    outside = client.get(reverse("people:employee_org_chart"), {"store": org.stores["b1"].pk})
    region = client.get(reverse("people:employee_org_chart"), {"region": org.region_b.pk})
    # then
    assert inside.status_code == 200
    assert "店长甲" in inside.content.decode()
    assert (outside.status_code, region.status_code) == (404, 404)


def test_org_chart_survives_a_manager_cycle(org, store_team):
    # given: M reports to R1, R1 to M
    r1 = Employee.objects.get(employee_no="A1-R1")
    Employee.objects.filter(pk=store_team.pk).update(manager=r1)
    # when
    units = org_chart(org.users["hr"], store_id=org.stores["a1"].pk)
    # then: nobody disappears
    assert sum(root.size for root in units[0].roots) == 4
