"""Hand-written pages of appraisals: the workflow forms on the appraisal page (self-review, manager review, 360
requests, calibration, sign-off), the cycle's steps, the 360 answer page, the calibration view and an employee's
appraisal history. Lists and the set-up pages come from the kit (specs.appraisals).

An object out of reach, or an action the role may not take on it, answers 404; bad input answers 400 with the
message naming the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.people.models.appraisals import (
    AREA,
    CALIBRATION_AREA,
    REVIEW_AREA,
    SETUP_AREA,
    Appraisal,
    AppraisalCycle,
    AppraisalStatusChoices,
    CycleStatusChoices,
    PeerRequestStatusChoices,
    PeerReviewRequest,
)
from opsdesk.people.selectors import appraisals as selectors
from opsdesk.people.services import appraisals as services

S = AppraisalStatusChoices
RATINGS = (1, 2, 3, 4, 5)


# ------------------------------------------------------------------------------------------------ helpers


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {message}" if field != "__all__" else message
                for field, messages_ in error.message_dict.items() for message in messages_]
    return list(error.messages)


def _bad_request(request: HttpRequest, error: ValidationError, back: str) -> HttpResponse:
    return render(request, "people/appraisals/action_error.html", {"errors": _errors(error), "back": back},
                  status=400)


def _appraisal_or_404(request: HttpRequest, pk, area: str, action: str) -> Appraisal:
    if not user_can(request.user, area, "view") or not user_can(request.user, area, action):
        raise Http404
    appraisal = selectors.appraisal_get(user=request.user, pk=pk)
    if appraisal is None:
        raise Http404
    return appraisal


def _ratings_from(post, prefix: str) -> tuple[dict, dict]:
    """rating_<id> and comment_<id> fields of a form."""
    ratings = {key.removeprefix(f"{prefix}rating_"): value for key, value in post.items()
               if key.startswith(f"{prefix}rating_")}
    comments = {key.removeprefix(f"{prefix}comment_"): value for key, value in post.items()
                if key.startswith(f"{prefix}comment_")}
    return ratings, comments


def _run(request: HttpRequest, back: str, function, *args, success: str = "", **kwargs) -> HttpResponse:
    """Run a write: 404 when refused, 400 with the messages on bad input, else back to the page."""
    try:
        function(*args, **kwargs)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        return _bad_request(request, error, back)
    if success:
        messages.success(request, success)
    return redirect(back)


# ------------------------------------------------------------------------------------------------ detail contexts


def cycle_detail_context(request: HttpRequest, cycle: AppraisalCycle) -> dict:
    """The cycle's appraisals by status, its next steps and what keeps its templates from being used."""
    from django.db.models import Count

    from opsdesk.people.models.appraisals import AppraisalTemplate

    counts = dict(cycle.appraisals.values_list("status").annotate(n=Count("pk")))
    statuses = [(label, counts.get(value, 0)) for value, label in S.choices]
    templates = AppraisalTemplate.objects.for_user(request.user).filter(company_id=cycle.company_id)
    steps = [(value, dict(CycleStatusChoices.choices)[value]) for value in services.CYCLE_STEPS[cycle.status]]
    return {"statuses": statuses, "total": sum(counts.values()), "steps": steps,
            "may_step": user_can(request.user, SETUP_AREA, "change"),
            "problems": [problem for template in templates for problem in template.weight_problems()]}


def template_detail_context(request: HttpRequest, template) -> dict:
    return {"kpi_lines": list(template.kpis.all()), "competency_lines": list(template.competencies.all()),
            "problems": template.weight_problems(),
            "may_edit_lines": user_can(request.user, SETUP_AREA, "add")}


def appraisal_detail_context(request: HttpRequest, appraisal: Appraisal) -> dict:
    """What the appraisal page shows this user, and which forms."""
    from opsdesk.core.selectors import assignable_people

    user = request.user
    cycle = appraisal.cycle
    active = cycle.status in (CycleStatusChoices.OPEN, CycleStatusChoices.CALIBRATION)
    is_employee = appraisal.employee.user_id == user.pk
    may_review = selectors.can_review(user, appraisal)
    may_calibrate = selectors.can_calibrate(user, appraisal)
    in_review = appraisal.status in (S.SELF_REVIEW, S.MANAGER_REVIEW)
    signed = appraisal.employee_signed_at or appraisal.manager_signed_at
    context = {
        "appraisal": appraisal, "cycle": cycle, "ratings_scale": RATINGS,
        "competency_share": 100 - appraisal.template.kpi_share,
        "kpi_results": list(appraisal.kpi_results.all()),
        "person_goals": selectors.person_goals(appraisal),
        "renormalised": selectors.kpi_renormalised(appraisal),
        "competencies": list(appraisal.competency_ratings.all()),
        "show_manager_ratings": not is_employee or appraisal.status not in (S.SELF_REVIEW, S.MANAGER_REVIEW),
        "self_form": active and is_employee and appraisal.status == S.SELF_REVIEW,
        "manager_form": active and may_review and in_review,
        "measure_form": active and may_review and in_review,
        "calibrate_form": active and may_calibrate and appraisal.status in (S.CALIBRATION, S.SIGN_OFF) and not signed,
        "sign_form": active and appraisal.status == S.SIGN_OFF and (
            (is_employee and not appraisal.employee_signed_at)
            or (selectors.can_sign_as_manager(user, appraisal) and not appraisal.manager_signed_at)),
        "peer_summary": selectors.peer_summary(appraisal),
        "peer_min": selectors.PEER_MIN_ANSWERS,
        "history_url": _history_url(appraisal),
    }
    if may_review:
        context["peer_requests"] = list(PeerReviewRequest.objects.for_user(user).filter(appraisal=appraisal)
                                        .select_related("reviewer"))
        if cycle.peers_enabled and in_review and active:
            asked = {request_.reviewer_id for request_ in context["peer_requests"]}
            context["peer_candidates"] = [
                person for person in assignable_people(company_id=appraisal.employee.company_id, area=AREA,
                                                       action="view", visible_to=user).select_related("employee")
                if person.pk != appraisal.employee.user_id and person.pk not in asked
                and getattr(getattr(person, "employee", None), "status", None) == "active"][:200]
    return context


def _history_url(appraisal: Appraisal) -> str:
    from django.urls import reverse

    return reverse("people:appraisal_history", args=[appraisal.employee_id])


# ------------------------------------------------------------------------------------------------ actions


@login_required
@require_POST
def appraisalcycle_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Open, calibrate or close a cycle (opening generates the appraisals)."""
    if not user_can(request.user, SETUP_AREA, "change"):
        raise Http404
    cycle = scoped_or_none(AppraisalCycle, request.user, pk, "change")
    if cycle is None:
        raise Http404
    return _run(request, cycle.get_absolute_url(), services.cycle_transition, actor=request.user, cycle=cycle,
                status=request.POST.get("status", ""), success=_("考核周期状态已更新。"))


@login_required
@require_POST
def appraisal_self_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The employee's self-review (save, or submit to the manager)."""
    appraisal = _appraisal_or_404(request, pk, AREA, "change")
    ratings, comments = _ratings_from(request.POST, "")
    return _run(request, appraisal.get_absolute_url(), services.appraisal_self_review, actor=request.user,
                appraisal=appraisal, ratings=ratings, comments=comments, summary=request.POST.get("summary", ""),
                submit="submit" in request.POST, success=_("自评已保存。"))


@login_required
@require_POST
def appraisal_manager_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager's review (save, or submit to calibration)."""
    appraisal = _appraisal_or_404(request, pk, REVIEW_AREA, "change")
    ratings, comments = _ratings_from(request.POST, "")
    return _run(request, appraisal.get_absolute_url(), services.appraisal_manager_review, actor=request.user,
                appraisal=appraisal, ratings=ratings, comments=comments, summary=request.POST.get("summary", ""),
                submit="submit" in request.POST, success=_("上级评价已保存。"))


@login_required
@require_POST
def appraisal_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """Measure the KPIs again."""
    appraisal = _appraisal_or_404(request, pk, REVIEW_AREA, "change")
    return _run(request, appraisal.get_absolute_url(), services.appraisal_measure, actor=request.user,
                appraisal=appraisal, success=_("KPI 已重新取数。"))


@login_required
@require_POST
def appraisal_peer_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask colleagues for an anonymous 360 review."""
    appraisal = _appraisal_or_404(request, pk, REVIEW_AREA, "change")
    reviewers = [int(value) for value in request.POST.getlist("reviewers") if is_valid_id(value)]
    if len(reviewers) != len(request.POST.getlist("reviewers")):
        return _bad_request(request, ValidationError({"reviewers": _("所选对象不存在或不在你的权限范围内。")}),
                            appraisal.get_absolute_url())
    return _run(request, appraisal.get_absolute_url(), services.peer_reviews_request, actor=request.user,
                appraisal=appraisal, reviewers=reviewers, success=_("已发出同事评价邀请。"))


@login_required
@require_POST
def appraisal_calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the final rating."""
    appraisal = _appraisal_or_404(request, pk, CALIBRATION_AREA, "change")
    raw = request.POST.get("final_rating", "").strip()
    if not raw.isdigit():
        return _bad_request(request, ValidationError({"final_rating": _("最终评级须为 1 到 5 的整数。")}),
                            appraisal.get_absolute_url())
    back = request.POST.get("next", "")
    back = back if back.startswith("/people/") else appraisal.get_absolute_url()
    return _run(request, back, services.appraisal_calibrate, actor=request.user, appraisal=appraisal,
                final_rating=int(raw), note=request.POST.get("calibration_note", ""), success=_("已校准。"))


@login_required
@require_POST
def appraisal_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the calibrated appraisal (the employee or the manager)."""
    appraisal = _appraisal_or_404(request, pk, AREA, "change")
    return _run(request, appraisal.get_absolute_url(), services.appraisal_sign, actor=request.user,
                appraisal=appraisal, success=_("已签字。"))


# ------------------------------------------------------------------------------------------------ 360 peers


@login_required
def peer_review_list(request: HttpRequest) -> HttpResponse:
    """The 360 reviews the user was asked for."""
    requests_ = selectors.peer_requests_for(request.user).order_by("-requested_on", "pk")
    return render(request, "people/appraisals/peer_review_list.html", {"peer_requests": requests_})


@login_required
def peer_review_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a 360 review request anonymously (only the person asked reaches it)."""
    if not is_valid_id(pk):
        raise Http404
    peer_request = (PeerReviewRequest.objects.filter(pk=pk, reviewer=request.user)
                    .select_related("appraisal__cycle", "appraisal__employee").first())
    if peer_request is None:
        raise Http404
    appraisal = peer_request.appraisal
    context = {"peer_request": peer_request, "appraisal": appraisal, "ratings_scale": RATINGS,
               "competencies": list(appraisal.competency_ratings.all()),
               "is_open": peer_request.status == PeerRequestStatusChoices.REQUESTED
               and appraisal.status in selectors.IN_REVIEW}
    if request.method == "POST":
        ratings, _comments = _ratings_from(request.POST, "")
        try:
            services.peer_review_answer(actor=request.user, request=peer_request, ratings=ratings,
                                        comment=request.POST.get("comment", ""))
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            context["errors"] = _errors(error)
            return render(request, "people/appraisals/peer_review_answer.html", context, status=400)
        messages.success(request, _("谢谢！你的评价已匿名保存。"))
        return redirect("people:peer_review_list")
    return render(request, "people/appraisals/peer_review_answer.html", context)


# ------------------------------------------------------------------------------------------------ calibration, history


@login_required
def appraisal_calibration(request: HttpRequest) -> HttpResponse:
    """Calibration across the user's reach: the distribution of proposed ratings and the outliers of one cycle."""
    if not user_can(request.user, CALIBRATION_AREA, "view"):
        raise PermissionDenied
    from opsdesk.core.models import Region

    cycles = list(AppraisalCycle.objects.filter(
        company_id=request.user.company_id).exclude(status=CycleStatusChoices.DRAFT).order_by("-period_end"))
    cycle_id, region_id = request.GET.get("cycle", ""), request.GET.get("region", "")
    cycle = next((item for item in cycles if is_valid_id(cycle_id) and item.pk == int(cycle_id)), None)
    cycle = cycle or (cycles[0] if cycles else None)
    regions = Region.objects.for_user(request.user).order_by("code")
    region = regions.filter(pk=int(region_id)).first() if is_valid_id(region_id) else None
    view = selectors.calibration_view(user=request.user, cycle=cycle, region_id=region.pk if region else None) \
        if cycle else None
    return render(request, "people/appraisals/calibration.html", {
        "cycles": cycles, "cycle": cycle, "regions": regions, "region": region, "view": view,
        "ratings_scale": RATINGS, "may_calibrate": user_can(request.user, CALIBRATION_AREA, "change"),
        "load_plotly": True})


@login_required
def appraisal_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every appraisal of one employee (all cycles) with its KPI results."""
    if not is_valid_id(pk):
        raise Http404
    employee = selectors.appraisable_employees(request.user).filter(pk=pk).first()
    if employee is None:
        raise Http404
    return render(request, "people/appraisals/history.html", {
        "employee": employee, "appraisals": selectors.employee_history(user=request.user, employee=employee)})


urlpatterns = [
    path("appraisal-cycles/<int:pk>/transition/", appraisalcycle_transition, name="appraisalcycle_transition"),
    path("appraisals/calibration/", appraisal_calibration, name="appraisal_calibration"),
    path("appraisals/<int:pk>/self-review/", appraisal_self_review, name="appraisal_self_review"),
    path("appraisals/<int:pk>/manager-review/", appraisal_manager_review, name="appraisal_manager_review"),
    path("appraisals/<int:pk>/measure/", appraisal_measure, name="appraisal_measure"),
    path("appraisals/<int:pk>/peers/", appraisal_peer_request, name="appraisal_peer_request"),
    path("appraisals/<int:pk>/calibrate/", appraisal_calibrate, name="appraisal_calibrate"),
    path("appraisals/<int:pk>/sign/", appraisal_sign, name="appraisal_sign"),
    path("appraisals/employees/<int:pk>/", appraisal_history, name="appraisal_history"),
    path("peer-reviews/", peer_review_list, name="peer_review_list"),
    path("peer-reviews/<int:pk>/", peer_review_answer, name="peer_review_answer"),
]
