"""The inbox's per-process memo: a ranked list is reused for a while, but never after an item state changes, and
the items handed out are copies (a view writing on them cannot change the next request's list)."""

from datetime import date, timedelta

import pytest

from opsdesk.cockpit import inbox
from opsdesk.storeops.models import CorrectiveAction


@pytest.fixture
def memo(settings):
    settings.OPSDESK_INBOX_CACHE_SECONDS = 60
    inbox._MEMO.clear()
    yield
    inbox._MEMO.clear()


def _action(store, title: str):
    return CorrectiveAction.objects.create(store=store, title=title, due_date=date.today() + timedelta(days=1),
                                           priority="high")


def test_ranked_list_is_reused_until_its_time_is_up(org, memo):
    # given
    user = org.users["regional_manager"]
    _action(org.stores["a1"], "first")
    before = [item.key for item in inbox.inbox_for_user(user)]
    # when: a new source row within the memo's time
    _action(org.stores["a1"], "second")
    during = [item.key for item in inbox.inbox_for_user(user)]
    inbox._MEMO.clear()  # the time is up
    after = [item.title for item in inbox.inbox_for_user(user)]
    # then
    assert len(before) == 1
    assert during == before
    assert sorted(after) == ["整改任务：first", "整改任务：second"]


def test_a_state_change_drops_the_ranked_list_at_once(org, memo):
    # given
    user = org.users["regional_manager"]
    _action(org.stores["a1"], "first")
    _action(org.stores["a2"], "second")
    items = inbox.inbox_for_user(user)
    # when
    inbox.inbox_item_done(actor=user, item=items[0])
    remaining = inbox.inbox_for_user(user)
    # then
    assert [item.key for item in remaining] == [items[1].key]


def test_handed_out_items_are_copies(org, memo):
    # given
    user = org.users["regional_manager"]
    _action(org.stores["a1"], "first")
    first = inbox.inbox_for_user(user)
    # when
    first[0].title = "changed by a view"
    first[0].candidates = ["someone"]
    second = inbox.inbox_for_user(user)
    # then
    assert second[0].title == "整改任务：first"
    assert not hasattr(second[0], "candidates")


def test_an_explicit_time_is_never_memoised(org, memo):
    # given
    user = org.users["regional_manager"]
    _action(org.stores["a1"], "first")
    inbox.inbox_for_user(user, now=inbox.timezone.now())
    # then
    assert not any(key[0] == "ranked" for key in inbox._MEMO)


def test_rendered_list_is_reused_with_a_fresh_csrf_token_until_a_state_changes(client, org, memo):
    # given
    import re

    from django.urls import reverse

    user = org.users["regional_manager"]
    _action(org.stores["a1"], "first")
    _action(org.stores["a2"], "second")
    client.force_login(user)

    def tokens(html):
        return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html[html.index('id="inbox-list"'):]))

    def listed(html):
        return re.sub(r'value="[^"]{64}"', "", html[html.index('id="inbox-list"'):])

    # when
    first = client.get(reverse("cockpit:inbox")).content.decode()
    second = client.get(reverse("cockpit:inbox")).content.decode()
    item = inbox.inbox_for_user(user)[0]
    inbox.inbox_item_done(actor=user, item=item)
    third = client.get(reverse("cockpit:inbox")).content.decode()
    # then: the same list, each page with its own masked token; after "done" the list is rendered anew
    assert first.count('class="list-group-item inbox-item"') == 2
    assert listed(first) == listed(second)
    assert len(tokens(first)) == len(tokens(second)) == 1
    assert tokens(first) != tokens(second)
    assert third.count('class="list-group-item inbox-item"') == 1
    assert f'data-key="{item.key}"' not in third


def test_an_action_posted_from_a_reused_list_passes_the_csrf_check(org, memo):
    # given
    import re

    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    user = org.users["regional_manager"]
    action = _action(org.stores["a1"], "first")
    client.force_login(user)
    client.get(reverse("cockpit:inbox"))
    html = client.get(reverse("cockpit:inbox")).content.decode()  # the reused list
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    # when
    response = client.post(reverse("cockpit:inbox_act"), {"csrfmiddlewaretoken": token, "provider": "corrective_action",
                                                          "key": str(action.pk), "action": "done"})
    # then
    assert response.status_code == 302
    assert inbox.inbox_for_user(user) == []
