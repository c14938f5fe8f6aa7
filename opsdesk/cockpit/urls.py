"""URLs of the cockpit (under /cockpit/; the home page `core:home` shows the cockpit too)."""

from django.urls import path

from opsdesk.cockpit import views

app_name = "cockpit"

urlpatterns = [
    path("", views.cockpit, name="index"),
    path("tiles/", views.extension_tiles, name="extension_tiles"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/act/", views.inbox_act, name="inbox_act"),
    path("inbox/bulk/", views.inbox_bulk, name="inbox_bulk"),
    path("inbox/preview/", views.inbox_preview, name="inbox_preview"),
    path("inbox/<slug:provider>/<str:key>/", views.inbox_item, name="inbox_item"),
]
