"""Browser test: a supervisor approves a replenishment proposal, sends the draft order, the supplier confirms a
date in its portal, and the store manager receives the goods: the order ends received and stock follows."""

from decimal import Decimal

import pytest
from django.utils import timezone

from opsdesk.core.models import User
from opsdesk.core.testing.browser import browser_context, screenshot, sign_in  # noqa: F401
from opsdesk.inventory.models import GoodsReceipt, StockSnapshot
from opsdesk.purchasing.models import PurchaseOrder
from opsdesk.replenishment import services as replenishment
from opsdesk.replenishment.models import Proposal
from opsdesk.replenishment.tests.factories import make_world

PASSWORD = "browser-test-pass-2026"


@pytest.fixture
def planned_world(transactional_db):
    world = make_world(code="PB")
    run = replenishment.plan_run_request(actor=None, company=world.company, enqueue=False)
    replenishment.plan_run_execute(run.pk)
    supervisor = User.objects.create_user("supervisor_pb", password=PASSWORD, role="supervisor",
                                          company=world.company, language="zh-hans")
    supervisor.scope_stores.set(world.stores)
    manager = User.objects.create_user("manager_pb", password=PASSWORD, role="store_manager",
                                       company=world.company, language="zh-hans")
    manager.scope_stores.set([world.stores[0]])
    User.objects.create_user("supplier_pb", password=PASSWORD, role="supplier", company=world.company,
                             language="zh-hans", supplier=world.suppliers[0])
    return world


@pytest.mark.browser
def test_from_approved_proposal_to_received_order(planned_world, browser_context):  # noqa: F811
    # given
    store = planned_world.stores[0]
    fast = Proposal.objects.get(store=store, product__sku="PB-P-FAST")
    page = browser_context.new_page()
    sign_in(page, "supervisor_pb", PASSWORD)
    page.goto(f"/replenishment/?store={store.pk}")
    page.locator(f"#proposal-{fast.pk} input[name=ids]").check()
    page.click("#approve-selected")
    page.wait_for_load_state("networkidle")
    order = PurchaseOrder.objects.get(store=store, supplier=planned_world.suppliers[0])
    quantity = order.lines.get().quantity
    # when: the supervisor sends it
    page.goto(order.get_absolute_url())
    page.click("#order-send")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    # the supplier confirms a date
    sign_in(page, "supplier_pb", PASSWORD)
    page.goto(f"/purchasing/portal/orders/{order.pk}/")
    page.fill("#promised_date", timezone.localdate().isoformat())
    page.click("#order-confirm")
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    # the store manager receives everything
    sign_in(page, "manager_pb", PASSWORD)
    page.goto(order.get_absolute_url())
    page.locator(".receive-form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "purchase-order-received")
    # then
    order.refresh_from_db()
    line = order.lines.get()
    assert order.status == "received"
    assert order.promised_date == timezone.localdate()
    assert line.received_quantity == quantity
    fact = GoodsReceipt.objects.get(reference=order.order_number)
    assert fact.quantity == quantity
    snapshot = StockSnapshot.objects.get(store=store, product=line.product, date=timezone.localdate())
    assert snapshot.on_hand == Decimal(12) + quantity
