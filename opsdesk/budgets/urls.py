"""URLs of the budgets app (mounted at /budgets/)."""

from django.urls import path

from opsdesk.budgets import specs, views

app_name = "budgets"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("versions/<int:pk>/approve/", views.version_approve, name="version_approve"),
    path("versions/<int:pk>/revise/", views.version_revise, name="version_revise"),
    path("versions/<int:pk>/copy/", views.version_copy, name="version_copy"),
    path("versions/<int:pk>/grid/", views.version_grid, name="version_grid"),
    path("lines/<int:pk>/spread/", views.line_spread, name="line_spread"),
    path("control/", views.control, name="control"),
    path("pnl/", views.store_pnl, name="store_pnl"),
]
