"""URLs of customer service (mounted at /service/)."""

from django.urls import path

from opsdesk.service import specs
from opsdesk.service.views import analysis, tickets

app_name = "service"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("tickets/<int:pk>/status/", tickets.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/log/", tickets.ticket_log, name="ticket_log"),
    # --- public pages (no login) ---
    # --- analysis ---
    path("analysis/", analysis.analysis, name="analysis"),
]
