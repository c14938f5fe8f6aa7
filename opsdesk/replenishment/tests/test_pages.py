"""Pages: the replenishment list (filters, keyset pages), a proposal's reasoning, runs, health, purchase orders."""

import pytest
from django.urls import reverse

from opsdesk.replenishment import selectors, services
from opsdesk.replenishment.models import PlanRun, Proposal
from opsdesk.replenishment.tests.factories import make_proposal, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(org):
    """The small world planned for stores a1 and b1 of the shared company."""
    world = make_world(company=org.company, stores=[org.stores["a1"], org.stores["b1"]], code="PG")
    run = services.plan_run_request(actor=None, company=org.company, enqueue=False)
    return world, services.plan_run_execute(run.pk)


def test_list_shows_lines_to_order_most_urgent_first(org, login, planned):
    # given
    _world, run = planned
    client = login(org.users["coo"])
    # when
    response = client.get(reverse("replenishment:proposal_list"), {"store": org.stores["a1"].pk})
    # then: three lines to order in a1, by urgency: NOSUP (-3), FAST (-1.8), MID (2)
    rows = response.context["page"].rows
    assert [row["product__sku"] for row in rows] == ["PG-P-NOSUP", "PG-P-FAST", "PG-P-MID"]
    assert response.context["page"].count == 3
    assert "PG-P-SLOW" not in response.content.decode()


def test_filters_reason_all_supplier_and_urgency(org, login, planned):
    # given
    world, _run = planned
    client = login(org.users["coo"])
    url = reverse("replenishment:proposal_list")
    # when
    everything = client.get(url, {"reason": "all"}).context["page"]
    by_supplier = client.get(url, {"reason": "all", "supplier": world.suppliers[1].pk}).context["page"]
    late = client.get(url, {"urgency": "late"}).context["page"]
    descending = client.get(url, {"reason": "all", "sort": "-urgency"}).context["page"]
    # then
    assert everything.count == 10
    assert {row["product__sku"] for row in by_supplier.rows} == {"PG-P-SLOW", "PG-P-DEAD"}
    assert {row["product__sku"] for row in late.rows} == {"PG-P-FAST", "PG-P-NOSUP"}
    assert descending.rows[0]["urgency"] == 9999.0


def test_keyset_pages_walk_every_row_once(org, login, planned):
    # given
    _world, run = planned
    filters = selectors.ProposalFilter(reason=None)
    seen, after = [], ""
    # when
    while True:
        page = selectors.proposal_page(user=org.users["coo"], run=run, filters=filters, after=after, size=3)
        seen += [row["pk"] for row in page.rows]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    # then
    expected = list(Proposal.objects.filter(run=run).order_by("urgency", "pk").values_list("pk", flat=True))
    assert seen == expected


def test_htmx_filter_answers_the_table_partial(org, login, planned):
    # given
    client = login(org.users["coo"])
    # when
    response = client.get(reverse("replenishment:proposal_list"), {"reason": "all"}, HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "replenishment/_proposal_table.html"


def test_proposal_detail_explains_and_charts(org, login, planned):
    # given
    _world, run = planned
    proposal = Proposal.objects.get(run=run, store=org.stores["a1"], product__sku="PG-P-FAST")
    client = login(org.users["store_manager"])
    # when
    response = client.get(proposal.get_absolute_url())
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert [chart_id for chart_id, _spec in response.context["charts"]] == ["demand-chart", "stock-chart"]
    demand = response.context["charts"][0][1]
    assert len(demand["data"][0]["x"]) == 91  # history
    assert len(demand["data"][3]["y"]) == 28  # forecast
    assert "112.3" in content  # the order-up-to level in the reasoning
    assert "102" in content


def test_health_pages_for_scope_and_store(org, login, planned):
    # given
    client = login(org.users["coo"])
    # when
    scope = client.get(reverse("replenishment:health"))
    store = client.get(reverse("replenishment:health_store", args=[org.stores["a1"].pk]))
    # then
    assert scope.status_code == store.status_code == 200
    assert scope.context["overview"]["totals"]["pairs"] == 10
    assert store.context["overview"]["totals"]["pairs"] == 5
    assert store.context["overview"]["totals"]["dead_value"] == 250.0
    assert [row for row, _cells in store.context["matrix"]] == ["A", "B", "C"]
    assert store.context["matrix"][0][1][1][0] == 3  # A x Y: FAST, MID, NOSUP
    assert {p.product.sku for p in store.context["risks"]} == {"PG-P-FAST", "PG-P-MID", "PG-P-NOSUP"}
    assert [p.product.sku for p in store.context["overstock"]] == ["PG-P-SLOW", "PG-P-DEAD"]
    assert [p.product.sku for p in store.context["dead"]] == ["PG-P-DEAD"]
    assert sum(store.context["charts"][0][1]["data"][0]["y"]) == 5


def test_health_of_a_region_user_sums_only_visible_stores(org, login, planned):
    # given: the regional manager of region A sees a1, not b1
    client = login(org.users["regional_manager"])
    # when
    response = client.get(reverse("replenishment:health"))
    # then
    assert response.context["overview"]["totals"]["pairs"] == 5
    assert [row["store"] for row in response.context["stores"]] == [org.stores["a1"].pk]


def test_inbox_selectors_follow_scope(org, planned):
    # given
    manager = org.users["store_manager"]
    # when
    risks = selectors.stockout_risks_for_user(manager)
    overstock = selectors.overstock_for_user(manager)
    # then
    assert {(p.store_id, p.product.sku) for p in risks} == {
        (org.stores["a1"].pk, sku) for sku in ("PG-P-FAST", "PG-P-MID", "PG-P-NOSUP")}
    assert [p.product.sku for p in overstock] == ["PG-P-SLOW", "PG-P-DEAD"]
    assert selectors.stockout_risks_for_user(org.users["admin"].__class__()) == []


def test_supplier_and_store_pages(org, login, planned):
    # given
    world, _run = planned
    client = login(org.users["supervisor"])  # stores a1 and a2
    # when
    suppliers = client.get(reverse("replenishment:supplier_list"))
    stores = client.get(reverse("replenishment:store_list"))
    # then
    assert [(row["supplier"].pk, row["lines"], row["value"]) for row in suppliers.context["rows"]] == [
        (world.suppliers[0].pk, 2, 690.0)]
    assert [row["store"] for row in stores.context["rows"]] == [org.stores["a1"].pk]


def test_run_now_and_progress(org, login):
    # given
    client = login(org.users["supervisor"])
    # when
    response = client.post(reverse("replenishment:run_create"))
    run = PlanRun.objects.get(company=org.company)
    progress = client.get(reverse("replenishment:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    # then
    assert response.status_code == 302
    assert response["Location"] == run.get_absolute_url()
    assert (run.status, run.requested_by_id) == ("queued", org.users["supervisor"].pk)
    assert progress.status_code == 200
    assert "hx-trigger=\"every 2s\"" in progress.content.decode()
    assert client.get(reverse("replenishment:run_list")).status_code == 200


def test_purchase_order_pages_show_the_draft_and_its_lines(org, login):
    # given
    proposal = make_proposal(org.stores["a1"])
    order = services.proposals_approve(actor=org.users["admin"], proposal_ids=[proposal.pk]).purchase_orders[0]
    client = login(org.users["store_manager"])
    # when
    listing = client.get(reverse("purchasing:purchase_order_list"), {"status": "draft"})
    detail = client.get(order.get_absolute_url())
    # then
    assert order.get_absolute_url() in listing.content.decode()
    assert [line.proposal_id for line in detail.context["lines"]] == [proposal.pk]
    assert login(org.users["staff"]).get(order.get_absolute_url()).status_code == 200


def test_list_page_without_a_plan_invites_to_run(org, login):
    # given: no plan yet
    client = login(org.users["coo"])
    # when
    response = client.get(reverse("replenishment:proposal_list"))
    # then
    assert response.status_code == 200
    assert reverse("replenishment:run_list") in response.content.decode()


def test_list_page_query_count_does_not_grow_with_rows(org, login, planned, django_assert_max_num_queries):
    # given: 10 proposals in scope (see `planned`); the page reads one page of rows in one query
    client = login(org.users["coo"])
    url = reverse("replenishment:proposal_list")
    client.get(url)
    # when / then: session, user, scope, run, filter choices (3), page, capped count, menu/scope badge
    with django_assert_max_num_queries(16):
        response = client.get(url, {"reason": "all"})
    assert len(response.context["page"].rows) == 10


def test_cli_plan_computes_the_plan(org, planned, capsys):
    # given
    from opsdesk.cli import main

    # when
    status = main(["plan", "--company", org.company.code])
    # then
    run = PlanRun.objects.filter(company=org.company).order_by("-pk").first()
    assert status == 0
    assert run.status == "done"
    assert f"plan #{run.pk} for 2026-11-01: 10 store x SKU pairs, 6 lines to order" in capsys.readouterr().out
