"""Marking a meeting decision's inbox item done closes the decision: the provider's `item_done` hook sets it done,
closed by the actor at that time, with an audit entry; only the owner or whoever may change the meeting may, and a
refusal changes nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from opsdesk.cockpit.inbox import inbox_for_user
from opsdesk.core.models import User
from opsdesk.reports.inbox import PROVIDER
from opsdesk.reports.models import Meeting, MeetingDecision

NOW = timezone.make_aware(datetime(2026, 11, 25, 10, 30))


@pytest.fixture
def decision(org):
    a1 = org.stores["a1"]
    meeting = Meeting.objects.create(company=org.company, region=a1.region, store=a1, title="门店周会",
                                     held_on=date(2026, 11, 20))
    return MeetingDecision.objects.create(meeting=meeting, text="周六增加一名收银员", owner=org.users["store_manager"],
                                          due_on=date(2026, 11, 28))


def _entries(decision) -> list[tuple]:
    content_type = ContentType.objects.get_for_model(MeetingDecision)
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(decision.pk)).order_by("pk")
                .values_list("actor__username", "action"))


def _state(decision) -> tuple:
    decision.refresh_from_db()
    return decision.status, decision.done_at, decision.done_by_id


def test_owner_marking_the_inbox_item_done_closes_the_decision(decision, org):
    # given
    owner = org.users["store_manager"]
    before = _entries(decision)
    # when
    PROVIDER.item_done(actor=owner, key=f"decision:{decision.pk}", now=NOW)
    # then
    assert _state(decision) == ("done", NOW, owner.pk)
    assert _entries(decision) == [*before, (owner.username, LogEntry.Action.UPDATE)]
    changes = LogEntry.objects.filter(object_pk=str(decision.pk)).order_by("pk").last().changes_dict
    assert changes["status"] == ["open", "done"]
    assert [item.key for item in inbox_for_user(owner) if item.provider == "reports"] == []


def test_whoever_may_change_the_meeting_closes_it_too(decision, org):
    coo = org.users["coo"]
    PROVIDER.item_done(actor=coo, key=f"decision:{decision.pk}", now=NOW)
    assert _state(decision) == ("done", NOW, coo.pk)


def test_done_twice_keeps_the_first_closing(decision, org):
    owner, coo = org.users["store_manager"], org.users["coo"]
    PROVIDER.item_done(actor=owner, key=f"decision:{decision.pk}", now=NOW)
    PROVIDER.item_done(actor=coo, key=f"decision:{decision.pk}", now=timezone.now())
    assert _state(decision) == ("done", NOW, owner.pk)


@pytest.mark.parametrize("who", ["auditor", "other_store_manager", "other_company"])
def test_anyone_else_is_refused_and_nothing_changes(decision, org, who):
    # given
    if who == "auditor":
        actor = org.users["auditor"]
    elif who == "other_store_manager":
        actor = User.objects.create(username="b1-manager", company=org.company, role="store_manager")
        actor.scope_stores.set([org.stores["b1"]])
    else:
        actor = User.objects.create(username="elsewhere", company=org.other_company, role="coo",
                                    has_company_scope=True)
    before = _entries(decision)
    # when / then
    with pytest.raises(PermissionDenied):
        PROVIDER.item_done(actor=actor, key=f"decision:{decision.pk}", now=NOW)
    assert _state(decision) == ("open", None, None)
    assert _entries(decision) == before


@pytest.mark.parametrize("key", ["decision:999999", "meeting:1", "decision:x", "decision:²"])
def test_a_key_that_is_no_decision_is_refused(decision, org, key):
    with pytest.raises(PermissionDenied):
        PROVIDER.item_done(actor=org.users["coo"], key=key, now=NOW)
    assert _state(decision) == ("open", None, None)


def test_reopening_a_decision_clears_who_closed_it(decision, org):
    from opsdesk.reports import services

    coo = org.users["coo"]
    PROVIDER.item_done(actor=org.users["store_manager"], key=f"decision:{decision.pk}", now=NOW)
    services.decision_update(actor=coo, instance=decision, data={"status": "open"})
    assert _state(decision) == ("open", None, None)
    services.decision_update(actor=coo, instance=decision, data={"status": "done"})
    status, done_at, done_by = _state(decision)
    assert (status, done_at is not None, done_by) == ("done", True, coo.pk)


def test_inbox_done_through_the_cockpit_closes_the_decision(decision, org):
    from opsdesk.cockpit.inbox import inbox_item_done, inbox_item_get

    owner = org.users["store_manager"]
    item = inbox_item_get(owner, "reports", f"decision:{decision.pk}")
    inbox_item_done(actor=owner, item=item, now=NOW)
    assert _state(decision) == ("done", NOW, owner.pk)
