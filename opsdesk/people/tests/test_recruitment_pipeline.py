"""The pipeline: validated stage moves (one step at a time, the offer and the hire by their own steps), interview
feedback by the interviewer only, and the hire: exactly one employee, an onboarding checklist from the onboarding
checklist template, the position's required trainings proposed, the requisition filled; hiring twice is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk.people.models import Employee, Position
from opsdesk.people.models.recruitment import Application, Candidate, OnboardingChecklist, OnboardingTask, Requisition
from opsdesk.people.services import recruitment as services
from opsdesk.storeops.models import ChecklistTemplate


def _approved(org, *, headcount=1, position=None) -> Requisition:
    position = position or Position.objects.create(company=org.company, code=f"PP{Position.objects.count() + 1}",
                                                   name="理货员", level=1)
    return Requisition.objects.create(company=org.company, store=org.stores["a1"], position=position,
                                      headcount=headcount, requested_by=org.users["store_manager"],
                                      status="approved", approved_at=timezone.now())


def _apply(org, requisition, name="李雷") -> Application:
    candidate = services.candidate_create(actor=org.users["hr"], data={"name": name, "phone": "13700001111",
                                                                       "source": "referral"})
    return services.application_create(actor=org.users["hr"], data={"requisition": requisition,
                                                                     "candidate": candidate})


def _to_accepted_offer(org, application, *, start=date(2025, 4, 1)) -> Application:
    hr, interviewer = org.users["hr"], org.users["supervisor"]
    services.application_move(actor=hr, application=application, stage="screened")
    interview = services.interview_schedule(actor=hr, data={
        "application": application, "scheduled_at": timezone.now() - timedelta(days=1), "interviewer": interviewer})
    services.interview_feedback(actor=interviewer, interview=interview, rating=4, recommendation="hire",
                                feedback="沟通顺畅，有收银经验")
    services.application_offer(actor=hr, application=application, salary_band="S2", start_date=start,
                               sent_on=date(2025, 3, 20))
    return services.application_offer_accept(actor=hr, application=application, accepted_on=date(2025, 3, 22))


@pytest.mark.parametrize(("start", "target", "message"), [
    ("applied", "hired", "不能从“已投递”直接移到“已入职”。"),
    ("applied", "interview", "不能从“已投递”直接移到“面试中”。"),
    ("applied", "offer", "不能从“已投递”直接移到“已发录用”。"),
    ("interview", "offer", "请填写录用条件（薪资档位、入职日期）后发出录用通知。"),
    ("offer", "hired", "请在候选人接受录用后使用“转为员工”。"),
    ("rejected", "screened", "不能从“未录用”直接移到“已筛选”。"),
    ("hired", "rejected", "不能从“已入职”直接移到“未录用”。"),
])
def test_invalid_moves_are_refused_and_change_nothing(org, start, target, message):
    # given
    application = _apply(org, _approved(org))
    Application.objects.filter(pk=application.pk).update(stage=start)
    # when
    with pytest.raises(ValidationError) as raised:
        services.application_move(actor=org.users["hr"], application=application, stage=target,
                                  rejection_reason="不合适")
    # then
    assert raised.value.message_dict == {"stage": [message]}
    assert Application.objects.get(pk=application.pk).stage == start


def test_valid_moves_step_by_step_and_rejection_needs_a_reason(org):
    # given
    application = _apply(org, _approved(org))
    hr = org.users["hr"]
    # when
    services.application_move(actor=hr, application=application, stage="screened")
    services.application_move(actor=hr, application=application, stage="applied")
    services.application_move(actor=hr, application=application, stage="screened")
    with pytest.raises(ValidationError) as no_reason:
        services.application_move(actor=hr, application=application, stage="rejected")
    moved = services.application_move(actor=hr, application=application, stage="rejected",
                                      rejection_reason="期望薪资过高")
    # then
    assert no_reason.value.message_dict == {"rejection_reason": ["请填写未录用原因。"]}
    assert (moved.stage, moved.rejection_reason) == ("rejected", "期望薪资过高")


def test_an_offer_needs_an_interview_with_feedback_and_only_the_interviewer_gives_it(org):
    # given
    application = _apply(org, _approved(org))
    hr = org.users["hr"]
    services.application_move(actor=hr, application=application, stage="screened")
    interview = services.interview_schedule(actor=hr, data={
        "application": application, "scheduled_at": timezone.now(), "interviewer": org.users["supervisor"]})
    # when
    with pytest.raises(ValidationError) as no_feedback:
        services.application_offer(actor=hr, application=application, salary_band="S2", start_date=date(2025, 4, 1))
    with pytest.raises(PermissionDenied):
        services.interview_feedback(actor=hr, interview=interview, rating=5, recommendation="hire", feedback="好")
    with pytest.raises(ValidationError) as bad_rating:
        services.interview_feedback(actor=org.users["supervisor"], interview=interview, rating=6,
                                    recommendation="hire", feedback="好")
    # then
    assert Application.objects.get(pk=application.pk).stage == "interview"  # scheduling moved it on
    assert no_feedback.value.message_dict == {"stage": ["至少需要一份面试反馈才能发录用通知。"]}
    assert bad_rating.value.message_dict == {"rating": ["评分须在 1 到 5 之间。"]}


def test_an_interviewer_must_see_the_requisition(org):
    # given: the store manager of a1 cannot be asked to interview for head office
    requisition = _approved(org)
    Requisition.objects.filter(pk=requisition.pk).update(store=None)
    application = _apply(org, Requisition.objects.get(pk=requisition.pk))
    services.application_move(actor=org.users["hr"], application=application, stage="screened")
    # when
    with pytest.raises(ValidationError) as raised:
        services.interview_schedule(actor=org.users["hr"], data={
            "application": application, "scheduled_at": timezone.now(), "interviewer": org.users["store_manager"]})
    # then
    assert list(raised.value.message_dict) == ["interviewer"]


def test_hire_creates_one_employee_onboarding_and_training_proposals_and_fills_the_requisition(org):
    # given: the position requires two trainings
    from opsdesk.people.models import PositionTraining, TrainingProgramme, TrainingProposal

    position = Position.objects.create(company=org.company, code="CASH", name="收银员", level=1)
    programmes = [TrainingProgramme.objects.create(company=org.company, code=code, name=name, topic="skills",
                                                   duration_hours=2)
                  for code, name in (("T-POS", "收银系统"), ("T-SVC", "服务礼仪"))]
    for programme in programmes:
        PositionTraining.objects.create(position=position, programme=programme)
    requisition = _approved(org, position=position)
    application = _to_accepted_offer(org, _apply(org, requisition, name="韩梅梅"))
    employees_before = Employee.objects.count()
    # when
    hired = services.application_hire(actor=org.users["hr"], application=application)
    # then
    employee = Employee.objects.get(pk=hired.hired_employee_id)
    assert Employee.objects.count() == employees_before + 1
    assert (employee.name, employee.store, employee.position, employee.hire_date, employee.position_since) == (
        "韩梅梅", org.stores["a1"], position, date(2025, 4, 1), date(2025, 4, 1))
    assert (employee.phone, employee.salary_band) == ("13700001111", "S2")  # HR hired: personal data copied
    assert (hired.stage, hired.hired_on) == ("hired", timezone.localdate())
    template = ChecklistTemplate.objects.get(company=org.company, code="ONBOARDING")
    checklist = OnboardingChecklist.objects.get(application=hired)
    assert (checklist.employee, checklist.template, checklist.assignee, checklist.due_date) == (
        employee, template, org.users["store_manager"], date(2025, 4, 15))
    assert list(OnboardingTask.objects.filter(checklist=checklist).values_list("item_code", flat=True)) == [
        "ONB-01", "ONB-02", "ONB-03", "ONB-04", "ONB-05", "ONB-06"]
    proposals = TrainingProposal.objects.filter(employee=employee)
    assert sorted(proposals.values_list("programme__code", "source", "status")) == [
        ("T-POS", "hire", "open"), ("T-SVC", "hire", "open")]
    requisition.refresh_from_db()
    assert requisition.status == "filled"
    assert requisition.closed_at is not None


def test_hiring_twice_is_refused_and_creates_nothing_more(org):
    # given
    requisition = _approved(org, headcount=2)
    application = _to_accepted_offer(org, _apply(org, requisition))
    services.application_hire(actor=org.users["hr"], application=application)
    counts = (Employee.objects.count(), OnboardingChecklist.objects.count(), OnboardingTask.objects.count())
    # when
    with pytest.raises(ValidationError) as raised:
        services.application_hire(actor=org.users["hr"], application=application)
    # then
    assert raised.value.message_dict == {"stage": ["该候选人已转为员工。"]}
    assert (Employee.objects.count(), OnboardingChecklist.objects.count(), OnboardingTask.objects.count()) == counts
    assert Requisition.objects.get(pk=requisition.pk).status == "approved"  # one of two hired
    assert ChecklistTemplate.objects.filter(company=org.company, code="ONBOARDING").count() == 1


def test_a_store_manager_hires_without_copying_personal_data(org):
    # given: personal fields of employees are HR's to write
    requisition = _approved(org)
    application = _to_accepted_offer(org, _apply(org, requisition))
    # when
    hired = services.application_hire(actor=org.users["store_manager"], application=application)
    # then
    employee = Employee.objects.get(pk=hired.hired_employee_id)
    assert (employee.phone, employee.salary_band, employee.store) == ("", "", org.stores["a1"])


def test_hire_before_the_offer_is_accepted_is_refused(org):
    # given
    application = _to_accepted_offer(org, _apply(org, _approved(org)))
    Application.objects.filter(pk=application.pk).update(offer_accepted_on=None)
    # when
    with pytest.raises(ValidationError) as raised:
        services.application_hire(actor=org.users["hr"], application=application)
    # then
    assert raised.value.message_dict == {"stage": ["候选人接受录用后才能转为员工。"]}
    assert Application.objects.get(pk=application.pk).hired_employee_id is None


def test_board_moves_a_card_by_post_and_ticks_onboarding(client, org):
    # given
    application = _apply(org, _approved(org), name="张伟")
    client.force_login(org.users["supervisor"])
    # when
    board = client.get(reverse("people:recruitment_board")).content.decode()
    moved = client.post(reverse("people:application_move", args=[application.pk]),
                        {"stage": "screened", "next": reverse("people:recruitment_board")}, HTTP_HX_REQUEST="true")
    refused = client.post(reverse("people:application_move", args=[application.pk]), {"stage": "hired"})
    after = client.get(reverse("people:requisition_board", args=[application.requisition_id])).content.decode()
    # then
    assert f'id="card-{application.pk}"' in board
    assert board.index('id="column-applied"') < board.index(f'id="card-{application.pk}"') < board.index(
        'id="column-screened"')
    assert (moved.status_code, moved["HX-Redirect"]) == (204, reverse("people:recruitment_board"))
    assert refused.status_code == 302
    assert Application.objects.get(pk=application.pk).stage == "screened"
    assert after.index('id="column-screened"') < after.index(f'id="card-{application.pk}"') < after.index(
        'id="column-interview"')


def test_candidate_created_by_a_store_manager_is_theirs_to_see(org):
    # given
    manager = org.users["store_manager"]
    # when
    candidate = services.candidate_create(actor=manager, data={"name": "王芳", "source": "walk_in"})
    # then
    assert candidate.created_by == manager
    assert Candidate.objects.for_user(manager).filter(pk=candidate.pk).exists()
    assert not Candidate.objects.for_user(org.users["supervisor"]).filter(pk=candidate.pk).exists()


def test_offer_api_names_missing_or_implausible_fields(client, org):
    # given: an interviewed candidate with feedback
    application = _apply(org, _approved(org))
    hr = org.users["hr"]
    services.application_move(actor=hr, application=application, stage="screened")
    interview = services.interview_schedule(actor=hr, data={
        "application": application, "scheduled_at": timezone.now(), "interviewer": org.users["supervisor"]})
    services.interview_feedback(actor=org.users["supervisor"], interview=interview, rating=3,
                                recommendation="maybe", feedback="尚可")
    client.force_login(hr)
    url = f"/api/v1/people/applications/{application.pk}/offer/"
    # when
    far = client.post(url, {"salary_band": "S2", "start_date": "9999-12-31"}, content_type="application/json")
    blank = client.post(url, {"salary_band": " ", "start_date": "2025-04-01"}, content_type="application/json")
    # then
    assert far.status_code == blank.status_code == 422
    assert [item["loc"] for item in far.json()["detail"]] == [["body", "start_date"]]
    assert [item["loc"] for item in blank.json()["detail"]] == [["body", "salary_band"]]
    assert Application.objects.get(pk=application.pk).stage == "interview"


def test_hire_numbers_count_per_company_not_by_database_id(org):
    # given: an employee numbered like a hire already exists, ids are far ahead, and another company has hires
    Employee.objects.create(company=org.company, employee_no="H000041", name="老员工", status="active")
    Employee.objects.create(company=org.other_company, employee_no="H000900", name="他司员工", status="active")
    Employee.objects.create(company=org.company, employee_no="HX00077", name="别的编号", status="active")
    requisition = _approved(org, headcount=2)
    first = _to_accepted_offer(org, _apply(org, requisition, name="甲"))
    second = _to_accepted_offer(org, _apply(org, requisition, name="乙"))
    # when
    numbers = [services.application_hire(actor=org.users["hr"], application=application).hired_employee.employee_no
               for application in (first, second)]
    # then
    assert numbers == ["H000042", "H000043"]
