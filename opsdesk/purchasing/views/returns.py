"""Pages of returns to suppliers: the return form on a purchase order's receipts and the returns list."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from opsdesk.core.views.generic import ObjectListView
from opsdesk.purchasing import forms, selectors, services
from opsdesk.purchasing.filtersets import SupplierReturnFilterSet
from opsdesk.purchasing.models import Receipt, SupplierReturn
from opsdesk.purchasing.tables import SupplierReturnTable
from opsdesk.purchasing.views._base import ObjectActionView, form_errors


class PurchaseOrderReturnView(ObjectActionView):
    """Return units of one of the order's receipts to the supplier (at most what is left to return)."""

    action = "receive"

    def redirect_to(self, request, order) -> str:
        return order.get_absolute_url() + "#returns"

    def perform(self, request, order) -> str:
        form = forms.ReturnForm(request.POST)
        if not form.is_valid():
            raise form_errors(form)
        data = form.cleaned_data
        receipt = Receipt.objects.for_user(request.user).filter(pk=data["receipt"], line__purchase_order=order).first()
        if receipt is None:
            raise Http404(_("未找到。"))
        try:
            services.supplier_return_create(actor=request.user, receipt=receipt, returned_on=data["date"],
                                            quantity=data["quantity"], reason=data["reason"], notes=data["notes"])
        except PermissionDenied as error:
            raise Http404(_("未找到。")) from error
        return _("已登记退货：%(quantity)s × %(product)s") % {"quantity": f"{data['quantity']:g}",
                                                          "product": receipt.line.product}


class SupplierReturnListView(ObjectListView):
    model = SupplierReturn
    filterset_class = SupplierReturnFilterSet
    table_class = SupplierReturnTable
    export_filename = "supplier-returns"

    def get_queryset(self, request, action="view"):
        return selectors.supplier_returns_for_user(request.user, action)
