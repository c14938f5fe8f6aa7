"""Recruitment operations beside the kit's REST (under /api/v1/people/): the requisition workflow, stage moves, the
offer, the hire, interview feedback and a candidate's contact details (masked for all but their readers).
Out of scope or not permitted: 404; invalid: 422 naming the field."""

from __future__ import annotations

from datetime import date

import pydantic
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Schema

from opsdesk.core.kit.guards import scoped_or_none
from opsdesk.core.kit.rest import StrictSchema, validation_error
from opsdesk.people.models.recruitment import Application, Candidate, Interview, Requisition
from opsdesk.people.selectors import recruitment as selectors
from opsdesk.people.services import recruitment as services


class NoteIn(StrictSchema):
    note: str = pydantic.Field("", max_length=500)


class RequisitionStateOut(Schema):
    id: int
    status: str
    approver_id: int | None = None
    decision_note: str = ""


class MoveIn(StrictSchema):
    stage: str = pydantic.Field(max_length=20)
    rejection_reason: str = pydantic.Field("", max_length=300)


class OfferIn(StrictSchema):
    salary_band: str = pydantic.Field(max_length=20)
    start_date: date


class ApplicationStateOut(Schema):
    id: int
    stage: str
    offer_sent_on: date | None = None
    offer_accepted_on: date | None = None
    hired_on: date | None = None
    hired_employee_id: int | None = None


class FeedbackIn(StrictSchema):
    rating: int = pydantic.Field(ge=1, le=5)
    recommendation: str = pydantic.Field(max_length=10)
    feedback: str = pydantic.Field(min_length=1, max_length=4000)


class InterviewOut(Schema):
    id: int
    rating: int | None = None
    recommendation: str = ""
    feedback_at: str | None = None

    @staticmethod
    def resolve_feedback_at(obj) -> str | None:
        return obj.feedback_at.isoformat() if obj.feedback_at else None


class ContactOut(Schema):
    id: int
    phone: str
    email: str
    is_visible: bool


def _found(model, request: HttpRequest, object_id: int, action: str):
    found = scoped_or_none(model, request.auth, object_id, action)
    if found is None:
        raise Http404
    return found


def _call(function, **kwargs):
    try:
        return function(**kwargs)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        raise validation_error(error) from error


def register(router) -> None:
    """Add the recruitment operations to the people router."""

    def requisition_operation(suffix: str, action: str, write, summary: str) -> None:
        @router.post(f"/requisitions/{{object_id}}/{suffix}/", response=RequisitionStateOut, summary=summary,
                     operation_id=f"people_requisition_{suffix}")
        def operation(request: HttpRequest, object_id: int, payload: NoteIn):
            requisition = _found(Requisition, request, object_id, action)
            return _call(write, actor=request.auth, requisition=requisition, note=payload.note)

    requisition_operation("submit", "change", lambda *, actor, requisition, note: services.requisition_submit(
        actor=actor, requisition=requisition), "Submit a requisition for approval")
    requisition_operation("approve", "approve", services.requisition_approve,
                          "Approve a requisition (the next level above its requester)")
    requisition_operation("reject", "approve", services.requisition_reject, "Reject a requisition with a note")
    requisition_operation("cancel", "change", services.requisition_cancel, "Cancel a requisition")

    @router.post("/applications/{object_id}/move/", response=ApplicationStateOut,
                 summary="Move an application to another stage", operation_id="people_application_move")
    def application_move(request: HttpRequest, object_id: int, payload: MoveIn):
        application = _found(Application, request, object_id, "change")
        return _call(services.application_move, actor=request.auth, application=application, stage=payload.stage,
                     rejection_reason=payload.rejection_reason)

    @router.post("/applications/{object_id}/offer/", response=ApplicationStateOut,
                 summary="Send an offer (salary band, start date)", operation_id="people_application_offer")
    def application_offer(request: HttpRequest, object_id: int, payload: OfferIn):
        application = _found(Application, request, object_id, "change")
        return _call(services.application_offer, actor=request.auth, application=application,
                     salary_band=payload.salary_band, start_date=payload.start_date)

    @router.post("/applications/{object_id}/accept/", response=ApplicationStateOut,
                 summary="Record the acceptance of an offer", operation_id="people_application_accept")
    def application_accept(request: HttpRequest, object_id: int):
        application = _found(Application, request, object_id, "change")
        return _call(services.application_offer_accept, actor=request.auth, application=application)

    @router.post("/applications/{object_id}/hire/", response=ApplicationStateOut,
                 summary="Turn an accepted offer into an employee", operation_id="people_application_hire")
    def application_hire(request: HttpRequest, object_id: int):
        application = _found(Application, request, object_id, "change")
        return _call(services.application_hire, actor=request.auth, application=application)

    @router.post("/interviews/{object_id}/feedback/", response=InterviewOut,
                 summary="The interviewer's rating, recommendation and feedback",
                 operation_id="people_interview_feedback")
    def interview_feedback(request: HttpRequest, object_id: int, payload: FeedbackIn):
        interview = _found(Interview, request, object_id, "change")
        return _call(services.interview_feedback, actor=request.auth, interview=interview, rating=payload.rating,
                     recommendation=payload.recommendation, feedback=payload.feedback)

    @router.get("/candidates/{object_id}/contact/", response=ContactOut,
                summary="A candidate's phone and email (masked for all but HR, requesters and interviewers)",
                operation_id="people_candidate_contact")
    def candidate_contact(request: HttpRequest, object_id: int):
        candidate = _found(Candidate, request, object_id, "view")
        services.candidate_contact_access_record(actor=request.auth, candidate=candidate, channel="api")
        return {"id": candidate.pk, **selectors.contact(request.auth, candidate)}
