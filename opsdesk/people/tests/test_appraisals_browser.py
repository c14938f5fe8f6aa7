"""Browser test: the staff member self-reviews on their appraisal page, the store manager reviews, the COO
calibrates on the calibration page, both sign, and the appraisal is done (Debian's Chromium, headless)."""

from __future__ import annotations

import pytest

from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.core.testing.factories import build_small_company
from opsdesk.people.models import Employee
from opsdesk.people.models.appraisals import Appraisal
from opsdesk.people.services import appraisals as services
from opsdesk.people.tests.routes_appraisals import make_cycle, make_template

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def appraisal(transactional_db):
    company = build_small_company()
    for name in ("staff", "manager", "coo"):
        company[name].set_password(PASSWORD)
        company[name].save(update_fields=["password"])
    make_template(company["company"], name="门店员工模板")
    employee = Employee.objects.create(company=company["company"], store=company["a1"], user=company["staff"],
                                       employee_no="E1", name="李小红")
    cycle = make_cycle(company["company"], status="draft")
    services.cycle_transition(actor=company["coo"], cycle=cycle, status="open")
    return Appraisal.objects.get(cycle=cycle, employee=employee)


def _rate_all(page, form: str, value: str) -> None:
    for select in page.locator(f"{form} select[name^=rating_]").all():
        select.select_option(value)


def _page_of(browser_context, live_server, username: str):  # noqa: F811
    """A page in a browser context of its own (its own cookies), signed in as `username`."""
    context = browser_context.browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, username, PASSWORD)
    return page


def test_self_review_manager_review_calibration_and_sign_off_in_the_browser(appraisal, browser_context,  # noqa: F811
                                                                            live_server):
    url = appraisal.get_absolute_url()
    staff = _page_of(browser_context, live_server, "staff")
    # the employee rates themself and submits
    staff.goto(url)
    _rate_all(staff, "#self-review-form", "4")
    staff.fill("#self-review-form textarea[name=summary]", "本季度完成新员工带教")
    staff.click("#submit-review")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("td", has_text="待上级评价").count() + staff.locator("dd", has_text="待上级评价").count() == 1
    # the store manager reviews
    manager = _page_of(browser_context, live_server, "manager")
    manager.goto(url)
    _rate_all(manager, "#manager-review-form", "5")
    manager.click("#submit-review")
    manager.wait_for_load_state("networkidle")
    assert manager.locator("#proposed-rating").inner_text() == "5"
    # the COO lowers the rating on the calibration page, with a note
    coo = _page_of(browser_context, live_server, "coo")
    coo.goto(f"/people/appraisals/calibration/?cycle={appraisal.cycle_id}")
    row = coo.locator(f"#row-{appraisal.pk}")
    row.locator("select[name=final_rating]").select_option("4")
    row.locator("input[name=calibration_note]").fill("区域强制分布")
    row.locator("button").click()
    coo.wait_for_load_state("networkidle")
    screenshot(coo, "appraisal-calibration")
    # both sign
    for page in (staff, manager):
        page.goto(url)
        page.click("#sign-form button")
        page.wait_for_load_state("networkidle")
    appraisal.refresh_from_db()
    assert (appraisal.status, appraisal.proposed_rating, appraisal.final_rating) == ("done", 5, 4)
    assert appraisal.calibration_note == "区域强制分布"
    screenshot(staff, "appraisal-done")
