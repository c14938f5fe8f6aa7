"""Pages of the skills area beyond the kit: the skills matrix of a store, the gap report (per store, per person;
CSV/XLSX export), an employee's skills and readiness, the career ladder, succession, and the inline actions of a
development plan (add, complete)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.exports import export_response
from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.models import Store
from opsdesk.core.permissions import user_can
from opsdesk.engine.readiness import DEFAULT_WEIGHTS, READY_IN_YEAR_MIN, READY_NOW_MIN
from opsdesk.people.models import Employee
from opsdesk.people.models.skills import DEVELOPMENT_AREA, DevelopmentAction, DevelopmentPlan
from opsdesk.people.selectors import skills as selectors
from opsdesk.people.services import skills as services

HEAD_OFFICE = "head-office"
ALL_STORES = "all"


def _require(request: HttpRequest, action: str = "view") -> None:
    if not user_can(request.user, DEVELOPMENT_AREA, action):
        raise PermissionDenied


def _store_choice(request: HttpRequest, *, default_first: bool):
    """(stores in scope, chosen store or None, head office chosen): an unknown or out-of-scope store is 404, a
    malformed one 400 (raised as ValueError naming the field); "all" (where offered) means every employee."""
    stores = Store.objects.for_user(request.user).order_by("code")
    value = request.GET.get("store", "")
    if value == ALL_STORES and not default_first:
        return stores, None, False
    if value == HEAD_OFFICE:
        if not request.user.has_company_scope:
            raise Http404
        return stores, None, True
    if value:
        if not is_valid_id(value):
            raise ValueError("store")
        store = stores.filter(pk=int(value)).first()
        if store is None:
            raise Http404
        return stores, store, False
    return stores, (stores.first() if default_first else None), False


def _bad(field: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(_("参数无效：%(field)s") % {"field": field})


def _weights_context() -> dict:
    return {"weights": [(str(selectors.PART_LABELS[name]), weight) for name, weight in DEFAULT_WEIGHTS.items()],
            "ready_now_min": READY_NOW_MIN, "ready_in_year_min": READY_IN_YEAR_MIN}


@login_required
def skills_matrix(request: HttpRequest) -> HttpResponse:
    """Employees x skills of one store (or head office): newest levels, gaps to the current position coloured."""
    _require(request)
    try:
        stores, store, head_office = _store_choice(request, default_first=True)
    except ValueError as error:
        return _bad(str(error))
    employees = selectors.employees_in_scope(request.user, store_id=store.pk if store else None,
                                             head_office=head_office)
    if store is None and not head_office:
        employees = employees.none()
    skills, rows = selectors.skills_matrix(employees)
    return render(request, "people/skills/matrix.html", {
        "stores": stores, "store": store, "head_office": head_office, "skills": skills, "rows": rows,
        "can_head_office": request.user.has_company_scope, "head_office_value": HEAD_OFFICE})


@login_required
def gap_report(request: HttpRequest) -> HttpResponse:
    """Missing levels per person for the current position and the next step, for a store (the first one unless
    chosen), head office or all the user's employees (`?store=all`); `?export=csv|xlsx` downloads the rows."""
    _require(request)
    if not request.GET.get("store"):
        stores = Store.objects.for_user(request.user).order_by("code")
        first = stores.first()
        query = request.GET.copy()
        query["store"] = str(first.pk) if first else (HEAD_OFFICE if request.user.has_company_scope else ALL_STORES)
        request.GET = query
    try:
        stores, store, head_office = _store_choice(request, default_first=False)
    except ValueError as error:
        return _bad(str(error))
    employees = selectors.employees_in_scope(request.user, store_id=store.pk if store else None,
                                             head_office=head_office)
    rows = selectors.gap_report(employees)
    export_format = request.GET.get("export")
    if export_format:
        if export_format not in ("csv", "xlsx"):
            return _bad("export")
        return export_response(export_format, "skill-gaps", [str(name) for name in selectors.GAP_HEADER],
                               selectors.gap_export_rows(rows))
    return render(request, "people/skills/gaps.html", {
        "stores": stores, "store": store, "head_office": head_office, "rows": rows,
        "can_head_office": request.user.has_company_scope, "head_office_value": HEAD_OFFICE,
        "all_value": ALL_STORES, "query": request.GET.urlencode()})


@login_required
def employee_skills(request: HttpRequest, pk) -> HttpResponse:
    """One employee: newest level per skill with history, gaps for the current and next position, readiness."""
    employee = scoped_or_none(Employee, request.user, pk) if user_can(request.user, DEVELOPMENT_AREA, "view") \
        else None
    if employee is None:
        raise Http404
    ready = selectors.readiness(employee)
    rows = selectors.gap_report([ready.employee])
    current_position = ready.position
    current_gaps = []
    if current_position is not None:
        levels = selectors.newest_levels([employee.pk])
        current_gaps = selectors.gaps_for(selectors.requirements_of([current_position.pk]).get(current_position.pk,
                                                                                               []), levels,
                                          employee.pk)
    history = (employee.skill_assessments.select_related("skill", "assessor").order_by("-assessed_on", "-pk")[:50])
    plans = DevelopmentPlan.objects.for_user(request.user).filter(employee=employee).select_related(
        "target_position")
    return render(request, "people/skills/employee.html", {
        "employee": ready.employee, "ready": ready, "current_gaps": current_gaps, "gap_rows": rows,
        "history": history, "plans": plans, **_weights_context()})


@login_required
def career_ladder(request: HttpRequest) -> HttpResponse:
    """Positions per track and level with their required skills and who (in scope) holds each."""
    _require(request)
    return render(request, "people/skills/ladder.html", {"tracks": selectors.career_ladder(request.user)})


@login_required
def succession(request: HttpRequest) -> HttpResponse:
    """Key positions: incumbents, and who one step below is ready now / within a year (with readiness parts)."""
    _require(request)
    return render(request, "people/skills/succession.html", {"rows": selectors.succession(request.user),
                                                             **_weights_context()})


# ------------------------------------------------------------------------------------------------ plan actions


def plan_detail_context(request: HttpRequest, plan: DevelopmentPlan) -> dict:
    """The plan's actions, the add-action form and the employee's readiness (for the kit detail page)."""
    from opsdesk.people.specs.skills import development_action

    actions = plan.actions.select_related("skill").order_by("due_date", "pk")
    form_class = development_action.get_form_class()
    form = form_class(user=request.user, initial={"plan": plan.pk})
    form.fields.pop("plan", None)
    return {"actions": actions, "action_form": form, "ready": selectors.readiness(plan.employee),
            "can_work": user_can(request.user, DEVELOPMENT_AREA, "change")}


@login_required
@require_POST
def plan_action_add(request: HttpRequest, pk) -> HttpResponse:
    """Add an action to a plan from the plan's page."""
    plan = scoped_or_none(DevelopmentPlan, request.user, pk, "change")
    if plan is None:
        raise Http404
    from opsdesk.people.specs.skills import development_action

    data = request.POST.copy()
    data["plan"] = str(plan.pk)
    form = development_action.get_form_class()(data=data, user=request.user)
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    try:
        development_action.create(actor=request.user, data=form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        return HttpResponseBadRequest(str(error))
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def action_complete(request: HttpRequest, pk) -> HttpResponse:
    """Mark an action done today."""
    action = scoped_or_none(DevelopmentAction, request.user, pk, "change")
    if action is None:
        raise Http404
    services.action_complete(actor=request.user, action=action)
    return redirect(action.plan.get_absolute_url())


urlpatterns = [
    path("skills/matrix/", skills_matrix, name="skills_matrix"),
    path("skills/gaps/", gap_report, name="skills_gaps"),
    path("skills/employees/<int:pk>/", employee_skills, name="skills_employee"),
    path("skills/ladder/", career_ladder, name="skills_ladder"),
    path("skills/succession/", succession, name="skills_succession"),
    path("development-plans/<int:pk>/actions/add/", plan_action_add, name="developmentplan_action_add"),
    path("development-actions/<int:pk>/complete/", action_complete, name="developmentaction_complete"),
]
