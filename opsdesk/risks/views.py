"""Hand-written pages of the risk register: the risk page's extras (controls, actions, reviews, indicators), the
review and "accept the indicator's proposal" actions, the heat maps, and "measure the indicators now"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsdesk.core.extensions import kpis
from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.models import Region, Store
from opsdesk.core.permissions import user_can
from opsdesk.risks import selectors, services
from opsdesk.risks.models import AREA, INCIDENT_AREA, Drill, EmergencyPlan, Incident, KeyRiskIndicator, Risk

LEVEL_CHOICES = [(value, value) for value in range(1, 6)]


class ReviewForm(forms.Form):
    """A review: the inherent position now, and what was found."""

    likelihood = forms.TypedChoiceField(label=gettext_lazy("可能性"), choices=LEVEL_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(label=gettext_lazy("影响"), choices=LEVEL_CHOICES, coerce=int)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def risk_detail_context(request: HttpRequest, risk: Risk) -> dict:
    """What the risk page shows beside its fields."""
    definitions = kpis()
    indicators = list(risk.indicators.select_related("store", "region"))
    for indicator in indicators:
        indicator.breach = selectors.breach_text(indicator, definitions.get(indicator.kpi_code))
    can_change = scoped_or_none(Risk, request.user, risk.pk, "change") is not None
    return {
        "controls": risk.controls.select_related("owner"),
        "actions": risk.actions.select_related("owner"),
        "reviews": risk.reviews.select_related("reviewer")[:10],
        "indicators": indicators,
        "inherent_score": risk.inherent_score, "inherent_level": risk.inherent_level,
        "appetite": risk.category.appetite, "is_above_appetite": risk.is_above_appetite,
        "can_review": can_change,
        "review_form": ReviewForm(initial={"likelihood": risk.likelihood, "impact": risk.impact}),
    }


def _risk_for_change(request: HttpRequest, pk: int) -> Risk:
    found = scoped_or_none(Risk, request.user, pk, "change")
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a review of a risk the user may change."""
    risk = _risk_for_change(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(risk.get_absolute_url())
    try:
        services.risk_review(actor=request.user, risk=risk, **form.cleaned_data)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("复核已记录。"))
    return redirect(risk.get_absolute_url())


@login_required
@require_POST
def indicator_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a breached indicator's proposed likelihood into its risk."""
    indicator = scoped_or_none(KeyRiskIndicator, request.user, pk, "view")
    if indicator is None or indicator.risk_id is None or scoped_or_none(
            Risk, request.user, indicator.risk_id, "change") is None:
        raise Http404
    try:
        services.risk_accept_proposal(actor=request.user, indicator=indicator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已采纳指标建议的可能性。"))
    return redirect(indicator.risk.get_absolute_url())


@login_required
@require_POST
def indicators_measure(request: HttpRequest) -> HttpResponse:
    """Measure now the indicators the user may change (their scope's; company-wide users: all the company's)."""
    if not user_can(request.user, AREA, "change"):
        raise PermissionDenied
    count = services.kris_measure_all(indicators=KeyRiskIndicator.objects.for_user(request.user, "change"))
    messages.success(request, _("已测量 %(count)s 个关键风险指标。") % {"count": count})
    return redirect("risks:keyriskindicator_list")


def _narrowing(request: HttpRequest) -> tuple[int | None, int | None, str]:
    """The region or store the heat map is narrowed to (ids the user cannot see read as unknown: 404)."""
    region_id, store_id, label = None, None, _("全部范围")
    raw_store, raw_region = request.GET.get("store", ""), request.GET.get("region", "")
    if raw_store:
        store = scoped_or_none(Store, request.user, raw_store, "view") if is_valid_id(raw_store) else None
        if store is None:
            raise Http404
        store_id, label = store.pk, str(store)
    elif raw_region:
        region = scoped_or_none(Region, request.user, raw_region, "view") if is_valid_id(raw_region) else None
        if region is None:
            raise Http404
        region_id, label = region.pk, str(region)
    return region_id, store_id, label


@login_required
def heat_map(request: HttpRequest) -> HttpResponse:
    """Inherent and residual heat maps of the open risks in scope, movement since the last review, top risks."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    region_id, store_id, label = _narrowing(request)
    risks = selectors.open_risks(user=request.user, region_id=region_id, store_id=store_id)
    bands = selectors.settings_for(request.user.company_id).bands
    context = {
        "inherent": selectors.heat_map(risks, kind="inherent", bands=bands),
        "residual": selectors.heat_map(risks, kind="residual", bands=bands),
        "movement": selectors.movement(risks)[:10],
        "top": selectors.top_risks(risks),
        "above_appetite": selectors.above_appetite(risks).count(),
        "scope_label": label,
        "stores": Store.objects.for_user(request.user).order_by("code"),
        "regions": Region.objects.for_user(request.user).order_by("code"),
        "selected_store": store_id, "selected_region": region_id,
        "list_url": reverse("risks:risk_list"),
        "today": timezone.localdate(),
    }
    return render(request, "risks/heat_map.html", context)


# ---------------------------------------------------------------------------------------------- incidents


class IncidentActionForm(forms.Form):
    """A corrective action raised from an incident (a store-operations action at the incident's store)."""

    title = forms.CharField(label=gettext_lazy("整改内容"), max_length=200)
    due_date = forms.DateField(label=gettext_lazy("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=gettext_lazy("照片"))


class DrillCompleteForm(forms.Form):
    participants = forms.IntegerField(label=gettext_lazy("参与人数"), min_value=0, max_value=1000, required=False)
    findings = forms.CharField(label=gettext_lazy("发现的问题"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


def _changeable(model, request: HttpRequest, pk: int):
    found = scoped_or_none(model, request.user, pk, "change")
    if found is None:
        raise Http404
    return found


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))


def incident_detail_context(request: HttpRequest, incident: Incident) -> dict:
    return {
        "corrective_actions": incident.corrective_actions.select_related("owner"),
        "can_work": scoped_or_none(Incident, request.user, incident.pk, "change") is not None,
        "action_form": IncidentActionForm(), "photo_form": PhotoForm(),
    }


@login_required
@require_POST
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _changeable(Incident, request, pk)
    try:
        services.incident_close(actor=request.user, incident=incident)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("事件已关闭。"))
    return redirect(incident.get_absolute_url())


@login_required
@require_POST
def incident_action(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _changeable(Incident, request, pk)
    form = IncidentActionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(incident.get_absolute_url())
    try:
        services.incident_add_action(actor=request.user, incident=incident, data=form.cleaned_data)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已创建整改任务。"))
    return redirect(incident.get_absolute_url())


@login_required
def incident_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the incident's photo (scope checked); POST: replace it (an image, re-encoded on upload)."""
    from opsdesk.storeops.views.runs import image_response

    if request.method == "POST":
        incident = _changeable(Incident, request, pk)
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            _form_errors(request, form)
            return redirect(incident.get_absolute_url())
        try:
            services.incident_photo_set(actor=request.user, incident=incident, upload=form.cleaned_data["photo"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(incident.get_absolute_url())
    incident = scoped_or_none(Incident, request.user, pk, "view")
    if incident is None or not incident.photo:
        raise Http404
    return image_response(incident.photo)


# ---------------------------------------------------------------------------------------------- plans and drills


def plan_detail_context(request: HttpRequest, plan: EmergencyPlan) -> dict:
    copies = EmergencyPlan.objects.for_user(request.user).filter(source=plan).select_related("store")
    return {
        "steps": plan.step_lines(), "copies": copies,
        "drills": Drill.objects.for_user(request.user).filter(plan=plan).select_related("store")[:20],
        "can_copy": plan.store_id is None and user_can(request.user, INCIDENT_AREA, "add"),
    }


@login_required
@require_POST
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Give every store in the user's scope its own copy of a company plan."""
    plan = scoped_or_none(EmergencyPlan, request.user, pk, "view")
    if plan is None or not user_can(request.user, INCIDENT_AREA, "add"):
        raise Http404
    try:
        copies = services.plan_copy_to_stores(actor=request.user, plan=plan,
                                              stores=Store.objects.for_user(request.user).order_by("code"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已为 %(count)s 家门店生成预案副本。") % {"count": len(copies)})
    return redirect(plan.get_absolute_url())


def drill_detail_context(request: HttpRequest, drill: Drill) -> dict:
    return {"can_work": scoped_or_none(Drill, request.user, drill.pk, "change") is not None,
            "complete_form": DrillCompleteForm(initial={"participants": drill.participants,
                                                        "findings": drill.findings})}


@login_required
@require_POST
def drill_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a drill: its checklist opens in the inspection runner."""
    drill = _changeable(Drill, request, pk)
    try:
        drill = services.drill_start(actor=request.user, drill=drill)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(drill.get_absolute_url())
    return redirect("storeops:run_perform", pk=drill.run_id)


@login_required
@require_POST
def drill_complete(request: HttpRequest, pk: int) -> HttpResponse:
    drill = _changeable(Drill, request, pk)
    form = DrillCompleteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(drill.get_absolute_url())
    try:
        services.drill_complete(actor=request.user, drill=drill, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("演练已完成。"))
    return redirect(drill.get_absolute_url())
