"""The demo builds one requisition per status and a candidate in every stage; every recruitment page renders in
Chinese and English for HR and for a store manager; the kit add page creates a draft requested by the actor."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from opsdesk.people.demo.recruitment import build
from opsdesk.people.models import Employee, Position
from opsdesk.people.models.recruitment import (
    Application,
    Interview,
    OnboardingChecklist,
    OnboardingTask,
    Requisition,
)

TODAY = date(2025, 3, 31)


@pytest.fixture
def demo(org):
    return build(org.company, TODAY)


def test_demo_covers_every_status_and_stage_with_one_hire(org, demo):
    # given / when: the demo above
    statuses = set(Requisition.objects.filter(company=org.company).values_list("status", flat=True))
    stages = sorted(Application.objects.filter(requisition__company=org.company).values_list("stage", flat=True))
    hired = Application.objects.get(stage="hired")
    # then
    assert demo == {"requisitions": 6, "candidates": 6, "interviews": 3, "hires": 1}
    assert statuses == {"draft", "pending", "approved", "rejected", "filled", "cancelled"}
    assert stages == ["applied", "hired", "interview", "offer", "rejected", "screened"]
    assert Employee.objects.filter(pk=hired.hired_employee_id, name="周杰", store=org.stores["a1"]).exists()
    assert OnboardingTask.objects.filter(checklist=OnboardingChecklist.objects.get(application=hired)).count() == 6
    assert hired.hired_on == date(2025, 3, 21)
    assert Interview.objects.filter(feedback_at__isnull=True).count() == 1
    assert build(org.company, TODAY)["requisitions"] == 0  # once only


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["hr", "store_manager"])
def test_every_recruitment_page_renders(client, org, demo, role, language):
    # given
    client.force_login(org.users[role])
    client.cookies["django_language"] = language
    requisition = Requisition.objects.get(status="approved")
    application = Application.objects.get(stage="offer")
    hired = Application.objects.get(stage="hired")
    urls = [
        reverse("people:requisition_list"), reverse("people:requisition_add"), requisition.get_absolute_url(),
        reverse("people:requisition_board", args=[requisition.pk]), reverse("people:recruitment_board"),
        reverse("people:candidate_list"), reverse("people:candidate_add"), application.candidate.get_absolute_url(),
        reverse("people:application_list"), application.get_absolute_url(), hired.get_absolute_url(),
        reverse("people:interview_list"), reverse("people:interview_add"),
        Interview.objects.filter(application=application).get().get_absolute_url(),
    ]
    # when
    answers = {url: client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code for url in urls}
    # then
    assert answers == dict.fromkeys(urls, 200)


def test_add_page_creates_a_draft_requested_by_the_actor(client, org):
    # given
    position = Position.objects.create(company=org.company, code="PG1", name="店员", level=1)
    client.force_login(org.users["store_manager"])
    # when
    response = client.post(reverse("people:requisition_add"), {
        "store": org.stores["a1"].pk, "department": "", "position": position.pk, "headcount": "2",
        "reason": "growth", "description": "周末增员", "target_start": "2025-05-01"})
    # then
    requisition = Requisition.objects.get()
    assert response.status_code == 302
    assert (requisition.status, requisition.requested_by, requisition.headcount) == (
        "draft", org.users["store_manager"], 2)


@pytest.mark.parametrize(("changes", "field"), [({"headcount": "0"}, "headcount"), ({"store": ""}, "store")])
def test_add_page_names_the_field_of_bad_input(client, org, changes, field):
    # given: a store manager may not ask for head office (no store), and at least one person is asked for
    position = Position.objects.create(company=org.company, code="PG2", name="店员", level=1)
    client.force_login(org.users["store_manager"])
    payload = {"store": org.stores["a1"].pk, "department": "", "position": position.pk, "headcount": "1",
               "reason": "growth", "description": "", "target_start": ""}
    # when
    response = client.post(reverse("people:requisition_add"), {**payload, **changes})
    # then
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert Requisition.objects.count() == 0
