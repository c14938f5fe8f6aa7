"""URLs of the purchasing app (mounted at /purchasing/)."""

from django.urls import path

from opsdesk.purchasing import specs, views

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
    path("orders/<int:pk>/returns/", views.PurchaseOrderReturnView.as_view(), name="purchase_order_return"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("contract-prices/<int:pk>/edit/", views.ContractPriceEditView.as_view(), name="contract_price_edit"),
    path("contract-prices/<int:pk>/delete/", views.ContractPriceDeleteView.as_view(), name="contract_price_delete"),
    path("suppliers/", views.SupplierListView.as_view(), name="supplier_list"),
    path("suppliers/add/", views.SupplierEditView.as_view(), name="supplier_add"),
    path("suppliers/<int:pk>/", views.SupplierOverviewView.as_view(), name="supplier_overview"),
    path("suppliers/<int:pk>/edit/", views.SupplierEditView.as_view(), name="supplier_edit"),
    path("suppliers/<int:pk>/contacts/add/", views.SupplierContactAddView.as_view(), name="supplier_contact_add"),
    path("suppliers/<int:pk>/documents/add/", views.SupplierDocumentAddView.as_view(), name="supplier_document_add"),
    path("contacts/<int:pk>/edit/", views.SupplierContactEditView.as_view(), name="supplier_contact_edit"),
    path("contacts/<int:pk>/delete/", views.SupplierContactDeleteView.as_view(), name="supplier_contact_delete"),
    path("documents/", views.SupplierDocumentListView.as_view(), name="supplier_document_list"),
    path("documents/<int:pk>/edit/", views.SupplierDocumentEditView.as_view(), name="supplier_document_edit"),
    path("documents/<int:pk>/download/", views.SupplierDocumentDownloadView.as_view(),
         name="supplier_document_download"),
    path("documents/<int:pk>/delete/", views.SupplierDocumentDeleteView.as_view(), name="supplier_document_delete"),
    path("returns/", views.SupplierReturnListView.as_view(), name="supplier_return_list"),
    # complaints: the kit's pages (the add/edit page is views.SupplierComplaintEditView), and resolving
    *specs.complaint.urls(),
    path("complaints/<int:pk>/resolve/", views.SupplierComplaintResolveView.as_view(), name="complaint_resolve"),
    path("portal/orders/", views.PortalOrderListView.as_view(), name="portal_order_list"),
    path("portal/orders/<int:pk>/", views.PortalOrderDetailView.as_view(), name="portal_order_detail"),
    path("portal/orders/<int:pk>/confirm/", views.PortalOrderConfirmView.as_view(), name="portal_order_confirm"),
]
