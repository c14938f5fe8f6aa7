"""Browser test: a customer files a complaint from the store's QR page on a phone, the store manager resolves and
closes it, the customer rates the service through the tracking link, and the rating shows on the ticket page."""

import pytest

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.service import services

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pass-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def qr_store(transactional_db):
    company = Company.objects.create(code="SV", name="客服测试连锁")
    region = Region.objects.create(company=company, code="E", name="华东区")
    store = Store.objects.create(company=company, region=region, code="SH010", name="上海静安店", city="上海")
    manager = User.objects.create_user(
        "manager_sh010", password=PASSWORD, role="store_manager", company=company, language="zh-hans"
    )
    manager.scope_stores.set([store])
    services.company_defaults_ensure(company.pk)
    return services.feedback_link_for(store)


def test_complaint_from_qr_page_is_resolved_closed_and_rated(qr_store, browser_context, live_server):  # noqa: F811
    # given: the customer's phone, and the store manager's desktop
    phone = browser_context.browser.new_context(base_url=live_server.url, viewport=PHONE, locale="zh-CN",
                                                is_mobile=True, has_touch=True)
    customer = phone.new_page()
    manager = browser_context.new_page()

    # when: the customer scans the code and files a complaint
    customer.goto(f"/service/f/{qr_store.token}/")
    customer.select_option("#id_category", label="卫生")
    customer.fill("#id_title", "洗手间没有纸巾")
    customer.fill("#id_description", "下午三点去的，两个隔间都没有纸巾。")
    customer.click("label[for=id_rating_1]")
    customer.fill("#id_customer_phone", "13800000000")
    page_width = customer.evaluate("document.documentElement.scrollWidth")
    screenshot(customer, "service-feedback-phone")
    customer.click("#feedback-submit")

    # then: a thank-you page with the ticket number and the tracking link, no wider than the phone
    number = customer.locator("#ticket-number").inner_text()
    tracking_url = customer.locator("#tracking-link").get_attribute("href")
    assert page_width <= PHONE["width"]
    assert number.startswith("T")
    assert "/service/r/" in tracking_url
    screenshot(customer, "service-feedback-thanks")

    # when: the store manager opens the ticket from the list, resolves it with a resolution, then closes it
    sign_in(manager, "manager_sh010", PASSWORD)
    manager.goto("/service/tickets/")
    manager.click(f"#object-table a:has-text('{number}')")
    manager.wait_for_load_state("networkidle")
    assert "洗手间没有纸巾" in manager.locator("main").inner_text()
    manager.select_option("#ticket-status-form select[name=status]", "resolved")
    manager.fill("#ticket-status-form textarea[name=resolution]", "已补充纸巾并加派巡查。")
    manager.click("#ticket-status-form button[type=submit]")
    manager.wait_for_load_state("networkidle")
    manager.select_option("#ticket-status-form select[name=status]", "closed")
    manager.click("#ticket-status-form button[type=submit]")
    manager.wait_for_load_state("networkidle")

    # then: closing shows the customer's rating link once
    assert manager.locator("#csat-link").count() == 1

    # when: the customer opens the tracking link and rates 4
    customer.goto(tracking_url)
    assert customer.locator("#ticket-status").inner_text() == "已关闭"
    assert customer.locator("#ticket-resolution").inner_text() == "已补充纸巾并加派巡查。"
    customer.click("label[for=id_score_3]")
    customer.fill("#id_comment", "处理及时")
    customer.click("#csat-submit")
    customer.wait_for_load_state("networkidle")

    # then: the customer sees the rating recorded, and the manager sees it on the ticket page
    assert "4/5" in customer.locator("#csat-done").inner_text()
    screenshot(customer, "service-csat-phone")
    manager.reload()
    assert "4/5" in manager.locator("#csat-score").inner_text()
    assert "处理及时" in manager.locator("#csat-score").inner_text()
    phone.close()
