"""Browser test: a store manager writes the store's work plan (adds a measure) and submits it; the supervisor
approves it; the page shows version 1 approved and its DOCX download answers with a Word document."""

from __future__ import annotations

import re

import pytest

from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.goals.models import WorkPlan

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-pass-2026"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEASURE = "收银台高峰排班"


@pytest.fixture
def plan(transactional_db) -> WorkPlan:
    """A draft 2027 plan of one store; its store manager and their supervisor hold that store."""
    company = Company.objects.create(code="WP", name="计划测试连锁")
    region = Region.objects.create(company=company, code="E", name="华东区")
    store = Store.objects.create(company=company, region=region, code="SH040", name="上海徐汇店", city="上海")
    for username, role in (("manager_wp", "store_manager"), ("supervisor_wp", "supervisor")):
        user = User.objects.create_user(username, password=PASSWORD, role=role, company=company, language="zh-hans")
        user.scope_stores.set([store])
    return WorkPlan.objects.create(company=company, region=region, store=store, year=2027, title="2027年度门店工作计划",
                                   owner=User.objects.get(username="manager_wp"))


def test_store_plan_is_written_submitted_approved_and_downloaded(plan, browser_context):  # noqa: F811
    # given: the store manager on the plan page
    page = browser_context.new_page()
    sign_in(page, "manager_wp", PASSWORD)
    page.goto(plan.get_absolute_url())

    # when the manager adds a measure and submits the plan
    page.click("#measure-add")
    page.wait_for_selector("form.kit-edit-form")
    page.select_option("#id_area", "service")
    page.fill("#id_title", MEASURE)
    page.check("input[name=quarters][value='1']")
    page.check("input[name=quarters][value='3']")
    page.click("form.kit-edit-form button[type=submit]")
    page.wait_for_url(f"**{plan.get_absolute_url()}")
    assert MEASURE in page.inner_text("#plan-measures")
    page.click("#plan-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#plan-submit").count() == 0  # submitted: nothing more to submit until it is decided

    # and the supervisor approves it
    browser_context.clear_cookies()
    sign_in(page, "supervisor_wp", PASSWORD)
    page.goto(plan.get_absolute_url())
    page.fill("#plan-decision textarea[name=comment], #plan-decision input[name=comment]", "同意")
    page.click("#plan-approve")
    page.wait_for_load_state("networkidle")

    # then the page shows version 1 approved, the database agrees, and the DOCX link answers a Word document
    heading, *versions = page.inner_text("#plan-recent-versions").splitlines()
    stamp = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"
    assert heading == "版本"
    assert len(versions) == 1
    assert re.fullmatch(rf"v1 · 已批准 · manager_wp {stamp} · supervisor_wp {stamp} · 同意", versions[0])
    assert page.locator("#plan-decision").count() == 0
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("approved", 1)
    assert list(plan.measures.values_list("area", "title", "quarters")) == [("service", MEASURE, "1,3")]
    assert list(plan.versions.values_list("number", "status", "submitted_by__username", "decided_by__username")) == [
        (1, "approved", "manager_wp", "supervisor_wp")]
    href = page.get_attribute("#plan-download + ul a[href*='format=docx'][href*='lang=zh-hans']", "href")
    response = browser_context.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == DOCX
    assert response.body()[:2] == b"PK"  # a DOCX is a zip
    screenshot(page, "goals-work-plan-approved")
