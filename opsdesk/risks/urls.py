"""URLs of the risk register (mounted at /risks/)."""

from django.urls import path

from opsdesk.risks import specs, views

app_name = "risks"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("register/<int:pk>/review/", views.risk_review, name="risk_review"),
    path("indicators/<int:pk>/accept/", views.indicator_accept, name="indicator_accept"),
    path("indicators/measure/", views.indicators_measure, name="indicators_measure"),
    path("heat-map/", views.heat_map, name="heat_map"),
]
