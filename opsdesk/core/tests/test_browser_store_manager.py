"""Browser test: a store manager signs in, sees only their store, switches language and exports the list."""

import csv
import io

import pytest

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401

PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def two_store_company(transactional_db):
    company = Company.objects.create(code="BT", name="浏览器测试连锁")
    east = Region.objects.create(company=company, code="E", name="华东区")
    south = Region.objects.create(company=company, code="S", name="华南区")
    mine = Store.objects.create(company=company, region=east, code="SH001", name="上海徐汇店", city="上海")
    Store.objects.create(company=company, region=east, code="SH002", name="上海浦东店", city="上海")
    Store.objects.create(company=company, region=south, code="GZ001", name="广州天河店", city="广州")
    manager = User.objects.create_user(
        "manager_sh001", password=PASSWORD, role="store_manager", company=company, language="zh-hans"
    )
    manager.scope_stores.set([mine])
    return mine


@pytest.mark.browser
def test_store_manager_sees_only_own_store_switches_language_and_exports(two_store_company, browser_context):  # noqa: F811
    # given
    page = browser_context.new_page()
    sign_in(page, "manager_sh001", PASSWORD)

    # when
    page.goto("/stores/")

    # then: exactly one row, the manager's own store, and the badge says one store
    rows = page.locator("#object-table tbody tr")
    assert rows.count() == 1
    assert "SH001" in rows.first.inner_text()
    assert "SH002" not in page.content()
    assert "GZ001" not in page.content()
    assert "1 家门店" in page.locator("#scope-badge").inner_text()
    screenshot(page, "store-list-zh")

    # when: the manager switches the interface to English
    page.select_option("#language-form select", "en")
    page.wait_for_load_state("networkidle")

    # then
    assert page.evaluate("document.documentElement.lang") == "en"
    assert "1 store" in page.locator("#scope-badge").inner_text()
    assert page.locator("h1").first.inner_text() == "Stores"
    screenshot(page, "store-list-en")

    # when: the store list is exported as CSV
    with page.expect_download() as download_info:
        page.click("#export-csv")
    content = download_info.value.path().read_text(encoding="utf-8-sig")

    # then: the export holds the same single store
    exported = list(csv.reader(io.StringIO(content)))
    assert len(exported) == 2
    assert exported[1][0] == "SH001"
