"""URL configuration: core at the root, every other OpsDesk app with a urls.py under /<app label>/."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from opsdesk.config.api import api


def _domain_app_urls() -> list:
    patterns = []
    for config in apps.get_app_configs():
        if not config.name.startswith("opsdesk.") or config.label == "core":
            continue
        module = f"{config.name}.urls"
        if find_spec(module) is not None:
            patterns.append(path(f"{config.label}/", include(import_module(module))))
    return patterns


urlpatterns = [
    path("", include("opsdesk.core.urls")),
    path("api/v1/", api.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    *_domain_app_urls(),
]
