"""Pages of goals beyond the kit's: the goal page's progress chart, roll-up and cascade tree, cascading a goal,
measuring now, the league table per level and the KPI library."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from opsdesk.core.extensions import kpis
from opsdesk.core.permissions import user_can
from opsdesk.goals import selectors, services
from opsdesk.goals.choices import LevelChoices, SplitMethodChoices
from opsdesk.goals.models import AREA, Goal, is_additive


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
    return render(request, "goals/kpi_library.html", {"definitions": list(kpis().values())})
