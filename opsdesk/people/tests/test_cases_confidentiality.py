"""HR cases are confidential: only the owner, HR and the readers explicitly added see them; never the store's line
management nor the people involved unless added; every open and download is audited."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opsdesk.core.testing.factories import make_user
from opsdesk.people.models import Employee
from opsdesk.people.models.cases import HrCase, HrCaseDocument, HrCaseStep
from opsdesk.people.services import cases as services
from opsdesk.people.wiring.cases import PROVIDER

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_READERS = ["store_manager", "supervisor", "regional_manager", "coo", "staff", "auditor", "admin", "supplier"]


@pytest.fixture
def party_user(org):
    """The staff account of E-A1, the employee the case is about."""
    user = make_user("staff", company=org.company, username="party-a1", stores=[org.stores["a1"]])
    Employee.objects.filter(pk=org.employees["a1"].pk).update(user=user)
    return user


@pytest.fixture
def case(org, party_user) -> HrCase:
    """A harassment case about store a1, opened by HR, with E-A1 as party, one step and one document."""
    hr = org.users["hr"]
    created = services.case_create(actor=hr, data={
        "store": org.stores["a1"], "case_type": "harassment", "title": "门店员工投诉骚扰", "description": "机密描述",
        "parties": [org.employees["a1"]], "owner": hr, "opened_on": date(2026, 11, 2)})
    services.case_step_add(actor=hr, case=created, day=date(2026, 11, 3), description="约谈当事人")
    services.case_document_add(actor=hr, case=created, title="陈述",
                               upload=SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf"))
    return created


def _reads(client, case: HrCase) -> dict:
    document = case.documents.get()
    listing = client.get(reverse("people:case_list")).content.decode()
    api_list = client.get("/api/v1/people/cases/")
    return {
        "listed": case.get_absolute_url() in listing,
        "detail": client.get(case.get_absolute_url()).status_code,
        "api": client.get(f"/api/v1/people/cases/{case.pk}/").status_code,
        "api_listed": api_list.status_code == 200 and case.pk in [item["id"] for item in api_list.json()["items"]],
        "document": client.get(reverse("people:case_document_download", args=[document.pk])).status_code,
    }


HIDDEN = {"listed": False, "detail": 404, "api": 404, "api_listed": False, "document": 404}
SHOWN = {"listed": True, "detail": 200, "api": 200, "api_listed": True, "document": 200}


def test_case_number_and_creator(org, case):
    # then: numbered per year, HR owns it and is not added as a member
    assert case.number == "HR2026-0001"
    assert list(case.members.all()) == []


@pytest.mark.parametrize("role", NOT_READERS)
def test_line_management_and_others_never_see_a_case_about_their_store(org, login, case, role):
    # given: the case is about store a1, in every role's scope
    client = login(org.users[role])
    # when
    reads = _reads(client, case)
    # then
    assert reads == HIDDEN
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=org.users[role]).exists()


def test_the_party_never_sees_their_case(org, login, case, party_user):
    # given / when
    reads = _reads(login(party_user), case)
    # then
    assert reads == HIDDEN


def test_hr_sees_the_case_and_every_read_is_audited(org, login, case):
    # given
    client = login(org.users["hr"])
    # when
    reads = _reads(client, case)
    edit = client.get(reverse("people:case_edit", args=[case.pk]))
    # then: the page, the API, the download and the edit form each left an access entry
    assert reads == SHOWN
    assert edit.status_code == 200
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=org.users["hr"]).order_by("pk")
    assert [entry.additional_data["channel"] for entry in entries] == ["page", "api", "download", "edit"]
    assert {entry.additional_data["case"] for entry in entries} == {"HR2026-0001"}


def test_an_added_member_sees_the_case_but_cannot_change_it(org, login, case):
    # given: HR adds the store manager as a reader
    services.case_member_add(actor=org.users["hr"], case=case, user=org.users["store_manager"])
    client = login(org.users["store_manager"])
    # when
    reads = _reads(client, case)
    edit = client.get(reverse("people:case_edit", args=[case.pk]))
    step = client.post(reverse("people:case_step_add", args=[case.pk]), {"date": "2026-11-20", "description": "x"})
    # then
    assert reads == SHOWN
    assert (edit.status_code, step.status_code) == (404, 404)
    assert case.steps.count() == 2  # the interview and the "added as reader" step


def test_a_party_added_as_member_sees_the_case(org, login, case, party_user):
    # given
    services.case_member_add(actor=org.users["hr"], case=case, user=party_user)
    # when / then
    assert _reads(login(party_user), case) == SHOWN


def test_hr_who_is_a_party_does_not_see_the_case(org, login, case):
    # given: a second HR user whose own employee record is a party
    hr2 = make_user("hr", company=org.company, username="hr-party")
    Employee.objects.filter(pk=org.employees["a2"].pk).update(user=hr2)
    case.parties.add(org.employees["a2"])
    # when / then
    assert _reads(login(hr2), case) == HIDDEN


def test_a_store_manager_who_reports_a_case_to_hr_keeps_reading_it(org, login):
    # given
    manager = org.users["store_manager"]
    # when
    created = services.case_create(actor=manager, data={
        "store": org.stores["a1"], "case_type": "dispute", "title": "排班纠纷", "owner": org.users["hr"],
        "opened_on": date(2026, 11, 10)})
    # then: a reader (member), not a writer
    assert list(created.members.all()) == [manager]
    assert HrCase.objects.for_user(manager).filter(pk=created.pk).exists()
    assert not HrCase.objects.for_user(manager, "change").filter(pk=created.pk).exists()


def test_the_audit_trail_shows_case_texts_masked(org, login, case):
    # given / when: the COO reads the audit trail; the regional manager too
    coo_page = login(org.users["coo"]).get(reverse("core:audit_list"), {"model": "hrcase"}).content.decode()
    entry = LogEntry.objects.get_for_object(case).get(action=LogEntry.Action.CREATE)
    detail = login(org.users["coo"]).get(reverse("core:audit_detail", args=[entry.pk])).content.decode()
    regional = login(org.users["regional_manager"]).get(reverse("core:audit_list"), {"model": "hrcase"})
    # then
    for page in (coo_page, detail):
        assert "门店员工投诉骚扰" not in page
        assert "机密描述" not in page
    assert entry.changes_dict["title"] == ["", "***"]
    assert "HR2026-0001" not in regional.content.decode()


def test_api_create_and_steps(org, login):
    # given
    client = login(org.users["hr"])
    body = {"store_id": org.stores["a1"].pk, "case_type": "safety", "title": "仓库叉车险情",
            "owner_id": org.users["hr"].pk, "opened_on": "2026-11-05", "parties": [org.employees["a1"].pk]}
    # when
    created = client.post("/api/v1/people/cases/", json.dumps(body), content_type="application/json")
    case_id = created.json()["id"]
    step = client.post(f"/api/v1/people/cases/{case_id}/steps/",
                       json.dumps({"date": "2026-11-04", "description": "早于立案"}), content_type="application/json")
    good = client.post(f"/api/v1/people/cases/{case_id}/steps/",
                       json.dumps({"date": "2026-11-06", "description": "现场查看"}), content_type="application/json")
    # then
    assert created.status_code == 201
    assert created.json()["parties"] == [org.employees["a1"].pk]
    assert (step.status_code, step.json()["detail"][0]["loc"]) == (422, ["body", "date"])
    assert good.status_code == 201
    assert client.get(f"/api/v1/people/cases/{case_id}/").json()["steps"][0]["description"] == "现场查看"


def test_document_upload_checks_the_bytes(org, login, case):
    # given
    client = login(org.users["hr"])
    fake = SimpleUploadedFile("letter.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    # when
    response = client.post(reverse("people:case_document_upload", args=[case.pk]), {"title": "假文件", "file": fake},
                           follow=True)
    # then
    assert "文件内容与类型不符" in response.content.decode()
    assert HrCaseDocument.objects.filter(case=case).count() == 1


def test_download_is_sandboxed(org, login, case):
    # when
    response = login(org.users["hr"]).get(reverse("people:case_document_download", args=[case.documents.get().pk]))
    # then
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


def test_inbox_lists_the_owners_stale_cases(org, case):
    # given: the last step was on 3 Nov
    hr = org.users["hr"]
    now = timezone.make_aware(datetime(2026, 11, 20, 9))
    later = timezone.make_aware(datetime(2026, 11, 18, 9))
    # when
    items = PROVIDER.items_for_user(hr, now)
    early = PROVIDER.items_for_user(hr, later - timedelta(days=2))
    # then: 17 days without a step on 20 Nov; 13 days on 16 Nov is not yet stale
    assert [(item.key, str(item.title)) for item in items] == [(f"case:{case.pk}",
                                                                "人事案件 HR2026-0001 已 17 天无进展")]
    assert early == []
    assert PROVIDER.item_for_user(hr, f"case:{case.pk}", now).key == f"case:{case.pk}"
    assert PROVIDER.items_for_user(org.users["coo"], now) == []


def test_a_new_step_clears_the_inbox_item(org, case):
    # given
    HrCaseStep.objects.create(case=case, date=date(2026, 11, 15), description="复查", author=org.users["hr"])
    # when / then
    assert PROVIDER.items_for_user(org.users["hr"], timezone.make_aware(datetime(2026, 11, 20, 9))) == []
