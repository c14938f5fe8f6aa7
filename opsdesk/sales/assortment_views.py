"""Pages of the assortment review and of product launches."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from opsdesk.catalog.models import Product
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.sales import assortment, launches
from opsdesk.sales.models import AssortmentProposal, ProductLaunch

PAGE_SIZE = 200


def _require(request: HttpRequest, area: str, action: str = "view") -> None:
    if not user_can(request.user, area, action):
        raise PermissionDenied


@login_required
def assortment_list(request: HttpRequest) -> HttpResponse:
    """Open and decided proposals of the user's stores, filtered by state and kind."""
    _require(request, "assortment")
    proposals = AssortmentProposal.objects.for_user(request.user).select_related("store", "product", "replacement")
    state = request.GET.get("state", "proposed")
    kind = request.GET.get("kind", "")
    if state:
        proposals = proposals.filter(state=state)
    if kind:
        proposals = proposals.filter(kind=kind)
    return render(request, "sales/assortment_list.html", {
        "proposals": proposals[:PAGE_SIZE], "count": proposals.count(), "state": state, "kind": kind,
        "states": AssortmentProposal._meta.get_field("state").choices,
        "kinds": AssortmentProposal._meta.get_field("kind").choices,
        "can_run": user_can(request.user, "assortment", "add")})


@login_required
def assortment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_can(request.user, "assortment", "view"):
        raise Http404
    proposal = get_object_or_404(AssortmentProposal.objects.for_user(request.user).select_related(
        "store", "product", "replacement"), pk=pk)
    return render(request, "sales/assortment_detail.html", {
        "proposal": proposal, "can_change": user_can(request.user, "assortment", "change")})


@login_required
@require_POST
def assortment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, reject or mark done (which sets the product's status in the store)."""
    if not user_can(request.user, "assortment", "change"):
        raise Http404
    proposal = get_object_or_404(AssortmentProposal.objects.for_user(request.user, "change"), pk=pk)
    try:
        assortment.assortment_proposal_decide(actor=request.user, proposal=proposal,
                                              action=request.POST.get("action", ""))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return redirect("sales:assortment_detail", pk=proposal.pk)


@login_required
@require_POST
def assortment_run(request: HttpRequest) -> HttpResponse:
    """Recompute the open proposals of the user's company."""
    _require(request, "assortment", "add")
    assortment.assortment_review_run(request.user.company_id)
    return redirect("sales:assortment_list")


class LaunchForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("商品"))
    stores = forms.ModelMultipleChoiceField(queryset=Store.objects.none(), label=_("门店"), required=False)
    launch_date = forms.DateField(label=_("上市日期"), widget=forms.DateInput(attrs={"type": "date"}))
    weeks = forms.IntegerField(label=_("跟踪周数"), min_value=1, max_value=26, initial=4)
    target_units = forms.DecimalField(label=_("目标销量"), min_value=0, max_digits=12, decimal_places=1)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.for_user(user)
        self.fields["stores"].queryset = Store.objects.for_user(user)


@login_required
def launch_list(request: HttpRequest) -> HttpResponse:
    _require(request, "promotions")
    items = ProductLaunch.objects.for_user(request.user).select_related("product")[:PAGE_SIZE]
    return render(request, "sales/launch_list.html", {
        "launches": items, "can_add": user_can(request.user, "promotions", "add")})


@login_required
def launch_add(request: HttpRequest) -> HttpResponse:
    _require(request, "promotions", "add")
    form = LaunchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["stores"] and not request.user.has_company_scope:
            form.add_error("stores", _("请选择门店：只有公司级用户可以设置全部门店。"))
        else:
            launch = launches.launch_create(actor=request.user, product=data["product"], stores=data["stores"],
                                            launch_date=data["launch_date"], target_units=data["target_units"],
                                            weeks=data["weeks"])
            return redirect(launch.get_absolute_url())
    return render(request, "sales/launch_form.html", {"form": form})


@login_required
def launch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_can(request.user, "promotions", "view"):
        raise Http404
    launch = get_object_or_404(ProductLaunch.objects.for_user(request.user).select_related("product"), pk=pk)
    return render(request, "sales/launch_detail.html", {
        "launch": launch, "progress": launches.launch_progress(user=request.user, launch=launch),
        "started": launch.launch_date <= date.today()})
