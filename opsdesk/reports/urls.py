"""URLs of reports (mounted at /reports/)."""

from django.urls import path

from opsdesk.reports import specs, views

app_name = "reports"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("pack/", views.pack_page, name="pack_page"),
    path("pack/download/", views.pack_download, name="pack_download"),
    path("pack/store/", views.pack_store, name="pack_store"),
    path("packs/<int:pk>/download/<str:export_format>/", views.stored_pack_download, name="reportpack_download"),
    path("meetings/<int:pk>/download/<str:export_format>/", views.meeting_download, name="meeting_download"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("brief/", views.brief_page, name="brief_page"),
    path("brief/download/", views.brief_download, name="brief_download"),
]
