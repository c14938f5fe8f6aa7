"""URLs of the purchasing app (mounted at /purchasing/)."""

from django.urls import path

from opsdesk.purchasing import views

app_name = "purchasing"

urlpatterns = [
    path("orders/", views.PurchaseOrderListView.as_view(), name="purchase_order_list"),
    path("orders/add/", views.PurchaseOrderCreateView.as_view(), name="purchase_order_add"),
    path("orders/<int:pk>/", views.PurchaseOrderDetailView.as_view(), name="purchase_order_detail"),
    path("orders/<int:pk>/lines/", views.PurchaseOrderLineAddView.as_view(), name="purchase_order_line_add"),
    path("orders/<int:pk>/lines/change/", views.PurchaseOrderLineUpdateView.as_view(),
         name="purchase_order_line_update"),
    path("orders/<int:pk>/send/", views.PurchaseOrderSendView.as_view(), name="purchase_order_send"),
    path("orders/<int:pk>/cancel/", views.PurchaseOrderCancelView.as_view(), name="purchase_order_cancel"),
    path("orders/<int:pk>/receive/", views.PurchaseOrderReceiveView.as_view(), name="purchase_order_receive"),
    path("orders/<int:pk>/pdf/", views.PurchaseOrderPdfView.as_view(), name="purchase_order_pdf"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/add/", views.ContractCreateView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/prices/", views.ContractPriceAddView.as_view(), name="contract_price_add"),
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path("scorecards/<int:pk>/", views.ScorecardSupplierView.as_view(), name="supplier_detail"),
    path("portal/orders/", views.PortalOrderListView.as_view(), name="portal_order_list"),
    path("portal/orders/<int:pk>/", views.PortalOrderDetailView.as_view(), name="portal_order_detail"),
    path("portal/orders/<int:pk>/confirm/", views.PortalOrderConfirmView.as_view(), name="portal_order_confirm"),
]
