"""The action inbox: ranking with its explanation, escalation with frozen time, scope, and the item actions."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from opsdesk.cockpit import inbox
from opsdesk.cockpit.choices import InboxStatusChoices
from opsdesk.cockpit.models import InboxComment, InboxItemState
from opsdesk.storeops.models import CorrectiveAction

TODAY = date(2026, 3, 16)
NOW = timezone.make_aware(datetime(2026, 3, 16, 9, 0))


def _action(store, days_overdue: int, priority: str = "medium", title: str = ""):
    return CorrectiveAction.objects.create(store=store, title=title or f"{store.code} {days_overdue}",
                                           due_date=TODAY - timedelta(days=days_overdue), priority=priority)


def _keys(items):
    return [(item.provider, item.title) for item in items]


@time_machine.travel(NOW, tick=False)
def test_inbox_ranks_by_severity_overdue_and_escalation_and_explains_why(org):
    # given
    _action(org.stores["a1"], 0, "high", "高优先级今天到期")
    _action(org.stores["a1"], 8, "low", "低优先级逾期八天")
    _action(org.stores["a2"], 2, "medium", "中优先级逾期两天")
    # when
    items = inbox.inbox_for_user(org.users["regional_manager"])
    # then: a due date ends at 23:59:59, so at 09:00 "8 days" is 7 full days overdue.
    # high, due tonight: 300 + 30; low, 7 days: 100 + 70 + 3 levels x 50 = 320; medium, 1 day: 200 + 10 + 50 = 260
    assert [(item.title, item.score) for item in items] == [
        ("整改任务：高优先级今天到期", 330), ("整改任务：低优先级逾期八天", 320), ("整改任务：中优先级逾期两天", 260)]
    assert items[0].reasons == ["+300 严重程度 高", "+30 24 小时内到期"]
    assert items[1].reasons == ["+100 严重程度 低", "+70 已逾期 7 天", "+150 已升级 3 级"]


@time_machine.travel(NOW, tick=False)
def test_overdue_items_escalate_one_level_after_1_3_and_7_days(org):
    # given
    # due 1, 2, 4 and 8 days ago: at 09:00 that is 0, 1, 3 and 7 full days past the end of the due day
    levels = {days: _action(org.stores["a1"], days, title=f"d{days}") for days in (1, 2, 4, 8)}
    # when
    items = {item.key: item for item in inbox.inbox_for_user(org.users["coo"])}
    # then: the owner climbs store manager -> supervisor -> regional manager -> COO
    owners = {days: (items[str(a.pk)].escalation_level, items[str(a.pk)].owner.role) for days, a in levels.items()}
    assert owners == {1: (0, "store_manager"), 2: (1, "supervisor"), 4: (2, "regional_manager"), 8: (3, "coo")}


def test_escalation_job_persists_levels_and_time_moves_them(org):
    # given
    action = _action(org.stores["a1"], 0)
    # when
    with time_machine.travel(NOW + timedelta(days=4), tick=False):
        first = inbox.inbox_escalate(company=org.company)
    with time_machine.travel(NOW + timedelta(days=4, hours=1), tick=False):
        again = inbox.inbox_escalate(company=org.company)
    # then
    state = InboxItemState.objects.get(provider="corrective_action", object_key=str(action.pk))
    assert (first, again, state.escalation_level) == (1, 0, 2)


@time_machine.travel(NOW, tick=False)
def test_each_role_sees_exactly_its_scope_items(org):
    # given
    actions = {code: _action(org.stores[code], 1, title=code) for code in ("a1", "a2", "b1", "b2", "x1")}
    expected = {"coo": {"a1", "a2", "b1", "b2"}, "admin": {"a1", "a2", "b1", "b2"}, "auditor": {"a1", "a2", "b1", "b2"},
                "regional_manager": {"a1", "a2"}, "supervisor": {"a1", "a2"}, "store_manager": {"a1"}, "staff": {"a1"}}
    titles = {str(a.pk): code for code, a in actions.items()}
    # when
    seen = {role: {titles[i.key] for i in inbox.inbox_for_user(org.users[role])} for role in expected}
    # then
    assert seen == expected


@time_machine.travel(NOW, tick=False)
def test_an_out_of_scope_item_cannot_be_acted_on(org, login):
    # given
    action = _action(org.stores["b1"], 1)
    client = login(org.users["store_manager"])
    # when
    response = client.post(reverse("cockpit:inbox_act"), {"provider": "corrective_action", "key": action.pk,
                                                          "action": "done"})
    # then
    assert response.status_code == 404
    assert InboxItemState.objects.count() == 0
    with pytest.raises(Http404):
        inbox.inbox_item_get(org.users["store_manager"], "corrective_action", str(action.pk))


@time_machine.travel(NOW, tick=False)
def test_snooze_needs_a_reason_hides_until_then_and_done_removes(org):
    # given
    user = org.users["store_manager"]
    action = _action(org.stores["a1"], 1)
    item = inbox.inbox_item_get(user, "corrective_action", str(action.pk))
    # when / then
    with pytest.raises(ValidationError):
        inbox.inbox_item_snooze(actor=user, item=item, until=NOW + timedelta(days=1), reason=" ")
    inbox.inbox_item_snooze(actor=user, item=item, until=NOW + timedelta(days=1), reason="等供应商")
    assert inbox.inbox_for_user(user) == []
    assert len(inbox.inbox_for_user(user, now=NOW + timedelta(days=1, minutes=1))) == 1
    inbox.inbox_item_done(actor=user, item=item)
    assert inbox.inbox_for_user(user, now=NOW + timedelta(days=2)) == []
    state = InboxItemState.objects.get()
    assert (state.status, state.done_by, state.snooze_reason) == (InboxStatusChoices.DONE, user, "等供应商")


@time_machine.travel(NOW, tick=False)
def test_assign_and_comment_through_the_page(org, login):
    # given
    action = _action(org.stores["a1"], 0)
    client = login(org.users["supervisor"])
    data = {"provider": "corrective_action", "key": action.pk}
    # when
    client.post(reverse("cockpit:inbox_act"), {**data, "action": "assign", "assignee": org.users["staff"].pk})
    client.post(reverse("cockpit:inbox_act"), {**data, "action": "comment", "text": "今天处理"})
    # then
    items = inbox.inbox_for_user(org.users["supervisor"])
    assert [(i.owner, i.key) for i in items] == [(org.users["staff"], str(action.pk))]
    assert list(InboxComment.objects.values_list("text", "author")) == [("今天处理", org.users["supervisor"].pk)]
    page = client.get(reverse("cockpit:inbox"))
    assert "为什么排第一？" in page.content.decode()


def test_assigning_to_someone_outside_the_store_is_refused(org):
    # given
    action = _action(org.stores["a2"], 0)
    item = inbox.inbox_item_get(org.users["coo"], "corrective_action", str(action.pk))
    # when / then: staff of a1 cannot see a2
    with pytest.raises(ValidationError):
        inbox.inbox_item_assign(actor=org.users["coo"], item=item, assignee=org.users["staff"])


def test_auditor_may_read_but_not_act(org, login):
    # given
    action = _action(org.stores["a1"], 1)
    client = login(org.users["auditor"])
    # when
    response = client.post(reverse("cockpit:inbox_act"), {"provider": "corrective_action", "key": action.pk,
                                                          "action": "done"})
    # then
    assert response.status_code == 403
    assert InboxItemState.objects.count() == 0


def test_purchasing_providers_are_registered_and_safe_without_their_selectors(org):
    # given
    providers = inbox.providers()
    # when
    items = providers["late_delivery"].items_for_user(org.users["coo"], NOW)
    # then
    assert {"stockout", "overstock", "proposals", "corrective_action", "inspection", "late_delivery",
            "expiring_contract"} <= set(providers)
    assert isinstance(items, list)
