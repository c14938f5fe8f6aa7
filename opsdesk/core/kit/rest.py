"""The REST operations of a spec on a django-ninja router, with the list page's FilterSet.

    GET    /<path>/           list (paginated; the list page's filters as query parameters)
    POST   /<path>/           create                                   -> 201
    GET    /<path>/{id}/      one object
    PATCH  /<path>/{id}/      change the given fields
    DELETE /<path>/{id}/      delete                                   -> 204

An object outside the caller's scope, or one their role may not perform the operation on, answers 404; a
collection operation the role may not perform answers 403; bad input answers 422 naming the field.
"""


from typing import Annotated, Any

import django_filters
import pydantic
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.orm import create_schema
from ninja.pagination import paginate

from opsdesk.core.api_support import PageNumberPagination, require_area
from opsdesk.core.kit.guards import MAX_ID, NOT_FOUND_MESSAGE, is_valid_id, scoped_or_none
from opsdesk.core.kit.spec import model_field


class StrictSchema(Schema):
    """An input body: an unknown key is an error (422 naming it), never silently dropped."""

    model_config = pydantic.ConfigDict(extra="forbid")

    @pydantic.field_validator("*", mode="wrap")
    @classmethod
    def _malformed_value_is_invalid(cls, value, handler):
        # django-ninja's relation-id validators call int(value) and let a TypeError through (a null or an object
        # among the ids of a many-to-many field): that is bad input, a 422 naming the field, not a 500.
        try:
            return handler(value)
        except TypeError as error:
            raise ValueError("not a valid value") from error


def validation_error(error: DjangoValidationError) -> NinjaValidationError:
    """A Django ValidationError as django-ninja's 422 body: [{"loc": ["body", field], "msg": ...}]."""
    if hasattr(error, "error_dict"):
        items = [(field, message) for field, messages in error.message_dict.items() for message in messages]
    else:
        items = [("__all__", message) for message in error.messages]
    return NinjaValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}
                                 for field, message in items])


def _prepare(model, data: dict[str, Any]) -> dict[str, Any]:
    """The body as field values: relation ids to rows (unknown, invalid and out-of-scope ids read alike), and a null
    for a field that cannot hold one refused (or, for optional text, stored as the empty text)."""
    resolved = dict(data)
    for name, value in data.items():
        field = model._meta.get_field(name)
        if value is None:
            if field.null or field.many_to_many:
                continue
            if field.blank and isinstance(field, models.CharField | models.TextField):
                resolved[name] = ""
                continue
            raise DjangoValidationError({name: _("此字段不能为空。")})
        if not field.is_relation:
            continue
        values = value if field.many_to_many else [value]
        if any(not is_valid_id(item) for item in values):
            raise DjangoValidationError({name: NOT_FOUND_MESSAGE})
        if field.many_to_many:
            continue  # ids; the write checks their scope
        row = field.related_model._base_manager.filter(pk=int(value)).first()
        if row is None:
            raise DjangoValidationError({name: NOT_FOUND_MESSAGE})
        resolved[name] = row
    return resolved


def _filter_schema(spec) -> type[Schema]:
    """Query parameters named like the list page's filters (all optional strings, parsed by the FilterSet)."""
    names = []
    for name, declared in spec.get_filterset_class().base_filters.items():
        if isinstance(declared, django_filters.DateFromToRangeFilter):
            names += [f"{name}_after", f"{name}_before"]
        else:
            names.append(name)
    fields = {name: (str | None, pydantic.Field(None, max_length=200)) for name in names}
    for name, declared in spec.get_filterset_class().base_filters.items():
        if isinstance(declared, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
            # An id no row can have is a 422 naming the parameter (as an `Id` query parameter answers); a valid
            # id outside the caller's choices stays the FilterSet's 400.
            fields[name] = (Annotated[str | None, pydantic.AfterValidator(_filter_id)], fields[name][1])
    return pydantic.create_model(f"{spec.model.__name__}Filters", __base__=Schema, **fields)


def _filter_id(value: str | None) -> str | None:
    if value not in (None, "") and not is_valid_id(value):
        raise ValueError(f"not a valid id (a positive integer up to {MAX_ID}).")
    return value


def _call(function, *args, denied_status: int = 404, **kwargs):
    """Run a write: a scope refusal is 404 on an object (403 on the collection), a validation error 422."""
    try:
        return function(*args, **kwargs)
    except PermissionDenied as error:
        if denied_status == 403:
            raise HttpError(403, str(error) or "Forbidden") from error
        raise Http404 from error
    except DjangoValidationError as error:
        raise validation_error(error) from error


def register(router, spec) -> None:
    """Add the five operations of `spec` to `router` (see the module docstring)."""
    model, label = spec.model, spec.model.__name__
    out_fields = ["id", *(spec.api_out_fields or dict.fromkeys((*spec.columns, *spec.fields, *spec.detail_fields)))]
    out_fields = [name for name in out_fields if name == "id" or model_field(model, name) is not None]
    base_out = create_schema(model, name=f"{label}Out", fields=out_fields)
    out = type(f"{label}Out", (base_out,), {"__annotations__": {"display": str},
                                           "resolve_display": staticmethod(lambda obj: str(obj))})
    filters_schema = _filter_schema(spec)
    collection, item = spec.api_path, f"{spec.api_path}{{object_id}}/"
    plural = str(model._meta.verbose_name_plural)
    op = f"{spec.namespace}_{spec.name}"

    def get_in_scope(request, object_id: int, action: str):
        found = scoped_or_none(model, request.auth, object_id, action)
        if found is None:
            raise Http404
        return spec.get_queryset(request.auth, action).get(pk=found.pk)

    @router.get(collection, response=list[out], by_alias=True, summary=f"List {plural}", operation_id=f"{op}_list")
    @paginate(PageNumberPagination)
    def list_objects(request: HttpRequest, filters: Query[filters_schema]):
        require_area(request, spec.area, "view")
        filterset = spec.get_filterset_class()(filters.dict(exclude_none=True),
                                               queryset=spec.get_queryset(request.auth), request=request)
        if not filterset.is_valid():
            raise HttpError(400, "; ".join(f"{key}: {' '.join(value)}" for key, value in filterset.errors.items()))
        return filterset.qs

    @router.get(item, response=out, by_alias=True, summary=f"One of {plural}", operation_id=f"{op}_get")
    def get_object(request: HttpRequest, object_id: int):
        return get_in_scope(request, object_id, "view")

    if spec.read_only:
        return
    create_in = create_schema(model, name=f"{label}In", fields=list(spec.fields), base_class=StrictSchema)
    patch_in = create_schema(model, name=f"{label}Patch", fields=list(spec.fields), optional_fields="__all__",
                             base_class=StrictSchema)

    @router.post(collection, response={201: out}, by_alias=True, summary=f"Create ({plural})",
                 operation_id=f"{op}_create")
    def create_object(request: HttpRequest, payload: create_in):
        require_area(request, spec.area, "add")
        data = _call(_prepare, model, payload.dict(exclude_unset=True))
        return Status(201, _call(spec.create, actor=request.auth, data=data, denied_status=403))

    @router.patch(item, response=out, by_alias=True, summary=f"Change ({plural})", operation_id=f"{op}_update")
    def update_object(request: HttpRequest, object_id: int, payload: patch_in):
        instance = get_in_scope(request, object_id, "change")
        data = _call(_prepare, model, payload.dict(exclude_unset=True))
        return _call(spec.update, actor=request.auth, instance=instance, data=data)

    @router.delete(item, response={204: None}, summary=f"Delete ({plural})", operation_id=f"{op}_delete")
    def delete_object(request: HttpRequest, object_id: int):
        instance = get_in_scope(request, object_id, "delete")
        _call(spec.delete, actor=request.auth, instance=instance)
        return Status(204, None)
