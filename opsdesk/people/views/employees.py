"""Employee pages beside the kit's: the list and exports with masked personal data, the profile, the edit form
(personal fields for HR only) and the org chart. Every response showing personal data in clear is audited."""

from __future__ import annotations

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from opsdesk.core.exports import export_response
from opsdesk.core.kit.builders import TABLE_ATTRS, KitModelForm, build_form
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.views import SpecEditView, SpecListView
from opsdesk.core.models import Region, Store
from opsdesk.core.permissions import user_can
from opsdesk.people.models import Employee
from opsdesk.people.selectors import employees as selectors
from opsdesk.people.services.employees import personal_access_record

PERSONAL = selectors.PERSONAL_FIELDS


# ------------------------------------------------------------------------------------------------ list and exports


class EmployeeTable(tables.Table):
    """Employees with their phone on the page, every personal field in the exports, masked as the viewer must see
    them; `viewer` and `read` are set per request (see EmployeeListView)."""

    employee_no = tables.Column(linkify=lambda record: record.get_absolute_url())
    phone = tables.Column(orderable=False, empty_values=())
    id_number = tables.Column(orderable=False, empty_values=(), visible=False)
    address = tables.Column(orderable=False, empty_values=(), visible=False)
    salary_band = tables.Column(orderable=False, empty_values=(), visible=False)

    viewer = None
    read: selectors.PersonalRead | None = None

    class Meta:
        model = Employee
        fields = ("employee_no", "name", "store", "department", "position", "hire_date", "status", "phone",
                  "id_number", "address", "salary_band")
        attrs = TABLE_ATTRS

    def _personal(self, record, name: str) -> str:
        return self.read.value(self.viewer, record, name)

    def render_phone(self, record):
        return self._personal(record, "phone") or "—"

    def value_phone(self, record):
        return self._personal(record, "phone")

    def value_id_number(self, record):
        return self._personal(record, "id_number")

    def value_address(self, record):
        return self._personal(record, "address")

    def value_salary_band(self, record):
        return self._personal(record, "salary_band")

    def value_hire_date(self, value):
        return value


class EmployeeListMixin:
    """Binds the table to the viewer, and audits the personal fields a page or an export showed in clear."""

    def filtered(self, request: HttpRequest):
        filterset, queryset = super().filtered(request)
        self.read = selectors.PersonalRead()
        self.table_class = type("EmployeeTable", (EmployeeTable,), {"viewer": request.user, "read": self.read})
        return filterset, queryset

    def get(self, request: HttpRequest) -> HttpResponse:
        response = super().get(request)
        if getattr(self, "read", None) is not None and not request.GET.get("export"):
            personal_access_record(actor=request.user, read=self.read, channel="page")
        return response

    def export(self, request: HttpRequest, export_format: str, queryset) -> HttpResponse:
        """The rows are formed before the response streams, so the clear reads are known and audited."""
        if export_format not in ("csv", "xlsx"):
            return HttpResponseBadRequest(_("导出格式只支持 csv 或 xlsx。"))
        table = self.table_class(queryset)
        table.order_by = request.GET.get("sort")
        values = table.as_values()
        header, rows = next(values), list(values)
        personal_access_record(actor=request.user, read=self.read, channel="export")
        return export_response(export_format, self.export_filename, header, iter(rows))


# ------------------------------------------------------------------------------------------------ add and edit


class EmployeeFormBase(KitModelForm):
    """The kit form of employees; the personal fields only for HR (who may read and write them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.user is not None and self.user.role in selectors.PERSONAL_READ_ROLES
                and selectors.can_write_personal(self.user)):
            for name in PERSONAL:
                self.fields.pop(name, None)
        elif self.instance.pk and not selectors.can_read_personal(self.user, self.instance):
            for name in PERSONAL:
                self.fields.pop(name, None)
        if self.instance.pk and "manager" in self.fields:
            self.fields["manager"].queryset = self.fields["manager"].queryset.exclude(pk=self.instance.pk)

    @property
    def shows_personal(self) -> bool:
        return any(name in self.fields for name in PERSONAL)


class EmployeeEditMixin:
    """Audits the clear personal values an HR user's edit form shows."""

    def _render(self, request, form, instance, status: int = 200):
        if instance is not None and getattr(form, "shows_personal", False):
            read = selectors.PersonalRead()
            for name in PERSONAL:
                read.value(request.user, instance, name)
            personal_access_record(actor=request.user, read=read, channel="edit")
        return super()._render(request, form, instance, status)


def employee_views(spec) -> dict[str, type]:
    """The list and edit views of the employee spec (the kit's, with the mixins above)."""
    base_form = build_form(spec)
    spec.form_class = type("EmployeeForm", (EmployeeFormBase,), {"Meta": base_form.Meta, "kit_area": spec.area})
    spec.table_class = EmployeeTable
    return {
        "list": type("EmployeeListView", (EmployeeListMixin, SpecListView),
                     {"spec": spec, "model": spec.model, "add_url_name": spec.url_name("add"),
                      "export_filename": spec.path}),
        "edit": type("EmployeeEditView", (EmployeeEditMixin, SpecEditView), {"spec": spec, "model": spec.model}),
    }


# ------------------------------------------------------------------------------------------------ the profile


def employee_profile_context(request: HttpRequest, employee: Employee) -> dict:
    """What the profile shows beside the plain fields: personal data as the viewer may see it (reads audited),
    direct reports, and the sections other areas add (`selectors.employees.detail_sections`)."""
    user = request.user
    read = selectors.PersonalRead()
    personal = selectors.personal_rows(user, employee, read)
    personal_access_record(actor=user, read=read, channel="page")
    manager = None
    if employee.manager_id:
        manager = scoped_or_none(Employee, user, employee.manager_id)
    return {
        "personal_rows": personal,
        "personal_in_clear": selectors.can_read_personal(user, employee),
        "manager": manager,
        "reports": list(selectors.direct_reports(user, employee)),
        "sections": selectors.detail_sections(user, employee),
    }


# ------------------------------------------------------------------------------------------------ org chart


def _choice(model, user, value: str):
    if not value:
        return None
    found = scoped_or_none(model, user, value)
    if found is None:
        raise Http404(_("未找到。"))
    return found


@login_required
def org_chart(request: HttpRequest) -> HttpResponse:
    """The manager tree per store (?store=), per region (?region=), of head office (?head_office=1, company-wide
    users), or of everything the user sees."""
    if not user_can(request.user, "people", "view"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    store = _choice(Store, request.user, request.GET.get("store", "").strip())
    region = _choice(Region, request.user, request.GET.get("region", "").strip())
    head_office = request.GET.get("head_office") == "1" and request.user.has_company_scope
    units = selectors.org_chart(request.user, store_id=store.pk if store else None,
                                region_id=region.pk if region else None, head_office=head_office)
    context = {
        "units": units, "store": store, "region": region, "head_office": head_office,
        "stores": Store.objects.for_user(request.user).order_by("code"),
        "regions": Region.objects.for_user(request.user).order_by("code"),
        "can_see_head_office": request.user.has_company_scope,
    }
    return render(request, "people/employees/org_chart.html", context)


urlpatterns = [
    path("employees/org-chart/", org_chart, name="employee_org_chart"),
]
