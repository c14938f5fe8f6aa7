"""URLs of the sales app (mounted at /sales/)."""

from django.urls import path

from opsdesk.sales import specs, views

app_name = "sales"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("promotions/", views.PromotionListView.as_view(), name="promotion_list"),
    path("promotions/add/", views.PromotionEditView.as_view(), name="promotion_add"),
    path("promotions/<int:pk>/", views.PromotionDetailView.as_view(), name="promotion_detail"),
    path("promotions/<int:pk>/edit/", views.PromotionEditView.as_view(), name="promotion_edit"),
    path("promotions/<int:pk>/delete/", views.PromotionDeleteView.as_view(), name="promotion_delete"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:store_id>/<str:day>/", views.calendar_toggle, name="calendar_toggle"),
]
