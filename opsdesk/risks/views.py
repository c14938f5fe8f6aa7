"""Hand-written pages of the risk register: add forms that start from what the user is doing, the risk page's
extras (controls, actions, reviews, indicators), the review and "accept the indicator's proposal" actions, the heat
maps, the register as PDF, "measure the indicators now", and the incident, plan and drill actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsdesk.core.extensions import kpis
from opsdesk.core.kit import views as kit_views
from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.models import Region, Store
from opsdesk.core.permissions import user_can
from opsdesk.risks import selectors, services
from opsdesk.risks.choices import RiskStatusChoices
from opsdesk.risks.models import AREA, INCIDENT_AREA, Drill, EmergencyPlan, Incident, KeyRiskIndicator, Risk

LEVEL_CHOICES = [(value, value) for value in range(1, 6)]


# ---------------------------------------------------------------------------------------------- add forms


def query_defaults(request: HttpRequest, form, names: tuple[str, ...]) -> dict:
    """Choices named in the query string (?risk=12 from the risk page's "新增"), kept only when the form offers
    them to this user: an unknown or out-of-scope id is silently not pre-selected."""
    defaults = {}
    for name in names:
        raw, field = request.GET.get(name, ""), form.fields.get(name)
        if raw and field is not None and is_valid_id(raw) and field.queryset.filter(pk=int(raw)).exists():
            defaults[name] = int(raw)
    return defaults


def incident_defaults(request: HttpRequest, form) -> dict:
    """An incident is reported as it happens, usually on a phone: the time is now and the store is the reporter's
    only store (several stores: they choose)."""
    defaults = {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}
    stores = list(form.fields["store"].queryset.values_list("pk", flat=True)[:2])
    if len(stores) == 1:
        defaults["store"] = stores[0]
    return {**defaults, **query_defaults(request, form, ("store", "risk"))}


def prefilled_edit_view(spec, defaults, *, writable_risk: bool = False) -> type:
    """The spec's add/edit page whose empty add form starts from `defaults(request, form) -> {field: value}`.

    The kit's `initial` sets values at creation, unseen by the user; these are form initials the user sees and
    may change, so they live here rather than in the spec. `writable_risk`: the form offers only the risks the
    user may change (a control or action changes its risk; a company risk is read-only to a store manager)."""
    base = kit_views.view_class(spec, "edit")

    def get_form(self, request: HttpRequest, instance=None, data=None):
        form = base.get_form(self, request, instance, data)
        if writable_risk:
            form.fields["risk"].queryset = Risk.objects.for_user(request.user, "change")
        if instance is None and data is None:
            form.initial.update(defaults(request, form))
        return form

    return type(base.__name__, (base,), {"get_form": get_form})


def incident_edit_view(spec) -> type:
    """The incident's add/edit page; the add form also takes a photo (taken on the phone at the scene), re-encoded
    like every inspection photo by the report service. A later photo replaces it from the incident's page."""
    base = prefilled_edit_view(spec, incident_defaults)

    def get_form(self, request: HttpRequest, instance=None, data=None):
        form = base.get_form(self, request, instance, data)
        if instance is None:
            form.fields["photo"] = forms.ImageField(label=gettext_lazy("照片"), required=False, widget=forms.FileInput(
                attrs={"accept": "image/*", "capture": "environment", "class": "form-control"}))
            if data is not None:
                form.files = request.FILES
        return form

    def create(self, request: HttpRequest, form):
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        return services.incident_report(actor=request.user, data=data, photo=photo or None)

    return type(base.__name__, (base,), {"get_form": get_form, "create": create,
                                         "template_name": "risks/incident_edit.html",
                                         "partial_template_name": "risks/_incident_edit_form.html"})


def risk_defaults(request: HttpRequest, form) -> dict:
    """A control, action or indicator added from a risk's page starts on that risk."""
    return query_defaults(request, form, ("risk",))


def drill_defaults(request: HttpRequest, form) -> dict:
    """A drill scheduled from a plan's page starts on that plan (and its store)."""
    return query_defaults(request, form, ("plan", "store"))


class ReviewForm(forms.Form):
    """A review: the inherent position now, and what was found."""

    likelihood = forms.TypedChoiceField(label=gettext_lazy("可能性"), choices=LEVEL_CHOICES, coerce=int,
                                        widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    impact = forms.TypedChoiceField(label=gettext_lazy("影响"), choices=LEVEL_CHOICES, coerce=int,
                                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    note = forms.CharField(label=gettext_lazy("说明"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))


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


def _register_query(region_id: int | None, store_id: int | None) -> str:
    """The register list's filters for the open risks of the heat map's narrowing (its store's or region's own risks;
    the list's store and region filters do not add the company-wide ones the heat map shows beside them)."""
    query = QueryDict(mutable=True)
    query["status"] = RiskStatusChoices.OPEN
    if store_id is not None:
        query["store"] = store_id
    elif region_id is not None:
        query["region"] = region_id
    return query.urlencode()


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
        "register_query": _register_query(region_id, store_id),
        "today": timezone.localdate(),
    }
    return render(request, "risks/heat_map.html", context)


def _register_risks(request: HttpRequest):
    """The register list's rows under its filters (one FilterSet for the page, the exports and the API)."""
    from opsdesk.risks import specs

    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    risks = selectors.risk_list(user=request.user)
    filterset = specs.risk.get_filterset_class()(request.GET or None, queryset=risks, request=request)
    if filterset.is_bound and filterset.is_valid():
        risks = filterset.qs
    return risks


def _register_heat_maps(request: HttpRequest, risks):
    """The inherent and residual heat maps of the open risks among the register's rows."""
    bands = selectors.settings_for(request.user.company_id).bands
    open_risks = risks.filter(status=RiskStatusChoices.OPEN)
    return (selectors.heat_map(open_risks, kind="inherent", bands=bands),
            selectors.heat_map(open_risks, kind="residual", bands=bands))


@login_required
def risk_register_pdf(request: HttpRequest) -> HttpResponse:
    """The register as PDF: the register list's rows under its filters, with the inherent and residual heat maps of
    the open risks among them."""
    from opsdesk.risks.pdf import register_pdf_bytes

    risks = _register_risks(request)
    inherent, residual = _register_heat_maps(request, risks)
    now = timezone.localtime()
    content = register_pdf_bytes(
        risks=selectors.register_rows(risks, company_id=request.user.company_id), inherent=inherent,
        residual=residual, company_name=request.user.company.name, printed_at=now,
        printed_by=request.user.display_name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="risk-register-{now:%Y%m%d}.pdf"'
    return response


@login_required
def risk_register_xlsx(request: HttpRequest) -> HttpResponse:
    """The register as XLSX: the same rows and heat maps as the PDF, a sheet each."""
    from opsdesk.core.exports import XLSX_MIME
    from opsdesk.risks.xlsx import register_xlsx_bytes

    risks = _register_risks(request)
    inherent, residual = _register_heat_maps(request, risks)
    content = register_xlsx_bytes(risks=selectors.register_rows(risks, company_id=request.user.company_id),
                                  inherent=inherent, residual=residual)
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="risk-register-{timezone.localtime():%Y%m%d}.xlsx"'
    return response


def templated_list_view(spec, template_name: str) -> type:
    """The spec's list page drawn by an app template (which extends the generic list)."""
    base = kit_views.view_class(spec, "list")
    return type(base.__name__, (base,), {"template_name": template_name})


# ---------------------------------------------------------------------------------------------- incidents


class IncidentActionForm(forms.Form):
    """A corrective action raised from an incident (a store-operations action at the incident's store)."""

    title = forms.CharField(label=gettext_lazy("整改内容"), max_length=200,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    due_date = forms.DateField(label=gettext_lazy("截止日期"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control form-control-sm"}))


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=gettext_lazy("照片"))


class DrillCompleteForm(forms.Form):
    participants = forms.IntegerField(label=gettext_lazy("参与人数"), min_value=0, max_value=1000, required=False,
                                      widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    findings = forms.CharField(label=gettext_lazy("发现的问题"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))


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
        "can_schedule": user_can(request.user, INCIDENT_AREA, "add"),
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
