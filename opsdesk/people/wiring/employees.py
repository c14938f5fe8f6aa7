"""Employees, departments and positions: audited models (personal fields masked in the trail), menu items, the
headcount and turnover KPIs, the cockpit tile and the "hr_employees" import kind (an HR system's export)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from opsdesk.core.extensions import KpiDefinition, KpiScope, Period, Tile
from opsdesk.core.navigation import MenuItem

MENU_ITEMS = [
    MenuItem(pgettext_lazy("plural", "员工"), "people:employee_list", "people"),
    MenuItem(gettext_lazy("组织架构图"), "people:employee_org_chart", "people"),
    MenuItem(pgettext_lazy("plural", "部门"), "people:department_list", "people"),
    MenuItem(pgettext_lazy("plural", "职位"), "people:position_list", "people"),
]

IMPORT_KIND = "hr_employees"


# ------------------------------------------------------------------------------------------------ KPIs


def _employees(scope: KpiScope):
    from opsdesk.people.models import Employee

    employees = Employee.objects.filter(company_id=scope.company_id)
    if scope.store_ids is not None:
        employees = employees.filter(store_id__in=scope.store_ids)
    return employees


def headcount_value(scope: KpiScope, period: Period) -> float | None:
    """Employees on the payroll (active or on leave) at the end of the period's last day."""
    from opsdesk.people.selectors.employees import headcount

    return float(headcount(_employees(scope), period[1]))


def turnover_percent(scope: KpiScope, period: Period) -> float | None:
    """Leavers in the period (left date within it) / the average of the headcount at the start (end of the day
    before) and at the end of the period × 100; None when both headcounts are 0."""
    from opsdesk.people.selectors.employees import headcount, leavers

    start, end = period
    employees = _employees(scope)
    average = (headcount(employees, start - timedelta(days=1)) + headcount(employees, end)) / 2
    if not average:
        return None
    return leavers(employees, start, end) * 100.0 / average


KPIS = (
    KpiDefinition(
        code="people_headcount", name_zh="在册人数", name_en="Headcount", unit="count", direction="higher",
        aggregation="count of employees at the period end over the scope (head office only for the whole company)",
        description_zh="统计期最后一天日终在册的员工数（入职日期不晚于该日、尚未离职；休假人员计入）。",
        description_en="Employees on the payroll at the end of the period's last day (hired by then, not left; "
                       "people on leave count).",
        measure=headcount_value),
    KpiDefinition(
        code="people_turnover", name_zh="员工流失率", name_en="Staff turnover", unit="%", direction="lower",
        aggregation="leavers / average of start and end headcount over the scope and period",
        description_zh="统计期内离职人数 ÷（期初在册人数 + 期末在册人数）/ 2 × 100%；期初为统计期前一天日终。",
        description_en="Leavers in the period ÷ ((headcount at the start + headcount at the end) / 2) × 100; the "
                       "start is the end of the day before the period.",
        measure=turnover_percent),
)


def cockpit_tiles(user, today: date) -> list[Tile]:
    """Headcount today and turnover since the start of the year, for the user's scope."""
    from opsdesk.core import extensions
    from opsdesk.core.permissions import user_can

    if not user_can(user, "people", "view") or not user.company_id:
        return []
    scope = extensions.kpi_scope_for_user(user)
    count = headcount_value(scope, (today, today))
    turnover = turnover_percent(scope, (date(today.year, 1, 1), today))
    tone = "neutral" if turnover is None else "good" if turnover < 10 else "warning" if turnover < 25 else "danger"
    return [
        Tile(label=_("在册人数"), value=f"{count:.0f}", unit="count", url=reverse("people:employee_list"),
             tone="neutral"),
        Tile(label=_("员工流失率（本年）"), value="—" if turnover is None else f"{turnover:.1f}", unit="%",
             url=reverse("people:employee_list") + "?status=left", tone=tone),
    ]


# ------------------------------------------------------------------------------------------------ import kind


def _may_import(user) -> bool:
    """HR records: only roles that may write personal data (HR, the administrator), for the whole company."""
    from opsdesk.people.selectors.employees import can_write_personal

    return can_write_personal(user) and bool(user.has_company_scope)


@cache
def import_kind():
    """The "hr_employees" kind: one row per employee of an HR system's export."""
    from opsdesk.imports.kinds import STORE, F, KindSpec
    from opsdesk.people.services.employees import HrExportWriter, hr_import_check

    return KindSpec(
        IMPORT_KIND,
        (
            F("employee_no", "工号", "code", True, ("工号", "员工编号", "employee_no", "employee_id", "staff_id")),
            F("name", "姓名", "text", True, ("姓名", "名字", "name", "employee_name")),
            F("store", "门店编号", "store", False, STORE, None),
            F("department", "部门", "text", False, ("部门", "部门编码", "部门名称", "department", "dept"), ""),
            F("position", "职位", "text", False, ("职位", "岗位", "职位编码", "职位名称", "position", "job"), ""),
            F("manager", "上级工号", "text", False, ("上级工号", "直属上级工号", "直属上级", "manager", "manager_no"),
              ""),
            F("hire_date", "入职日期", "date", False, ("入职日期", "hire_date", "start_date")),
            F("status", "状态", "text", False, ("状态", "在职状态", "status"), "active"),
            F("phone", "电话", "text", False, ("电话", "手机", "手机号", "phone", "mobile"), ""),
            F("id_number", "身份证号", "text", False, ("身份证号", "身份证", "证件号", "id_number", "id_card"), ""),
            F("address", "住址", "text", False, ("住址", "地址", "家庭住址", "address"), ""),
            F("salary_band", "薪资档位", "text", False, ("薪资档位", "薪级", "salary_band", "grade"), ""),
        ),
        key=("employee_no",),
        model="people.Employee",
        check=hr_import_check,
        future_days=120,  # an export lists people starting next quarter
        title=gettext_lazy("人事档案（HR 系统导出）"),
        may_import=_may_import,
        writer=HrExportWriter,
    )


# ------------------------------------------------------------------------------------------------ start-up


def _register_audit() -> None:
    """The trail records changes of personal fields masked (138****5678), never in clear."""
    from auditlog.registry import auditlog

    from opsdesk.core import audit
    from opsdesk.people import models

    for model in (models.Department, models.Position):
        audit.register(model)
    if auditlog.contains(models.Employee):
        auditlog.unregister(models.Employee)
    auditlog.register(models.Employee, mask_fields=list(models.Employee.PERSONAL_FIELDS),
                      mask_callable="opsdesk.people.selectors.employees.mask_for_audit")


def register() -> None:
    """Called from the people app's ready()."""
    from opsdesk.core import extensions
    from opsdesk.imports.kinds import register_kind

    _register_audit()
    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_cockpit_tile(cockpit_tiles)
    register_kind(import_kind())
