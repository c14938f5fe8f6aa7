"""The plan on small generated data: golden values against hand computation, reasons, health and rollups."""

from datetime import date
from decimal import Decimal

import pytest

from opsdesk.inventory.models import GoodsReceipt
from opsdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine
from opsdesk.replenishment import selectors, services
from opsdesk.replenishment.models import PlanRun, Proposal
from opsdesk.replenishment.tests.factories import ORIGIN, make_world

pytestmark = pytest.mark.django_db
Z_98 = 2.053749  # Phi^-1(0.98), class A
Z_90 = 1.281552  # Phi^-1(0.90), class C


def _plan(company) -> PlanRun:
    run = services.plan_run_request(actor=None, company=company, enqueue=False)
    return services.plan_run_execute(run.pk)


def _by_sku(run: PlanRun, store) -> dict[str, Proposal]:
    return {p.product.sku.split("-", 1)[1]: p for p in Proposal.objects.filter(run=run, store=store)
            .select_related("product")}


def test_plan_matches_hand_computation_for_a_fast_seller():
    # given: 10 units/day forecast, sigma 3, on hand 12, lead time 3 days, review 7 days, pack 6, class A
    world = make_world()
    # when
    run = _plan(world.company)
    fast = _by_sku(run, world.stores[0])["P-FAST"]
    # then: SS = z * sqrt((L + 1) * sigma^2) (daily planner), ROP = D(L + 1) + SS, S = D(L + R) + SS
    safety = Z_98 * (4 * 9) ** 0.5
    assert fast.abc_class == "A"
    assert fast.safety_stock == pytest.approx(safety, abs=1e-3)
    assert fast.reorder_point == pytest.approx(40 + safety, abs=1e-3)
    assert fast.order_up_to == pytest.approx(100 + safety, abs=1e-3)
    # need 112.32 - 12 = 100.32 -> 17 packs of 6
    assert (fast.proposed_quantity, fast.quantity) == (102, 102)
    assert fast.reason == "below_reorder_point"
    assert fast.urgency == pytest.approx(12 / 10 - 3, abs=1e-3)
    assert fast.expected_date == date(2026, 11, 4)
    assert fast.is_at_risk is True


def test_plan_reasons_and_health_flags():
    # given
    world = make_world()
    # when
    run = _plan(world.company)
    items = _by_sku(run, world.stores[1])
    # then
    assert {sku: (p.reason, p.quantity) for sku, p in items.items()} == {
        "P-FAST": ("below_reorder_point", 102),
        "P-MID": ("below_reorder_point", 36),
        "P-SLOW": ("covered", 0),
        "P-DEAD": ("covered", 0),
        "P-NOSUP": ("below_reorder_point", 59),
    }
    slow, dead = items["P-SLOW"], items["P-DEAD"]
    assert slow.safety_stock == pytest.approx(Z_90 * (8 * 0.25) ** 0.5, abs=1e-3)  # L = 7 days + 1
    assert slow.overstock_value == pytest.approx((200 - 0.5 * 90) * 5.0, abs=1e-6)
    assert (dead.is_dead, dead.dead_value, dead.urgency) == (True, 250.0, 9999.0)
    assert run.pair_count == 10
    assert run.order_count == 6
    assert (run.status, run.progress) == ("done", 100)


def test_plan_summary_rolls_up_per_store_and_supplier():
    # given
    world = make_world()
    # when
    run = _plan(world.company)
    # then
    store = run.summary["stores"][str(world.stores[0].pk)]
    assert (store["pairs"], store["order_lines"], store["at_risk"], store["dead_pairs"]) == (5, 3, 3, 1)
    assert store["stock_value"] == (12 + 20 + 200 + 50 + 0) * 5.0
    assert store["order_value"] == (102 + 36 + 59) * 5.0
    supplier = run.summary["suppliers"][str(world.suppliers[0].pk)]
    assert supplier == {str(s.pk): [2, 138.0, 690.0] for s in world.stores}
    assert sum(store["cover_histogram"]) == 5


def test_open_purchase_orders_count_as_on_order_and_observed_lead_times_replace_the_stated_one():
    # given: a sent order of 60 units of P-FAST in store 0, and 3 receipts of earlier orders taking 5, 6, 7 days
    world = make_world()
    store, fast, supplier = world.stores[0], world.products[0], world.suppliers[0]
    order = PurchaseOrder.objects.create(company=world.company, order_number="PO-OPEN", supplier=supplier, store=store,
                                         status="sent", order_date=ORIGIN, expected_date=ORIGIN)
    PurchaseOrderLine.objects.create(purchase_order=order, product=fast, quantity=Decimal(60))
    for i, days in enumerate((5, 6, 7)):
        old = PurchaseOrder.objects.create(company=world.company, order_number=f"PO-OLD{i}", supplier=supplier,
                                           store=store, status="received", order_date=date(2026, 9, 1 + i),
                                           expected_date=date(2026, 9, 4 + i))
        GoodsReceipt.objects.create(store=store, product=fast, supplier=supplier, quantity=6,
                                    reference=old.order_number, date=date(2026, 9, 1 + i + days))
    # when
    run = _plan(world.company)
    fast_proposal = _by_sku(run, store)["P-FAST"]
    other_store = _by_sku(run, world.stores[1])["P-FAST"]
    # then
    assert (fast_proposal.on_order, fast_proposal.position) == (60.0, 72.0)
    assert (fast_proposal.lead_time_mean, fast_proposal.lead_time_std) == (6.0, 1.0)
    assert (other_store.lead_time_mean, other_store.lead_time_std) == (3.0, 0.0)
    assert fast_proposal.stock_age_days == pytest.approx((date(2026, 11, 1) - date(2026, 9, 10)).days)


def test_a_finished_run_is_not_recomputed_and_old_runs_are_pruned():
    # given
    world = make_world()
    first = _plan(world.company)
    # when
    again = services.plan_run_execute(first.pk)
    second, third = _plan(world.company), _plan(world.company)
    # then
    assert again.pk == first.pk
    assert Proposal.objects.filter(run=first).count() == 0
    assert Proposal.objects.filter(run=second).count() == 10
    assert Proposal.objects.filter(run=third).count() == 10


def test_plan_without_forecast_still_reports_stock_health():
    # given: the world's forecast run is gone
    world = make_world()
    world.forecast_run.delete()
    # when
    run = _plan(world.company)
    # then
    assert run.status == "done"
    assert run.forecast_run_id is None
    assert run.pair_count == 10
    assert run.plan_date == date(2026, 11, 1)
    assert Proposal.objects.filter(run=run, quantity__gt=0).count() == 0


def test_progress_is_reported_to_the_listener():
    # given
    world = make_world()
    run = services.plan_run_request(actor=None, company=world.company, enqueue=False)
    seen = []
    # when
    services.plan_run_execute(run.pk, on_progress=lambda percent, stage: seen.append(percent))
    # then
    assert seen == [5, 25, 40, 55, 70]


def test_the_nightly_job_is_registered_after_the_forecast():
    # given
    from opsdesk.core import scheduler

    # when
    jobs = scheduler.jobs()
    # then
    assert (jobs["replenishment_nightly"].hour, jobs["replenishment_nightly"].minute) == (3, 0)
    assert jobs["forecast_nightly"].hour < jobs["replenishment_nightly"].hour


def test_extract_reads_latest_snapshot_per_pair():
    # given: a newer snapshot of P-FAST in store 0
    from opsdesk.inventory.models import StockSnapshot

    world = make_world()
    StockSnapshot.objects.create(store=world.stores[0], product=world.products[0], date=date(2026, 11, 1), on_hand=40,
                                 unit_cost=Decimal("5.00"))
    # when
    extract = selectors.plan_extract(world.company)
    # then
    on_hand = dict(zip(zip(extract.store_ids.tolist(), extract.product_ids.tolist(), strict=True),
                       extract.on_hand.tolist(), strict=True))
    assert on_hand[(world.stores[0].pk, world.products[0].pk)] == 40.0
    assert on_hand[(world.stores[1].pk, world.products[0].pk)] == 12.0


def test_extract_sigma_is_the_validation_rmse_else_the_band():
    # given: the fixture's run (validation RMSE = each item's sigma); P-MID in store 0 loses its RMSE, so its sigma
    # comes from the stored 10%-90% band, 4 -+ 1.28 x 2 (width 5.12 every day)
    from opsdesk.forecasting.models import ForecastSeries

    world = make_world()
    ForecastSeries.objects.filter(run=world.forecast_run, store=world.stores[0], product=world.products[1]).update(
        validation_rmse=None)
    # when
    extract = selectors.plan_extract(world.company)
    # then: the same sigmas as before the conversion moved to the engine (plan_forecast)
    sigma = {(store, product): value for store, product, value in zip(
        extract.store_ids.tolist(), extract.product_ids.tolist(), extract.forecast_sigma.tolist(), strict=True)}
    store_0, store_1 = (store.pk for store in world.stores)
    fast, mid, slow, dead, no_supplier = (product.pk for product in world.products)
    assert sigma[(store_0, mid)] == pytest.approx(5.12 / (2 * 1.2816), abs=1e-9)
    assert [sigma[(store_1, product)] for product in (fast, mid, slow, dead, no_supplier)] == [3.0, 2.0, 0.5, 0.0, 2.0]
    assert extract.forecast_mean[extract.product_ids == fast].tolist() == [[10.0] * 28, [10.0] * 28]


def test_extract_sigma_is_the_week_error_where_the_run_measured_one():
    # given: the fixture's run; P-FAST in store 1 also has a week error (its errors persisted over the week)
    from opsdesk.forecasting.models import ForecastSeries

    world = make_world()
    ForecastSeries.objects.filter(run=world.forecast_run, store=world.stores[1], product=world.products[0]).update(
        week_error=4.75)
    # when
    extract = selectors.plan_extract(world.company)
    # then: that pair plans with it; the others keep their validation RMSE
    sigma = {(store, product): value for store, product, value in zip(
        extract.store_ids.tolist(), extract.product_ids.tolist(), extract.forecast_sigma.tolist(), strict=True)}
    fast, mid = world.products[0].pk, world.products[1].pk
    assert sigma[(world.stores[1].pk, fast)] == 4.75
    assert sigma[(world.stores[0].pk, fast)] == 3.0
    assert sigma[(world.stores[1].pk, mid)] == 2.0
