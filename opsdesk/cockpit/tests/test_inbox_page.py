"""The inbox page at scale (issue 22, items 1 and 2): filters, counts per type, stockout-like lines grouped per store,
paging, bulk actions checked like the single ones, a query count that does not grow with the items, and an
explicit assignment that survives the escalation it was made at."""

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opsdesk.cockpit import inbox, inbox_list
from opsdesk.cockpit.choices import InboxStatusChoices
from opsdesk.cockpit.choices import SeverityChoices as Sev
from opsdesk.cockpit.models import InboxItemState
from opsdesk.cockpit.providers import overstock, stockout
from opsdesk.core.inbox_items import InboxItem, end_of_day
from opsdesk.storeops.models import CorrectiveAction

TODAY = date(2026, 3, 16)  # a Monday
NOW = timezone.make_aware(datetime(2026, 3, 16, 9, 0))
INBOX = "/cockpit/inbox/"
HTMX_BODY = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "inbox-body"}


def _action(store, due: date, priority: str = "medium", title: str = "", owner=None):
    return CorrectiveAction.objects.create(store=store, title=title or f"{store.code} {due}", due_date=due,
                                           priority=priority, owner=owner)


class _StockoutLike:
    """A grouped provider of single-SKU lines (the stockout provider's shape without a replenishment plan)."""

    name = "sku_risk"
    label = "SKU 风险"
    group_by_store = True

    def __init__(self, lines: dict):
        self.lines = lines  # store -> number of SKU lines

    def _items(self, now):
        return [InboxItem(provider=self.name, key=f"{store.pk}-{sku}", title=f"SKU {store.code}-{sku}",
                          severity=Sev.CRITICAL, due=end_of_day(now.date() + timedelta(days=3)), store_id=store.pk,
                          store_name=str(store), company_id=store.company_id, link="/")
                for store, count in self.lines.items() for sku in range(count)]

    def items_for_user(self, user, now):
        return self._items(now)

    def item_for_user(self, user, key, now):
        return next((item for item in self._items(now) if item.key == key), None)


@pytest.fixture
def sku_lines(org, monkeypatch):
    """12 critical SKU lines in a1 and 7 in a2: without grouping they would fill most of the first page."""
    provider = _StockoutLike({org.stores["a1"]: 12, org.stores["a2"]: 7})
    monkeypatch.setitem(inbox._PROVIDERS, provider.name, provider)
    return provider


def _keys(html: str, css: str = "inbox-item") -> list[str]:
    return re.findall(rf'class="list-group-item {css}" id="(?:item|group)-([^"]+)"', html)


def test_stockout_and_overstock_providers_group_by_store():
    # given / when
    grouped = inbox_list.grouped_providers(inbox.providers())
    # then
    assert {stockout.PROVIDER.name, overstock.PROVIDER.name} <= grouped
    assert "corrective_action" not in grouped


@time_machine.travel(NOW, tick=False)
def test_filters_by_type_store_owner_and_due(org):
    # given: due yesterday (overdue), today, Sunday (this week) and next Monday, in a1 and a2
    supervisor = org.users["supervisor"]
    actions = {"overdue": _action(org.stores["a1"], TODAY - timedelta(days=1)),
               "today": _action(org.stores["a2"], TODAY, owner=supervisor),
               "week": _action(org.stores["a1"], TODAY + timedelta(days=6)),
               "later": _action(org.stores["a2"], TODAY + timedelta(days=7))}
    names = {str(action.pk): name for name, action in actions.items()}
    items = inbox.inbox_for_user(org.users["coo"])

    def kept(**fields):
        return sorted(names[i.key] for i in inbox_list.inbox_filter(items, inbox_list.InboxFilter(**fields),
                                                                    supervisor))

    # when / then: corrective actions join the inbox two days before they are due: "week" and "later" are not in it
    assert kept() == ["overdue", "today"]
    assert kept(due="overdue") == ["overdue"]
    assert kept(due="today") == ["today"]
    assert kept(store_id=org.stores["a2"].pk) == ["today"]
    assert kept(owner="me") == ["today"]
    assert kept(owner=str(org.users["store_manager"].pk)) == ["overdue"]
    assert kept(type="inspection") == []


@time_machine.travel(NOW, tick=False)
def test_this_week_runs_to_sunday_night_and_excludes_overdue(org):
    # given
    items = [InboxItem("x", str(days), "t", 1, end_of_day(TODAY + timedelta(days=days)), None, org.company.pk, "/")
             for days in (-1, 0, 6, 7)]
    # when
    week = inbox_list.inbox_filter(items, inbox_list.InboxFilter(due="week"), org.users["coo"])
    # then
    assert [item.key for item in week] == ["0", "6"]


@time_machine.travel(NOW, tick=False)
def test_stockout_lines_are_one_line_per_store_with_a_count_and_expand_to_the_skus(org, login, sku_lines):
    # given
    action = _action(org.stores["b1"], TODAY, "low", "冷柜温度超标")
    client = login(org.users["coo"])
    # when
    html = client.get(INBOX).content.decode()
    members = client.get(INBOX, {"group": f"sku_risk:{org.stores['a1'].pk}"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET=f"members-sku_risk-{org.stores['a1'].pk}").content.decode()
    # then: two group lines (12 and 7) above the corrective action, which stays on the first page
    assert re.findall(r'class="list-group-item inbox-group" id="group-([^"]+)"[^>]*data-count="(\d+)"', html) == [
        (f"sku_risk-{org.stores['a1'].pk}", "12"), (f"sku_risk-{org.stores['a2'].pk}", "7")]
    assert _keys(html) == [f"corrective_action-{action.pk}"]
    assert "<html" not in members
    assert 'id="inbox-list"' not in members
    assert len(_keys(members)) == 12
    assert all(key.startswith(f"sku_risk-{org.stores['a1'].pk}-") for key in _keys(members))


@time_machine.travel(NOW, tick=False)
def test_counts_per_type_follow_the_other_filters(org, login, sku_lines):
    # given
    _action(org.stores["a1"], TODAY)
    _action(org.stores["b1"], TODAY)
    client = login(org.users["coo"])
    # when
    everything = client.get(INBOX).content.decode()
    in_a1 = client.get(INBOX, {"store": org.stores["a1"].pk}, **HTMX_BODY).content.decode()
    only_actions = client.get(INBOX, {"type": "corrective_action"}, **HTMX_BODY).content.decode()

    def chips(html):
        return re.findall(r'type-chip" data-type="([^"]*)"[^>]*>[^<]*<span class="badge text-bg-light">(\d+)', html)

    # then
    assert chips(everything) == [("", "21"), ("corrective_action", "2"), ("sku_risk", "19")]
    assert chips(in_a1) == [("", "13"), ("corrective_action", "1"), ("sku_risk", "12")]
    assert chips(only_actions) == chips(everything)
    assert len(_keys(only_actions)) == 2
    assert 'inbox-group"' not in only_actions
    assert "<html" not in in_a1
    assert 'id="inbox-filters"' in in_a1


@time_machine.travel(NOW, tick=False)
def test_pages_of_25_lines_keep_the_ranking(org, login):
    # given: 30 actions, the first the most severe
    first = _action(org.stores["a1"], TODAY, "critical", "最严重")
    for number in range(29):
        _action(org.stores["a2"], TODAY + timedelta(days=1), "low", f"低 {number}")
    client = login(org.users["regional_manager"])
    # when
    one = client.get(INBOX).content.decode()
    two = client.get(INBOX, {"page": 2}, **HTMX_BODY).content.decode()
    # then
    assert (len(_keys(one)), len(_keys(two))) == (25, 5)
    assert _keys(one)[0] == f"corrective_action-{first.pk}"
    assert "为什么排第一？" in one
    assert "为什么排第一？" not in two
    assert 'id="page-next"' in one
    assert 'id="page-previous"' in two
    assert not set(_keys(one)) & set(_keys(two))


def _states():
    return sorted(InboxItemState.objects.values_list("object_key", "status", "assignee__username"))


@time_machine.travel(NOW, tick=False)
def test_bulk_assign_to_me_snooze_and_done_change_exactly_the_selected_items(org, login):
    # given
    a, b, c = (_action(org.stores["a1"], TODAY, title=t) for t in ("a", "b", "c"))
    user = org.users["supervisor"]
    client = login(user)
    url = reverse("cockpit:inbox_bulk")
    # when
    client.post(url, {"items": [f"corrective_action:{a.pk}", f"corrective_action:{b.pk}"], "action": "assign_me"})
    client.post(url, {"items": [f"corrective_action:{b.pk}"], "action": "snooze", "reason": "等配件",
                      "until": "2026-03-18T09:00"})
    response = client.post(url, {"items": [f"corrective_action:{c.pk}"], "action": "done",
                                 "next": "/cockpit/inbox/?due=today"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/cockpit/inbox/?due=today"
    assert _states() == [(str(a.pk), "open", user.username), (str(b.pk), "snoozed", user.username),
                         (str(c.pk), "done", None)]
    assert [(i.key, i.owner) for i in inbox.inbox_for_user(user)] == [(str(a.pk), user)]


@time_machine.travel(NOW, tick=False)
def test_bulk_on_a_group_acts_on_every_item_of_the_group_under_the_filters(org, login, sku_lines):
    # given
    client = login(org.users["coo"])
    # when
    client.post(reverse("cockpit:inbox_bulk"), {"groups": [f"sku_risk:{org.stores['a2'].pk}"], "action": "done"})
    # then
    done = InboxItemState.objects.filter(status=InboxStatusChoices.DONE)
    assert sorted(done.values_list("object_key", flat=True)) == sorted(f"{org.stores['a2'].pk}-{n}" for n in range(7))


@time_machine.travel(NOW, tick=False)
def test_bulk_with_one_item_out_of_scope_is_404_and_changes_nothing(org, login):
    # given
    mine = _action(org.stores["a1"], TODAY)
    foreign = _action(org.stores["b1"], TODAY)
    client = login(org.users["store_manager"])
    # when
    response = client.post(reverse("cockpit:inbox_bulk"), {"items": [f"corrective_action:{mine.pk}",
                                                                     f"corrective_action:{foreign.pk}"],
                                                           "action": "done"})
    # then
    assert response.status_code == 404
    assert InboxItemState.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_bulk_by_the_read_only_auditor_is_forbidden_and_changes_nothing(org, login):
    # given
    action = _action(org.stores["a1"], TODAY)
    client = login(org.users["auditor"])
    # when
    response = client.post(reverse("cockpit:inbox_bulk"), {"items": [f"corrective_action:{action.pk}"],
                                                           "action": "assign_me"})
    # then
    assert response.status_code == 403
    assert InboxItemState.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_bulk_snooze_without_a_reason_changes_nothing(org, login):
    # given
    a, b = (_action(org.stores["a1"], TODAY, title=t) for t in ("a", "b"))
    client = login(org.users["supervisor"])
    # when
    response = client.post(reverse("cockpit:inbox_bulk"), {
        "items": [f"corrective_action:{a.pk}", f"corrective_action:{b.pk}"], "action": "snooze",
        "until": "2026-03-18T09:00", "reason": " "}, follow=True)
    # then
    assert "暂缓需要填写原因。" in response.content.decode()
    assert InboxItemState.objects.count() == 0


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    return len(queries)


@time_machine.travel(NOW, tick=False)
def test_inbox_page_queries_do_not_grow_with_the_items(org, login, sku_lines):
    # given: a few actions with a state, a comment and an owner of their own; then six times as many
    coo = org.users["coo"]
    client = login(coo)

    def add(count: int) -> None:
        for number in range(count):
            action = _action(org.stores["a1" if number % 2 else "b1"], TODAY, owner=org.users["staff"])
            item = inbox.inbox_item_get(coo, "corrective_action", str(action.pk))
            inbox.inbox_item_comment(actor=coo, item=item, text=f"评论 {number}")

    add(5)
    _page_queries(client)  # the first request of a session reads a few things once
    few = _page_queries(client)
    # when
    add(25)
    sku_lines.lines[org.stores["b2"]] = 40
    many = _page_queries(client)
    # then
    assert many == few
    # one query per provider or kind: goals (#16), then work plans, meeting decisions and proposed promotions
    assert many <= 49
