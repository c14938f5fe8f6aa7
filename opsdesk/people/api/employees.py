"""REST operations of employees (/api/v1/people/employees/): the kit's five, with personal fields masked for all but
HR and the employee themself, and every response that shows them in clear audited."""


from django.http import Http404, HttpRequest
from ninja import Query, Status
from ninja.errors import HttpError
from ninja.orm import create_schema
from ninja.pagination import paginate

from opsdesk.core.api_support import PageNumberPagination, require_area
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import StrictSchema, _call, _filter_schema, _prepare
from opsdesk.people.models import Employee
from opsdesk.people.selectors.employees import PERSONAL_FIELDS, PersonalRead
from opsdesk.people.services.employees import personal_access_record

OUT_FIELDS = ["id", "employee_no", "name", "store", "department", "position", "manager", "hire_date",
              "position_since", "status", "left_date", "left_reason", "email"]


def _personal_resolver(name: str):
    def resolve(obj, context):
        request = context["request"]
        return request.personal_read.value(request.auth, obj, name)

    return staticmethod(resolve)


def _out_schema():
    base = create_schema(Employee, name="EmployeeOutBase", fields=OUT_FIELDS)
    annotations = {"display": str, **{name: str for name in PERSONAL_FIELDS}}
    attributes = {"__annotations__": annotations, "resolve_display": staticmethod(lambda obj: str(obj)),
                  **{f"resolve_{name}": _personal_resolver(name) for name in PERSONAL_FIELDS}}
    return type("EmployeeOut", (base,), attributes)


class _AuditedRead:
    """Collects the clear personal fields of one response; the entries are written once it is serialised."""

    def __init__(self, request: HttpRequest):
        self.request = request
        request.personal_read = PersonalRead()

    def flush(self) -> None:
        personal_access_record(actor=self.request.auth, read=self.request.personal_read, channel="api")


def register_employee_api(router, spec) -> None:
    """GET/POST /employees/, GET/PATCH/DELETE /employees/{object_id}/ (see the module docstring)."""
    out = _out_schema()
    filters_schema = _filter_schema(spec)
    collection, item = spec.api_path, f"{spec.api_path}{{object_id}}/"
    create_in = create_schema(Employee, name="EmployeeIn", fields=list(spec.fields), base_class=StrictSchema)
    patch_in = create_schema(Employee, name="EmployeePatch", fields=list(spec.fields), optional_fields="__all__",
                             base_class=StrictSchema)

    def in_scope(request, object_id: int, action: str) -> Employee:
        found = scoped_or_none(Employee, request.auth, object_id, action)
        if found is None:
            raise Http404
        return spec.get_queryset(request.auth, action).get(pk=found.pk)

    def serialise(request, employee: Employee) -> dict:
        audited = _AuditedRead(request)
        data = out.from_orm(employee, context={"request": request}).dict()
        audited.flush()
        return data

    @router.get(collection, response=list[out], summary="List employees", operation_id="people_employee_list")
    @paginate(PageNumberPagination)
    def list_employees(request: HttpRequest, filters: Query[filters_schema]):
        require_area(request, spec.area, "view")
        filterset = spec.get_filterset_class()(filters.dict(exclude_none=True),
                                               queryset=spec.get_queryset(request.auth), request=request)
        if not filterset.is_valid():
            raise HttpError(400, "; ".join(f"{key}: {' '.join(value)}" for key, value in filterset.errors.items()))
        return _AuditedPage(request, filterset.qs)

    @router.get(item, response=dict, summary="One employee", operation_id="people_employee_get")
    def get_employee(request: HttpRequest, object_id: int):
        return serialise(request, in_scope(request, object_id, "view"))

    @router.post(collection, response={201: dict}, summary="Create (employees)", operation_id="people_employee_create")
    def create_employee(request: HttpRequest, payload: create_in):
        require_area(request, spec.area, "add")
        data = _call(_prepare, Employee, payload.dict(exclude_unset=True))
        created = _call(spec.create, actor=request.auth, data=data, denied_status=403)
        return Status(201, serialise(request, created))

    @router.patch(item, response=dict, summary="Change (employees)", operation_id="people_employee_update")
    def update_employee(request: HttpRequest, object_id: int, payload: patch_in):
        instance = in_scope(request, object_id, "change")
        data = _call(_prepare, Employee, payload.dict(exclude_unset=True))
        return serialise(request, _call(spec.update, actor=request.auth, instance=instance, data=data))

    @router.delete(item, response={204: None}, summary="Delete (employees)", operation_id="people_employee_delete")
    def delete_employee(request: HttpRequest, object_id: int):
        instance = in_scope(request, object_id, "delete")
        _call(spec.delete, actor=request.auth, instance=instance)
        return Status(204, None)


class _AuditedPage:
    """The list's queryset; the paginator slices it, and the slice's rows are serialised with the request's
    PersonalRead (written out by the `people_access_flush` of `register`)."""

    def __init__(self, request: HttpRequest, queryset):
        self.request, self.queryset = request, queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        rows = list(self.queryset[index])
        read = PersonalRead()
        for employee in rows:
            for name in PERSONAL_FIELDS:
                read.value(self.request.auth, employee, name)
        personal_access_record(actor=self.request.auth, read=read, channel="api")
        self.request.personal_read = PersonalRead()  # the serialiser's reads are the ones recorded above
        return rows


def register(router) -> None:
    """No extra operations: the employee operations come from the spec (EmployeeSpec.register_api)."""
