"""The REST API (django-ninja) under /api/v1/: core's router at the root, each other OpsDesk app's `api.router`
under /api/v1/<app label>/."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI

from opsdesk.core.api import ApiTokenAuth, SessionAuth
from opsdesk.core.api import router as core_router

api = NinjaAPI(
    title="OpsDesk API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    auth=[ApiTokenAuth(), SessionAuth()],
    docs_decorator=login_required,
)
api.add_router("/", core_router)

for _config in apps.get_app_configs():
    if _config.name.startswith("opsdesk.") and _config.label != "core" and find_spec(f"{_config.name}.api"):
        api.add_router(f"/{_config.label}/", import_module(f"{_config.name}.api").router)
