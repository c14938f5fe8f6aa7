"""Pages of complaints about suppliers' products: list (filters, export), file one, its page, resolve it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView
from opsdesk.purchasing import forms, selectors, services
from opsdesk.purchasing.filtersets import SupplierComplaintFilterSet
from opsdesk.purchasing.models import Receipt, SupplierComplaint
from opsdesk.purchasing.tables import SupplierComplaintTable
from opsdesk.purchasing.views._base import ObjectActionView, form_errors

COMPLAINT_FIELDS = ["date", "store", "product", "supplier", "severity", "status", "description", "order_line",
                    "receipt", "created_by", "created_at", "resolution", "resolved_by", "resolved_at"]


class SupplierComplaintListView(ObjectListView):
    model = SupplierComplaint
    filterset_class = SupplierComplaintFilterSet
    table_class = SupplierComplaintTable
    export_filename = "supplier-complaints"
    add_url_name = "purchasing:complaint_add"

    def get_queryset(self, request, action="view"):
        return selectors.complaints_for_user(request.user, action)


class SupplierComplaintDetailView(ObjectDetailView):
    model = SupplierComplaint
    template_name = "purchasing/complaint_detail.html"
    fields = COMPLAINT_FIELDS

    def get_queryset(self, request, action="view"):
        return selectors.complaints_for_user(request.user, action)

    def get_extra_context(self, request, instance) -> dict:
        return {"can_resolve": instance.is_open and user_can(request.user, self.area, "resolve"),
                "resolve_form": forms.ComplaintResolveForm(),
                "order": instance.order_line.purchase_order if instance.order_line_id else None}


class SupplierComplaintCreateView(ObjectEditView):
    """File a complaint by hand, or from a receipt (`?receipt=<id>`: its product and store are taken)."""

    model = SupplierComplaint
    form_class = forms.SupplierComplaintForm

    def _receipt(self, request: HttpRequest, value) -> Receipt | None:
        if not value:
            return None
        try:
            return Receipt.objects.for_user(request.user).select_related(
                "line__product", "line__purchase_order__store").get(pk=int(value))
        except (Receipt.DoesNotExist, ValueError, TypeError) as error:
            raise Http404(_("未找到。")) from error

    def get_form(self, request, instance=None, data=None):
        receipt = self._receipt(request, (data or request.GET).get("receipt"))
        initial = {"date": timezone.localdate()}
        if receipt is not None:
            initial.update(receipt=receipt.pk, product=receipt.line.product_id,
                           store=receipt.line.purchase_order.store_id)
        form = self.form_class(data=data, instance=instance, user=request.user, initial=initial)
        form.source_receipt = receipt
        return form

    def create(self, request, form):
        data = form.cleaned_data
        receipt = form.source_receipt
        try:
            return services.complaint_create(actor=request.user, date=data["date"], severity=data["severity"],
                                             description=data["description"], product=data["product"],
                                             store=data["store"], receipt=receipt)
        except PermissionDenied as error:
            raise Http404(_("未找到。")) from error


class SupplierComplaintResolveView(ObjectActionView):
    model = SupplierComplaint
    action = "resolve"

    def get_queryset(self, request, action="view"):
        return selectors.complaints_for_user(request.user, action)

    def perform(self, request, complaint) -> str:
        form = forms.ComplaintResolveForm(request.POST)
        if not form.is_valid():
            raise form_errors(form)
        services.complaint_resolve(actor=request.user, complaint=complaint,
                                   resolution=form.cleaned_data["resolution"])
        return _("投诉已解决。")
