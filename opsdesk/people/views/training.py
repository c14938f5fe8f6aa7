"""Training pages beside the kit's: the session page (roster, enrolment, the trainer's attendance list, the QR code,
status changes), proposals (accept into a session, dismiss, generate from inspection suggestions), the quarterly
plan, the session calendar, and the trainee's self-service pages (my trainings, QR check-in, test, feedback)."""

from __future__ import annotations

from datetime import date, timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsdesk.core.kit.guards import is_valid_id, scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.people.models.training import (
    AREA,
    Enrolment,
    EnrolmentStatusChoices,
    ProposalStatusChoices,
    TrainingProposal,
    TrainingSession,
)
from opsdesk.people.selectors import training as selectors
from opsdesk.people.services import training as services

# ------------------------------------------------------------------------------------------------ helpers


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(url: str) -> HttpResponse:
    return redirect(url)


def _object_for_change(request: HttpRequest, model, pk):
    found = scoped_or_none(model, request.user, pk, "change")
    if found is None:
        raise Http404
    return found


def _absolute(request: HttpRequest, url_path: str) -> str:
    base = getattr(settings, "OPSDESK_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{url_path}" if base else request.build_absolute_uri(url_path)


def _qr_svg(url: str, scale: int = 6) -> str:
    # segno draws modules as one path (the URL is not embedded as text): safe to inline.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=scale, omitsize=False))


def _int_list(values) -> list[int]:
    return [int(value) for value in values if is_valid_id(value)]


# ------------------------------------------------------------------------------------------------ detail contexts


def programme_detail_context(request: HttpRequest, programme) -> dict:
    """Skills taught, test questions, positions requiring it, the user's upcoming sessions of it."""
    sessions = (TrainingSession.objects.for_user(request.user, "view").filter(programme=programme)
                .select_related("store").order_by("-starts_at")[:20])
    return {
        "skills": list(programme.skills.all()),
        "questions": list(programme.questions.all()),
        "positions": list(programme.positions.select_related("position")),
        "sessions": sessions,
    }


def session_detail_context(request: HttpRequest, session: TrainingSession) -> dict:
    """Roster, the enrol choices, the QR code for the trainees' phones, and which status changes are possible."""
    from opsdesk.core.choices import EmployeeStatusChoices
    from opsdesk.people.models import Employee

    roster = list(selectors.session_roster(session))
    can_work = user_can(request.user, AREA, "change") and TrainingSession.objects.for_user(
        request.user, "change").filter(pk=session.pk).exists()
    is_open = session.status in services.OPEN_SESSION_STATUSES
    context = {"roster": roster, "can_work": can_work, "is_open": is_open,
               "seated": sum(1 for row in roster if row.status in services.SEATED),
               "attended": sum(1 for row in roster if row.status == EnrolmentStatusChoices.ATTENDED),
               "ended": session.ends_at <= timezone.now()}
    if can_work and is_open:
        enrolled = {row.employee_id for row in roster if row.status != EnrolmentStatusChoices.CANCELLED}
        candidates = (Employee.objects.for_user(request.user, "view")
                      .filter(company_id=session.company_id, status=EmployeeStatusChoices.ACTIVE)
                      .exclude(pk__in=enrolled).select_related("store"))
        if session.store_id:
            candidates = candidates.filter(store_id=session.store_id)
        checkin_url = _absolute(request, reverse("people:training_checkin", args=[session.checkin_token]))
        context.update(candidates=candidates.order_by("employee_no")[:500], checkin_url=checkin_url,
                       qr_svg=_qr_svg(checkin_url))
    return context


def proposal_detail_context(request: HttpRequest, proposal: TrainingProposal) -> dict:
    """The open sessions of the programme the proposal may be accepted into."""
    sessions = []
    if proposal.status == ProposalStatusChoices.OPEN and user_can(request.user, AREA, "change"):
        sessions = (TrainingSession.objects.for_user(request.user, "change")
                    .filter(programme_id=proposal.programme_id, status__in=services.OPEN_SESSION_STATUSES,
                            starts_at__gte=timezone.now()).select_related("store").order_by("starts_at")[:50])
    return {"accept_sessions": sessions}


# ------------------------------------------------------------------------------------------------ session actions


@login_required
@require_POST
def session_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, close (held) or cancel a session (POST action=confirm|close|cancel)."""
    session = _object_for_change(request, TrainingSession, pk)
    actions = {"confirm": services.session_confirm, "close": services.session_close,
               "cancel": services.session_cancel}
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("未知的操作。"))
        return _back(session.get_absolute_url())
    try:
        session = action(actor=request.user, session=session)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("场次状态：%(status)s") % {"status": session.get_status_display()})
    return _back(session.get_absolute_url())


@login_required
@require_POST
def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol one or more employees (POST employee=<id>, repeated)."""
    from opsdesk.people.models import Employee

    session = _object_for_change(request, TrainingSession, pk)
    if not user_can(request.user, AREA, "add"):
        raise Http404
    ids = _int_list(request.POST.getlist("employee"))
    if not ids:
        messages.error(request, _("员工：请选择要报名的员工。"))
        return _back(session.get_absolute_url())
    names = []
    for employee_id in ids:
        employee = Employee.objects.for_user(request.user, "view").filter(pk=employee_id).first()
        try:
            if employee is None:
                raise ValidationError({"employee": _("所选员工不存在或不在你的权限范围内。")})
            services.enrolment_create(actor=request.user, session=session, employee=employee)
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            names.append(employee.name)
    if names:
        messages.success(request, _("已报名：%(names)s") % {"names": _("、").join(names)})
    return _back(session.get_absolute_url())


@login_required
@require_POST
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The trainer's list: each enrolment marked attended (POST attended=<enrolment id>) or absent (the rest)."""
    session = _object_for_change(request, TrainingSession, pk)
    attended = set(_int_list(request.POST.getlist("attended")))
    listed = set(_int_list(request.POST.getlist("listed")))
    try:
        changed = services.attendance_mark(actor=request.user, session=session, attended=attended,
                                           absent=listed - attended)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已更新 %(n)d 名学员的出勤。") % {"n": changed})
    return _back(session.get_absolute_url())


@login_required
@require_POST
def enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an enrolment before the session is held."""
    enrolment = _object_for_change(request, Enrolment, pk)
    try:
        services.enrolment_cancel(actor=request.user, enrolment=enrolment)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已取消报名：%(name)s") % {"name": enrolment.employee.name})
    return _back(enrolment.session.get_absolute_url())


# ------------------------------------------------------------------------------------------------ proposals


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a proposal into a session of its programme (POST session=<id>)."""
    proposal = _object_for_change(request, TrainingProposal, pk)
    session = scoped_or_none(TrainingSession, request.user, request.POST.get("session"), "change")
    if session is None:
        messages.error(request, _("培训场次：所选对象不存在或不在你的权限范围内。"))
        return _back(proposal.get_absolute_url())
    try:
        services.proposal_accept(actor=request.user, proposal=proposal, session=session)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已报名：%(name)s") % {"name": proposal.employee.name})
    return _back(proposal.get_absolute_url())


@login_required
@require_POST
def proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _object_for_change(request, TrainingProposal, pk)
    try:
        services.proposal_dismiss(actor=request.user, proposal=proposal)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已忽略该建议。"))
    return _back(proposal.get_absolute_url())


@login_required
@require_POST
def proposals_generate(request: HttpRequest, store_id: int) -> HttpResponse:
    """Turn a store's inspection training suggestions into enrolment proposals."""
    from opsdesk.core.models import Store

    if not user_can(request.user, AREA, "add"):
        raise Http404
    store = Store.objects.for_user(request.user, "view").filter(pk=store_id).first()
    if store is None:
        raise Http404
    try:
        made = services.proposals_from_inspections(actor=request.user, store=store)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("%(store)s：生成 %(n)d 条培训建议报名。") % {"store": store.name, "n": len(made)})
    return _back(f"{reverse('people:trainingproposal_list')}?store={store.pk}")


# ------------------------------------------------------------------------------------------------ plan and calendar


def _query_id(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not is_valid_id(value):
        raise Http404
    return int(value)


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "").strip()
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


@login_required
def training_plan(request: HttpRequest) -> HttpResponse:
    """The quarterly training plan of a scope: planned vs held sessions, attendance, trainees, hours, cost, tests."""
    from opsdesk.core.models import Region, Store

    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    year = _year(request)
    scope = selectors.plan_scope(request.user, region_id=_query_id(request, "region"),
                                 store_id=_query_id(request, "store"))
    if scope is None:
        raise Http404
    rows = selectors.plan_rows(request.user, scope, year)
    breakdown = selectors.plan_breakdown(request.user, scope, year)
    chart = selectors.plan_chart(rows, {"title": _("计划与已举办场次"), "y": _("场次"), "planned": _("计划"),
                                        "held": _("已举办")})
    return render(request, "people/training/plan.html", {
        "year": year, "years": range(year - 2, year + 2), "plan_scope": scope, "rows": rows, "chart": chart,
        "breakdown": breakdown,
        "regions": Region.objects.for_user(request.user, "view").order_by("code"),
        "stores": Store.objects.for_user(request.user, "view").order_by("code"),
    })


@login_required
def training_calendar(request: HttpRequest) -> HttpResponse:
    """Sessions of the next six weeks (or from ?start=), per store (?store=), grouped by day."""
    from opsdesk.core.models import Store

    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = timezone.localdate()
    start -= timedelta(days=start.weekday())
    store_id = _query_id(request, "store")
    if store_id is not None and not Store.objects.for_user(request.user, "view").filter(pk=store_id).exists():
        raise Http404
    days = selectors.session_calendar(request.user, start=start, store_id=store_id)
    return render(request, "people/training/calendar.html", {
        "days": days, "start": start, "previous": start - timedelta(days=42), "next": start + timedelta(days=42),
        "store_id": store_id, "stores": Store.objects.for_user(request.user, "view").order_by("code"),
        "can_propose": user_can(request.user, AREA, "add"),
    })


# ------------------------------------------------------------------------------------------------ self-service


@login_required
def training_mine(request: HttpRequest) -> HttpResponse:
    """The signed-in employee's own trainings (any role: it reads only their own enrolments)."""
    return render(request, "people/training/mine.html", {"enrolments": selectors.own_enrolments(request.user)})


def _checkin_session(request: HttpRequest, token: str) -> TrainingSession:
    session = services.session_for_token(user=request.user, token=token)
    if session is None:
        raise Http404
    return session


def _not_enrolled(request: HttpRequest, session: TrainingSession) -> HttpResponse:
    return render(request, "people/training/checkin_message.html", {
        "session": session, "title": _("无法签到"),
        "text": _("你没有报名此培训场次，无法签到。如需参加，请联系讲师或店长。")}, status=403)


@login_required
def training_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The page the session's QR code opens on the trainee's phone: check in (once), then test and feedback."""
    session = _checkin_session(request, token)
    try:
        enrolment = services.own_enrolment(user=request.user, session=session)
    except services.NotEnrolled:
        return _not_enrolled(request, session)
    if request.method == "POST":
        try:
            enrolment, is_new = services.checkin(user=request.user, session=session)
        except services.NotEnrolled:
            return _not_enrolled(request, session)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("签到成功！") if is_new else _("你已签到，无需重复签到。"))
        return redirect("people:training_checkin", token=token)
    programme = session.programme
    questions = list(programme.questions.all()) if programme.pass_mark is not None else []
    return render(request, "people/training/checkin.html", {
        "session": session, "enrolment": enrolment, "questions": questions,
        "is_checked_in": enrolment.status == EnrolmentStatusChoices.ATTENDED,
        "needs_test": bool(questions) and enrolment.test_score is None,
        "needs_feedback": enrolment.feedback_rating is None, "ratings": range(1, 6),
    })


@login_required
@require_POST
def training_test(request: HttpRequest, token: str) -> HttpResponse:
    """The trainee's answers to the short test (question_<id> = choice number, 1-based)."""
    session = _checkin_session(request, token)
    try:
        enrolment = services.own_enrolment(user=request.user, session=session)
    except services.NotEnrolled:
        return _not_enrolled(request, session)
    answers = {}
    for question in session.programme.questions.all():
        value = request.POST.get(f"question_{question.pk}", "")
        if value.isdigit():
            answers[question.pk] = int(value)
    try:
        enrolment = services.test_submit(user=request.user, enrolment=enrolment, answers=answers)
    except services.NotEnrolled:
        return _not_enrolled(request, session)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        verdict = _("通过") if enrolment.passed else _("未通过")
        messages.success(request, _("测试得分 %(score)d 分（及格 %(mark)d 分）：%(verdict)s") % {
            "score": enrolment.test_score, "mark": session.programme.pass_mark, "verdict": verdict})
    return redirect("people:training_checkin", token=token)


@login_required
@require_POST
def training_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The trainee's rating (1-5) and comment."""
    session = _checkin_session(request, token)
    try:
        enrolment = services.own_enrolment(user=request.user, session=session)
    except services.NotEnrolled:
        return _not_enrolled(request, session)
    rating = request.POST.get("rating", "")
    try:
        services.feedback_submit(user=request.user, enrolment=enrolment,
                                 rating=int(rating) if rating.isdigit() else 0,
                                 text=request.POST.get("text", ""))
    except services.NotEnrolled:
        return _not_enrolled(request, session)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("感谢你的反馈！"))
    return redirect("people:training_checkin", token=token)


urlpatterns = [
    path("training/sessions/<int:pk>/status/", session_status, name="trainingsession_status"),
    path("training/sessions/<int:pk>/enrol/", session_enrol, name="trainingsession_enrol"),
    path("training/sessions/<int:pk>/attendance/", session_attendance, name="trainingsession_attendance"),
    path("training/enrolments/<int:pk>/cancel/", enrolment_cancel, name="enrolment_cancel"),
    path("training/proposals/<int:pk>/accept/", proposal_accept, name="trainingproposal_accept"),
    path("training/proposals/<int:pk>/dismiss/", proposal_dismiss, name="trainingproposal_dismiss"),
    path("training/stores/<int:store_id>/proposals/", proposals_generate, name="trainingproposal_generate"),
    path("training/plan/", training_plan, name="training_plan"),
    path("training/calendar/", training_calendar, name="training_calendar"),
    path("training/mine/", training_mine, name="training_mine"),
    path("training/checkin/<str:token>/", training_checkin, name="training_checkin"),
    path("training/checkin/<str:token>/test/", training_test, name="training_test"),
    path("training/checkin/<str:token>/feedback/", training_feedback, name="training_feedback"),
]
