"""URLs of the purchasing app (mounted at /purchasing/)."""

from django.urls import path

from opsdesk.purchasing import views

app_name = "purchasing"

urlpatterns = [
    path("orders/", views.PurchaseOrderListView.as_view(), name="purchase_order_list"),
    path("orders/<int:pk>/", views.PurchaseOrderDetailView.as_view(), name="purchase_order_detail"),
]
