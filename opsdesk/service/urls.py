"""URLs of customer service (mounted at /service/)."""

from django.urls import path

from opsdesk.service import specs
from opsdesk.service.views import analysis, public, tickets

app_name = "service"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("tickets/<int:pk>/status/", tickets.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/log/", tickets.ticket_log, name="ticket_log"),
    # --- public pages (no login) ---
    path("f/<str:token>/", public.public_feedback, name="public_feedback"),
    path("f/<str:token>/survey/<int:survey_id>/", public.public_survey, name="public_survey"),
    path("r/<str:token>/", public.public_csat, name="public_csat"),
    path("tickets/<int:pk>/photo/", public.ticket_photo, name="ticket_photo"),
    path("stores/<int:store_id>/qr/", public.store_qr, name="store_qr"),
    path("stores/<int:store_id>/qr/rotate/", public.store_qr_rotate, name="store_qr_rotate"),
    # --- analysis ---
    path("analysis/", analysis.analysis, name="analysis"),
]
