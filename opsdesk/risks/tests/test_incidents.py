"""Incidents notify the chain when serious, close only with a root cause and raise store actions; emergency plans
give stores their copies; drills run as checklists and finish when their run is completed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from opsdesk.core.testing.factories import make_user
from opsdesk.risks import services
from opsdesk.risks.inbox import PROVIDER
from opsdesk.risks.models import Drill, EmergencyPlan, Incident


def _report(org, actor, **changes):
    data = {"store": org.stores["a1"], "kind": "customer_injury", "severity": "serious", "title": "顾客滑倒",
            "description": "生鲜区地面湿滑", "occurred_at": datetime(2026, 11, 30, 2, tzinfo=UTC),
            "immediate_actions": "已送医", **changes}
    return services.incident_report(actor=actor, data=data)


@pytest.fixture
def chain(org):
    """E-mail addresses for the people above store a1."""
    for role, address in (("store_manager", "sm@example.com"), ("supervisor", "sv@example.com"),
                          ("regional_manager", "rm@example.com"), ("coo", "coo@example.com")):
        user = org.users[role]
        user.email = address
        user.save(update_fields=["email"])
    return org


def test_a_serious_incident_notifies_the_chain_above_the_store_at_once(chain, settings,
                                                                     django_capture_on_commit_callbacks):
    # given
    settings.OPSDESK_BRIEF = {"ACME": {}}
    org = chain
    # when
    with django_capture_on_commit_callbacks(execute=True):
        incident = _report(org, org.users["store_manager"])
    # then
    incident.refresh_from_db()
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["coo@example.com", "rm@example.com", "sm@example.com", "sv@example.com"]
    assert "顾客滑倒" in mail.outbox[0].subject
    assert "已送医" in mail.outbox[0].body
    assert incident.notified_at is not None
    assert incident.notified_to == "coo@example.com, rm@example.com, sm@example.com, sv@example.com"
    assert incident.number.startswith("INC-")
    assert incident.reporter == org.users["store_manager"]


def test_a_minor_incident_notifies_nobody(chain, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _report(chain, chain.users["staff"], severity="minor")
    incident.refresh_from_db()
    assert (len(mail.outbox), incident.notified_at) == (0, None)


def test_an_incident_outside_the_reporters_stores_is_refused_like_an_unknown_store(org):
    with pytest.raises(ValidationError) as error:
        _report(org, org.users["store_manager"], store=org.stores["b1"])
    assert list(error.value.message_dict) == ["store"]
    assert not Incident.objects.exists()


def test_closing_needs_a_root_cause_and_corrective_actions_are_store_actions(org):
    # given
    manager = org.users["store_manager"]
    incident = _report(org, manager, severity="moderate")
    # when
    with pytest.raises(ValidationError) as error:
        services.incident_close(actor=manager, incident=incident)
    action = services.incident_add_action(actor=manager, incident=incident,
                                          data={"title": "铺设防滑垫", "due_date": date(2026, 12, 5)})
    Incident.objects.filter(pk=incident.pk).update(root_cause="拖地后未放警示牌")
    closed = services.incident_close(actor=manager, incident=incident)
    # then
    assert list(error.value.message_dict) == ["root_cause"]
    assert (action.store, list(incident.corrective_actions.all())) == (org.stores["a1"], [action])
    assert closed.status == "closed"
    assert closed.closed_at is not None


def test_an_open_serious_incident_is_in_the_managers_inbox_until_closed(org):
    incident = _report(org, org.users["store_manager"])
    now = timezone.make_aware(datetime(2026, 11, 30, 9))
    assert [item.key for item in PROVIDER.items_for_user(org.users["supervisor"], now)] == [f"incident:{incident.pk}"]
    Incident.objects.filter(pk=incident.pk).update(status="closed")
    assert PROVIDER.items_for_user(org.users["supervisor"], now) == []


def test_the_incident_photo_is_re_encoded_and_served_only_in_scope(client, org):
    # given
    incident = _report(org, org.users["store_manager"], severity="minor")
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    client.force_login(org.users["store_manager"])
    # when
    client.post(reverse("risks:incident_photo", args=[incident.pk]),
                {"photo": SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")})
    mine = client.get(reverse("risks:incident_photo", args=[incident.pk]))
    client.force_login(make_user("store_manager", company=org.company, username="b1-manager",
                                 stores=[org.stores["b1"]]))
    foreign = client.get(reverse("risks:incident_photo", args=[incident.pk]))
    # then
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/jpeg"
    assert mine["Content-Security-Policy"] == "sandbox"
    assert foreign.status_code == 404


def test_a_company_plan_gives_each_store_in_scope_its_copy_once(org):
    # given
    plan = EmergencyPlan.objects.create(company=org.company, scenario="fire", title="火灾应急预案",
                                        steps="拉响警报\n疏散顾客\n清点人数")
    # when
    first = services.plan_copy_to_stores(actor=org.users["supervisor"], plan=plan,
                                         stores=[org.stores["a1"], org.stores["a2"]])
    again = services.plan_copy_to_stores(actor=org.users["supervisor"], plan=plan, stores=[org.stores["a1"]])
    # then
    assert sorted(copy.store.code for copy in first) == ["A1", "A2"]
    assert again == []
    assert EmergencyPlan.objects.for_user(org.users["store_manager"], "change").filter(store__isnull=True).count() == 0


def test_a_drill_runs_as_the_plans_checklist_and_is_done_when_the_run_is_completed(org):
    from opsdesk.storeops.models import InspectionRun

    # given
    manager = org.users["store_manager"]
    plan = EmergencyPlan.objects.create(company=org.company, store=org.stores["a1"], scenario="power_outage",
                                        title="停电预案", steps="启用应急照明\n保护冷链")
    drill = Drill.objects.create(company=org.company, store=org.stores["a1"], plan=plan,
                                 scheduled_for=date(2026, 12, 10))
    # when
    started = services.drill_start(actor=manager, drill=drill)
    with pytest.raises(ValidationError):
        services.drill_complete(actor=manager, drill=started, participants=8)
    InspectionRun.objects.filter(pk=started.run_id).update(status="completed")
    done = services.drill_complete(actor=manager, drill=started, participants=8, findings="应急灯一盏不亮")
    # then
    items = list(started.run.template_version.sections.get().items.order_by("position").values_list("text", flat=True))
    assert items == ["启用应急照明", "保护冷链"]
    assert (done.status, done.participants, done.findings) == ("done", 8, "应急灯一盏不亮")


def test_an_overdue_drill_is_an_inbox_item(org):
    plan = EmergencyPlan.objects.create(company=org.company, store=org.stores["a1"], scenario="fire", title="火灾",
                                        steps="报警")
    drill = Drill.objects.create(company=org.company, store=org.stores["a1"], plan=plan,
                                 scheduled_for=date(2026, 11, 20))
    now = timezone.make_aware(datetime(2026, 11, 30, 9))
    assert [item.key for item in PROVIDER.items_for_user(org.users["store_manager"], now)] == [f"drill:{drill.pk}"]


def test_an_incidents_number_follows_the_days_highest_even_after_a_deletion(org):
    # given: three reports today, the first one deleted
    manager = org.users["store_manager"]
    first, _second, third = (_report(org, manager, severity="minor", title=f"事件 {n}") for n in range(3))
    first.delete()
    # when
    fourth = _report(org, manager, severity="minor")
    # then
    assert fourth.number[-4:] == "-004"
    assert third.number[-4:] == "-003"


def test_two_reports_taking_the_same_number_at_once_both_succeed(org, monkeypatch):
    # given: another report committed the number this one was about to take (the race the constraint catches)
    taken = Incident.objects.create(company=org.company, store=org.stores["a1"], number="INC-RACE-001",
                                    kind="theft", severity="minor", title="先到的",
                                    occurred_at=datetime(2026, 11, 30, 1, tzinfo=UTC))
    numbers = iter(["INC-RACE-001", "INC-RACE-002"])
    monkeypatch.setattr(services, "_incident_number", lambda company_id, day: next(numbers))
    monkeypatch.setattr(Incident, "validate_constraints", lambda self, exclude=None: None)  # as in a real race
    # when
    incident = _report(org, org.users["store_manager"], severity="minor")
    # then
    assert incident.number == "INC-RACE-002"
    assert Incident.objects.filter(number="INC-RACE-001").get() == taken


def test_an_incident_cannot_have_occurred_in_the_future(org):
    # given
    later = timezone.now() + timedelta(hours=2)
    # when
    with pytest.raises(ValidationError) as error:
        _report(org, org.users["store_manager"], occurred_at=later)
    # then
    assert list(error.value.message_dict) == ["occurred_at"]
    assert not Incident.objects.exists()
