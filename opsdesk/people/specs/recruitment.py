"""Kit specs of recruitment (pages people:requisition_*|candidate_*|application_*|interview_*, REST under
/api/v1/people/). Writes go through the recruitment services; a candidate's phone and email, and an offer's salary
band, are never columns, detail rows, search fields or API output: the detail pages show them masked for everyone
but their readers (see selectors.recruitment.contact)."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.core.kit.builders import build_form
from opsdesk.people.models.recruitment import Application, Candidate, Interview, Requisition
from opsdesk.people.services import recruitment as services


class RequisitionSpec(ObjectSpec):
    """Deleting a requisition goes through its service (drafts only), on the page and in the API."""

    def delete(self, *, actor, instance) -> None:
        services.requisition_delete(actor=actor, instance=instance)


def _context(name: str):
    def context(request, instance):
        from opsdesk.people.views import recruitment as views

        return getattr(views, name)(request, instance)

    return context


requisition = RequisitionSpec(
    Requisition, path="requisitions", name="requisition", fields=services.REQUISITION_FIELDS,
    columns=("position", "store", "headcount", "reason", "status", "requested_by", "target_start", "created_at"),
    detail_fields=("store", "department", "position", "headcount", "reason", "description", "status",
                   "requested_by", "submitted_at", "approver", "decided_at", "decision_note", "target_start"),
    search_fields=("position__name", "store__name", "description"),
    filter_fields=("store", "store__region", "position", "status", "reason"),
    select_related=("store", "position", "requested_by", "department", "approver"),
    create_with=services.requisition_create, update_with=services.requisition_update,
    detail_template="people/recruitment/requisition_detail.html",
    detail_context=_context("requisition_detail_context"),
)


def _candidate_form():
    base = build_form(candidate)

    class CandidateForm(base):
        """Phone and email are neither shown nor editable for people who may not read them."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk and not services.can_see_contact(self.user, self.instance):
                for name in Candidate.PERSONAL_FIELDS:
                    self.fields.pop(name, None)

    return CandidateForm


candidate = ObjectSpec(
    Candidate, path="candidates", name="candidate", fields=services.CANDIDATE_FIELDS,
    columns=("name", "source", "created_by", "created_at"),
    detail_fields=("name", "source", "notes", "created_by", "created_at"),
    api_out_fields=("name", "source", "notes", "created_at"),
    search_fields=("name",), filter_fields=("source",), select_related=("created_by",),
    create_with=services.candidate_create, update_with=services.candidate_update,
    detail_template="people/recruitment/candidate_detail.html",
    detail_context=_context("candidate_detail_context"),
)
candidate.form_class = _candidate_form()

application = ObjectSpec(
    Application, path="applications", name="application", fields=services.APPLICATION_FIELDS,
    columns=("candidate", "requisition", "stage", "stage_changed_at", "offer_sent_on", "hired_on"),
    detail_fields=("candidate", "requisition", "stage", "stage_changed_at", "rejection_reason", "start_date",
                   "offer_sent_on", "offer_accepted_on", "hired_on", "hired_employee"),
    api_out_fields=("candidate", "requisition", "stage", "stage_changed_at", "rejection_reason", "start_date",
                    "offer_sent_on", "offer_accepted_on", "hired_on", "hired_employee"),
    search_fields=("candidate__name",), filter_fields=("requisition", "requisition__store", "stage"),
    select_related=("candidate", "requisition__position", "requisition__store", "hired_employee"),
    create_with=services.application_create, update_with=services.application_update,
    detail_template="people/recruitment/application_detail.html",
    detail_context=_context("application_detail_context"),
)

interview = ObjectSpec(
    Interview, path="interviews", name="interview", fields=services.INTERVIEW_FIELDS,
    columns=("scheduled_at", "application", "interviewer", "rating", "recommendation"),
    detail_fields=("application", "scheduled_at", "interviewer", "rating", "recommendation", "feedback",
                   "feedback_at"),
    search_fields=("application__candidate__name",), filter_fields=("interviewer", "recommendation", "scheduled_at"),
    assignee_fields=("interviewer",),
    select_related=("application__candidate", "application__requisition__position", "interviewer"),
    create_with=services.interview_schedule, update_with=services.interview_update,
    detail_template="people/recruitment/interview_detail.html",
    detail_context=_context("interview_detail_context"),
)

ALL = (requisition, candidate, application, interview)
