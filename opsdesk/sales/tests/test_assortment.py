"""Assortment review through the app: delist and extend proposals, the workflow, and replenishment skipping
delisted items; product launches against the analogue forecast and the launches KPI."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.extensions import KpiScope
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.inventory.models import StockSnapshot
from opsdesk.replenishment import selectors as replenishment
from opsdesk.sales import assortment, launches
from opsdesk.sales.models import AssortmentProposal, ProductLaunch, SkuDaySales, StoreProductStatus

pytestmark = pytest.mark.django_db
END = date(2026, 6, 30)


@pytest.fixture
def chain():
    company = Company.objects.create(code="AS", name="品项测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    stores = [Store.objects.create(company=company, region=region, code=f"S{i}", name=f"店{i}", city="上海",
                                   format="supermarket", floor_area=800) for i in range(3)]
    food = ProductCategory.objects.create(company=company, code="F", name="食品")
    items = {name: Product.objects.create(company=company, sku=name, name=name, category=food, cost=5, price=10)
             for name in ("star", "steady", "dead", "new")}
    rows = []
    for offset in range(91):
        day = END - timedelta(days=offset)
        for store in stores:
            rows.append(SkuDaySales(store=store, product=items["star"], date=day, quantity=20, revenue=200, cost=100))
            rows.append(SkuDaySales(store=store, product=items["steady"], date=day, quantity=5, revenue=50, cost=25))
            if store != stores[0]:  # "new" sells well in the two peers only
                rows.append(SkuDaySales(store=store, product=items["new"], date=day, quantity=30, revenue=300,
                                        cost=150))
    # "dead": one sale 80 days ago in store 0, stock on hand since
    rows.append(SkuDaySales(store=stores[0], product=items["dead"], date=END - timedelta(days=80), quantity=1,
                            revenue=10, cost=5))
    SkuDaySales.objects.bulk_create(rows)
    StockSnapshot.objects.create(store=stores[0], product=items["dead"], date=END, on_hand=12, unit_cost=5)
    StockSnapshot.objects.create(store=stores[0], product=items["star"], date=END, on_hand=40, unit_cost=5)
    return company, stores, items


def test_review_proposes_to_substitute_the_dead_item_with_what_peers_sell(chain):
    company, stores, items = chain
    # when
    created = assortment.assortment_review_run(company.pk)
    # then: the dead C/Z item with stock is swapped for "new" (sold A by both peers), nothing else
    proposals = list(AssortmentProposal.objects.values_list("store__code", "product__sku", "kind",
                                                            "replacement__sku"))
    assert created == 1
    assert proposals == [("S0", "dead", "substitute", "new")]
    figures = AssortmentProposal.objects.get().figures
    assert (figures["abc_revenue"], figures["xyz"], figures["days_since_sale"], figures["stock_value"]) == (
        "C", "Z", 80.0, 60.0)


def test_workflow_sets_the_status_and_replenishment_skips_the_delisted_item(chain):
    company, stores, items = chain
    assortment.assortment_review_run(company.pk)
    proposal = AssortmentProposal.objects.get()
    supervisor = User.objects.create_user("sup-as", password="x-password-123", role="supervisor", company=company,
                                          has_company_scope=True)
    key = stores[0].pk * replenishment.KEY + items["dead"].pk
    before = replenishment.plan_extract(company)
    assert key in set((before.store_ids * replenishment.KEY + before.product_ids).tolist())
    # when: done before approval is refused; approve, then done
    with pytest.raises(ValidationError):
        assortment.assortment_proposal_decide(actor=supervisor, proposal=proposal, action="done")
    assortment.assortment_proposal_decide(actor=supervisor, proposal=proposal, action="approve")
    assortment.assortment_proposal_decide(actor=supervisor, proposal=proposal, action="done")
    # then
    statuses = set(StoreProductStatus.objects.values_list("product__sku", "status"))
    assert statuses == {("dead", "delisted"), ("new", "listed")}
    after = replenishment.plan_extract(company)
    assert key not in set((after.store_ids * replenishment.KEY + after.product_ids).tolist())
    # a new review does not propose the delisted item again
    assert assortment.assortment_review_run(company.pk) == 0


def test_store_manager_cannot_decide(client, chain):
    company, stores, _items = chain
    assortment.assortment_review_run(company.pk)
    proposal = AssortmentProposal.objects.get()
    manager = User.objects.create_user("sm-as", password="x-password-123", role="store_manager", company=company)
    manager.scope_stores.set([stores[0]])
    client.force_login(manager)
    assert client.get(proposal.get_absolute_url()).status_code == 200
    assert client.post(f"/sales/assortment/{proposal.pk}/decide/", {"action": "approve"}).status_code == 404
    assert AssortmentProposal.objects.get().state == "proposed"


def test_launch_compares_first_weeks_with_the_analogue_forecast_and_counts_in_the_kpi(chain):
    company, stores, items = chain
    launch = ProductLaunch.objects.create(company=company, product=items["dead"], launch_date=END - timedelta(days=13),
                                          weeks=2, target_units=100)
    launch.stores.set([stores[1]])
    coo = User.objects.create_user("coo-as", password="x-password-123", role="coo", company=company,
                                   has_company_scope=True)
    # when
    progress = launches.launch_progress(user=coo, launch=launch)
    # then: analogues of the category in store 1 sell 20, 5 and 30 a day: 55 / 3 per day over 14 days
    assert progress["analogues"] == 3
    assert progress["expected"] == pytest.approx(14 * 55 / 3)
    assert progress["actual"] == 0.0
    assert progress["below_plan"] is True
    assert launches.launched_products(KpiScope(company.pk), (END - timedelta(days=30), END)) == 1.0
    assert launches.launched_products(KpiScope(company.pk, (stores[0].pk,)), (END - timedelta(days=30), END)) == 0.0


def test_the_inbox_reads_launch_progress_from_a_cache_per_launch_and_stores(chain):
    company, stores, items = chain
    launch = ProductLaunch.objects.create(company=company, product=items["dead"], launch_date=END - timedelta(days=13),
                                          weeks=2, target_units=100)
    coo = User.objects.create_user("coo-pc", password="x-password-123", role="coo", company=company,
                                   has_company_scope=True)
    manager = User.objects.create_user("sm-pc", password="x-password-123", role="store_manager", company=company)
    manager.scope_stores.set([stores[0]])
    first = launches.launch_progress_cached(user=coo, launch=launch)
    assert first == launches.launch_progress(user=coo, launch=launch)
    # when the new product sells 50 more the same day
    SkuDaySales.objects.create(store=stores[1], product=items["dead"], date=END, quantity=50, revenue=50, cost=25)
    # then the cached figure stays for the same launch and stores (for ten minutes), the uncached one moves
    assert launches.launch_progress_cached(user=coo, launch=launch) == first
    assert launches.launch_progress(user=coo, launch=launch)["actual"] == first["actual"] + 50
    # and another user's stores are another entry: the manager's one store, not the COO's figures
    mine = launches.launch_progress_cached(user=manager, launch=launch)
    assert mine == launches.launch_progress(user=manager, launch=launch)
    assert mine["stores"] == 1
    assert first["stores"] == len(stores)
