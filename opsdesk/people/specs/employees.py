"""Kit specs of employees, departments and positions (pages people:employee_*|department_*|position_*).

Employees carry personal data, so their list (table and exports), profile, edit form and REST operations are the
kit's with the masking of `selectors.employees` and the access audit of `services.employees` added
(views.employees, api.employees).
"""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.people.models import Department, Employee, Position
from opsdesk.people.services import employees as services


class EmployeeSpec(ObjectSpec):
    """The employee spec: REST operations that mask personal data and audit its reads."""

    def register_api(self, router) -> None:
        from opsdesk.people.api.employees import register_employee_api

        register_employee_api(router, self)


def _profile_context(request, instance):
    from opsdesk.people.views.employees import employee_profile_context

    return employee_profile_context(request, instance)


employee = EmployeeSpec(
    Employee, path="employees", name="employee", fields=services.EMPLOYEE_FIELDS,
    columns=("employee_no", "name", "store", "department", "position", "hire_date", "status"),
    detail_fields=("employee_no", "name", "store", "department", "position", "manager", "hire_date",
                   "position_since", "status", "left_date", "left_reason", "email"),
    search_fields=("employee_no", "name", "email"),
    filter_fields=("store", "store__region", "department", "position", "status"),
    select_related=("store", "department", "position", "manager"),
    create_with=services.employee_create,
    update_with=services.employee_update,
    detail_template="people/employees/employee_detail.html",
    detail_context=_profile_context,
)

department = ObjectSpec(
    Department, path="departments", name="department", fields=("code", "name", "parent"),
    search_fields=("code", "name"),
)

position = ObjectSpec(
    Position, path="positions", name="position",
    fields=("code", "name", "level", "track", "next_position", "is_key", "min_months_in_role"),
    columns=("code", "name", "level", "track", "next_position", "is_key"),
    search_fields=("code", "name"), filter_fields=("track", "is_key"),
)

ALL = (employee, department, position)


def _bind_views() -> None:
    from opsdesk.people.views.employees import employee_views

    employee.views.update(employee_views(employee))


_bind_views()
