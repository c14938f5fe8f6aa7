"""URLs of the imports app (mounted at /imports/)."""

from django.urls import path

from opsdesk.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportBatchListView.as_view(), name="batch_list"),
    path("new/", views.batch_new, name="batch_new"),
    path("templates/<slug:kind>.csv", views.kind_template, {"file_format": "csv"}, name="kind_template_csv"),
    path("templates/<slug:kind>.xlsx", views.kind_template, {"file_format": "xlsx"}, name="kind_template_xlsx"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/mapping/", views.batch_mapping, name="batch_mapping"),
    path("batches/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:pk>/quarantine/", views.batch_quarantine, name="batch_quarantine"),
    path("batches/<int:pk>/retry/", views.batch_retry, name="batch_retry"),
    path("profiles/", views.MappingProfileListView.as_view(), name="profile_list"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("profiles/<int:pk>/delete/", views.profile_delete, name="profile_delete"),
]
