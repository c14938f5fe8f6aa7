"""Browser test at 390 px (issue 22, item 1): a supervisor filters the inbox by type (htmx, the address follows),
expands a store's stockout group, ticks two corrective actions and completes them at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opsdesk.cockpit import inbox
from opsdesk.cockpit.models import InboxItemState
from opsdesk.cockpit.tests.test_inbox_page import _StockoutLike
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.storeops.models import CorrectiveAction

PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def world(transactional_db, monkeypatch):
    company = Company.objects.create(code="INB", name="待办连锁")
    east = Region.objects.create(company=company, code="E", name="华东区")
    stores = [Store.objects.create(company=company, region=east, code=f"E{i}", name=f"上海{i}店", city="上海")
              for i in (1, 2, 3)]
    supervisor = User.objects.create_user("sup_inbox", password=PASSWORD, role="supervisor", company=company,
                                          language="zh-hans", first_name="王", last_name="主管")
    supervisor.scope_stores.set(stores[:2])
    actions = [CorrectiveAction.objects.create(store=stores[i % 2], title=f"整改 {i}", priority="high",
                                               due_date=timezone.localdate() + timedelta(days=1)) for i in range(3)]
    monkeypatch.setitem(inbox._PROVIDERS, "sku_risk", _StockoutLike({stores[0]: 9, stores[1]: 4}))
    return {"stores": stores, "actions": actions}


@pytest.mark.browser
def test_supervisor_filters_expands_and_completes_two_items_on_a_phone(world, browser_context):  # noqa: F811
    # given
    page = browser_context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "sup_inbox", PASSWORD)
    page.goto("/cockpit/inbox/")
    page.wait_for_selector(".inbox-group")
    screenshot(page, "inbox-390-zh-hans")
    # then: two group lines, three actions, nothing wider than the phone
    assert page.locator(".inbox-group").count() == 2
    assert page.locator("#inbox-list > .inbox-item").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # when: expand the first store's group (its 9 SKU lines load into it)
    page.locator(".inbox-group .group-expand").first.click()
    page.wait_for_selector(".inbox-members .inbox-item")
    assert page.locator(".inbox-members .inbox-item").count() == 9
    # and filter on corrective actions through the chip
    page.click(".type-chip[data-type=corrective_action]")
    page.wait_for_selector(".type-chip.btn-primary[data-type=corrective_action]")
    assert page.locator(".inbox-group").count() == 0
    assert "type=corrective_action" in page.url
    assert page.locator("#inbox-list > .inbox-item").count() == 3
    # tick two and complete them
    for action in world["actions"][:2]:
        page.check(f"#item-corrective_action-{action.pk} input.inbox-select")
    page.click("#bulk-done")
    page.wait_for_selector(".alert-success")
    # then
    done = set(InboxItemState.objects.filter(status="done").values_list("object_key", flat=True))
    assert done == {str(action.pk) for action in world["actions"][:2]}
    assert page.locator("#inbox-list > .inbox-item").count() == 1
    assert "type=corrective_action" in page.url
