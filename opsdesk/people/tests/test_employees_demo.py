"""The demo builders of employees (personal data) and HR cases."""

from __future__ import annotations

from datetime import date

from opsdesk.people.demo import cases as case_demo
from opsdesk.people.demo import employees as employee_demo
from opsdesk.people.models import Employee
from opsdesk.people.models.cases import HrCase

TODAY = date(2026, 11, 30)


def test_id_check_digit_golden():
    # given: the GB 11643 example 11010519491231002X
    # when / then
    assert employee_demo.id_check_digit("11010519491231002") == "X"


def test_personal_data_is_filled_once_and_deterministic(org):
    # when
    first = employee_demo.build(org.company, TODAY)
    values = dict(Employee.objects.filter(company=org.company).values_list("employee_no", "id_number"))
    second = employee_demo.build(org.company, TODAY)
    # then: five employees of company A (four stores and head office), valid ID numbers, nothing redone
    assert (first, second) == ({"personal_data": 5}, {"personal_data": 0})
    assert all(len(number) == 18 and employee_demo.id_check_digit(number[:17]) == number[17]
               for number in values.values())
    assert Employee.objects.get(employee_no="E-A1").address.startswith("上海市")


def test_demo_cases(org):
    # when
    first = case_demo.build(org.company, TODAY)
    second = case_demo.build(org.company, TODAY)
    # then: eight cases owned by HR, in Chinese, with steps; only once
    cases = HrCase.objects.filter(company=org.company)
    assert (first, second) == ({"cases": 8}, {"cases": 0})
    assert set(cases.values_list("owner__role", flat=True)) == {"hr"}
    assert cases.get(title="仓库搬运受伤").steps.count() == 3
    assert cases.filter(status="closed").exclude(closed_on=None).count() == 3
