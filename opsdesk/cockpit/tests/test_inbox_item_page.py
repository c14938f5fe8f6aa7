"""The inbox list shows "done" inline and loads an item's assign / comment / snooze forms on demand."""

import re
from datetime import date, timedelta

from django.urls import reverse

from opsdesk.cockpit import inbox
from opsdesk.cockpit.models import InboxComment
from opsdesk.storeops.models import CorrectiveAction


def _overdue(store):
    return CorrectiveAction.objects.create(store=store, title="冷柜温度超标", priority="high",
                                           due_date=date.today() - timedelta(days=2))


def test_list_has_done_inline_and_a_link_to_the_item_forms(client, org):
    # given
    action = _overdue(org.stores["a1"])
    client.force_login(org.users["regional_manager"])
    # when
    html = client.get(reverse("cockpit:inbox")).content.decode()
    # then
    url = reverse("cockpit:inbox_item", args=["corrective_action", str(action.pk)])
    assert f'hx-get="{url}?next=/cockpit/inbox/"' in html
    assert 'class="btn btn-sm btn-success item-done"' in html
    assert 'name="assignee"' not in html


def test_item_partial_offers_the_people_covering_the_store_and_comments(client, org):
    # given
    action = _overdue(org.stores["a1"])
    manager = org.users["regional_manager"]
    item = inbox.inbox_item_get(manager, "corrective_action", str(action.pk))
    inbox.inbox_item_comment(actor=manager, item=item, text="已联系维修")
    client.force_login(manager)
    # when
    response = client.get(reverse("cockpit:inbox_item", args=["corrective_action", str(action.pk)]),
                          {"next": "/cockpit/inbox/?store=1"}, HTTP_HX_REQUEST="true")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "已联系维修" in html
    assert html.count('name="next" value="/cockpit/inbox/?store=1"') == 3
    offered = {int(value) for value in re.findall(r'<option value="(\d+)"', html)}
    expected = {user.pk for user in org.users.values()
                if user.company_id == org.company.pk and user.role not in ("auditor", "")
                and user.is_active and inbox.user_can(user, "inbox", "change")
                and (user.has_company_scope or org.stores["a1"].pk in inbox.visible_store_ids(user))}
    assert offered == expected
    assert InboxComment.objects.count() == 1


def test_item_page_without_javascript_is_a_full_page_and_read_only_for_the_auditor(client, org):
    # given
    action = _overdue(org.stores["a1"])
    client.force_login(org.users["auditor"])
    # when
    response = client.get(reverse("cockpit:inbox_item", args=["corrective_action", str(action.pk)]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert "冷柜温度超标" in html
    assert "item-assign" not in html
    assert "item-snooze" not in html


def test_an_unknown_item_is_not_found(client, org):
    # given
    client.force_login(org.users["coo"])
    # when
    response = client.get(reverse("cockpit:inbox_item", args=["corrective_action", "999999"]))
    # then
    assert response.status_code == 404


def test_a_key_that_is_not_an_ascii_id_is_not_found(client, org):
    # given: "²" passes str.isdigit() but not int()
    client.force_login(org.users["coo"])
    # when
    page = client.get(reverse("cockpit:inbox_item", args=["corrective_action", "²"]))
    action = client.post(reverse("cockpit:inbox_act"), {"provider": "corrective_action", "key": "²", "action": "done"})
    # then
    assert (page.status_code, action.status_code) == (404, 404)
