"""REST API of the core app: regions, stores, employees. Every handler reads through `for_user`."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import APIKeyCookie, HttpBearer

from opsdesk.core import selectors, services
from opsdesk.core.api_support import require_area
from opsdesk.core.models import ApiToken


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer odk_...`: a personal API token, looked up by its SHA-256."""

    def authenticate(self, request: HttpRequest, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not found.is_active or not found.user.is_active:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


router = Router(tags=["organisation"])


_require = require_area


class RegionOut(Schema):
    id: int
    code: str
    name: str
    store_count: int = 0


class StoreOut(Schema):
    id: int
    code: str
    name: str
    region_id: int
    region_code: str = Field(..., alias="region.code")
    city: str
    address: str
    opening_date: date | None
    format: str
    floor_area: Decimal | None
    status: str


class StoreIn(Schema):
    name: str | None = None
    city: str | None = None
    address: str | None = None
    opening_date: date | None = None
    format: str | None = None
    floor_area: Decimal | None = None
    status: str | None = None


class StoreFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["code__icontains", "name__icontains", "city__icontains"])] = None
    region_id: int | None = None
    city: str | None = None
    format: str | None = None
    status: str | None = None


class EmployeeOut(Schema):
    id: int
    employee_no: str
    name: str
    store_id: int | None
    position_id: int | None
    department_id: int | None
    hire_date: date | None
    status: str


@router.get("/regions/", response=list[RegionOut], summary="List regions in your scope")
@paginate(PageNumberPagination)
def regions_list(request: HttpRequest):
    _require(request, "org", "view")
    return selectors.region_list(user=request.auth)


@router.get("/regions/{region_id}/", response=RegionOut, summary="One region")
def regions_get(request: HttpRequest, region_id: int):
    return get_object_or_404(selectors.region_list(user=request.auth), pk=region_id)


@router.get("/stores/", response=list[StoreOut], summary="List stores in your scope")
@paginate(PageNumberPagination)
def stores_list(request: HttpRequest, filters: Query[StoreFilter]):
    _require(request, "org", "view")
    return filters.filter(selectors.store_list(user=request.auth))


@router.get("/stores/{store_id}/", response=StoreOut, summary="One store")
def stores_get(request: HttpRequest, store_id: int):
    return get_object_or_404(selectors.store_list(user=request.auth), pk=store_id)


@router.patch("/stores/{store_id}/", response=StoreOut, summary="Update a store")
def stores_update(request: HttpRequest, store_id: int, payload: StoreIn):
    store = get_object_or_404(selectors.store_list(user=request.auth), pk=store_id)
    _require(request, "org", "change")
    try:
        return services.store_update(actor=request.auth, store=store, data=payload.dict(exclude_unset=True))
    except ValidationError as error:  # full_clean() in the service: a bad value is the client's error, not a 500
        raise HttpError(422, "; ".join(error.messages)) from error


@router.get("/employees/", response=list[EmployeeOut], summary="List employees in your scope")
@paginate(PageNumberPagination)
def employees_list(request: HttpRequest, store_id: int | None = None):
    _require(request, "people", "view")
    queryset = selectors.employee_list(user=request.auth)
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    return queryset


@router.get("/employees/{employee_id}/", response=EmployeeOut, summary="One employee")
def employees_get(request: HttpRequest, employee_id: int):
    return get_object_or_404(selectors.employee_list(user=request.auth), pk=employee_id)
