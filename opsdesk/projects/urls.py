"""URLs of the projects app (mounted at /projects/)."""

from django.urls import path

from opsdesk.projects import specs, views

app_name = "projects"

urlpatterns = [
    path("projects/from-template/", views.project_from_template, name="project_from_template"),
    path("tasks/from-source/", views.task_from_source, name="task_from_source"),
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("projects/<int:pk>/gantt/", views.project_gantt, name="project_gantt"),
    path("projects/<int:pk>/kanban/", views.project_kanban, name="project_kanban"),
    path("projects/<int:pk>/baseline/", views.project_baseline, name="project_baseline"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
]
