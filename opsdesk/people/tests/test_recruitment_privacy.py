"""A candidate's phone and email (and the offer's salary band, and the résumé) are shown to HR, the requisition's
requester and the interviewers only: masked in pages, absent from lists, exports and the kit API, masked in the
contact API for everyone else; every read in clear is audited. Objects out of scope answer 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from opsdesk.core.testing.factories import make_user
from opsdesk.people.models import Position
from opsdesk.people.models.recruitment import Application, Candidate, Interview, Requisition
from opsdesk.people.selectors.recruitment import MASK
from opsdesk.people.services import recruitment as services

PHONE, EMAIL = "13911112222", "lilei@example.com"
READERS = ("hr", "store_manager", "supervisor")  # HR, the requester, the interviewer
OTHERS = ("coo", "regional_manager", "auditor", "admin")


@pytest.fixture
def candidate(org) -> Candidate:
    """Li Lei applied to the store manager's requisition at a1; the supervisor interviewed him; offer sent."""
    position = Position.objects.create(company=org.company, code="PV1", name="收银员", level=1)
    requisition = Requisition.objects.create(company=org.company, store=org.stores["a1"], position=position,
                                             requested_by=org.users["store_manager"], status="approved")
    candidate = Candidate.objects.create(company=org.company, name="李雷", phone=PHONE, email=EMAIL)
    candidate.resume.save("cv.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    candidate.resume_name, candidate.resume_type = "李雷简历.pdf", "application/pdf"
    candidate.save()
    application = Application.objects.create(requisition=requisition, candidate=candidate, stage="offer",
                                              salary_band="S3-高", start_date=date(2025, 4, 1),
                                              offer_sent_on=date(2025, 3, 20))
    Interview.objects.create(application=application, interviewer=org.users["supervisor"],
                             scheduled_at=timezone.now())
    return candidate


def _reads(candidate):
    """The audit entries recording that someone was shown the candidate's contact details in clear."""
    from auditlog.models import LogEntry

    return LogEntry.objects.get_for_object(candidate).filter(action=LogEntry.Action.ACCESS)


@pytest.mark.parametrize("role", READERS)
def test_readers_see_contact_details_resume_and_salary(client, org, candidate, role):
    # given
    client.force_login(org.users[role])
    application = candidate.applications.get()
    # when
    page = client.get(candidate.get_absolute_url()).content.decode()
    offer_page = client.get(application.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/people/candidates/{candidate.pk}/contact/").json()
    resume = client.get(reverse("people:candidate_resume", args=[candidate.pk]))
    # then
    assert PHONE in page
    assert EMAIL in page
    assert "S3-高" in offer_page
    assert api == {"id": candidate.pk, "phone": PHONE, "email": EMAIL, "is_visible": True}
    assert resume.status_code == 200
    assert resume["Content-Security-Policy"] == "sandbox"
    assert resume["X-Content-Type-Options"] == "nosniff"
    assert resume["Content-Disposition"].startswith("attachment")
    assert sorted(_reads(candidate).filter(actor=org.users[role]).values_list(
        "additional_data__channel", flat=True)) == ["api", "page", "resume"]


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_sees_them_masked_in_pages_api_and_exports(client, org, candidate, role):
    # given
    client.force_login(org.users[role])
    application = candidate.applications.get()
    # when
    page = client.get(candidate.get_absolute_url()).content.decode()
    offer_page = client.get(application.get_absolute_url()).content.decode()
    edit_page = client.get(reverse("people:candidate_edit", args=[candidate.pk]))
    contact = client.get(f"/api/v1/people/candidates/{candidate.pk}/contact/").json()
    kit_api = client.get(f"/api/v1/people/candidates/{candidate.pk}/").json()
    listed = client.get("/api/v1/people/candidates/").json()["items"]
    applications_api = client.get(f"/api/v1/people/applications/{application.pk}/").json()
    export = client.get(reverse("people:candidate_list") + "?export=csv")
    application_export = client.get(reverse("people:application_list") + "?export=csv")
    resume = client.get(reverse("people:candidate_resume", args=[candidate.pk]))
    search = client.get(reverse("people:candidate_list") + f"?q={PHONE}").content.decode()
    # then
    for text in (page, offer_page, edit_page.content.decode() if edit_page.status_code == 200 else "",
                 b"".join(export.streaming_content).decode("utf-8-sig"),
                 b"".join(application_export.streaming_content).decode("utf-8-sig")):
        assert PHONE not in text
        assert EMAIL not in text
        assert "S3-高" not in text
    assert MASK in page
    assert MASK in offer_page
    assert contact == {"id": candidate.pk, "phone": MASK, "email": MASK, "is_visible": False}
    assert "phone" not in kit_api
    assert "email" not in kit_api
    assert all("phone" not in item and "email" not in item for item in listed)
    assert "salary_band" not in applications_api
    assert resume.status_code == 404
    assert f'href="{candidate.get_absolute_url()}"' not in search  # no search by phone
    assert not _reads(candidate).exists()  # nothing was shown in clear


def test_a_non_reader_cannot_change_contact_details_through_the_api(client, org, candidate):
    # given
    client.force_login(org.users["regional_manager"])
    # when
    response = client.patch(f"/api/v1/people/candidates/{candidate.pk}/", {"phone": "10000000000"},
                            content_type="application/json")
    # then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "phone"]
    assert Candidate.objects.get(pk=candidate.pk).phone == PHONE


def test_audit_trail_never_records_contact_values(org):
    # given
    from auditlog.models import LogEntry

    # when
    candidate = services.candidate_create(actor=org.users["hr"], data={"name": "韩梅梅", "phone": PHONE,
                                                                       "email": EMAIL})
    services.candidate_update(actor=org.users["hr"], instance=candidate, data={"phone": "13100000000"})
    # then
    changes = [str(entry.changes) for entry in LogEntry.objects.get_for_object(candidate)]
    assert len(changes) == 1  # the creation; a change of contact details alone leaves no values behind
    assert all(PHONE not in text and "13100000000" not in text and EMAIL not in text for text in changes)


def test_out_of_scope_objects_answer_404_and_stay_unchanged(client, org):
    # given: a pending requisition at b1, outside the supervisor's stores a1 and a2
    manager_b1 = make_user("store_manager", company=org.company, username="sm-b1-p", stores=[org.stores["b1"]])
    position = Position.objects.create(company=org.company, code="PV2", name="理货员", level=1)
    requisition = Requisition.objects.create(company=org.company, store=org.stores["b1"], position=position,
                                             requested_by=manager_b1, status="pending")
    candidate = Candidate.objects.create(company=org.company, name="外店候选人", phone=PHONE)
    application = Application.objects.create(requisition=requisition, candidate=candidate)
    client.force_login(org.users["supervisor"])
    # when
    answers = [
        client.get(requisition.get_absolute_url()).status_code,
        client.get(reverse("people:requisition_board", args=[requisition.pk])).status_code,
        client.post(reverse("people:requisition_approve", args=[requisition.pk]), {"note": "同意"}).status_code,
        client.get(candidate.get_absolute_url()).status_code,
        client.get(application.get_absolute_url()).status_code,
        client.post(reverse("people:application_move", args=[application.pk]), {"stage": "screened"}).status_code,
        client.get(f"/api/v1/people/candidates/{candidate.pk}/contact/").status_code,
        client.post(f"/api/v1/people/applications/{application.pk}/move/", {"stage": "screened"},
                    content_type="application/json").status_code,
    ]
    board = client.get(reverse("people:recruitment_board") + f"?requisition={requisition.pk}").content.decode()
    # then
    assert answers == [404] * 8
    assert "外店候选人" not in board
    assert Requisition.objects.get(pk=requisition.pk).status == "pending"
    assert Application.objects.get(pk=application.pk).stage == "applied"


def test_a_resume_must_be_what_its_name_says(client, org, candidate):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.users["hr"])
    url = reverse("people:candidate_resume_upload", args=[candidate.pk])
    old_name = Candidate.objects.get(pk=candidate.pk).resume.name
    # when
    fake = client.post(url, {"resume": SimpleUploadedFile("cv.pdf", b"<html><script>x</script>")}, follow=True)
    real = client.post(url, {"resume": SimpleUploadedFile("新简历.pdf", b"%PDF-1.7\n%%EOF\n")})
    # then
    assert "文件内容与类型不符。" in fake.content.decode()
    assert real.status_code == 302
    stored = Candidate.objects.get(pk=candidate.pk)
    assert stored.resume.name != old_name
    assert (stored.resume_name, stored.resume_type) == ("新简历.pdf", "application/pdf")
