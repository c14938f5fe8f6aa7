"""Assigning an escalated item (issue 22, item 2): the assignee owns it at the level it was assigned at, and the page
shows them; only a further escalation hands it up again."""

import re
from datetime import date, datetime, timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from opsdesk.cockpit import inbox
from opsdesk.cockpit.models import InboxItemState
from opsdesk.storeops.models import CorrectiveAction

TODAY = date(2026, 3, 16)
NOW = timezone.make_aware(datetime(2026, 3, 16, 9, 0))


def _escalated(org):
    """Due four days ago: at 09:00 three full days overdue, so level 2 (the regional manager's)."""
    return CorrectiveAction.objects.create(store=org.stores["a1"], title="冷柜温度超标", priority="high",
                                           due_date=TODAY - timedelta(days=4))


def _shown_owner(html: str, action) -> str:
    row = html[html.index(f'id="item-corrective_action-{action.pk}"'):]
    return re.search(r'class="item-owner">([^<]*)<', row).group(1)


@time_machine.travel(NOW, tick=False)
def test_assigning_an_escalated_item_to_oneself_makes_one_the_owner_the_page_shows(org, login):
    # given
    action = _escalated(org)
    supervisor = org.users["supervisor"]
    client = login(supervisor)
    before = inbox.inbox_for_user(supervisor)[0]
    # when
    response = client.post(reverse("cockpit:inbox_act"), {"provider": "corrective_action", "key": action.pk,
                                                          "action": "assign", "assignee": supervisor.pk}, follow=True)
    # then
    after = inbox.inbox_for_user(supervisor)[0]
    assert (before.escalation_level, before.owner.role) == (2, "regional_manager")
    assert (after.escalation_level, after.owner) == (2, supervisor)
    assert _shown_owner(response.content.decode(), action) == supervisor.display_name
    assert after.reasons == ["+300 严重程度 高", "+30 已逾期 3 天", "+100 已升级 2 级", "+20 由你负责"]
    state = InboxItemState.objects.get()
    assert (state.assignee, state.assigned_level) == (supervisor, 2)


@time_machine.travel(NOW, tick=False)
def test_bulk_assign_to_me_of_an_escalated_item_shows_me_as_owner(org, login):
    # given
    action = _escalated(org)
    manager = org.users["store_manager"]
    client = login(manager)
    # when
    response = client.post(reverse("cockpit:inbox_bulk"), {"items": [f"corrective_action:{action.pk}"],
                                                           "action": "assign_me"}, follow=True)
    # then
    assert _shown_owner(response.content.decode(), action) == manager.display_name


def test_an_assignment_holds_until_the_item_climbs_past_its_level(org):
    # given: assigned to the supervisor at level 2
    action = _escalated(org)
    supervisor = org.users["supervisor"]
    with time_machine.travel(NOW, tick=False):
        item = inbox.inbox_item_get(supervisor, "corrective_action", str(action.pk))
        inbox.inbox_item_assign(actor=supervisor, item=item, assignee=supervisor)
    # when: two days later the same level; four days later level 3
    same = inbox.inbox_for_user(supervisor, now=NOW + timedelta(days=2))[0]
    higher = inbox.inbox_for_user(supervisor, now=NOW + timedelta(days=4))[0]
    # then
    assert (same.escalation_level, same.owner) == (2, supervisor)
    assert (higher.escalation_level, higher.owner.role) == (3, "coo")
