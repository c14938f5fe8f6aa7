"""URLs of the sales app (mounted at /sales/)."""

from django.urls import path

from opsdesk.sales import assortment_views, explorer_views, specs, views

app_name = "sales"

urlpatterns = [
    *[pattern for spec in specs.ALL for pattern in spec.urls()],
    path("promotions/", views.PromotionListView.as_view(), name="promotion_list"),
    path("promotions/add/", views.PromotionEditView.as_view(), name="promotion_add"),
    path("promotions/<int:pk>/", views.PromotionDetailView.as_view(), name="promotion_detail"),
    path("promotions/<int:pk>/evaluate/", views.promotion_evaluate, name="promotion_evaluate"),
    path("promotions/<int:pk>/decide/", views.promotion_decide, name="promotion_decide"),
    path("promotions/league/", views.promotion_league, name="promotion_league"),
    path("promotions/<int:pk>/edit/", views.PromotionEditView.as_view(), name="promotion_edit"),
    path("promotions/<int:pk>/delete/", views.PromotionDeleteView.as_view(), name="promotion_delete"),
    path("calendar/", views.calendar, name="calendar"),
    path("explore/", explorer_views.explore_page, name="explore"),
    path("assortment/", assortment_views.assortment_list, name="assortment_list"),
    path("assortment/run/", assortment_views.assortment_run, name="assortment_run"),
    path("assortment/<int:pk>/", assortment_views.assortment_detail, name="assortment_detail"),
    path("assortment/<int:pk>/decide/", assortment_views.assortment_decide, name="assortment_decide"),
    path("launches/", assortment_views.launch_list, name="launch_list"),
    path("launches/add/", assortment_views.launch_add, name="launch_add"),
    path("launches/<int:pk>/", assortment_views.launch_detail, name="launch_detail"),
    path("explore/views/save/", explorer_views.view_save, name="explorer_view_save"),
    path("explore/views/<int:pk>/delete/", explorer_views.view_delete, name="explorer_view_delete"),
    path("calendar/<int:store_id>/<str:day>/", views.calendar_toggle, name="calendar_toggle"),
]
