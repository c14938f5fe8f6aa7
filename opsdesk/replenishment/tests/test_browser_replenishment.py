"""Browser test: a supervisor opens the replenishment page, edits a quantity (htmx), selects and approves lines,
and lands on the draft purchase orders; a refused quantity shows its message in the row."""

import pytest

from opsdesk.core.models import User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.purchasing.models import PurchaseOrderLine
from opsdesk.replenishment import services
from opsdesk.replenishment.models import Proposal
from opsdesk.replenishment.tests.factories import make_world

PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def planned_world(transactional_db):
    world = make_world(code="BR")
    run = services.plan_run_request(actor=None, company=world.company, enqueue=False)
    services.plan_run_execute(run.pk)
    supervisor = User.objects.create_user("supervisor_br", password=PASSWORD, role="supervisor",
                                          company=world.company, language="zh-hans")
    supervisor.scope_stores.set(world.stores)
    return world


@pytest.mark.browser
def test_supervisor_edits_and_approves_in_the_browser(planned_world, browser_context):  # noqa: F811
    # given
    fast = Proposal.objects.get(store=planned_world.stores[0], product__sku="BR-P-FAST")
    mid = Proposal.objects.get(store=planned_world.stores[0], product__sku="BR-P-MID")
    page = browser_context.new_page()
    sign_in(page, "supervisor_br", PASSWORD)
    page.goto(f"/replenishment/?store={planned_world.stores[0].pk}")
    # when: a refused quantity, then an accepted one
    quantity = page.locator(f"#proposal-{fast.pk} input[name=quantity]")
    quantity.fill("100")
    quantity.press("Enter")
    page.wait_for_selector(f"#proposal-{fast.pk} .invalid-feedback")
    page.locator(f"#proposal-{fast.pk} input[name=quantity]").fill("120")
    page.locator(f"#proposal-{fast.pk} input[name=quantity]").press("Enter")
    page.wait_for_selector(f"#proposal-{fast.pk}:not(:has(.invalid-feedback))")
    page.wait_for_function(f"() => !document.querySelector('#proposal-{fast.pk} .is-invalid')")
    screenshot(page, "replenishment-list")
    page.locator(f"#proposal-{fast.pk} input[name=ids]").check()
    page.locator(f"#proposal-{mid.pk} input[name=ids]").check()
    page.click("#approve-selected")
    page.wait_for_load_state("networkidle")
    # then
    assert "/purchasing/orders/" in page.url
    lines = sorted((line.product.sku, int(line.quantity))
                   for line in PurchaseOrderLine.objects.select_related("product"))
    assert lines == [("BR-P-FAST", 120), ("BR-P-MID", 36)]
    assert page.locator("#object-table tbody tr").count() == 1
