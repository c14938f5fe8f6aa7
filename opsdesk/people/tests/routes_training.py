"""Permission-matrix declarations of the training area: the kit pages and REST operations of programmes, questions,
required trainings, sessions, enrolments, proposals and plans, and the hand-written pages and API operations.

Catalogue rows are company master data: company A (in scope) or company B (out of scope). Sessions, enrolments,
proposals and plans lie in store a1 (in scope) or `org.store_for(user, False)` (out of scope). The self-service
pages (my trainings, QR check-in, test, feedback) answer every signed-in user: the in-scope session is one the user
is enrolled in (through an employee linked to their account); the out-of-scope one belongs to company B (404).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.people.models import Employee, Position
from opsdesk.people.models.training import (
    AREA,
    Enrolment,
    EnrolmentStatusChoices,
    PositionTraining,
    TrainingPlan,
    TrainingProgramme,
    TrainingProposal,
    TrainingQuestion,
    TrainingSession,
)
from opsdesk.people.specs import training as specs

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def _company(org, user, in_scope):
    return org.company if in_scope else org.other_company


def programme_in(company, **fields) -> TrainingProgramme:
    return TrainingProgramme.objects.create(company=company, code=f"TP{_next()}", name="矩阵课程",
                                            topic="service_attitude", duration_hours=2, **fields)


def _programme(org, user, in_scope) -> TrainingProgramme:
    return programme_in(_company(org, user, in_scope))


def _programme_data(org, user, programme):
    return {"code": programme.code if programme else f"TPN{_next()}", "name": "服务态度", "topic": "service_attitude",
            "description": "", "duration_hours": "2.5", "trainer_kind": "internal", "cost_per_session": "500",
            "cost_per_trainee": "20", "pass_mark": "60", "inspection_topics": "service", "is_active": "on"}


def _programme_json(org, user, programme):
    data = {key: value for key, value in _programme_data(org, user, programme).items() if value != ""}
    return {**data, "is_active": True, "skills": []}


def _question(org, user, in_scope) -> TrainingQuestion:
    return TrainingQuestion.objects.create(programme=_programme(org, user, in_scope), text="微笑服务的要点？",
                                           choices="目光接触\n低头", correct_choice=1)


def _question_data(org, user, question):
    programme_id = question.programme_id if question else _programme(org, user, True).pk
    return {"programme": programme_id, "order": "2", "text": "迎宾用语是？", "choices": "您好，欢迎光临\n喂",
            "correct_choice": "1"}


def _position_training(org, user, in_scope) -> PositionTraining:
    company = _company(org, user, in_scope)
    position = Position.objects.create(company=company, code=f"PT{_next()}", name="店员", level=1)
    return PositionTraining.objects.create(position=position, programme=programme_in(company))


def _position_training_data(org, user, _row):
    position = Position.objects.create(company=org.company, code=f"PTN{_next()}", name="店长", level=3)
    return {"position": position.pk, "programme": programme_in(org.company).pk}


def session_at(store, *, company=None, starts_in=timedelta(days=3), **fields) -> TrainingSession:
    company = company or store.company
    starts = timezone.now() + starts_in
    return TrainingSession.objects.create(company=company, programme=programme_in(company), store=store,
                                          starts_at=starts, ends_at=starts + timedelta(hours=2), **fields)


def _session(org, user, in_scope) -> TrainingSession:
    return session_at(org.store_for(user, in_scope))


def _session_data(org, user, _session_obj):
    return {"programme": programme_in(org.company).pk, "store": org.stores["a1"].pk, "place": "二楼培训室",
            "starts_at": "2026-12-10T10:00", "ends_at": "2026-12-10T12:00", "trainer": "", "trainer_name": "王老师",
            "capacity": "12", "actual_cost": "", "note": ""}


def _enrolment(org, user, in_scope) -> Enrolment:
    session = _session(org, user, in_scope)
    return Enrolment.objects.create(session=session, employee=org.employee_for(user, in_scope))


def _proposal(org, user, in_scope) -> TrainingProposal:
    employee = org.employee_for(user, in_scope)
    return TrainingProposal.objects.create(employee=employee, programme=programme_in(employee.company),
                                           reason="矩阵建议")


def _proposal_data(org, user, _proposal_obj):
    return {"employee": org.employees["a1"].pk, "programme": programme_in(org.company).pk, "reason": "服务投诉增多"}


def _accept_data(org, user, proposal):
    session = TrainingSession.objects.create(
        company=org.company, programme=proposal.programme, store=org.stores["a1"],
        starts_at=timezone.now() + timedelta(days=2), ends_at=timezone.now() + timedelta(days=2, hours=2))
    return {"session": session.pk}


def _plan(org, user, in_scope) -> TrainingPlan:
    store = org.store_for(user, in_scope)
    return TrainingPlan.objects.create(company=store.company, store=store, region=store.region,
                                       year=2000 + _next() % 100, quarter=1, planned_sessions=2)


def _plan_data(org, user, _plan_obj):
    return {"region": "", "store": org.stores["a1"].pk, "year": str(2000 + _next() % 100), "quarter": "2",
            "planned_sessions": "3", "budget": "1000", "note": ""}


def _store(org, user, in_scope):
    return org.store_for(user, in_scope)


def own_session(org, user, in_scope) -> TrainingSession:
    """A session running now: the user's own employee attends it (in scope), or one of company B (out of scope)."""
    if not in_scope:
        return session_at(org.stores["x1"], starts_in=-timedelta(minutes=30))
    session = session_at(org.stores["a1"], starts_in=-timedelta(minutes=30))
    session.programme.pass_mark = 60
    session.programme.save(update_fields=["pass_mark"])
    TrainingQuestion.objects.create(programme=session.programme, text="迎宾用语是？", choices="您好\n喂",
                                    correct_choice=1)
    employee = Employee.objects.filter(user=user).first() or Employee.objects.create(
        company=org.company, employee_no=f"SELF-{user.pk}", name=user.username, store=org.stores["a1"], user=user)
    Enrolment.objects.create(session=session, employee=employee, status=EnrolmentStatusChoices.ATTENDED,
                             checked_in_at=timezone.now(), checkin_method="qr")
    return session


def _token(session) -> list:
    return [session.checkin_token]


def _test_data(org, user, session):
    return {f"question_{question.pk}": "1" for question in session.programme.questions.all()}


def _api(path: str) -> str:
    return f"/api/v1/people/{path}"


ROUTES = [
    # The kit's create schema requires a many-to-many field even when it may be blank: the API sends skills [].
    *spec_routes(specs.programme, _programme, _programme_data, api_data=_programme_json),
    *spec_routes(specs.question, _question, _question_data),
    *spec_routes(specs.position_training, _position_training, _position_training_data),
    *spec_routes(specs.session, _session, _session_data),
    *spec_routes(specs.enrolment, _enrolment),
    *spec_routes(specs.proposal, _proposal, _proposal_data),
    *spec_routes(specs.plan, _plan, _plan_data),
    # the session workflow
    Route("people:trainingsession_status", "action", area=AREA, action="change", make_object=_session,
          post_data=lambda org, user, obj: {"action": "confirm"}),
    Route("people:trainingsession_enrol", "action", area=AREA, action="add", make_object=_session,
          post_data=lambda org, user, obj: {"employee": org.employees["a1"].pk}),
    Route("people:trainingsession_attendance", "action", area=AREA, action="change", make_object=_session,
          post_data=lambda org, user, obj: {}),
    Route("people:enrolment_cancel", "action", area=AREA, action="change", make_object=_enrolment,
          post_data=lambda org, user, obj: {}),
    Route("people:trainingproposal_accept", "action", area=AREA, action="change", make_object=_proposal,
          post_data=_accept_data),
    Route("people:trainingproposal_dismiss", "action", area=AREA, action="change", make_object=_proposal,
          post_data=lambda org, user, obj: {}),
    Route("people:trainingproposal_generate", "action", area=AREA, action="add", make_object=_store,
          post_data=lambda org, user, obj: {}),
    Route("people:training_plan", "list", area=AREA),
    Route("people:training_calendar", "list", area=AREA),
    # self-service
    Route("people:training_mine", "self-service"),
    Route("people:training_checkin", "self-service", make_object=own_session, url_args=_token,
          methods=("GET", "POST"), post_data=lambda org, user, obj: {}),
    Route("people:training_test", "self-service", make_object=own_session, url_args=_token, methods=("POST",),
          post_data=_test_data),
    Route("people:training_feedback", "self-service", make_object=own_session, url_args=_token, methods=("POST",),
          post_data=lambda org, user, obj: {"rating": "4", "text": "很实用"}),
    # API
    Route("POST " + _api("training/sessions/{object_id}/status/"), "api-write", area=AREA, action="change",
          make_object=_session, post_data=lambda org, user, obj: {"action": "confirm"}),
    Route("POST " + _api("training/sessions/{object_id}/enrolments/"), "api-write", area=AREA, action="add",
          make_object=_session, post_data=lambda org, user, obj: {"employee_id": org.employees["a1"].pk},
          post_status=201),
    Route("POST " + _api("training/sessions/{object_id}/attendance/"), "api-write", area=AREA, action="change",
          make_object=_session, post_data=lambda org, user, obj: {"attended": [], "absent": []}),
    Route("GET " + _api("training/plan/"), "api-list", area=AREA),
]
