"""Pages of complaints about suppliers' products beyond the kit's (specs.complaint): filing from a receipt, and
resolving."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.views import SpecEditView
from opsdesk.purchasing import forms, selectors, services, specs
from opsdesk.purchasing.models import Receipt, SupplierComplaint
from opsdesk.purchasing.views._base import ObjectActionView, form_errors


class SupplierComplaintEditView(SpecEditView):
    """The kit's add/edit page; filing from a receipt (`?receipt=<id>`) takes its product and store."""

    spec = specs.complaint
    model = SupplierComplaint

    def get_form(self, request: HttpRequest, instance=None, data=None):
        form = super().get_form(request, instance, data)
        if instance is None and data is None:
            form.initial["date"] = timezone.localdate()
            if request.GET.get("receipt"):
                receipt = scoped_or_none(Receipt, request.user, request.GET["receipt"])
                if receipt is None:
                    raise Http404(_("未找到。"))
                form.initial.update(receipt=receipt.pk, product=receipt.line.product_id,
                                    store=receipt.line.purchase_order.store_id)
        return form


# The kit builds the other pages of the spec; this one replaces its add/edit page.
specs.complaint.views["edit"] = SupplierComplaintEditView


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
