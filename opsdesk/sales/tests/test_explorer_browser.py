"""Browser test of the sales explorer: a store manager queries by category against last year, sees the charts drawn
and only their store, drills into the category, saves the view and reopens it, and downloads the XLSX export."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.sales import explorer
from opsdesk.sales.models import SavedExplorerView, SkuDaySales

PASSWORD = "browser-test-pass-2026"
DAY = date(2026, 3, 2)


@pytest.fixture
def shop(transactional_db):
    explorer.cache_clear()
    company = Company.objects.create(code="EXB", name="分析浏览器测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    mine = Store.objects.create(company=company, region=region, code="A1", name="甲店", city="上海")
    other = Store.objects.create(company=company, region=region, code="B1", name="乙店", city="上海")
    food = ProductCategory.objects.create(company=company, code="F", name="食品")
    drinks = ProductCategory.objects.create(company=company, code="D", name="饮料")
    milk = Product.objects.create(company=company, sku="M1", name="牛奶", category=food, cost=2, price=5)
    tea = Product.objects.create(company=company, sku="T1", name="绿茶", category=drinks, cost=1, price=3)
    for store, units in ((mine, 3), (other, 7)):
        for offset in range(7):
            day = DAY + timedelta(days=offset)
            for product, price in ((milk, 5), (tea, 3)):
                SkuDaySales.objects.create(store=store, product=product, date=day, quantity=units,
                                           revenue=units * price, cost=units * price / 2)
                SkuDaySales.objects.create(store=store, product=product, date=day - timedelta(days=364),
                                           quantity=units, revenue=units * price / 2, cost=units * price / 4)
    user = User.objects.create_user("explorer_sm", password=PASSWORD, role="store_manager", company=company,
                                    language="zh-hans")
    user.scope_stores.set([mine])
    yield user
    explorer.cache_clear()


@pytest.mark.browser
def test_store_manager_explores_saves_a_view_and_exports(shop, browser_context):  # noqa: F811
    page = browser_context.new_page()
    sign_in(page, "explorer_sm", PASSWORD)
    page.goto("/sales/explore/?start=2026-03-02&end=2026-03-08&measure=revenue&measure=units"
              "&dimension=category&compare=last_year")
    page.wait_for_selector("[data-chart] .main-svg")
    rows = page.locator("#explorer-table tbody tr")
    assert rows.count() == 2
    table = page.inner_text("#explorer-table")
    # 7 days x 3 units x 5 = 105 of milk in store A1, 52.50 last year; store B1's 7 units a day never counted
    assert "¥105.00" in table
    assert "¥52.50" in table
    assert "245.00" not in table
    screenshot(page, "sales-explorer-zh-hans")
    # drill into 食品: the rows become its products
    page.click("#explorer-table a:text('食品')")
    page.wait_for_selector("#explorer-table tbody tr")
    assert "牛奶" in page.inner_text("#explorer-table")
    assert "绿茶" not in page.inner_text("#explorer-table")
    # save the view, reopen it from the list
    page.fill("input[name=name]", "食品周报")
    page.click("text=保存视图")
    page.wait_for_selector("a:text('食品周报')")
    saved = SavedExplorerView.objects.get(name="食品周报")
    assert saved.user == shop
    page.goto(f"/sales/explore/?view={saved.pk}")
    page.wait_for_selector("#explorer-table tbody tr")
    assert "牛奶" in page.inner_text("#explorer-table")
    # the XLSX export holds the same rows
    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = load_workbook(BytesIO(open(download.value.path(), "rb").read())).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "M1 牛奶" in values
    assert "乙店" not in values
