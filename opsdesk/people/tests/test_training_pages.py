"""Training pages: the session page (QR code, enrolment, the trainer's list, closing), the trainee's phone pages
(check-in once, test, feedback, refusals), proposals from inspections, the calendar and the inbox provider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.core.testing.factories import EmployeeFactory
from opsdesk.people.models.training import Enrolment, TrainingProposal, TrainingQuestion, TrainingSession
from opsdesk.people.tests.test_training_services import make_programme, make_session
from opsdesk.people.wiring.training import PROVIDER


@pytest.fixture
def running(org):
    """A session at a1 that started 10 minutes ago, with a two-question test (pass mark 50); the staff user of a1
    is employee a1 and is enrolled."""
    programme = make_programme(org.company, pass_mark=50)
    for order in (1, 2):
        TrainingQuestion.objects.create(programme=programme, order=order, text=f"题 {order}", choices="对\n错",
                                        correct_choice=1)
    session = make_session(org.stores["a1"], programme, starts=timezone.now() - timedelta(minutes=10))
    employee = org.employees["a1"]
    employee.user = org.users["staff"]
    employee.save(update_fields=["user"])
    Enrolment.objects.create(session=session, employee=employee)
    return session


def test_session_page_shows_the_qr_code_of_the_checkin_page(org, running, client):
    client.force_login(org.users["supervisor"])
    page = client.get(running.get_absolute_url()).content.decode()
    url = reverse("people:training_checkin", args=[running.checkin_token])
    assert 'id="session-qr"' in page
    assert "<svg" in page
    assert f"http://testserver{url}" in page


def test_the_trainee_checks_in_once_then_takes_the_test_and_gives_feedback(org, running, client):
    # given
    client.force_login(org.users["staff"])
    url = reverse("people:training_checkin", args=[running.checkin_token])
    # when: the page, then two check-ins
    assert 'id="checkin-submit"' in client.get(url).content.decode()
    first = client.post(url, follow=True).content.decode()
    second = client.post(url, follow=True).content.decode()
    enrolment = Enrolment.objects.get(session=running)
    # then
    assert "签到成功！" in first
    assert "你已签到，无需重复签到。" in second
    assert (enrolment.status, enrolment.checkin_method) == ("attended", "qr")
    # when: one of two answers right (50 = the pass mark), then feedback
    questions = list(running.programme.questions.order_by("order"))
    answers = {f"question_{questions[0].pk}": "1", f"question_{questions[1].pk}": "2"}
    client.post(reverse("people:training_test", args=[running.checkin_token]), answers)
    client.post(reverse("people:training_feedback", args=[running.checkin_token]), {"rating": "5", "text": "好"})
    # then
    enrolment.refresh_from_db()
    assert (enrolment.test_score, enrolment.passed, enrolment.feedback_rating) == (50, True, 5)
    page = client.get(url).content.decode()
    assert 'id="test-result"' in page
    assert 'id="feedback-done"' in page


def test_someone_not_enrolled_gets_a_clear_message(org, running, client):
    client.force_login(org.users["supervisor"])
    response = client.post(reverse("people:training_checkin", args=[running.checkin_token]))
    assert response.status_code == 403
    assert "你没有报名此培训场次，无法签到。" in response.content.decode()
    assert Enrolment.objects.get(session=running).status == "enrolled"


def test_another_companys_code_or_a_cancelled_session_is_not_found(org, running, client):
    client.force_login(org.users["staff"])
    running.status = "cancelled"
    running.save(update_fields=["status"])
    assert client.get(reverse("people:training_checkin", args=[running.checkin_token])).status_code == 404
    assert client.get(reverse("people:training_checkin", args=["x" * 30])).status_code == 404


def test_enrol_attendance_list_and_close_from_the_session_page(org, client):
    # given
    manager = org.users["store_manager"]
    session = make_session(org.stores["a1"], make_programme(org.company))
    people = [EmployeeFactory(store=org.stores["a1"]) for _ in range(2)]
    client.force_login(manager)
    # when: enrol two, and one out of scope
    client.post(reverse("people:trainingsession_enrol", args=[session.pk]),
                {"employee": [people[0].pk, people[1].pk, org.employees["b1"].pk]})
    rows = {row.employee_id: row for row in session.enrolments.all()}
    client.post(reverse("people:trainingsession_attendance", args=[session.pk]),
                {"listed": [row.pk for row in rows.values()], "attended": [rows[people[0].pk].pk]})
    client.post(reverse("people:trainingsession_status", args=[session.pk]), {"action": "close"})
    # then
    session.refresh_from_db()
    assert set(rows) == {people[0].pk, people[1].pk}
    assert dict(session.enrolments.values_list("employee_id", "status")) == {people[0].pk: "attended",
                                                                              people[1].pk: "absent"}
    assert session.status == "held"


def test_generate_proposals_from_the_stores_inspection_suggestions(org, client):
    from opsdesk.storeops.models import TrainingSuggestion

    programme = make_programme(org.company, inspection_topics="service")
    TrainingSuggestion.objects.create(store=org.stores["a1"], item_code="SVC-01", item_text="微笑迎宾", topic="service",
                                      failure_count=4, window_days=30, last_failed_at=timezone.now())
    client.force_login(org.users["supervisor"])
    response = client.post(reverse("people:trainingproposal_generate", args=[org.stores["a1"].pk]))
    assert response.status_code == 302
    assert list(TrainingProposal.objects.values_list("employee_id", "programme_id")) == [
        (org.employees["a1"].pk, programme.pk)]


def test_calendar_lists_the_stores_sessions(org, client):
    programme = make_programme(org.company, name="消防演练")
    make_session(org.stores["a1"], programme, starts=timezone.now() + timedelta(days=2))
    make_session(org.stores["b1"], make_programme(org.company, code="B", name="陈列标准"),
                 starts=timezone.now() + timedelta(days=2))
    client.force_login(org.users["store_manager"])
    page = client.get(reverse("people:training_calendar")).content.decode()
    assert "消防演练" in page
    assert "陈列标准" not in page


def test_my_trainings_lists_only_my_own(org, running, client):
    other = make_session(org.stores["a1"], make_programme(org.company, code="OTHER", name="别人的课程"))
    Enrolment.objects.create(session=other, employee=EmployeeFactory(store=org.stores["a1"]))
    client.force_login(org.users["staff"])
    page = client.get(reverse("people:training_mine")).content.decode()
    assert running.programme.name in page
    assert "别人的课程" not in page


def test_inbox_sessions_to_confirm_and_stale_proposals(org):
    # given: planned in 3 days (item), in 9 days (not yet), confirmed (no); proposals 20 and 5 days old
    now = timezone.now()
    programme = make_programme(org.company)
    soon = make_session(org.stores["a1"], programme, starts=now + timedelta(days=3),
                        trainer=org.users["store_manager"])
    make_session(org.stores["a1"], programme, starts=now + timedelta(days=9))
    make_session(org.stores["a1"], programme, starts=now + timedelta(days=2), status="confirmed")
    make_session(org.stores["b1"], programme, starts=now + timedelta(days=2))
    stale = TrainingProposal.objects.create(employee=org.employees["a1"], programme=programme, reason="巡检",
                                            created_at=now - timedelta(days=20))
    TrainingProposal.objects.create(employee=EmployeeFactory(store=org.stores["a1"]), programme=programme,
                                    reason="新", created_at=now - timedelta(days=5))
    # when
    items = PROVIDER.items_for_user(org.users["store_manager"], now)
    # then
    assert sorted(item.key for item in items) == sorted([f"confirm:{soon.pk}", f"proposal:{stale.pk}"])
    assert PROVIDER.item_for_user(org.users["store_manager"], f"confirm:{soon.pk}", now).source_owner_id == \
        org.users["store_manager"].pk
    assert PROVIDER.items_for_user(org.users["staff"], now) == []
    assert TrainingSession.objects.count() == 4


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_render_in_both_languages(org, running, client, language):
    # given: HR (sees everything) and the trainee, in the language under test
    hr, trainee = org.users["hr"], org.users["staff"]
    for user in (hr, trainee):
        user.language = language
        user.save(update_fields=["language"])
    proposal = TrainingProposal.objects.create(employee=org.employees["a1"], programme=running.programme,
                                               reason="巡检")
    pages = [running.get_absolute_url(), running.programme.get_absolute_url(), proposal.get_absolute_url(),
             reverse("people:training_plan"), reverse("people:training_calendar"),
             reverse("people:trainingsession_list"), reverse("people:trainingplan_list")]
    # when / then
    client.force_login(hr)
    for url in pages:
        response = client.get(url)
        assert (url, response.status_code, response["Content-Language"]) == (url, 200, language)
    client.force_login(trainee)
    for url in (reverse("people:training_mine"), reverse("people:training_checkin", args=[running.checkin_token])):
        response = client.get(url)
        assert (url, response.status_code, response["Content-Language"]) == (url, 200, language)


def test_api_enrol_names_the_field_and_refuses_out_of_scope_employees(org, client):
    import json

    session = make_session(org.stores["a1"], make_programme(org.company), capacity=1)
    client.force_login(org.users["store_manager"])
    url = f"/api/v1/people/training/sessions/{session.pk}/enrolments/"

    def post(body):
        return client.post(url, json.dumps(body), content_type="application/json")

    refused = post({"employee_id": org.employees["b1"].pk})
    created = post({"employee_id": org.employees["a1"].pk})
    full = post({"employee_id": EmployeeFactory(store=org.stores["a1"]).pk})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "employee_id"]
    assert created.status_code == 201
    assert created.json()["employee_id"] == org.employees["a1"].pk
    assert full.status_code == 422
    assert full.json()["detail"][0]["loc"] == ["body", "session"]
    assert session.enrolments.count() == 1
