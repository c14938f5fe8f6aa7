"""URLs of the risk register (mounted at /risks/)."""

from django.urls import path

from opsdesk.risks import specs, views

app_name = "risks"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("register/pdf/", views.risk_register_pdf, name="risk_register_pdf"),
    path("register/xlsx/", views.risk_register_xlsx, name="risk_register_xlsx"),
    path("register/<int:pk>/review/", views.risk_review, name="risk_review"),
    path("indicators/<int:pk>/accept/", views.indicator_accept, name="indicator_accept"),
    path("indicators/measure/", views.indicators_measure, name="indicators_measure"),
    path("heat-map/", views.heat_map, name="heat_map"),
    path("incidents/<int:pk>/close/", views.incident_close, name="incident_close"),
    path("incidents/<int:pk>/action/", views.incident_action, name="incident_action"),
    path("incidents/<int:pk>/photo/", views.incident_photo, name="incident_photo"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("drills/<int:pk>/start/", views.drill_start, name="drill_start"),
    path("drills/<int:pk>/complete/", views.drill_complete, name="drill_complete"),
]
