"""Departments, positions (the career ladder) and employees."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsdesk.core.choices import EmployeeStatusChoices
from opsdesk.core.models import Company, Store
from opsdesk.core.scoping import ScopedManager, ScopedQuerySet, visible_store_ids

__all__ = ["Department", "Employee", "Position"]


class Department(models.Model):
    """A department of the company (营运部, 采购部, ...)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="departments", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级部门")
    )

    permission_area = "people"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = pgettext_lazy("plural", "部门")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="department_unique_code")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:department_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class Position(models.Model):
    """A position on the job ladder (店员 L1 ... 运营官 L6)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="positions", verbose_name=_("公司"))
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("职级"))
    track = models.CharField(_("序列"), max_length=50, default="operations")
    next_position = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("晋升至")
    )
    is_key = models.BooleanField(_("关键岗位"), default=False, help_text=_("出现在继任视图中"))
    min_months_in_role = models.PositiveSmallIntegerField(
        _("晋升前最短任职月数"), default=12, help_text=_("就绪度中的任职时间满分所需月数")
    )

    permission_area = "people"
    scope_kind = "company"
    scope_field = "company_id"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("职位")
        verbose_name_plural = pgettext_lazy("plural", "职位")
        ordering = ["track", "level"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="position_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} (L{self.level})"

    def get_absolute_url(self) -> str:
        return reverse("people:position_detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        return {"company_id": self.company_id}


class Employee(models.Model):
    """A person on the payroll, at a store or at head office (store empty)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="employees", verbose_name=_("公司"))
    employee_no = models.CharField(_("工号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=100)
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="employees", verbose_name=_("门店")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="employees", verbose_name=_("部门")
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="employees", verbose_name=_("职位")
    )
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("直属上级")
    )
    user = models.OneToOneField(
        "core.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="employee", verbose_name=_("账号")
    )
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EmployeeStatusChoices, default=EmployeeStatusChoices.ACTIVE
    )
    position_since = models.DateField(_("任现职日期"), null=True, blank=True)
    left_date = models.DateField(_("离职日期"), null=True, blank=True)
    left_reason = models.CharField(_("离职原因"), max_length=200, blank=True)
    email = models.EmailField(_("工作邮箱"), blank=True)
    # Personal data: shown to HR and the employee only, masked for everyone else, every read audited
    # (see opsdesk.people.personal).
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=32, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    salary_band = models.CharField(_("薪资档位"), max_length=20, blank=True)

    PERSONAL_FIELDS = ("phone", "id_number", "address", "salary_band")

    permission_area = "people"
    scope_kind = "custom"
    objects = ScopedManager()

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = pgettext_lazy("plural", "员工")
        ordering = ["employee_no"]
        constraints = [models.UniqueConstraint(fields=["company", "employee_no"], name="employee_unique_no")]

    def __str__(self) -> str:
        return f"{self.employee_no} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("people:employee_detail", args=[self.pk])

    @staticmethod
    def scope_queryset(queryset: ScopedQuerySet, user) -> ScopedQuerySet:
        """Store staff by store scope; head-office staff (no store) only for company-wide users."""
        condition = Q(store_id__in=visible_store_ids(user))
        if user.has_company_scope and user.company_id:
            condition |= Q(store__isnull=True, company_id=user.company_id)
        return queryset.filter(condition)

    def get_additional_data(self) -> dict:
        context = {"company_id": self.company_id, "store_id": self.store_id}
        if self.store_id:
            context["region_id"] = self.store.region_id
        return context
