"""Writes of employees (create, update with the personal-data rule) and the access audit of personal data."""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.choices import EmployeeStatusChoices
from opsdesk.core.kit import services as kit
from opsdesk.people.models import Employee
from opsdesk.people.selectors.employees import PERSONAL_FIELDS, PersonalRead, can_write_personal

#: What the add and edit pages, the API and other areas (recruitment) may set.
EMPLOYEE_FIELDS = ("employee_no", "name", "store", "department", "position", "manager", "hire_date",
                   "position_since", "status", "left_date", "left_reason", "email", *PERSONAL_FIELDS)


def _check_personal(actor, data: dict[str, Any]) -> None:
    touched = sorted(name for name in data if name in PERSONAL_FIELDS)
    if touched and not can_write_personal(actor):
        raise ValidationError({name: _("只有人力资源可以修改个人信息。") for name in touched})


def _check_dates(data: dict[str, Any], instance: Employee | None = None) -> None:
    hire = data.get("hire_date", getattr(instance, "hire_date", None))
    left = data.get("left_date", getattr(instance, "left_date", None))
    if hire and left and left < hire:
        raise ValidationError({"left_date": _("离职日期不能早于入职日期。")})


def employee_create(*, actor, data: dict[str, Any]) -> Employee:
    """Create an employee in the actor's scope; personal fields only when the actor is HR (or admin)."""
    _check_personal(actor, data)
    _check_dates(data)
    return kit.object_create(actor=actor, model=Employee, data=data, fields=EMPLOYEE_FIELDS)


def employee_update(*, actor, instance: Employee, data: dict[str, Any]) -> Employee:
    """Change an employee; personal fields only when the actor is HR (or admin); a manager is never oneself."""
    _check_personal(actor, data)
    _check_dates(data, instance)
    manager = data.get("manager")
    if manager is not None and getattr(manager, "pk", manager) == instance.pk:
        raise ValidationError({"manager": _("直属上级不能是本人。")})
    return kit.object_update(actor=actor, instance=instance, data=data, fields=EMPLOYEE_FIELDS)


def personal_access_record(*, actor, read: PersonalRead | dict, channel: str) -> int:
    """Write one audit entry (action ACCESS) per employee whose personal fields a response showed in clear, naming
    who read which fields through which channel (page, edit, export, api); returns the number written."""
    items: Iterable = read.fields.values() if isinstance(read, PersonalRead) else read.values()
    entries = []
    content_type = ContentType.objects.get_for_model(Employee)
    now = timezone.now()
    for employee, fields in items:
        if not fields:
            continue
        names = sorted(fields)
        entries.append(LogEntry(
            content_type=content_type, object_pk=str(employee.pk), object_id=employee.pk,
            object_repr=str(employee)[:2000], action=LogEntry.Action.ACCESS, actor=actor, timestamp=now,
            changes={name: ["", "read"] for name in names}, changes_text=", ".join(names),
            additional_data={**employee.get_additional_data(), "fields": names, "channel": channel}))
    LogEntry.objects.bulk_create(entries)
    return len(entries)


# ------------------------------------------------------------------------------------------------ HR export import

#: Status words of HR exports -> EmployeeStatusChoices.
STATUS_WORDS = {
    "active": "active", "在职": "active", "正式": "active", "试用": "active", "试用期": "active",
    "on_leave": "on_leave", "休假": "on_leave", "停薪留职": "on_leave", "产假": "on_leave", "病假": "on_leave",
    "left": "left", "离职": "left", "已离职": "left",
}

_IMPORT_COMPANY: ContextVar[dict | None] = ContextVar("people_hr_import_lookups", default=None)


def _lookups(company_id: int) -> dict:
    """Department and position ids of a company by code and by name (codes win on a clash)."""
    from opsdesk.people.models import Department, Position

    found = {"company_id": company_id}
    for key, model in (("department", Department), ("position", Position)):
        rows = list(model.objects.filter(company_id=company_id).values_list("pk", "code", "name"))
        by_name = {name: pk for pk, _code, name in rows}
        found[key] = {**by_name, **{code: pk for pk, code, _name in rows}}
    return found


def hr_import_check(record: dict) -> tuple[str, str] | None:
    """The cross-field rules of one HR export row: department and position known (code or name), status known;
    resolves them to ids. The company's codes were loaded when the batch's writer started (same process)."""
    lookups = _IMPORT_COMPANY.get()
    if lookups is None:
        return "employee_no", _("导入上下文缺失，请重新导入。")
    for key, message in (("department", _("未知部门（编码或名称）")), ("position", _("未知职位（编码或名称）"))):
        text = (record.get(key) or "").strip()
        if not text:
            record[f"{key}_id"] = None
            continue
        if text not in lookups[key]:
            return key, message
        record[f"{key}_id"] = lookups[key][text]
    status = (record.get("status") or "active").strip()
    if status.lower() not in STATUS_WORDS and status not in STATUS_WORDS:
        return "status", _("未知状态（在职、休假或离职）")
    record["status"] = STATUS_WORDS.get(status.lower(), STATUS_WORDS.get(status))
    return None


class HrExportWriter:
    """Writes the employees of one HR export batch: created or updated by (company, employee no), never
    duplicated; managers resolved by employee no once the chunk is in. Only HR and the administrator (or the
    command line) may import: the rows carry personal data. An employee the file updates keeps the fields the file
    has no column (nor fixed value) for: a file of leavers' statuses does not wipe phones, ID numbers, salary bands,
    departments or managers."""

    #: values key -> the kind's field name where they differ
    FIELD_OF = {"store_id": "store", "department_id": "department", "position_id": "position"}

    def __init__(self, batch):
        from django.core.exceptions import PermissionDenied

        from opsdesk.core.permissions import user_can
        from opsdesk.people.wiring.employees import import_kind

        self.company_id, self.actor = batch.company_id, batch.created_by
        self.unset = import_kind().unset_fields(batch.mapping or {}, batch.defaults or {})
        if self.actor is not None and not (can_write_personal(self.actor) and user_can(self.actor, "people", "add")
                                           and user_can(self.actor, "people", "change")):
            raise PermissionDenied(_("只有人力资源可以导入人事档案。"))
        _IMPORT_COMPANY.set(_lookups(self.company_id))

    def write(self, records: list[dict]):
        from opsdesk.imports.upsert import ChangeCounts

        employees = {employee.employee_no: employee for employee in
                     Employee.objects.filter(company_id=self.company_id,
                                             employee_no__in=[record["employee_no"] for record in records])}
        outcome: dict[str, str] = {}
        for record in records:
            values = {"name": record["name"], "store_id": record.get("store"), "hire_date": record.get("hire_date"),
                      "department_id": record.get("department_id"), "position_id": record.get("position_id"),
                      "status": record["status"], **{name: record.get(name) or "" for name in PERSONAL_FIELDS}}
            employee = employees.get(record["employee_no"])
            if employee is None:
                employee = Employee(company_id=self.company_id, employee_no=record["employee_no"])
                employees[employee.employee_no] = employee
                outcome[employee.employee_no] = "inserted"
            else:
                outcome[employee.employee_no] = "unchanged"
                values = {name: value for name, value in values.items()
                          if self.FIELD_OF.get(name, name) not in self.unset}
            if self._apply(employee, values):
                outcome[employee.employee_no] = outcome[employee.employee_no].replace("unchanged", "updated")
        for number in self._set_managers(records, employees):
            outcome[number] = outcome[number].replace("unchanged", "updated")
        counted = list(outcome.values())
        return ChangeCounts(counted.count("inserted"), counted.count("updated"), counted.count("unchanged"))

    @staticmethod
    def _apply(employee: Employee, values: dict) -> bool:
        """Set the values; save when something changed (a new row always). Whether anything changed."""
        changed = [name for name, value in values.items() if getattr(employee, name) != value]
        if not changed and employee.pk:
            return False
        for name in changed:
            setattr(employee, name, values[name])
        if employee.status == EmployeeStatusChoices.LEFT and employee.left_date is None:
            employee.left_date = timezone.localdate()
        employee.save()
        return True

    def _set_managers(self, records: list[dict], employees: dict[str, Employee]) -> list[str]:
        """Each row's manager by employee no (in the file or already there; unknown numbers leave it empty);
        returns the employee nos whose manager changed."""
        if "manager" in self.unset:  # no manager column: new employees have none, the others keep theirs
            return []
        numbers = {record["manager"] for record in records if record.get("manager")}
        known = dict(Employee.objects.filter(company_id=self.company_id, employee_no__in=numbers)
                     .values_list("employee_no", "pk"))
        changed = []
        for record in records:
            employee = employees[record["employee_no"]]
            manager_id = known.get(record.get("manager") or "")
            if manager_id == employee.pk:
                manager_id = None
            if employee.manager_id != manager_id:
                employee.manager_id = manager_id
                employee.save(update_fields=["manager"])
                changed.append(employee.employee_no)
        return changed
