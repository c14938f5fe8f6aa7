"""URLs of goals (mounted at /goals/)."""

from django.urls import path

from opsdesk.goals import specs, views

app_name = "goals"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("goals/<int:pk>/cascade/", views.goal_cascade, name="goal_cascade"),
    path("goals/<int:pk>/measure/", views.goal_measure, name="goal_measure"),
    path("league/", views.league, name="league"),
    path("kpis/", views.kpi_library, name="kpi_library"),
]
