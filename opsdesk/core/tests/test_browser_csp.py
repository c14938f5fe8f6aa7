"""Browser test: the main pages run under the Content-Security-Policy without a single violation (charts,
searchable selects, htmx filters, the API docs)."""

import pytest

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, sign_in  # noqa: F401

PASSWORD = "browser-csp-pass-2026"
PAGES = ["/", "/stores/", "/stores/add/", "/service/tickets/", "/service/tickets/add/", "/service/analysis/",
         "/storeops/maintenance/", "/api/v1/docs"]


@pytest.fixture
def coo(transactional_db):
    company = Company.objects.create(code="CSP", name="策略测试连锁")
    region = Region.objects.create(company=company, code="E", name="华东区")
    Store.objects.create(company=company, region=region, code="SH001", name="上海徐汇店", city="上海")
    user = User.objects.create_user("coo_csp", password=PASSWORD, role="coo", company=company,
                                    has_company_scope=True, language="zh-hans")
    return user


@pytest.mark.browser
def test_main_pages_raise_no_policy_violation(coo, browser_context):  # noqa: F811
    # given
    page = browser_context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    sign_in(page, "coo_csp", PASSWORD)
    # when
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/stores/")
    page.fill("input[name=q]", "上海")
    page.wait_for_load_state("networkidle")
    # then
    assert problems == []
    assert page.locator("#result-count").count() == 1
