"""Pages of the purchasing app: purchase orders (list, detail, by hand, workflow actions, receipts, PDF),
contracts, supplier scorecards with charts, and the supplier portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from opsdesk.core import charts
from opsdesk.core.hooks import commitment_checks
from opsdesk.core.permissions import user_can
from opsdesk.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin
from opsdesk.purchasing import documents, forms, selectors, services
from opsdesk.purchasing.filtersets import ContractFilterSet, PurchaseOrderFilterSet
from opsdesk.purchasing.models import Contract, PurchaseOrder, Supplier, SupplierPurchaseOrder, SupplierScore
from opsdesk.purchasing.tables import ContractTable, PortalOrderTable, PurchaseOrderTable
from opsdesk.purchasing.views._base import ObjectActionView

ORDER_FIELDS = ["order_number", "supplier", "store", "status", "order_date", "expected_date", "promised_date",
                "total_value", "revision", "created_by", "created_at", "sent_at", "confirmed_at", "notes"]


class PurchaseOrderListView(ObjectListView):
    model = PurchaseOrder
    filterset_class = PurchaseOrderFilterSet
    table_class = PurchaseOrderTable
    export_filename = "purchase-orders"
    add_url_name = "purchasing:purchase_order_add"

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("supplier", "store", "created_by")


class PurchaseOrderDetailView(ObjectDetailView):
    model = PurchaseOrder
    template_name = "purchasing/purchase_order_detail.html"
    fields = ORDER_FIELDS

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("supplier", "store", "created_by")

    def get_extra_context(self, request, instance) -> dict:
        user = request.user
        return {
            "lines": instance.lines.select_related("product").order_by("pk"),
            "receipts": selectors.receipts_for_order(instance),
            "returns": selectors.returns_for_order(instance),
            "can_return": user_can(user, "purchasing", "receive"),
            "can_complain": user_can(user, "supplier_complaints", "add"),
            "revisions": instance.revisions.select_related("changed_by"),
            "can_send": user_can(user, "purchasing", "send") and instance.status == "draft",
            "commitment_findings": (findings := commitment_checks(instance, user, record=False)
                                    if instance.status == "draft" else []),
            "can_override": any(finding.level == "stop" and finding.can_override for finding in findings),
            "can_receive": user_can(user, "purchasing", "receive") and instance.status in services.RECEIVABLE_STATUSES,
            "can_edit": user_can(user, "purchasing", "change") and instance.status in services.EDITABLE_STATUSES,
            "line_form": forms.LineForm(user=user),
            "reasons": forms.ReceiptForm.base_fields["rejection_reason"].choices,
            "today": timezone.localdate().isoformat(),
        }


class PurchaseOrderCreateView(ObjectEditView):
    """A purchase order by hand (draft); lines are added on its page."""

    model = PurchaseOrder
    form_class = forms.PurchaseOrderForm

    def get_form(self, request, instance=None, data=None):
        return self.form_class(data=data, instance=instance, user=request.user)

    def create(self, request, form):
        data = form.cleaned_data
        return services.purchase_order_create(actor=request.user, supplier=data["supplier"], store=data["store"],
                                              expected_date=data["expected_date"], notes=data["notes"])


class PurchaseOrderLineAddView(ObjectActionView):
    def perform(self, request, order) -> str:
        form = forms.LineForm(request.POST, user=request.user)
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        data = form.cleaned_data
        services.purchase_order_line_add(actor=request.user, order=order, product=data["product"],
                                         quantity=data["quantity"], unit_price=data["unit_price"])
        return _("已添加明细。")


class PurchaseOrderLineUpdateView(ObjectActionView):
    def perform(self, request, order) -> str:
        form = forms.LineUpdateForm(request.POST)
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        line = order.lines.filter(pk=form.cleaned_data["line"]).first()
        if line is None:
            raise Http404(_("未找到。"))
        services.purchase_order_line_update(actor=request.user, line=line, quantity=form.cleaned_data["quantity"],
                                            unit_price=form.cleaned_data["unit_price"])
        return _("已修改明细。")


class PurchaseOrderSendView(ObjectActionView):
    action = "send"

    def perform(self, request, order) -> str:
        order = services.purchase_order_send(actor=request.user, order=order,
                                             override_reason=request.POST.get("override_reason", ""))
        for finding in order.commitment_findings:  # budget warnings and overrides (core.hooks)
            messages.warning(request, finding.message)
        return _("采购单已发送给供应商。")


class PurchaseOrderCancelView(ObjectActionView):
    def perform(self, request, order) -> str:
        services.purchase_order_cancel(actor=request.user, order=order)
        return _("采购单已取消。")


class PurchaseOrderReceiveView(ObjectActionView):
    action = "receive"

    def perform(self, request, order) -> str:
        form = forms.ReceiptForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        data = form.cleaned_data
        line = order.lines.filter(pk=data["line"]).first()
        if line is None:
            raise Http404(_("未找到。"))
        services.receipt_create(actor=request.user, line=line, received_on=data["date"],
                                quantity_received=data["quantity_received"],
                                quantity_rejected=data["quantity_rejected"] or 0,
                                rejection_reason=data["rejection_reason"], photo=data["photo"])
        return _("已登记收货。")


class PurchaseOrderPdfView(ScopedViewMixin, View):
    model = PurchaseOrder

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        order = self.get_object(request, pk)
        response = HttpResponse(documents.purchase_order_pdf(order), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{order.order_number}.pdf"'
        return response


# ------------------------------------------------------------------------------------------- contracts


class ContractListView(ObjectListView):
    model = Contract
    filterset_class = ContractFilterSet
    table_class = ContractTable
    export_filename = "contracts"
    add_url_name = "purchasing:contract_add"

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("supplier")


class ContractDetailView(ObjectDetailView):
    model = Contract
    template_name = "purchasing/contract_detail.html"
    fields = ["code", "title", "supplier", "starts_on", "ends_on", "status", "terms"]

    def get_extra_context(self, request, instance) -> dict:
        return {"prices": instance.prices.select_related("product").order_by("product__sku", "-valid_from"),
                "price_form": forms.ContractPriceForm(user=request.user)}


class ContractCreateView(ObjectEditView):
    model = Contract
    form_class = forms.ContractForm

    def create(self, request, form):
        data = form.cleaned_data
        return services.contract_create(actor=request.user, supplier=data["supplier"], code=data["code"],
                                        title=data["title"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                                        status=data["status"], terms=data["terms"])


class ContractPriceAddView(ObjectActionView):
    model = Contract

    def perform(self, request, contract) -> str:
        form = forms.ContractPriceForm(request.POST, user=request.user)
        if not form.is_valid():
            raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
        services.contract_price_add(actor=request.user, contract=contract, **form.cleaned_data)
        return _("已添加合同价格。")


# ------------------------------------------------------------------------------------------- scorecards


class ScorecardListView(ScopedViewMixin, View):
    """Every supplier's 12-month score and standing, with a chart of scores and OTIF by supplier."""

    model = SupplierScore

    def get(self, request: HttpRequest) -> HttpResponse:
        self.require(request, "view")
        rows = selectors.scorecard_summary(request.user)
        top = rows[:30]
        labels = [f"{row['supplier'].code} {row['supplier'].name}" for row in top]
        chart = charts.bar_chart(_("综合得分（近12个月）"), labels, [round(row["score"] * 100, 1) for row in top],
                                 _("分"), horizontal=True)
        otif = charts.bar_chart(_("准时足量率（按数量）"), labels, [round(row["otif"] * 100, 1) for row in top], "%",
                                horizontal=True)
        context = {**self.base_context(request), "rows": rows, "charts": [("score-chart", chart),
                                                                          ("otif-chart", otif)]}
        if request.GET.get("export"):
            return _export_scorecards(request.GET["export"], rows)
        return render(request, "purchasing/scorecard_list.html", context)


def _export_scorecards(export_format: str, rows: list[dict]) -> HttpResponse:
    from django.http import HttpResponseBadRequest

    from opsdesk.core.exports import export_response

    header = [_("供应商"), _("行数"), _("得分"), _("准时足量率（按数量）"), _("满足率")]
    values = ([row["supplier"].code, row["lines"], round(row["score"], 4), round(row["otif"], 4),
               round(row["fill"], 4)] for row in rows)
    try:
        return export_response(export_format, "supplier-scorecards", header, values)
    except ValueError:
        return HttpResponseBadRequest(_("导出格式只支持 csv 或 xlsx。"))


class ScorecardSupplierView(ScopedViewMixin, View):
    """One supplier's monthly scorecards: the trend of score, OTIF and fill rate, and lead times."""

    model = SupplierScore

    def get(self, request: HttpRequest, pk) -> HttpResponse:
        if not user_can(request.user, "supplier_management", "view"):
            raise Http404(_("未找到。"))
        supplier = Supplier.objects.for_user(request.user).filter(pk=pk).first()
        if supplier is None:
            raise Http404(_("未找到。"))
        scores = list(SupplierScore.objects.for_user(request.user).filter(supplier=supplier).order_by("period"))
        months = [score.period.strftime("%Y-%m") for score in scores]
        trend = charts.line_chart(_("月度趋势"), months, {
            _("得分"): [round(s.score * 100, 1) for s in scores],
            _("准时足量率（按数量）"): [round(s.otif_quantity_rate * 100, 1) for s in scores],
            _("满足率"): [round(s.fill_rate * 100, 1) for s in scores]}, "%")
        lead = charts.line_chart(_("交期（天）"), months, {
            _("平均交期（天）"): [s.lead_time_mean for s in scores],
            _("交期波动（天）"): [s.lead_time_std for s in scores]}, _("天"))
        context = {**self.base_context(request), "supplier": supplier, "scores": scores,
                   "charts": [("trend-chart", trend), ("lead-chart", lead)],
                   "documents": selectors.supplier_documents_for_user(request.user).filter(supplier=supplier)
                   .order_by("expires_on", "pk"),
                   "contracts": Contract.objects.for_user(request.user).filter(supplier=supplier)}
        return render(request, "purchasing/scorecard_supplier.html", context)


# ------------------------------------------------------------------------------------------- supplier portal


class PortalOrderListView(ObjectListView):
    model = SupplierPurchaseOrder
    table_class = PortalOrderTable
    export_filename = "my-purchase-orders"

    def get_queryset(self, request, action="view"):
        return super().get_queryset(request, action).select_related("store")


class PortalOrderDetailView(ObjectDetailView):
    model = SupplierPurchaseOrder
    template_name = "purchasing/portal_order_detail.html"
    fields = ["order_number", "store", "status", "order_date", "expected_date", "promised_date", "revision", "notes"]

    def get_extra_context(self, request, instance) -> dict:
        return {"lines": instance.lines.select_related("product").order_by("pk"),
                "can_confirm": instance.status in ("sent", "confirmed"),
                "default_date": (instance.promised_date or instance.expected_date).isoformat()}


class PortalOrderConfirmView(ScopedViewMixin, View):
    model = SupplierPurchaseOrder

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        order = self.get_object(request, pk, "change")
        form = forms.ConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([" ".join(v) for v in form.errors.values()])
            services.purchase_order_confirm(actor=request.user, order=order,
                                            promised_date=form.cleaned_data["promised_date"])
            messages.success(request, _("已确认采购单。"))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        except PermissionDenied as error:
            raise Http404(_("未找到。")) from error
        return redirect(order.get_absolute_url())


# The pages of supplier management, returns and complaints live in their own modules (urls.py names them here).
from opsdesk.purchasing.views.complaints import SupplierComplaintEditView, SupplierComplaintResolveView  # noqa: E402
from opsdesk.purchasing.views.returns import PurchaseOrderReturnView, SupplierReturnListView  # noqa: E402
from opsdesk.purchasing.views.suppliers import (  # noqa: E402
    ContractEditView,
    ContractPriceDeleteView,
    ContractPriceEditView,
    SupplierContactAddView,
    SupplierContactDeleteView,
    SupplierContactEditView,
    SupplierDocumentAddView,
    SupplierDocumentDeleteView,
    SupplierDocumentDownloadView,
    SupplierDocumentEditView,
    SupplierDocumentListView,
    SupplierEditView,
    SupplierListView,
    SupplierOverviewView,
)

__all__ = [
    "ContractEditView", "ContractPriceDeleteView", "ContractPriceEditView", "PurchaseOrderReturnView",
    "SupplierComplaintEditView", "SupplierComplaintResolveView", "SupplierContactAddView",
    "SupplierContactDeleteView", "SupplierContactEditView",
    "SupplierDocumentAddView", "SupplierDocumentDeleteView", "SupplierDocumentDownloadView",
    "SupplierDocumentEditView", "SupplierDocumentListView", "SupplierEditView", "SupplierListView",
    "SupplierOverviewView", "SupplierReturnListView",
]
