"""Training workflows: enrolment (capacity, twice, scope), QR check-in (once, only for enrolled trainees), the test
against the pass mark, closing and the automatic hold, proposals (idempotent, accepted into a session) and the
proposals made from inspection training suggestions."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opsdesk.core.kit.guards import NOT_FOUND_MESSAGE
from opsdesk.core.testing.factories import EmployeeFactory, PositionFactory
from opsdesk.people.models.training import (
    Enrolment,
    EnrolmentStatusChoices,
    PositionTraining,
    ProposalStatusChoices,
    SessionStatusChoices,
    TrainingProgramme,
    TrainingProposal,
    TrainingQuestion,
    TrainingSession,
)
from opsdesk.people.services import training as services


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def make_programme(company, code="SVC", **fields) -> TrainingProgramme:
    defaults = {"name": "服务态度", "topic": "service_attitude", "duration_hours": Decimal("2.0")}
    return TrainingProgramme.objects.create(company=company, code=code, **{**defaults, **fields})


def make_session(store, programme, starts=None, hours=2, **fields) -> TrainingSession:
    starts = starts or timezone.now() + timedelta(days=1)
    return TrainingSession.objects.create(company=programme.company, programme=programme, store=store,
                                          starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)


@pytest.fixture
def programme(org):
    return make_programme(org.company)


# ------------------------------------------------------------------------------------------------ enrolment


def test_enrol_refuses_a_full_session(org, programme):
    # given: a session with two seats, both taken
    manager = org.users["store_manager"]
    session = make_session(org.stores["a1"], programme, capacity=2)
    first, second, third = (EmployeeFactory(store=org.stores["a1"]) for _ in range(3))
    services.enrolment_create(actor=manager, session=session, employee=first)
    services.enrolment_create(actor=manager, session=session, employee=second)
    # when
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(actor=manager, session=session, employee=third)
    # then
    assert error.value.message_dict == {"session": ["该场次名额已满（2 人）。"]}
    assert list(session.enrolments.order_by("pk").values_list("employee_id", flat=True)) == [first.pk, second.pk]


def test_a_cancelled_enrolment_frees_its_seat(org, programme):
    # given
    manager = org.users["store_manager"]
    session = make_session(org.stores["a1"], programme, capacity=1)
    first, second = EmployeeFactory(store=org.stores["a1"]), EmployeeFactory(store=org.stores["a1"])
    enrolment = services.enrolment_create(actor=manager, session=session, employee=first)
    # when
    services.enrolment_cancel(actor=manager, enrolment=enrolment)
    services.enrolment_create(actor=manager, session=session, employee=second)
    # then
    assert dict(session.enrolments.values_list("employee_id", "status")) == {
        first.pk: EnrolmentStatusChoices.CANCELLED, second.pk: EnrolmentStatusChoices.ENROLLED}


def test_enrol_refuses_the_same_employee_twice(org, programme):
    # given
    manager = org.users["store_manager"]
    session = make_session(org.stores["a1"], programme)
    employee = org.employees["a1"]
    services.enrolment_create(actor=manager, session=session, employee=employee)
    # when
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(actor=manager, session=session, employee=employee)
    # then
    assert error.value.message_dict == {"employee": [f"{employee.name} 已报名该场次。"]}
    assert session.enrolments.count() == 1


def test_enrol_refuses_an_employee_outside_the_actors_scope(org, programme):
    # given: the store manager of a1 and an employee of b1
    manager = org.users["store_manager"]
    session = make_session(org.stores["a1"], programme)
    # when
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(actor=manager, session=session, employee=org.employees["b1"])
    # then: the message an unknown employee gets (existence is not disclosed), and nothing was written
    assert error.value.message_dict == {"employee": [str(NOT_FOUND_MESSAGE)]}
    assert session.enrolments.count() == 0


def test_enrol_in_a_session_outside_the_scope_is_denied(org, programme):
    # given: a session at b1, the store manager of a1
    session = make_session(org.stores["b1"], programme)
    # when / then
    with pytest.raises(PermissionDenied):
        services.enrolment_create(actor=org.users["store_manager"], session=session, employee=org.employees["a1"])
    assert Enrolment.objects.count() == 0


# ------------------------------------------------------------------------------------------------ check-in, test


@pytest.fixture
def trainee(org):
    """The staff user of a1 is employee a1."""
    employee = org.employees["a1"]
    employee.user = org.users["staff"]
    employee.save(update_fields=["user"])
    return employee


def test_qr_checkin_attends_once(org, programme, trainee):
    # given: a session running now, the trainee enrolled
    session = make_session(org.stores["a1"], programme, starts=timezone.now() - timedelta(minutes=10))
    enrolment = Enrolment.objects.create(session=session, employee=trainee)
    # when: scanned twice
    first, is_new_first = services.checkin(user=org.users["staff"], session=session)
    checked_at = first.checked_in_at
    second, is_new_second = services.checkin(user=org.users["staff"], session=session,
                                             now=timezone.now() + timedelta(minutes=5))
    # then
    enrolment.refresh_from_db()
    assert (is_new_first, is_new_second) == (True, False)
    assert enrolment.status == EnrolmentStatusChoices.ATTENDED
    assert enrolment.checkin_method == "qr"
    assert enrolment.checked_in_at == checked_at == second.checked_in_at


def test_qr_checkin_refuses_who_is_not_enrolled(org, programme, trainee):
    # given: the session has another trainee
    session = make_session(org.stores["a1"], programme, starts=timezone.now() - timedelta(minutes=10))
    Enrolment.objects.create(session=session, employee=EmployeeFactory(store=org.stores["a1"]))
    # when / then: the staff user (employee a1) and the supervisor (no employee) are refused
    with pytest.raises(services.NotEnrolled):
        services.checkin(user=org.users["staff"], session=session)
    with pytest.raises(services.NotEnrolled):
        services.checkin(user=org.users["supervisor"], session=session)
    assert session.enrolments.filter(status=EnrolmentStatusChoices.ATTENDED).count() == 0


def test_qr_checkin_opens_two_hours_before_the_start(org, programme, trainee):
    # given
    session = make_session(org.stores["a1"], programme, starts=at(12, 20, 14))
    Enrolment.objects.create(session=session, employee=trainee)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.checkin(user=org.users["staff"], session=session, now=at(12, 20, 11))
    assert error.value.messages == ["签到将于 2026-12-20 12:00 开放。"]
    enrolment, is_new = services.checkin(user=org.users["staff"], session=session, now=at(12, 20, 12))
    assert is_new
    assert enrolment.status == EnrolmentStatusChoices.ATTENDED


@pytest.mark.parametrize(("pass_mark", "answers", "score", "passed"), [
    (60, (1, 2, 9), 67, True),  # 2 of 3: 66.67 rounds to 67
    (70, (1, 2, 9), 67, False),
    (100, (1, 2, 3), 100, True),
    (0, (9, 9, 9), 0, True),
])
def test_test_score_against_the_pass_mark(org, trainee, pass_mark, answers, score, passed):
    # given: three questions whose correct choices are 1, 2 and 3; the trainee attended
    programme = make_programme(org.company, pass_mark=pass_mark)
    questions = [TrainingQuestion.objects.create(programme=programme, order=index, text=f"题 {index}",
                                                 choices="甲\n乙\n丙", correct_choice=index) for index in (1, 2, 3)]
    session = make_session(org.stores["a1"], programme, starts=timezone.now() - timedelta(minutes=30))
    enrolment = Enrolment.objects.create(session=session, employee=trainee, status=EnrolmentStatusChoices.ATTENDED)
    # when
    chosen = {question.pk: answer for question, answer in zip(questions, answers, strict=True)}
    result = services.test_submit(user=org.users["staff"], enrolment=enrolment, answers=chosen)
    # then
    assert (result.test_score, result.passed) == (score, passed)
    with pytest.raises(ValidationError):  # once only
        services.test_submit(user=org.users["staff"], enrolment=enrolment, answers={q.pk: 1 for q in questions})


def test_test_needs_a_checkin_first(org, trainee):
    programme = make_programme(org.company, pass_mark=60)
    question = TrainingQuestion.objects.create(programme=programme, text="题", choices="甲\n乙", correct_choice=1)
    session = make_session(org.stores["a1"], programme)
    enrolment = Enrolment.objects.create(session=session, employee=trainee)
    with pytest.raises(ValidationError) as error:
        services.test_submit(user=org.users["staff"], enrolment=enrolment, answers={question.pk: 1})
    assert error.value.messages == ["请先签到，再参加测试。"]


def test_feedback_is_stored_and_checked(org, programme, trainee):
    session = make_session(org.stores["a1"], programme, starts=timezone.now() - timedelta(minutes=30))
    enrolment = Enrolment.objects.create(session=session, employee=trainee, status=EnrolmentStatusChoices.ATTENDED)
    with pytest.raises(ValidationError):
        services.feedback_submit(user=org.users["staff"], enrolment=enrolment, rating=6)
    services.feedback_submit(user=org.users["staff"], enrolment=enrolment, rating=4, text=" 很实用 ")
    enrolment.refresh_from_db()
    assert (enrolment.feedback_rating, enrolment.feedback_text) == (4, "很实用")


# ------------------------------------------------------------------------------------------------ session status


def test_close_holds_the_session_and_marks_the_rest_absent(org, programme):
    # given: three enrolled, one attended by the trainer's list
    manager = org.users["store_manager"]
    session = make_session(org.stores["a1"], programme)
    rows = [Enrolment.objects.create(session=session, employee=EmployeeFactory(store=org.stores["a1"]))
            for _ in range(3)]
    services.attendance_mark(actor=manager, session=session, attended=[rows[0].pk], absent=[rows[1].pk])
    # when
    services.session_close(actor=manager, session=session)
    # then
    session.refresh_from_db()
    assert session.status == SessionStatusChoices.HELD
    assert [row.status for row in Enrolment.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")] == [
        "attended", "absent", "absent"]
    assert Enrolment.objects.get(pk=rows[0].pk).checkin_method == "list"


def test_close_without_attendance_is_refused(org, programme):
    session = make_session(org.stores["a1"], programme)
    with pytest.raises(ValidationError):
        services.session_close(actor=org.users["store_manager"], session=session)
    session.refresh_from_db()
    assert session.status == SessionStatusChoices.PLANNED


def test_sessions_that_ended_with_a_checkin_are_held_automatically(org, programme):
    # given: ended with a check-in; ended without; still running with a check-in
    ended = make_session(org.stores["a1"], programme, starts=at(12, 1))
    empty = make_session(org.stores["a1"], programme, starts=at(12, 1, 14))
    running = make_session(org.stores["a1"], programme, starts=at(12, 2, 9), hours=3)
    for session in (ended, running):
        Enrolment.objects.create(session=session, employee=EmployeeFactory(store=org.stores["a1"]),
                                 status=EnrolmentStatusChoices.ATTENDED)
    # when
    count = services.sessions_auto_hold(now=at(12, 2, 10))
    # then
    assert count == 1
    assert {row.pk: row.status for row in TrainingSession.objects.filter(pk__in=[ended.pk, empty.pk, running.pk])} \
        == {ended.pk: "held", empty.pk: "planned", running.pk: "planned"}


def test_cancel_cancels_the_enrolments(org, programme):
    session = make_session(org.stores["a1"], programme)
    Enrolment.objects.create(session=session, employee=org.employees["a1"])
    services.session_cancel(actor=org.users["store_manager"], session=session)
    assert list(session.enrolments.values_list("status", flat=True)) == ["cancelled"]


# ------------------------------------------------------------------------------------------------ proposals


def test_propose_is_idempotent_while_open(org, programme):
    # given
    manager = org.users["store_manager"]
    employee = org.employees["a1"]
    first = services.training_propose(actor=manager, employee=employee, programme=programme, reason="新员工",
                                      source="hire")
    # when
    again = services.training_propose(actor=manager, employee=employee, programme=programme, reason="再次")
    services.proposal_dismiss(actor=manager, proposal=first)
    after_dismiss = services.training_propose(actor=manager, employee=employee, programme=programme, reason="三")
    # then
    assert again.pk == first.pk
    assert after_dismiss.pk != first.pk
    assert TrainingProposal.objects.filter(employee=employee).count() == 2


def test_accepting_a_proposal_enrols_the_employee(org, programme):
    manager = org.users["store_manager"]
    proposal = services.training_propose(actor=manager, employee=org.employees["a1"], programme=programme,
                                         reason="巡检", source="inspection")
    session = make_session(org.stores["a1"], programme)
    services.proposal_accept(actor=manager, proposal=proposal, session=session)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatusChoices.ACCEPTED
    assert (proposal.enrolment.session_id, proposal.enrolment.employee_id, proposal.enrolment.source) == (
        session.pk, org.employees["a1"].pk, "inspection")


def _suggestion(store, *, code, topic, text="微笑迎宾"):
    from opsdesk.storeops.models import TrainingSuggestion

    return TrainingSuggestion.objects.create(store=store, item_code=code, item_text=text, topic=topic,
                                             failure_count=3, window_days=30, last_failed_at=timezone.now())


def test_inspection_suggestions_become_proposals_for_the_positions_that_need_them(org):
    # given: a service suggestion at a1 and a dismissed one; programmes answering topics and item codes
    from opsdesk.storeops.choices import SuggestionStatusChoices

    store = org.stores["a1"]
    cashier, clerk = PositionFactory(company=org.company), PositionFactory(company=org.company)
    service = make_programme(org.company, code="SVC", inspection_topics="service, grooming")
    PositionTraining.objects.create(position=cashier, programme=service)
    make_programme(org.company, code="SAFE", topic="safety", inspection_topics="fire_safety")
    dressing = make_programme(org.company, code="DRESS", inspection_topics="GRM-02")
    in_cashier = [EmployeeFactory(store=store, position=cashier) for _ in range(2)]
    EmployeeFactory(store=store, position=clerk)
    EmployeeFactory(store=store, position=cashier, status="left")
    EmployeeFactory(store=org.stores["a2"], position=cashier)
    smile = _suggestion(store, code="SVC-01", topic="service")
    grooming = _suggestion(store, code="GRM-02", topic="grooming", text="工服整洁")
    _suggestion(store, code="SVC-09", topic="service").__class__.objects.filter(item_code="SVC-09").update(
        status=SuggestionStatusChoices.DISMISSED)
    every_active = list(store.employees.filter(status="active").order_by("employee_no"))
    # when: run twice
    made = services.proposals_from_inspections(actor=org.users["supervisor"], store=store)
    again = services.proposals_from_inspections(actor=org.users["supervisor"], store=store)
    # then: the service programme for the two active cashiers; the grooming item's own programme (its code is
    # listed) for every active employee (no position requires it); nothing new the second time
    got = sorted((p.programme.code, p.employee_id, p.source_ref) for p in TrainingProposal.objects.all())
    expected = sorted([("SVC", employee.pk, f"storeops.trainingsuggestion:{smile.pk}") for employee in in_cashier]
                      + [("DRESS", employee.pk, f"storeops.trainingsuggestion:{grooming.pk}")
                         for employee in every_active])
    assert got == expected
    assert len(made) == len(expected)
    assert again == []
    assert {p.source for p in TrainingProposal.objects.all()} == {"inspection"}
    assert TrainingProposal.objects.filter(programme=dressing).first().reason == "巡检项“工服整洁”近 30 天不合格 3 次"
