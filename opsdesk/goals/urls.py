"""URLs of goals (mounted at /goals/)."""

from django.urls import path

from opsdesk.goals import specs, views

app_name = "goals"

urlpatterns = [
    *[pattern for spec in specs.PAGES for pattern in spec.urls()],
    path("goals/<int:pk>/cascade/", views.goal_cascade, name="goal_cascade"),
    path("goals/<int:pk>/measure/", views.goal_measure, name="goal_measure"),
    path("league/", views.league, name="league"),
    path("kpis/", views.kpi_library, name="kpi_library"),
    path("plans/<int:pk>/measures/add/", views.measure_add, name="measure_add"),
    path("plans/measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("plans/measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("plans/<int:pk>/resources/add/", views.resource_add, name="resource_add"),
    path("plans/resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("plans/resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("plans/<int:pk>/submit/", views.workplan_submit, name="workplan_submit"),
    path("plans/<int:pk>/approve/", views.workplan_approve, name="workplan_approve"),
    path("plans/<int:pk>/return/", views.workplan_return, name="workplan_return"),
    path("plans/<int:pk>/versions/", views.workplan_versions, name="workplan_versions"),
    path("plans/<int:pk>/download/", views.workplan_download, name="workplan_download"),
    path("plans/versions/<int:pk>/download/", views.workplan_version_download, name="workplan_version_download"),
]
