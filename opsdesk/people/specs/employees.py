"""Kit specs of employees, departments and positions (pages people:employee_*|department_*|position_*)."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.people.models import Department, Employee, Position

employee = ObjectSpec(
    Employee, path="employees", name="employee",
    fields=("employee_no", "name", "store", "department", "position", "manager", "hire_date", "position_since",
            "status", "left_date", "left_reason", "email"),
    columns=("employee_no", "name", "store", "department", "position", "hire_date", "status"),
    search_fields=("employee_no", "name", "email"),
    filter_fields=("store", "store__region", "department", "position", "status"),
    select_related=("store", "department", "position"),
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
