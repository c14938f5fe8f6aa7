"""Permission-matrix declarations of every recruitment page and API operation (see core/testing/matrix.py).

Requisitions lie in store a1 (in scope) or `org.store_for(user, False)` (out of scope); candidates, applications,
interviews and onboarding tasks follow their requisition. Objects a rule ties to a person are built for the signed-in
user: they requested the requisition (so they may read the candidate's contact details), they are the interviewer
whose feedback is posted, and an approval is asked of them by someone one level below.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.people.models import Employee, Position
from opsdesk.people.models.recruitment import (
    Application,
    Candidate,
    Interview,
    OnboardingChecklist,
    OnboardingTask,
    Requisition,
)
from opsdesk.people.specs import recruitment as specs

A = "recruitment"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Who asks the signed-in user for an approval: the level just below their role.
LOWER_LEVEL = {"supervisor": "store_manager", "regional_manager": "supervisor", "coo": "regional_manager",
               "hr": "regional_manager"}
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _api(path: str) -> str:
    return f"/api/v1/people/{path}"


def _position(company) -> Position:
    return Position.objects.create(company=company, code=f"RP{_next()}", name="店员", level=1)


def make_requisition(org, user, in_scope, *, status="draft", requested_by=None) -> Requisition:
    store = org.store_for(user, in_scope)
    approved = timezone.now() if status == "approved" else None
    return Requisition.objects.create(company=store.company, store=store, position=_position(store.company),
                                      headcount=2, requested_by=requested_by or user, status=status,
                                      approved_at=approved)


def _pending(org, user, in_scope) -> Requisition:
    lower = org.users[LOWER_LEVEL.get(user.role, "store_manager")]
    return make_requisition(org, user, in_scope, status="pending", requested_by=lower)


def _requisition_data(org, user, requisition):
    position = requisition.position if requisition and requisition.position.company_id == org.company.pk else \
        _position(org.company)
    return {"store": org.stores["a1"].pk, "department": "", "position": position.pk, "headcount": "2",
            "reason": "growth", "description": "新店扩编", "target_start": "2025-04-01"}


def make_application(org, user, in_scope, *, stage="applied", requested_by=None) -> Application:
    requisition = make_requisition(org, user, in_scope, status="approved", requested_by=requested_by)
    candidate = Candidate.objects.create(company=requisition.company, name=f"候选人{_next()}", phone="13912345678",
                                         email="cand@example.com")
    return Application.objects.create(requisition=requisition, candidate=candidate, stage=stage,
                                      stage_changed_at=timezone.now())


def _application(org, user, in_scope) -> Application:
    return make_application(org, user, in_scope)


def _application_data(org, user, application):
    if application is not None:
        return {"requisition": application.requisition_id, "candidate": application.candidate_id}
    requisition = make_requisition(org, user, True, status="approved")
    candidate = Candidate.objects.create(company=org.company, name=f"新人{_next()}", created_by=user)
    return {"requisition": requisition.pk, "candidate": candidate.pk}


def _candidate(org, user, in_scope) -> Candidate:
    return make_application(org, user, in_scope).candidate


def _candidate_with_resume(org, user, in_scope) -> Candidate:
    candidate = _candidate(org, user, in_scope)
    candidate.resume.save("cv.pdf", ContentFile(PDF), save=False)
    candidate.resume_name, candidate.resume_type = "简历.pdf", "application/pdf"
    candidate.save()
    return candidate


def _candidate_alone(org, user, in_scope) -> Candidate:
    """A candidate without applications (deletable): entered by the user, or out of their reach."""
    if in_scope:
        return Candidate.objects.create(company=org.company, name=f"候选人{_next()}", created_by=user)
    company = org.other_company if org.is_company_wide(user) else org.company
    return Candidate.objects.create(company=company, name=f"候选人{_next()}", created_by=org.users["admin"]
                                    if company == org.company and user != org.users["admin"] else None)


def _with_delete_object(routes: list[Route], make_object) -> list[Route]:
    """The spec's routes, with `make_object` for its delete page and DELETE operation."""
    return [replace(route, make_object=make_object) if route.resolved_action == "delete" else route
            for route in routes]


def _candidate_data(org, user, candidate):
    return {"name": "王小明", "phone": "13800000000", "email": "", "source": "walk_in", "notes": "周末可面试"}


def _interview(org, user, in_scope) -> Interview:
    application = make_application(org, user, in_scope, stage="interview")
    return Interview.objects.create(application=application, interviewer=user,
                                    scheduled_at=timezone.now() - timedelta(days=2))


def _interview_data(org, user, interview):
    application_id = interview.application_id if interview else make_application(org, user, True,
                                                                                 stage="screened").pk
    return {"application": application_id, "scheduled_at": "2025-03-01T10:00", "interviewer": user.pk}


def _at_interview_with_feedback(org, user, in_scope) -> Application:
    interview = _interview(org, user, in_scope)
    Interview.objects.filter(pk=interview.pk).update(rating=4, recommendation="hire", feedback="沟通好",
                                                     feedback_at=timezone.now())
    return interview.application


def _at_offer(org, user, in_scope) -> Application:
    application = make_application(org, user, in_scope, stage="offer")
    Application.objects.filter(pk=application.pk).update(salary_band="S2", start_date=date(2025, 4, 1),
                                                         offer_sent_on=date(2025, 3, 20))
    return application


def _accepted(org, user, in_scope) -> Application:
    application = _at_offer(org, user, in_scope)
    Application.objects.filter(pk=application.pk).update(offer_accepted_on=date(2025, 3, 22))
    application.refresh_from_db()
    return application


def _onboarding_task(org, user, in_scope) -> OnboardingTask:
    application = make_application(org, user, in_scope, stage="hired")
    store = application.requisition.store
    employee = Employee.objects.create(company=store.company, store=store, employee_no=f"RH{_next()}", name="新员工")
    checklist = OnboardingChecklist.objects.create(application=application, employee=employee,
                                                   due_date=date(2025, 4, 15), assignee=user)
    return OnboardingTask.objects.create(checklist=checklist, position=1, text="签订劳动合同")


def _note(text):
    return lambda org, user, obj: {"note": text}


def _resume_upload(org, user, obj):
    return {"resume": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")}


ROUTES = [
    *spec_routes(specs.requisition, make_requisition, _requisition_data),
    *_with_delete_object(spec_routes(specs.candidate, _candidate, _candidate_data), _candidate_alone),
    *spec_routes(specs.application, _application, _application_data),
    *spec_routes(specs.interview, _interview, _interview_data),
    # the board
    Route("people:recruitment_board", "list", area=A, make_object=_application),
    Route("people:requisition_board", "detail", area=A, make_object=make_requisition),
    # the requisition workflow
    Route("people:requisition_submit", "action", area=A, action="change", make_object=make_requisition),
    Route("people:requisition_approve", "action", area=A, action="approve", make_object=_pending,
          post_data=_note("同意")),
    Route("people:requisition_reject", "action", area=A, action="approve", make_object=_pending,
          post_data=_note("预算不足")),
    Route("people:requisition_cancel", "action", area=A, action="change", make_object=make_requisition,
          post_data=_note("门店改造推迟")),
    Route(f"POST {_api('requisitions/{object_id}/submit/')}", "api-write", area=A, action="change",
          make_object=make_requisition, post_data=_note("")),
    Route(f"POST {_api('requisitions/{object_id}/approve/')}", "api-write", area=A, action="approve",
          make_object=_pending, post_data=_note("同意")),
    Route(f"POST {_api('requisitions/{object_id}/reject/')}", "api-write", area=A, action="approve",
          make_object=_pending, post_data=_note("预算不足")),
    Route(f"POST {_api('requisitions/{object_id}/cancel/')}", "api-write", area=A, action="change",
          make_object=make_requisition, post_data=_note("")),
    # the pipeline
    Route("people:application_move", "action", area=A, action="change", make_object=_application,
          post_data=lambda org, user, obj: {"stage": "screened"}),
    Route("people:application_offer", "action", area=A, action="change", make_object=_at_interview_with_feedback,
          post_data=lambda org, user, obj: {"salary_band": "S2", "start_date": "2025-04-01"}),
    Route("people:application_accept", "action", area=A, action="change", make_object=_at_offer),
    Route("people:application_hire", "action", area=A, action="change", make_object=_accepted),
    Route("people:onboarding_task_toggle", "action", area=A, action="change", make_object=_onboarding_task),
    Route("people:interview_feedback", "action", area=A, action="change", make_object=_interview,
          post_data=lambda org, user, obj: {"rating": "4", "recommendation": "hire", "feedback": "表达清楚"}),
    Route(f"POST {_api('applications/{object_id}/move/')}", "api-write", area=A, action="change",
          make_object=_application, post_data=lambda org, user, obj: {"stage": "screened"}),
    Route(f"POST {_api('applications/{object_id}/offer/')}", "api-write", area=A, action="change",
          make_object=_at_interview_with_feedback,
          post_data=lambda org, user, obj: {"salary_band": "S2", "start_date": "2025-04-01"}),
    Route(f"POST {_api('applications/{object_id}/accept/')}", "api-write", area=A, action="change",
          make_object=_at_offer),
    Route(f"POST {_api('applications/{object_id}/hire/')}", "api-write", area=A, action="change",
          make_object=_accepted),
    Route(f"POST {_api('interviews/{object_id}/feedback/')}", "api-write", area=A, action="change",
          make_object=_interview,
          post_data=lambda org, user, obj: {"rating": 4, "recommendation": "hire", "feedback": "表达清楚"}),
    # résumés and contact details
    Route("people:candidate_resume", "detail", area=A, make_object=_candidate_with_resume),
    Route("people:candidate_resume_upload", "action", area=A, action="change", make_object=_candidate,
          post_data=_resume_upload),
    Route(f"GET {_api('candidates/{object_id}/contact/')}", "api-detail", area=A, make_object=_candidate),
]

