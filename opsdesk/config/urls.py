"""URL configuration."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from opsdesk.config.api import api

urlpatterns = [
    path("", include("opsdesk.core.urls")),
    path("api/v1/", api.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
