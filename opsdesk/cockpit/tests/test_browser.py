"""Browser test: a regional manager opens the cockpit, drills down to a store, completes an inbox item; screenshots
of the cockpit in Chinese and English are saved as build artifacts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opsdesk.cockpit.models import InboxItemState
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import make_facts
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.storeops.models import CorrectiveAction

PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def world(transactional_db):
    company = Company.objects.create(code="CKP", name="驾驶舱连锁")
    east = Region.objects.create(company=company, code="E", name="华东区")
    south = Region.objects.create(company=company, code="S", name="华南区")
    stores = [Store.objects.create(company=company, region=east, code=f"E{i}", name=f"上海{i}店", city="上海")
              for i in (1, 2)]
    stores.append(Store.objects.create(company=company, region=south, code="S1", name="广州一店", city="广州"))
    make_facts(stores, days=400, last_day=timezone.localdate() - timedelta(days=1))
    rollup_refresh(company)
    manager = User.objects.create_user("region_east", password=PASSWORD, role="regional_manager", company=company,
                                       language="zh-hans")
    manager.scope_regions.set([east])
    action = CorrectiveAction.objects.create(store=stores[1], title="冷柜温度超标",
                                             due_date=timezone.localdate() - timedelta(days=2), priority="high")
    CorrectiveAction.objects.create(store=stores[2], title="其他区域的任务", due_date=timezone.localdate())
    return {"stores": stores, "action": action}


@pytest.mark.browser
def test_regional_manager_drills_down_and_completes_an_inbox_item(world, browser_context):  # noqa: F811
    # given
    page = browser_context.new_page()
    sign_in(page, "region_east", PASSWORD)
    # when: the home page is the cockpit of the region
    page.goto("/")
    page.wait_for_selector("#tiles")
    page.wait_for_selector("[data-chart=trend-chart] .main-svg")
    screenshot(page, "cockpit-zh-hans")
    assert page.locator("#league-table tbody tr").count() == 2
    # drill down to the store
    page.click("a.drill-store[data-store=E2]")
    page.wait_for_selector("#sku-table")
    assert "E2" in page.inner_text("#cockpit-breadcrumb")
    # open its inbox and complete the item
    page.click("#open-inbox")
    page.wait_for_selector(".inbox-item")
    assert page.locator(".inbox-item").count() == 1
    item = page.locator(f"#item-corrective_action-{world['action'].pk}")
    # comment through the panel loaded on demand (htmx), back on the same list
    item.locator(".item-more").click()
    item.locator(".inbox-item-panel input[name=text]").fill("已通知维修")
    item.locator(".inbox-item-panel .item-comment").click()
    page.wait_for_selector(".alert-success")
    item.locator(".item-more").click()
    item.locator(".inbox-item-panel").get_by_text("已通知维修").wait_for()
    item.locator(".item-done").click()
    page.wait_for_selector("#inbox-empty")
    # then
    state = InboxItemState.objects.get(provider="corrective_action", object_key=str(world["action"].pk))
    assert (state.status, state.done_by.username) == ("done", "region_east")
    # and the cockpit in English
    page.goto("/")
    page.select_option("#language-form select", "en")
    page.wait_for_selector("#tiles")
    page.wait_for_selector("[data-chart=trend-chart] .main-svg")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "cockpit-en")
