"""Recruitment pages beside the kit's: the pipeline board (per requisition and across the requisitions in scope),
the requisition workflow (submit, approve, reject, cancel), stage moves, interview feedback, the offer, the hire,
résumés and the onboarding checklist. Out of scope or not permitted: 404; every write is a POST to a service."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opsdesk.core.files import harden_file_response
from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.permissions import user_can
from opsdesk.people.models.recruitment import (
    AREA,
    Application,
    Candidate,
    Interview,
    OnboardingTask,
    RecommendationChoices,
    Requisition,
)
from opsdesk.people.models.recruitment import RequisitionStatusChoices as Status
from opsdesk.people.models.recruitment import StageChoices as Stage
from opsdesk.people.selectors import recruitment as selectors
from opsdesk.people.services import recruitment as services

_INPUT = {"class": "form-control form-control-sm"}


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("审批意见"), required=False, max_length=500,
                           widget=forms.TextInput(attrs=_INPUT))


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("阶段"), choices=Stage.choices)
    rejection_reason = forms.CharField(label=gettext_lazy("未录用原因"), required=False, max_length=300,
                                       widget=forms.TextInput(attrs=_INPUT))


class OfferForm(forms.Form):
    salary_band = forms.CharField(label=gettext_lazy("薪资档位"), max_length=20, widget=forms.TextInput(attrs=_INPUT))
    start_date = forms.DateField(label=gettext_lazy("入职日期"),
                                 widget=forms.DateInput(attrs={**_INPUT, "type": "date"}, format="%Y-%m-%d"))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=gettext_lazy("评分（1-5）"), coerce=int,
                                    choices=[(value, str(value)) for value in range(1, 6)],
                                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    recommendation = forms.ChoiceField(label=gettext_lazy("建议"), choices=RecommendationChoices.choices,
                                       widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    feedback = forms.CharField(label=gettext_lazy("面试反馈"), max_length=4000,
                               widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))


class ResumeForm(forms.Form):
    resume = forms.FileField(label=gettext_lazy("简历"),
                             help_text=gettext_lazy("PDF 或图片（PNG、JPEG），不超过 10 MB。"),
                             widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm",
                                                                    "accept": ".pdf,.png,.jpg,.jpeg"}))


# ------------------------------------------------------------------------------------------------ detail contexts


def requisition_detail_context(request: HttpRequest, requisition: Requisition) -> dict:
    """Workflow buttons, who approves, and the requisition's applications."""
    user = request.user
    can_change = user_can(user, AREA, "change")
    applications = requisition.applications.select_related("candidate").order_by("stage", "pk")
    return {
        "can_submit": can_change and requisition.status in services.EDITABLE_STATUSES,
        "can_decide": services.can_approve(user, requisition),
        "can_cancel": can_change and requisition.status not in (Status.FILLED, Status.CANCELLED),
        "approvers": services.approvers_for(requisition) if requisition.status == Status.PENDING else [],
        "applications": applications, "hired": applications.filter(stage=Stage.HIRED).count(),
        "decision_form": DecisionForm(),
    }


def candidate_detail_context(request: HttpRequest, candidate: Candidate) -> dict:
    """Contact details as the user may see them, the résumé and the candidate's applications."""
    contact = selectors.contact(request.user, candidate)
    services.candidate_contact_access_record(actor=request.user, candidate=candidate, channel="page")
    return {
        "contact": contact, "resume_form": ResumeForm(),
        "can_upload": user_can(request.user, AREA, "change"),
        "applications": Application.objects.for_user(request.user).filter(candidate=candidate)
        .select_related("requisition__position", "requisition__store"),
    }


def application_detail_context(request: HttpRequest, application: Application) -> dict:
    """Interviews, the moves it may make, the offer (salary band masked like contact details) and onboarding."""
    user = request.user
    can_change = user_can(user, AREA, "change")
    moves = [(stage, Stage(stage).label) for stage in services.TRANSITIONS[application.stage]
             if stage not in (Stage.OFFER, Stage.HIRED, Stage.REJECTED)]
    onboarding = getattr(application, "onboarding", None) if application.hired_employee_id else None
    salary = application.salary_band
    if salary and not services.can_see_contact(user, application.candidate):
        salary = selectors.MASK
    return {
        "can_work": can_change, "moves": moves if can_change else [],
        "can_reject": can_change and Stage.REJECTED in services.TRANSITIONS[application.stage],
        "interviews": application.interviews.select_related("interviewer").order_by("scheduled_at"),
        "offer_form": OfferForm(initial={"start_date": application.requisition.target_start})
        if can_change and application.stage == Stage.INTERVIEW else None,
        "can_accept": can_change and application.stage == Stage.OFFER and not application.offer_accepted_on,
        "can_hire": can_change and application.stage == Stage.OFFER and bool(application.offer_accepted_on),
        "salary_band": salary, "onboarding": onboarding,
        "tasks": onboarding.tasks.select_related("done_by") if onboarding else [],
    }


def interview_detail_context(request: HttpRequest, interview: Interview) -> dict:
    """The feedback form, for the interviewer only."""
    is_interviewer = interview.interviewer_id == request.user.pk and user_can(request.user, AREA, "change")
    initial = {"rating": interview.rating, "recommendation": interview.recommendation, "feedback": interview.feedback}
    return {"feedback_form": FeedbackForm(initial=initial) if is_interviewer else None}


# ------------------------------------------------------------------------------------------------ helpers


def _found(model, request: HttpRequest, pk: int, action: str):
    found = scoped_or_none(model, request.user, pk, action)
    if found is None:
        raise Http404
    return found


def _form_errors(form: forms.Form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page named in ?next= / POST next (this site only), else `default`."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = default
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


def _run(request: HttpRequest, default: str, write: Callable[[], object], done: str) -> HttpResponse:
    """Call a service: refused in scope -> 404, invalid -> the message on the page, success -> `done`."""
    try:
        write()
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(request, default)


# ------------------------------------------------------------------------------------------------ the board


def _board_page(request: HttpRequest, requisition: Requisition | None) -> HttpResponse:
    requisitions = Requisition.objects.for_user(request.user).filter(status=Status.APPROVED).select_related(
        "position", "store")
    context = {
        "columns": selectors.board(request.user, requisition), "requisition": requisition,
        "requisitions": requisitions, "can_work": user_can(request.user, AREA, "change"),
        "board_url": request.get_full_path(),
    }
    template = "people/recruitment/_board.html" if request.htmx and not request.htmx.boosted else \
        "people/recruitment/board.html"
    return render(request, template, context)


@login_required
@require_GET
def recruitment_board(request: HttpRequest) -> HttpResponse:
    """Every application of the approved requisitions in the user's scope, one column per stage."""
    if not user_can(request.user, AREA, "view"):
        raise PermissionDenied
    requisition = None
    if request.GET.get("requisition"):
        requisition = scoped_or_none(Requisition, request.user, request.GET["requisition"])
    return _board_page(request, requisition)


@login_required
@require_GET
def requisition_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The board of one requisition (whatever its status)."""
    return _board_page(request, _found(Requisition, request, pk, "view"))


# ------------------------------------------------------------------------------------------------ requisitions


def _requisition_action(action: str, write, done: str):
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        requisition = _found(Requisition, request, pk, action)
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        return _run(request, requisition.get_absolute_url(),
                    lambda: write(actor=request.user, requisition=requisition, note=note), str(done))

    return view


requisition_submit = _requisition_action(
    "change", lambda *, actor, requisition, note: services.requisition_submit(actor=actor, requisition=requisition),
    gettext_lazy("已提交审批。"))
requisition_approve = _requisition_action("approve", services.requisition_approve, gettext_lazy("已批准。"))
requisition_reject = _requisition_action("approve", services.requisition_reject, gettext_lazy("已驳回。"))
requisition_cancel = _requisition_action("change", services.requisition_cancel, gettext_lazy("已取消。"))


# ------------------------------------------------------------------------------------------------ applications


@login_required
@require_POST
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card to another column (one POST per move, validated by the service)."""
    application = _found(Application, request, pk, "change")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, application.get_absolute_url())
    return _run(request, application.get_absolute_url(),
                lambda: services.application_move(actor=request.user, application=application,
                                                  stage=form.cleaned_data["stage"],
                                                  rejection_reason=form.cleaned_data["rejection_reason"]),
                _("已移到“%(stage)s”。") % {"stage": Stage(form.cleaned_data["stage"]).label})


@login_required
@require_POST
def application_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the offer: salary band and start date."""
    application = _found(Application, request, pk, "change")
    form = OfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, application.get_absolute_url())
    return _run(request, application.get_absolute_url(),
                lambda: services.application_offer(actor=request.user, application=application, **form.cleaned_data),
                _("已发出录用通知。"))


@login_required
@require_POST
def application_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the candidate's acceptance of the offer."""
    application = _found(Application, request, pk, "change")
    return _run(request, application.get_absolute_url(),
                lambda: services.application_offer_accept(actor=request.user, application=application),
                _("已记录接受录用。"))


@login_required
@require_POST
def application_hire(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the accepted offer into an employee with onboarding and trainings."""
    application = _found(Application, request, pk, "change")
    return _run(request, application.get_absolute_url(),
                lambda: services.application_hire(actor=request.user, application=application),
                _("已转为员工，入职清单已生成。"))


@login_required
@require_POST
def onboarding_task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick an onboarding task off (or back on)."""
    task = _found(OnboardingTask, request, pk, "change")
    default = reverse("people:application_detail", args=[task.checklist.application_id])
    return _run(request, default, lambda: services.onboarding_task_toggle(actor=request.user, task=task),
                _("已更新入职事项。"))


# ------------------------------------------------------------------------------------------------ interviews


@login_required
@require_POST
def interview_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The interviewer's rating, recommendation and feedback."""
    interview = _found(Interview, request, pk, "change")
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, interview.get_absolute_url())
    return _run(request, interview.get_absolute_url(),
                lambda: services.interview_feedback(actor=request.user, interview=interview, **form.cleaned_data),
                _("已保存面试反馈。"))


# ------------------------------------------------------------------------------------------------ résumés


@login_required
@require_POST
def candidate_resume_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload (or replace) a candidate's résumé."""
    candidate = _found(Candidate, request, pk, "change")
    form = ResumeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, candidate.get_absolute_url())
    return _run(request, candidate.get_absolute_url(),
                lambda: services.candidate_resume_upload(actor=request.user, candidate=candidate,
                                                         upload=form.cleaned_data["resume"]),
                _("已上传简历。"))


@login_required
@require_GET
def candidate_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """The résumé, to the readers of the candidate's contact details only (404 for everyone else), served as an
    attachment (PDF and images inline on ?inline=1) under the sandbox headers of user files."""
    candidate = _found(Candidate, request, pk, "view")
    if not candidate.resume or not services.can_see_contact(request.user, candidate):
        raise Http404
    try:
        handle = candidate.resume.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    services.candidate_contact_access_record(actor=request.user, candidate=candidate, channel="resume")
    content_type = candidate.resume_type or "application/octet-stream"
    inline = request.GET.get("inline") == "1" and content_type in services.RESUME_TYPES.values()
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline,
                            filename=candidate.resume_name or candidate.resume.name.rsplit("/", 1)[-1])
    return harden_file_response(response, cache="private, no-store")


urlpatterns = [
    path("recruitment/board/", recruitment_board, name="recruitment_board"),
    path("requisitions/<int:pk>/board/", requisition_board, name="requisition_board"),
    path("requisitions/<int:pk>/submit/", requisition_submit, name="requisition_submit"),
    path("requisitions/<int:pk>/approve/", requisition_approve, name="requisition_approve"),
    path("requisitions/<int:pk>/reject/", requisition_reject, name="requisition_reject"),
    path("requisitions/<int:pk>/cancel/", requisition_cancel, name="requisition_cancel"),
    path("applications/<int:pk>/move/", application_move, name="application_move"),
    path("applications/<int:pk>/offer/", application_offer, name="application_offer"),
    path("applications/<int:pk>/accept/", application_accept, name="application_accept"),
    path("applications/<int:pk>/hire/", application_hire, name="application_hire"),
    path("onboarding-tasks/<int:pk>/toggle/", onboarding_task_toggle, name="onboarding_task_toggle"),
    path("interviews/<int:pk>/feedback/", interview_feedback, name="interview_feedback"),
    path("candidates/<int:pk>/resume/", candidate_resume, name="candidate_resume"),
    path("candidates/<int:pk>/resume/upload/", candidate_resume_upload, name="candidate_resume_upload"),
]
