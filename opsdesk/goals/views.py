"""Pages of goals beyond the kit's: the goal page's progress chart, roll-up and cascade tree, cascading a goal,
measuring now, the league table per level and the KPI library; the work plan's sections, its measures and resources,
submission and approval, versions and downloads."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from opsdesk.core.documents import FORMATS, document_response, render_html
from opsdesk.core.extensions import kpis
from opsdesk.core.permissions import user_can
from opsdesk.goals import selectors, services
from opsdesk.goals.choices import LevelChoices, MeasureAreaChoices, PlanStatusChoices, SplitMethodChoices
from opsdesk.goals.documents import plan_document, version_facts
from opsdesk.goals.forms import DecisionForm, PlanMeasureForm, PlanResourceForm
from opsdesk.goals.models import AREA, Goal, PlanMeasure, PlanResource, WorkPlan, WorkPlanVersion, is_additive

#: A KPI's unit (`core.extensions.UNITS`) as people read it.
KPI_UNIT_LABELS = {
    "%": pgettext_lazy("kpi unit", "百分比（%）"),
    "count": pgettext_lazy("kpi unit", "数量"),
    "score": pgettext_lazy("kpi unit", "分值"),
    "per10k": pgettext_lazy("kpi unit", "每万"),
    "currency": pgettext_lazy("kpi unit", "金额"),
    "days": pgettext_lazy("kpi unit", "天数"),
}


class CascadeForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("分解到"), choices=[(LevelChoices.REGION, LevelChoices.REGION.label),
                                                                   (LevelChoices.STORE, LevelChoices.STORE.label)])
    method = forms.ChoiceField(label=gettext_lazy("分解方式"), choices=SplitMethodChoices.choices)


def progress_chart(goal: Goal, measurements) -> dict | None:
    """Target line, actual to date and the projection band over the measurement days (Plotly figure)."""
    from opsdesk.core.charts import _layout

    if not measurements:
        return None
    x = [m.as_of.isoformat() for m in measurements]
    data = [
        {"type": "scatter", "mode": "lines", "name": _("预计上限"), "x": x, "y": [m.upper for m in measurements],
         "line": {"width": 0}, "showlegend": False},
        {"type": "scatter", "mode": "lines", "name": _("预计区间 (10%–90%)"), "x": x,
         "y": [m.lower for m in measurements], "fill": "tonexty", "fillcolor": "rgba(13,110,253,0.18)",
         "line": {"width": 0}},
        {"type": "scatter", "mode": "lines+markers", "name": _("期末预计"), "x": x,
         "y": [m.projection for m in measurements], "line": {"color": "#0d6efd", "dash": "dot"}},
        {"type": "scatter", "mode": "lines+markers", "name": _("至今实际"), "x": x,
         "y": [m.actual for m in measurements], "line": {"color": "#495057", "width": 2}},
    ]
    if goal.target is not None:
        data.append({"type": "scatter", "mode": "lines", "name": pgettext("goals", "目标"), "x": [x[0], x[-1]],
                     "y": [goal.target, goal.target], "line": {"color": "#dc3545", "dash": "dash"}})
    return {"data": data, "layout": _layout(str(goal.title), height=340, legend={"orientation": "h", "y": -0.2})}


def goal_detail_context(request: HttpRequest, goal: Goal) -> dict:
    """What the goal page shows beside its fields."""
    measurements = selectors.measurement_series(user=request.user, goal=goal)
    latest = measurements[-1] if measurements else None
    can_change = Goal.objects.for_user(request.user, "change").filter(pk=goal.pk).exists()
    definition = goal.definition
    return {
        "chart": progress_chart(goal, measurements),
        "latest": latest,
        "explanation": services.explain(latest) if latest else "",
        "tree": selectors.cascade_tree(user=request.user, goal=goal),
        "rollup": services.goal_rollup(goal) if goal.children.exists() else None,
        "unit": definition.unit if definition else "",
        "additive": bool(definition and is_additive(definition)),
        "can_cascade": can_change and user_can(request.user, AREA, "add") and goal.level in (
            LevelChoices.COMPANY, LevelChoices.REGION),
        "cascade_form": CascadeForm(),
        "can_measure": can_change,
    }


def _goal_for_change(request: HttpRequest, pk: int) -> Goal:
    goal = Goal.objects.for_user(request.user, "change").filter(pk=pk).first()
    if goal is None:
        raise Http404
    return goal


@login_required
@require_POST
def goal_cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """Split the goal to its regions or stores (equal or by last year's share; by hand through the API)."""
    goal = _goal_for_change(request, pk)
    form = CascadeForm(request.POST)
    if not form.is_valid() or form.cleaned_data["method"] == SplitMethodChoices.MANUAL:
        messages.error(request, _("请选择分解层级和方式（手工分解请逐个编辑下级目标）。"))
        return redirect(goal.get_absolute_url())
    try:
        children = services.goal_cascade(actor=request.user, goal=goal, level=form.cleaned_data["level"],
                                         method=form.cleaned_data["method"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(goal.get_absolute_url())
    messages.success(request, _("已分解为 %(count)s 个下级目标。") % {"count": len(children)})
    return redirect(goal.get_absolute_url())


@login_required
@require_POST
def goal_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """Measure this goal and its visible descendants now."""
    from django.utils import timezone

    goal = _goal_for_change(request, pk)
    today = timezone.localdate()
    services.goal_measure(goal, today)
    for _depth, child in selectors.cascade_tree(user=request.user, goal=goal):
        services.goal_measure(child, today)
    messages.success(request, _("已重新计量。"))
    return redirect(goal.get_absolute_url())


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """Goals of one KPI, period and level ranked by their probability of reaching the target."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    choices = selectors.league_choices(user=request.user)
    kpi_code = request.GET.get("kpi") or (choices[0][0] if choices else "")
    level = request.GET.get("level") or LevelChoices.STORE
    if level not in LevelChoices.values:
        raise Http404
    try:
        start = date.fromisoformat(request.GET["period"]) if request.GET.get("period") else (
            choices[0][1] if choices else None)
    except ValueError:
        raise Http404 from None
    rows = selectors.league_table(user=request.user, kpi_code=kpi_code, level=level,
                                  period_start=start) if start else []
    definition = kpis().get(kpi_code)
    return render(request, "goals/league.html", {
        "rows": rows, "choices": [(code, kpis()[code].name() if code in kpis() else code, day)
                                  for code, day in choices],
        "kpi_code": kpi_code, "level": level, "period": start, "levels": LevelChoices.choices,
        "definition": definition, "unit": definition.unit if definition else "",
    })


@login_required
def kpi_library(request: HttpRequest) -> HttpResponse:
    """Every registered KPI with its unit, direction, aggregation and formula in plain words."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    language = translation.get_language() or ""
    rows = [{"code": d.code, "name": d.name(language), "unit": KPI_UNIT_LABELS.get(d.unit, d.unit),
             "direction": d.direction,
             "description": d.description_en if language.startswith("en") else d.description_zh}
            for d in kpis().values()]
    # Ordered by code: a domain's KPIs stay together ("sales_..."), in the same order in either language.
    return render(request, "goals/kpi_library.html", {"rows": sorted(rows, key=lambda row: row["code"])})


# ------------------------------------------------------------------------------------------------ work plans


def _plan(request: HttpRequest, pk: int, action: str = "view") -> WorkPlan:
    """The plan if the user may perform `action` on it, else 404 (out of scope and not permitted read alike)."""
    plan = WorkPlan.objects.for_user(request.user, action).filter(pk=pk).select_related(
        "store", "region", "owner").first()
    if plan is None:
        raise Http404
    return plan


def _after_write(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:  # a form in a modal: the page follows
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def workplan_detail_context(request: HttpRequest, plan: WorkPlan) -> dict:
    """The plan page's sections: goals (with their visible children to drill into), measures per area, the
    quarterly schedule, resources, risks with responses, the versions and what the user may do now."""
    user = request.user
    visible = Goal.objects.for_user(user).select_related("store", "region")
    goals = []
    for goal in selectors.plan_goals(plan).filter(pk__in=visible.values("pk")):
        latest = goal.measurements.order_by("-as_of").first()
        goals.append((goal, list(visible.filter(parent=goal).order_by("region__code", "store__code", "pk")),
                      services.explain(latest) if latest else ""))
    measures = list(plan.measures.select_related("owner", "project", "training_plan", "risk", "risk_action"))
    can_edit = plan.is_editable and WorkPlan.objects.for_user(user, "change").filter(pk=plan.pk).exists()
    return {
        "goals": goals,
        "areas": [(area, [m for m in measures if m.area == area]) for area in MeasureAreaChoices],
        "schedule": [(m, [quarter in m.quarter_list for quarter in (1, 2, 3, 4)]) for m in measures],
        "resources": list(plan.resources.select_related("budget_line")),
        "risks": list(selectors.plan_risks(plan)),
        "versions": list(plan.versions.select_related("submitted_by", "decided_by")[:5]),
        "can_edit_plan": can_edit,
        "can_submit": can_edit and plan.status != PlanStatusChoices.APPROVED,
        "can_decide": not selectors.plan_approval_refusal(user=user, plan=plan),
        "decision_form": DecisionForm(),
        "formats": FORMATS, "languages": (("zh-hans", _("中文")), ("en", "English")),
    }


def _part_page(request: HttpRequest, plan: WorkPlan, form_class, save, instance=None) -> HttpResponse:
    """Add or change a measure or resource of a plan (an ordinary page, or a form swapped in by htmx)."""
    if not plan.is_editable:
        messages.error(request, _("计划已提交，审批前不能修改。"))
        return redirect(plan.get_absolute_url())
    form = form_class(data=request.POST if request.method == "POST" else None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form_class.Meta.fields}
        try:
            save(actor=request.user, plan=plan, data=data, instance=instance)
        except ValidationError as error:
            _form_errors(form, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("已保存。"))
            return _after_write(request, plan.get_absolute_url())
    context = {"form": form, "object": instance, "cancel_url": plan.get_absolute_url(), "plan": plan,
               "model_name": form_class.Meta.model._meta.verbose_name}
    if request.htmx and not request.htmx.boosted:
        return render(request, "generic/_edit_form.html", context)
    return render(request, "generic/object_edit.html", context, status=400 if request.method == "POST" else 200)


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _part(request: HttpRequest, model, pk: int):
    part = model.objects.for_user(request.user, "change").filter(pk=pk).select_related("plan").first()
    if part is None:
        raise Http404
    return part


@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _part_page(request, _plan(request, pk, "change"), PlanMeasureForm, services.measure_save)


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _part(request, PlanMeasure, pk)
    return _part_page(request, measure.plan, PlanMeasureForm, services.measure_save, measure)


@login_required
def resource_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _part_page(request, _plan(request, pk, "change"), PlanResourceForm, services.resource_save)


@login_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _part(request, PlanResource, pk)
    return _part_page(request, resource.plan, PlanResourceForm, services.resource_save, resource)


def _part_delete(request: HttpRequest, model, pk: int) -> HttpResponse:
    part = _part(request, model, pk)
    try:
        services.plan_part_delete(actor=request.user, instance=part)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已删除：%(object)s") % {"object": part})
    return _after_write(request, part.plan.get_absolute_url())


@login_required
@require_POST
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _part_delete(request, PlanMeasure, pk)


@login_required
@require_POST
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _part_delete(request, PlanResource, pk)


@login_required
@require_POST
def workplan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the plan as a new version and submit it to the next level."""
    plan = _plan(request, pk, "change")
    try:
        plan = services.plan_submit(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已提交 v%(number)s，等待上一级审批。") % {"number": plan.version})
    return redirect(plan.get_absolute_url())


def _decision(request: HttpRequest, pk: int, decide) -> HttpResponse:
    plan = _plan(request, pk, "approve")
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        plan = decide(actor=request.user, plan=plan, comment=comment)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
    else:
        messages.success(request, _("已处理：%(object)s（%(status)s）") % {
            "object": plan, "status": plan.get_status_display()})
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def workplan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the submitted plan (a level above it; not one's own submission)."""
    return _decision(request, pk, services.plan_approve)


@login_required
@require_POST
def workplan_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Return the submitted plan with a comment."""
    return _decision(request, pk, services.plan_return)


@login_required
def workplan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Who submitted and decided each frozen version, when, and what they said; each can be downloaded."""
    plan = _plan(request, pk)
    versions = plan.versions.select_related("submitted_by", "decided_by")
    return render(request, "goals/workplan_versions.html", {
        "plan": plan, "versions": versions, "formats": FORMATS,
        "languages": (("zh-hans", _("中文")), ("en", "English"))})


def _export_choice(request: HttpRequest) -> tuple[str, str]:
    export_format = request.GET.get("format", "html")
    language = (request.GET.get("lang") or translation.get_language() or "zh-hans").lower()
    language = "en" if language.startswith("en") else "zh-hans"
    if export_format not in (*FORMATS, "html"):
        raise Http404
    return export_format, language


def _document_answer(request: HttpRequest, document, export_format: str, filename: str, plan: WorkPlan,
                     version=None) -> HttpResponse:
    """A download, or without ?format= the document as a page (a preview with the download links)."""
    if export_format != "html":
        return document_response(document, export_format, filename)
    return render(request, "goals/workplan_document.html", {
        "plan": plan, "version": version, "body": render_html(document), "document": document,
        "formats": FORMATS, "languages": (("zh-hans", _("中文")), ("en", "English"))})


@login_required
def workplan_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The live plan as DOCX, PDF or Markdown (?format=docx|pdf|md&lang=zh-hans|en); a page without a format."""
    plan = _plan(request, pk)
    export_format, language = _export_choice(request)
    with translation.override(language):
        document = plan_document(selectors.plan_content(plan), language=language)
    return _document_answer(request, document, export_format, f"{plan.title}-v{plan.version}", plan)


@login_required
def workplan_version_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A frozen version as DOCX, PDF or Markdown, exactly as it was submitted; a page without a format."""
    version = WorkPlanVersion.objects.for_user(request.user).filter(pk=pk).select_related(
        "plan", "submitted_by", "decided_by").first()
    if version is None:
        raise Http404
    export_format, language = _export_choice(request)
    with translation.override(language):
        document = plan_document(version.snapshot, language=language, version=version_facts(version))
    return _document_answer(request, document, export_format,
                            f"{version.snapshot.get('title', 'plan')}-v{version.number}", version.plan, version)
