"""Meetings: decisions in their owner's inbox until done, minutes in DOCX/PDF/Markdown, scope and read-only
auditors."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from opsdesk.cockpit.inbox import inbox_for_user
from opsdesk.reports import services
from opsdesk.reports.models import Meeting, MeetingDecision


@pytest.fixture
def meeting(org):
    a1 = org.stores["a1"]
    meeting = Meeting.objects.create(company=org.company, region=a1.region, store=a1, title="门店周会",
                                     held_on=date(2026, 11, 20), notes="排班调整。\n周末促销准备。")
    meeting.attendees.set([org.users["store_manager"]])
    return meeting


@pytest.fixture
def decision(meeting, org):
    return MeetingDecision.objects.create(meeting=meeting, text="周六增加一名收银员", owner=org.users["store_manager"],
                                          due_on=date(2026, 11, 28))


def _keys(user) -> list[str]:
    return [item.item_id for item in inbox_for_user(user) if item.provider == "reports"]


def test_open_decision_is_in_its_owners_inbox_until_done(decision, org):
    # given
    owner = org.users["store_manager"]
    # when / then
    assert _keys(owner) == [f"reports:decision:{decision.pk}"]
    assert _keys(org.users["supervisor"]) == []  # not the owner
    services.decision_complete(actor=owner, decision=decision)
    decision.refresh_from_db()
    assert (decision.status, decision.done_at is not None) == ("done", True)
    assert _keys(owner) == []


def test_a_company_meeting_decision_reaches_a_store_owner(org):
    meeting = Meeting.objects.create(company=org.company, title="月度例会", held_on=date(2026, 11, 20))
    decision = MeetingDecision.objects.create(meeting=meeting, text="提交清理计划", owner=org.users["store_manager"])
    assert _keys(org.users["store_manager"]) == [f"reports:decision:{decision.pk}"]


def test_owner_marks_the_decision_done_on_the_meeting_page(decision, org, client):
    client.force_login(org.users["store_manager"])
    page = client.get(decision.meeting.get_absolute_url())
    assert f'id="decision-done-{decision.pk}"' in page.content.decode()
    response = client.post(reverse("reports:decision_done", args=[decision.pk]))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "done"


def test_auditor_reads_but_cannot_complete(decision, org, client):
    client.force_login(org.users["auditor"])
    assert client.get(decision.meeting.get_absolute_url()).status_code == 200
    assert client.post(reverse("reports:decision_done", args=[decision.pk])).status_code == 404
    assert client.get(reverse("reports:meeting_edit", args=[decision.meeting.pk])).status_code == 404
    decision.refresh_from_db()
    assert decision.status == "open"


def test_store_manager_never_sees_another_stores_meeting(org, client):
    b1 = org.stores["b1"]
    other = Meeting.objects.create(company=org.company, region=b1.region, store=b1, title="别店会议",
                                   held_on=date(2026, 11, 20))
    client.force_login(org.users["store_manager"])
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:meeting_download", args=[other.pk, "md"])).status_code == 404
    assert "别店会议" not in client.get(reverse("reports:meeting_list")).content.decode()


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["门店周会", "会议纪要", "参会人", "周六增加一名收银员", "未完成", "周末促销准备。"]),
    ("en", ["门店周会", "Minutes", "Attendees", "周六增加一名收银员", "Open", "周末促销准备。"]),
])
def test_minutes_download_in_docx_pdf_and_markdown(decision, org, client, language, expected):
    from opsdesk.reports.tests.test_packs import _docx_text, _pdf_text

    client.force_login(org.users["store_manager"])
    texts = {}
    for export_format in ("md", "docx", "pdf"):
        response = client.get(reverse("reports:meeting_download", args=[decision.meeting.pk, export_format]),
                              {"lang": language})
        assert response.status_code == 200
        body = response.content
        texts[export_format] = {"md": lambda b: b.decode(), "docx": _docx_text, "pdf": _pdf_text}[export_format](body)
    for export_format, text in texts.items():
        for phrase in expected:
            assert phrase in text, f"{phrase!r} missing from the {export_format}"


def test_attendees_outside_the_users_scope_are_refused(org):
    from django.core.exceptions import ValidationError

    outsider = org.users["coo"].__class__.objects.create(username="b-manager", company=org.company,
                                                          role="store_manager")
    outsider.scope_stores.set([org.stores["b1"]])
    with pytest.raises(ValidationError):
        services.meeting_create(actor=org.users["store_manager"], data={
            "title": "会", "held_on": date(2026, 11, 20), "store": org.stores["a1"], "attendees": [outsider]})
    assert Meeting.objects.filter(title="会").count() == 0
