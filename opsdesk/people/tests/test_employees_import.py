"""The "hr_employees" import kind: an HR system's export becomes employees, unknown store / department / position
rows are quarantined with their reason, and importing again updates without duplicating."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from opsdesk.imports.services import import_run
from opsdesk.people.models import Department, Employee, Position

HEADER = ["工号", "姓名", "门店编号", "部门", "职位", "上级工号", "入职日期", "状态", "电话", "身份证号", "住址",
          "薪资档位"]
ROWS = [
    ["H-100", "张伟", "A1", "OPS", "SM", "", "2024-03-01", "在职", "13800000001", "310101199001011234", "上海", "B3"],
    ["H-101", "李娜", "A1", "营运部", "店员", "H-100", "2025-01-15", "在职", "13800000002", "", "", "A1"],
    ["H-102", "王强", "ZZ", "OPS", "CL", "H-100", "2025-02-01", "在职", "", "", "", ""],
    ["H-103", "赵敏", "A2", "XX", "CL", "", "2025-02-01", "在职", "", "", "", ""],
    ["H-104", "孙丽", "", "OPS", "不存在的职位", "", "2025-02-01", "在职", "", "", "", ""],
    ["H-105", "周杰", "A2", "OPS", "CL", "H-100", "2023-05-01", "离职", "", "", "", ""],
    ["H-106", "吴芳", "A2", "OPS", "CL", "H-100", "2025-06-01", "试岗", "", "", "", ""],
]


@pytest.fixture
def ladder(org):
    Department.objects.create(company=org.company, code="OPS", name="营运部")
    Position.objects.create(company=org.company, code="SM", name="店长", level=4)
    Position.objects.create(company=org.company, code="CL", name="店员", level=1)


@pytest.fixture
def export_file(tmp_path):
    def _write(name: str, rows: list[list[str]]):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([HEADER, *rows])
        return path

    return _write


def _rows(org):
    return list(Employee.objects.filter(company=org.company, employee_no__startswith="H-").order_by("employee_no")
                .values_list("employee_no", "name", "store__code", "department__code", "position__code",
                             "manager__employee_no", "hire_date", "status", "phone", "salary_band"))


def test_hr_export_golden_with_quarantined_rows(org, ladder, export_file):
    # given
    path = export_file("hr.csv", ROWS)
    # when
    batch = import_run(actor=org.users["admin"], company=org.company, kind="hr_employees", path=path)
    # then: four employees; three rows quarantined with row, column, value and reason
    assert (batch.status, batch.rows_read, batch.rows_committed, batch.rows_quarantined) == ("committed", 7, 3, 4)
    assert (batch.rows_inserted, batch.rows_updated, batch.rows_unchanged) == (3, 0, 0)
    assert list(batch.quarantine.order_by("row_number").values_list("row_number", "column", "value", "reason")) == [
        (4, "门店编号", "ZZ", "未知门店编号"),
        (5, "部门", "XX", "未知部门（编码或名称）"),
        (6, "职位", "不存在的职位", "未知职位（编码或名称）"),
        (8, "状态", "试岗", "未知状态（在职、休假或离职）"),
    ]
    assert _rows(org) == [
        ("H-100", "张伟", "A1", "OPS", "SM", None, date(2024, 3, 1), "active", "13800000001", "B3"),
        ("H-101", "李娜", "A1", "OPS", "CL", "H-100", date(2025, 1, 15), "active", "13800000002", "A1"),
        ("H-105", "周杰", "A2", "OPS", "CL", "H-100", date(2023, 5, 1), "left", "", ""),
    ]
    assert Employee.objects.get(employee_no="H-105").left_date == timezone.localdate()


def test_reimport_updates_without_duplicating(org, ladder, export_file):
    # given: the export, then the same file again, then a corrected export (a new phone, a fixed store code)
    import_run(actor=org.users["admin"], company=org.company, kind="hr_employees", path=export_file("a.csv", ROWS))
    again = import_run(actor=org.users["admin"], company=org.company, kind="hr_employees",
                       path=export_file("a.csv", ROWS))
    fixed = [list(row) for row in ROWS]
    fixed[1][8] = "13900000002"
    fixed[2][2] = "A2"
    # when
    corrected = import_run(actor=org.users["admin"], company=org.company, kind="hr_employees",
                           path=export_file("b.csv", fixed))
    # then: one new employee (H-102), one updated (H-101), two unchanged; never a second row per employee no
    assert again.status == "duplicate"
    assert (corrected.rows_inserted, corrected.rows_updated, corrected.rows_unchanged) == (1, 1, 2)
    assert Employee.objects.filter(company=org.company, employee_no__startswith="H-").count() == 4
    assert Employee.objects.get(employee_no="H-101").phone == "13900000002"
    assert Employee.objects.get(employee_no="H-102").store.code == "A2"


def test_a_partial_export_updates_only_the_fields_it_has_columns_for(org, ladder, export_file, tmp_path):
    # given: the full export, then a file of statuses from another system (employee no, name, status)
    import_run(actor=org.users["admin"], company=org.company, kind="hr_employees", path=export_file("a.csv", ROWS))
    path = tmp_path / "statuses.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["工号", "姓名", "状态"], ["H-100", "张伟", "离职"], ["H-101", "李娜", "在职"],
                                      ["H-107", "郑爽", "在职"]])
    # when
    batch = import_run(actor=org.users["admin"], company=org.company, kind="hr_employees", path=path)
    # then: H-100 has left and kept everything else, H-101 (manager H-100) is unchanged, H-107 is new with the
    # defaults
    assert (batch.rows_inserted, batch.rows_updated, batch.rows_unchanged) == (1, 1, 1)
    assert _rows(org)[:2] == [
        ("H-100", "张伟", "A1", "OPS", "SM", None, date(2024, 3, 1), "left", "13800000001", "B3"),
        ("H-101", "李娜", "A1", "OPS", "CL", "H-100", date(2025, 1, 15), "active", "13800000002", "A1"),
    ]
    assert Employee.objects.get(employee_no="H-100").id_number == "310101199001011234"
    assert _rows(org)[-1] == ("H-107", "郑爽", None, None, None, None, None, "active", "", "")


def test_the_trail_of_an_import_masks_personal_fields(org, ladder, export_file):
    # when
    import_run(actor=org.users["admin"], company=org.company, kind="hr_employees", path=export_file("a.csv", ROWS))
    # then
    entry = LogEntry.objects.get_for_object(Employee.objects.get(employee_no="H-100")).get(
        action=LogEntry.Action.CREATE)
    assert entry.changes_dict["phone"][1] == "138****0001"
    assert entry.changes_dict["id_number"][1] == "3101**********1234"
    assert entry.actor == org.users["admin"]


def test_only_hr_or_admin_may_import_personal_data(org, ladder, export_file):
    # given: a COO may import master data but may not write personal fields
    from django.core.exceptions import PermissionDenied

    from opsdesk.imports.services import can_import

    # when / then: the import is refused before any batch is written, and the import page does not offer it
    with pytest.raises(PermissionDenied):
        import_run(actor=org.users["coo"], company=org.company, kind="hr_employees",
                   path=export_file("a.csv", ROWS))
    assert _rows(org) == []
    assert {role: can_import(org.users[role], "hr_employees") for role in ("hr", "admin", "coo", "store_manager")} \
        == {"hr": True, "admin": True, "coo": False, "store_manager": False}


def test_an_employee_without_a_hire_date_is_imported_without_one(org, ladder, export_file):
    # given: a row whose hire date cell is empty (the import used to stop on it)
    row = ["H-108", "钱多", "A1", "OPS", "CL", "", "", "在职", "", "", "", ""]
    # when
    batch = import_run(actor=org.users["admin"], company=org.company, kind="hr_employees",
                       path=export_file("a.csv", [row]))
    # then
    assert (batch.status, batch.rows_inserted, batch.rows_quarantined) == ("committed", 1, 0)
    assert Employee.objects.get(employee_no="H-108").hire_date is None
