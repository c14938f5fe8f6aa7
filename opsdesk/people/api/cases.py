"""REST operations of HR cases (/api/v1/people/cases/): the kit's five (reading one case is audited, and its steps
and documents come with it), plus adding a step and a member. A case the caller may not read answers 404."""


from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from ninja.orm import create_schema
from ninja.pagination import paginate

from opsdesk.core.api_support import Id, PageNumberPagination, require_area
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import StrictSchema, _call, _filter_schema, _prepare, validation_error
from opsdesk.people.models.cases import HrCase
from opsdesk.people.selectors import cases as selectors
from opsdesk.people.services import cases as services


class StepOut(Schema):
    id: int
    date: date
    description: str
    author: str


class DocumentOut(Schema):
    id: int
    title: str
    original_name: str
    content_type: str
    size: int
    download_url: str


class StepIn(StrictSchema):
    date: date
    description: str


class MemberIn(StrictSchema):
    user_id: Id


def _case(request, object_id: int, action: str) -> HrCase:
    found = scoped_or_none(HrCase, request.auth, object_id, action)
    if found is None:
        raise Http404
    return found


def _detail(request, case: HrCase, out) -> dict:
    """The case with its steps, documents and members; the read is audited."""
    services.case_access_record(actor=request.auth, case=case, channel="api")
    data = out.from_orm(case).dict()
    data["members"] = list(case.members.values_list("pk", flat=True))
    data["steps"] = [StepOut(id=step.pk, date=step.date, description=step.description,
                             author=step.author.display_name if step.author else "").dict()
                     for step in selectors.case_steps(request.auth, case)]
    data["documents"] = [DocumentOut(id=document.pk, title=document.title, original_name=document.original_name,
                                     content_type=document.content_type, size=document.size,
                                     download_url=document.download_url).dict()
                         for document in selectors.case_documents(request.auth, case)]
    return data


def register_case_api(router, spec) -> None:
    """GET/POST /cases/, GET/PATCH/DELETE /cases/{object_id}/."""
    fields = ["id", *spec.api_out_fields]
    out = create_schema(HrCase, name="HrCaseOut", fields=fields)
    filters_schema = _filter_schema(spec)
    collection, item = spec.api_path, f"{spec.api_path}{{object_id}}/"
    create_in = create_schema(HrCase, name="HrCaseIn", fields=list(spec.fields), base_class=StrictSchema,
                              optional_fields=["parties"])
    patch_in = create_schema(HrCase, name="HrCasePatch", fields=list(spec.fields), optional_fields="__all__",
                             base_class=StrictSchema)

    @router.get(collection, response=list[out], summary="List HR cases (readable ones)",
                operation_id="people_case_list")
    @paginate(PageNumberPagination)
    def list_cases(request: HttpRequest, filters: Query[filters_schema]):
        require_area(request, spec.area, "view")
        filterset = spec.get_filterset_class()(filters.dict(exclude_none=True),
                                               queryset=spec.get_queryset(request.auth), request=request)
        if not filterset.is_valid():
            raise HttpError(400, "; ".join(f"{key}: {' '.join(value)}" for key, value in filterset.errors.items()))
        return filterset.qs

    @router.get(item, response=dict, summary="One HR case with its steps and documents (audited)",
                operation_id="people_case_get")
    def get_case(request: HttpRequest, object_id: int):
        return _detail(request, _case(request, object_id, "view"), out)

    @router.post(collection, response={201: dict}, summary="Open an HR case", operation_id="people_case_create")
    def create_case(request: HttpRequest, payload: create_in):
        require_area(request, spec.area, "add")
        data = _call(_prepare, HrCase, payload.dict(exclude_unset=True))
        created = _call(spec.create, actor=request.auth, data=data, denied_status=403)
        return Status(201, _detail(request, created, out))

    @router.patch(item, response=dict, summary="Change an HR case", operation_id="people_case_update")
    def update_case(request: HttpRequest, object_id: int, payload: patch_in):
        instance = _case(request, object_id, "change")
        data = _call(_prepare, HrCase, payload.dict(exclude_unset=True))
        return _detail(request, _call(spec.update, actor=request.auth, instance=instance, data=data), out)

    @router.delete(item, response={204: None}, summary="Delete an HR case", operation_id="people_case_delete")
    def delete_case(request: HttpRequest, object_id: int):
        instance = _case(request, object_id, "delete")
        _call(spec.delete, actor=request.auth, instance=instance)
        return Status(204, None)


def register(router) -> None:
    """Steps and members of a case."""

    @router.post("/cases/{object_id}/steps/", response={201: StepOut}, summary="Add a step to an HR case",
                 operation_id="people_case_step_add")
    def add_step(request: HttpRequest, object_id: int, payload: StepIn):
        case = _case(request, object_id, "change")
        try:
            step = services.case_step_add(actor=request.auth, case=case, day=payload.date,
                                          description=payload.description)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            raise validation_error(error) from error
        return Status(201, StepOut(id=step.pk, date=step.date, description=step.description,
                                   author=request.auth.display_name))

    @router.post("/cases/{object_id}/members/", response={200: dict}, summary="Let one more person read an HR case",
                 operation_id="people_case_member_add")
    def add_member(request: HttpRequest, object_id: int, payload: MemberIn):
        case = _case(request, object_id, "change")
        user = get_user_model().objects.filter(pk=payload.user_id, company_id=request.auth.company_id).first()
        try:
            services.case_member_add(actor=request.auth, case=case, user=user)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            raise validation_error(error) from error
        return {"id": case.pk, "members": list(case.members.values_list("pk", flat=True))}
