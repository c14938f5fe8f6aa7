"""URLs of the forecasting app (mounted at /forecasting/)."""

from django.urls import path

from opsdesk.forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/export/", views.run_export, name="run_export"),
    path("stores/", views.store_list, name="store_list"),
    path("stores/<int:store_id>/", views.store_forecast, name="store_forecast"),
    path("stores/<int:store_id>/skus/<int:product_id>/", views.sku_forecast, name="sku_forecast"),
]
