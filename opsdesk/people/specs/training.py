"""Kit specs of training (pages people:trainingprogramme_*, trainingquestion_*, positiontraining_*,
trainingsession_*, enrolment_* (read-only: enrolments are made on the session page), trainingproposal_*,
trainingplan_*; REST under /api/v1/people/training/...)."""

from __future__ import annotations

from opsdesk.core.kit import ObjectSpec
from opsdesk.people.models.training import (
    Enrolment,
    PositionTraining,
    TrainingPlan,
    TrainingProgramme,
    TrainingProposal,
    TrainingQuestion,
    TrainingSession,
)
from opsdesk.people.services import training as services


def _programme_context(request, instance):
    from opsdesk.people.views.training import programme_detail_context

    return programme_detail_context(request, instance)


def _session_context(request, instance):
    from opsdesk.people.views.training import session_detail_context

    return session_detail_context(request, instance)


def _proposal_context(request, instance):
    from opsdesk.people.views.training import proposal_detail_context

    return proposal_detail_context(request, instance)


def _propose(*, actor, data):
    return services.training_propose(actor=actor, employee=data.get("employee"), programme=data.get("programme"),
                                     reason=data.get("reason", ""))


programme = ObjectSpec(
    TrainingProgramme, path="training/programmes", name="trainingprogramme",
    fields=("code", "name", "topic", "description", "skills", "duration_hours", "trainer_kind", "cost_per_session",
            "cost_per_trainee", "pass_mark", "inspection_topics", "is_active"),
    columns=("code", "name", "topic", "duration_hours", "trainer_kind", "cost_per_session", "pass_mark",
             "is_active"),
    detail_fields=("code", "name", "topic", "description", "duration_hours", "trainer_kind", "cost_per_session",
                   "cost_per_trainee", "pass_mark", "inspection_topics", "is_active"),
    search_fields=("code", "name", "description"), filter_fields=("topic", "trainer_kind", "is_active"),
    detail_template="people/training/programme_detail.html", detail_context=_programme_context,
)

question = ObjectSpec(
    TrainingQuestion, path="training/questions", name="trainingquestion",
    fields=("programme", "order", "text", "choices", "correct_choice"),
    columns=("text", "programme", "order", "correct_choice"),
    search_fields=("text",), filter_fields=("programme",), select_related=("programme",),
)

position_training = ObjectSpec(
    PositionTraining, path="training/position-trainings", name="positiontraining",
    fields=("position", "programme"), filter_fields=("position", "programme"),
    select_related=("position", "programme"),
)

session = ObjectSpec(
    TrainingSession, path="training/sessions", name="trainingsession", fields=services.SESSION_FIELDS,
    columns=("programme", "starts_at", "store", "place", "trainer", "capacity", "status"),
    detail_fields=("programme", "status", "store", "place", "starts_at", "ends_at", "trainer", "trainer_name",
                   "capacity", "actual_cost", "note"),
    search_fields=("programme__name", "place", "trainer_name", "store__name"),
    filter_fields=("programme", "store", "store__region", "status", "trainer", "starts_at"),
    assignee_fields=("trainer",), select_related=("programme", "store", "trainer"),
    create_with=services.session_create, update_with=services.session_update,
    detail_template="people/training/session_detail.html", detail_context=_session_context,
)

enrolment = ObjectSpec(
    Enrolment, path="training/enrolments", name="enrolment", fields=(), read_only=True,
    columns=("employee", "session", "status", "source", "checked_in_at", "checkin_method", "test_score", "passed",
             "feedback_rating"),
    detail_fields=("employee", "session", "status", "source", "checked_in_at", "checkin_method", "test_score",
                   "passed", "feedback_rating", "feedback_text", "created_at"),
    search_fields=("employee__name", "employee__employee_no", "session__programme__name"),
    filter_fields=("session", "session__programme", "employee", "status", "source", "passed"),
    select_related=("employee", "session__programme"),
)

proposal = ObjectSpec(
    TrainingProposal, path="training/proposals", name="trainingproposal", fields=("employee", "programme", "reason"),
    columns=("employee", "programme", "source", "status", "reason", "created_at"),
    detail_fields=("employee", "programme", "reason", "source", "source_ref", "status", "enrolment", "created_at"),
    search_fields=("employee__name", "employee__employee_no", "programme__name", "reason"),
    filter_fields=("employee__store", "programme", "source", "status"),
    select_related=("employee", "programme"), create_with=_propose,
    detail_template="people/training/proposal_detail.html", detail_context=_proposal_context,
)

plan = ObjectSpec(
    TrainingPlan, path="training/plans", name="trainingplan",
    fields=("region", "store", "year", "quarter", "planned_sessions", "budget", "note"),
    columns=("year", "quarter", "region", "store", "planned_sessions", "budget"),
    filter_fields=("year", "quarter", "region", "store"), select_related=("region", "store"),
    initial=lambda actor: {"company_id": actor.company_id},
)

ALL = (programme, question, position_training, session, enrolment, proposal, plan)
