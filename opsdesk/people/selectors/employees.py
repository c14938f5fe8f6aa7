"""Reads of employees: personal data and its masking, the profile sections, the org chart and headcount facts.

Personal data (Employee.PERSONAL_FIELDS: phone, ID number, address, salary band) is readable by the HR role (for
the employees in the HR user's scope) and by the employee themself (Employee.user); everyone else, the system
administrator included, sees it masked (138****5678, 3101**********1234, ***) in pages, exports, the API and the
audit trail. Only HR and the administrator may write it (the administrator writes blind: imports, corrections).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from opsdesk.core.choices import EmployeeStatusChoices, RoleChoices
from opsdesk.core.scoping import visible_store_ids
from opsdesk.people.models import Employee

PERSONAL_FIELDS = Employee.PERSONAL_FIELDS
PERSONAL_READ_ROLES = frozenset({RoleChoices.HR})
PERSONAL_WRITE_ROLES = frozenset({RoleChoices.HR, RoleChoices.ADMIN})
MASK = "***"


# ------------------------------------------------------------------------------------------------ personal data


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _employee_in_scope(user, employee: Employee) -> bool:
    if employee.company_id != user.company_id:
        return False
    if employee.store_id is None:
        return bool(user.has_company_scope)
    return employee.store_id in visible_store_ids(user)


def can_read_personal(user, employee: Employee) -> bool:
    """Whether `user` sees the employee's personal fields unmasked: HR in scope, or the employee themself."""
    if not _active(user):
        return False
    if employee.user_id is not None and employee.user_id == user.pk:
        return True
    return user.role in PERSONAL_READ_ROLES and _employee_in_scope(user, employee)


def can_write_personal(user) -> bool:
    """Whether `user`'s role may set personal fields (HR, and the administrator without reading them)."""
    return _active(user) and user.role in PERSONAL_WRITE_ROLES


def mask(field_name: str, value) -> str:
    """The masked form of a personal value: phone 138****5678, ID 3101**********1234, anything else ***."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    if field_name == "phone" and len(text) >= 8:
        return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"
    if field_name == "id_number" and len(text) >= 10:
        return f"{text[:4]}{'*' * (len(text) - 8)}{text[-4:]}"
    return MASK


def mask_for_audit(value: str) -> str:
    """django-auditlog's mask callable for the personal fields (the trail never stores them in clear)."""
    if value in ("", "None"):
        return ""
    digits = value.replace(" ", "")
    if digits.isdigit() and 8 <= len(digits) <= 13:
        return mask("phone", digits)
    if len(digits) in (15, 18) and digits[:-1].isdigit():
        return mask("id_number", digits)
    return MASK


def personal_value(user, employee: Employee, field_name: str) -> str:
    """A personal field as `user` may see it (clear for HR and the employee, masked for everyone else)."""
    if field_name not in PERSONAL_FIELDS:
        raise ValueError(f"{field_name} is not a personal field")
    value = getattr(employee, field_name)
    return value if can_read_personal(user, employee) else mask(field_name, value)


@dataclass
class PersonalRead:
    """Which personal fields of which employees a response showed in clear (for the access audit)."""

    fields: dict[int, tuple[Employee, set[str]]] = field(default_factory=dict)

    def value(self, user, employee: Employee, field_name: str) -> str:
        """`personal_value`, remembering a clear, non-empty value for the access audit."""
        shown = personal_value(user, employee, field_name)
        if shown and can_read_personal(user, employee):
            self.fields.setdefault(employee.pk, (employee, set()))[1].add(field_name)
        return shown


def personal_rows(user, employee: Employee, read: PersonalRead) -> list[tuple[str, str]]:
    """(label, value as the user may see it) of every personal field."""
    return [(Employee._meta.get_field(name).verbose_name, read.value(user, employee, name))
            for name in PERSONAL_FIELDS]


# ------------------------------------------------------------------------------------------------ the profile


@dataclass
class ProfileSection:
    """A block of the employee profile another area fills: a title and (label, value) rows."""

    title: str
    rows: list[tuple[str, str]]
    url: str = ""


def employees_for_user(user, action: str = "view") -> QuerySet[Employee]:
    return Employee.objects.for_user(user, action).select_related("store", "department", "position", "manager")


def direct_reports(user, employee: Employee) -> QuerySet[Employee]:
    """The employee's direct reports the user may see."""
    return employees_for_user(user).filter(manager=employee).order_by("employee_no")


def detail_sections(user, employee: Employee) -> list[ProfileSection]:
    """The profile sections of the other areas (skills, training, appraisals...): each area module
    `opsdesk.people.selectors.<area>` may define `employee_profile_section(user, employee)` returning a
    ProfileSection, a dict {"title", "rows", "url"?}, or None. An area not built yet is simply absent."""
    from opsdesk.people.areas import area_modules

    sections = []
    for module in area_modules("selectors"):
        function = getattr(module, "employee_profile_section", None)
        if function is None or module.__name__ == __name__:
            continue
        section = function(user, employee)
        if section is None:
            continue
        if isinstance(section, dict):
            section = ProfileSection(title=str(section.get("title", "")), rows=list(section.get("rows", ())),
                                     url=section.get("url", ""))
        sections.append(section)
    return sections


# ------------------------------------------------------------------------------------------------ org chart


@dataclass
class OrgNode:
    """One person in the org chart and the people under them."""

    employee: Employee
    children: list[OrgNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)


@dataclass
class OrgUnit:
    """The chart of one store (or head office): its root nodes."""

    title: str
    roots: list[OrgNode]
    headcount: int


def _level(employee: Employee) -> int:
    return employee.position.level if employee.position_id else 0


def org_tree(employees: list[Employee]) -> list[OrgNode]:
    """Roots of the manager tree of `employees`: an employee's manager when the manager is among them; otherwise
    the unit's head (the highest position level; ties: lowest employee no) when the head ranks higher."""
    nodes = {employee.pk: OrgNode(employee) for employee in employees}
    ordered = sorted(employees, key=lambda item: (-_level(item), item.employee_no))
    head = ordered[0] if ordered else None
    roots = []
    for employee in sorted(employees, key=lambda item: item.employee_no):
        node = nodes[employee.pk]
        if employee.manager_id in nodes and not _creates_cycle(employee, nodes):
            nodes[employee.manager_id].children.append(node)
        elif head is not None and employee.pk != head.pk and _level(employee) < _level(head):
            nodes[head.pk].children.append(node)
        else:
            roots.append(node)
    return roots


def _creates_cycle(employee: Employee, nodes: dict[int, OrgNode]) -> bool:
    """Whether following managers from `employee` comes back to them (bad data must not hide anybody)."""
    seen, current = {employee.pk}, employee.manager_id
    while current in nodes:
        if current in seen:
            return True
        seen.add(current)
        current = nodes[current].employee.manager_id
    return False


def org_chart(user, *, store_id: int | None = None, region_id: int | None = None,
              head_office: bool = False) -> list[OrgUnit]:
    """The org chart units of the user's scope: one store, the stores of one region, head office, or (no
    argument) every store and head office the user sees; people who have left are not shown."""
    employees = employees_for_user(user).exclude(status=EmployeeStatusChoices.LEFT)
    if store_id is not None:
        employees = employees.filter(store_id=store_id)
    elif region_id is not None:
        employees = employees.filter(store__region_id=region_id)
    elif head_office:
        employees = employees.filter(store__isnull=True)
    groups: dict[int | None, list[Employee]] = {}
    for employee in employees.order_by("store__code", "employee_no"):
        groups.setdefault(employee.store_id, []).append(employee)
    units = []
    # Head office first, then the stores by code (NULLs sort differently per database).
    for store_key, members in sorted(groups.items(), key=lambda item: (item[0] is not None,
                                                                        item[1][0].store.code if item[0] else "")):
        title = str(members[0].store) if store_key is not None else _("总部")
        units.append(OrgUnit(title=title, roots=org_tree(members), headcount=len(members)))
    return units


# ------------------------------------------------------------------------------------------------ headcount


def employed_on(day: date) -> Q:
    """Employees on the payroll at the end of `day`: hired by then and not left by then (on leave counts)."""
    hired = Q(hire_date__isnull=True) | Q(hire_date__lte=day)
    not_left = Q(left_date__gt=day) | (Q(left_date__isnull=True) & ~Q(status=EmployeeStatusChoices.LEFT))
    return hired & not_left


def headcount(employees: QuerySet[Employee], day: date) -> int:
    return employees.filter(employed_on(day)).count()


def leavers(employees: QuerySet[Employee], start: date, end: date) -> int:
    return employees.filter(left_date__gte=start, left_date__lte=end).count()
