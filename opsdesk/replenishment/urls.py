"""URLs of the replenishment app (mounted at /replenishment/)."""

from django.urls import path

from opsdesk.replenishment import views

app_name = "replenishment"

urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("stores/", views.store_list, name="store_list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/quantity/", views.proposal_quantity, name="proposal_quantity"),
    path("approve/", views.approve, name="approve"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("settings/", views.settings_detail, name="settings"),
    path("settings/edit/", views.settings_edit, name="settings_edit"),
    path("health/", views.health, name="health"),
    path("health/stores/<int:store_id>/", views.health_store, name="health_store"),
]
