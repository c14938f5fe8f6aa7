"""The REST API (django-ninja) under /api/v1/: each domain app contributes a router."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

from opsdesk.core.api import ApiTokenAuth, SessionAuth, router as core_router

api = NinjaAPI(
    title="OpsDesk API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    auth=[ApiTokenAuth(), SessionAuth()],
    docs_decorator=login_required,
)
api.add_router("/", core_router)
