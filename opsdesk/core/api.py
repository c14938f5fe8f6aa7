"""REST API of the core app: regions and stores (kit specs), employees. Every handler reads through `for_user`."""


from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.security import APIKeyCookie, HttpBearer

from opsdesk.core import specs
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


# Stores and regions: the kit's five operations each (GET/POST /stores/, GET/PATCH/DELETE /stores/{object_id}/).
specs.store.register_api(router)
specs.region.register_api(router)



