"""Permission-matrix declarations of every people page and API operation (see core/testing/matrix.py).

Employees lie in store a1 (in scope) or `org.store_for(user, False)` (out of scope); departments and positions are
company master data: company A (in scope) or company B (out of scope).
"""

from __future__ import annotations

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.people.models import Department, Position
from opsdesk.people.specs import employees as specs

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company_for(org, user, in_scope):
    return org.company if in_scope else org.other_company


def _employee(org, user, in_scope):
    return org.employee_for(user, in_scope)


def _employee_data(org, user, employee):
    return {"employee_no": employee.employee_no if employee else f"MX-{_next()}", "name": "矩阵员工",
            "store": org.stores["a1"].pk, "department": "", "position": "", "manager": "", "hire_date": "2024-03-01",
            "position_since": "", "status": "active", "left_date": "", "left_reason": "", "email": ""}


def _department(org, user, in_scope) -> Department:
    return Department.objects.create(company=_company_for(org, user, in_scope), code=f"D{_next()}", name="矩阵部门")


def _department_data(org, user, department):
    return {"code": department.code if department else f"DN{_next()}", "name": "营运部", "parent": ""}


def _position(org, user, in_scope) -> Position:
    return Position.objects.create(company=_company_for(org, user, in_scope), code=f"P{_next()}", name="矩阵职位",
                                   level=2)


def _position_data(org, user, position):
    return {"code": position.code if position else f"PN{_next()}", "name": "运营主管", "level": "3",
            "track": "operations", "next_position": "", "is_key": "on", "min_months_in_role": "12"}


ROUTES = [
    *spec_routes(specs.employee, _employee, _employee_data),
    # The org chart of everything the user sees: the in-scope employee is on it, the out-of-scope one is not.
    Route("people:employee_org_chart", "list", area="people", make_object=_employee),
    *spec_routes(specs.department, _department, _department_data),
    *spec_routes(specs.position, _position, _position_data),
]
