"""REST API of the core app: regions and stores (kit specs), employees. Every handler reads through `for_user`."""

from datetime import date

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import APIKeyCookie, HttpBearer

from opsdesk.core import selectors, specs
from opsdesk.core.api_support import Id, PageNumberPagination, require_area
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


class EmployeeOut(Schema):
    id: int
    employee_no: str
    name: str
    store_id: int | None
    position_id: int | None
    department_id: int | None
    hire_date: date | None
    status: str


# Stores and regions: the kit's five operations each (GET/POST /stores/, GET/PATCH/DELETE /stores/{object_id}/).
specs.store.register_api(router)
specs.region.register_api(router)


@router.get("/employees/", response=list[EmployeeOut], summary="List employees in your scope")
@paginate(PageNumberPagination)
def employees_list(request: HttpRequest, store_id: Id | None = None):
    _require(request, "people", "view")
    queryset = selectors.employee_list(user=request.auth)
    if store_id is not None:
        queryset = queryset.filter(store_id=store_id)
    return queryset


@router.get("/employees/{employee_id}/", response=EmployeeOut, summary="One employee")
def employees_get(request: HttpRequest, employee_id: int):
    return get_object_or_404(selectors.employee_list(user=request.auth), pk=employee_id)
