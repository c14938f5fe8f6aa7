"""Edit and approve: plan -> edit -> approve -> draft purchase orders, quantity validation, scope and roles."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from opsdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine
from opsdesk.replenishment import services
from opsdesk.replenishment.models import Proposal
from opsdesk.replenishment.tests.factories import make_proposal, make_world

pytestmark = pytest.mark.django_db


def _plan(company):
    run = services.plan_run_request(actor=None, company=company, enqueue=False)
    return services.plan_run_execute(run.pk)


def _entries(model, action) -> int:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), action=action).count()


def test_plan_edit_approve_creates_draft_orders_with_the_approved_quantities(org, login):
    # given: a plan for stores a1 and b1 of the shared company; the supervisor edits one quantity on the page
    world = make_world(company=org.company, stores=[org.stores["a1"], org.stores["a2"]], code="E2E")
    run = _plan(org.company)
    supervisor = org.users["supervisor"]
    client = login(supervisor)
    proposals = Proposal.objects.filter(run=run, quantity__gt=0).select_related("product")
    fast_a1 = proposals.get(store=org.stores["a1"], product__sku="E2E-P-FAST")
    response = client.post(reverse("replenishment:proposal_quantity", args=[fast_a1.pk]), {"quantity": 120},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    # when: approving every line to order (the filtered scope: reason = below the reorder point)
    response = client.post(reverse("replenishment:approve"), {"scope": "filtered", "reason": "below_reorder_point"})
    # then: one draft per supplier x store x delivery day; lines equal the approved quantities
    assert response.status_code == 302
    orders = PurchaseOrder.objects.filter(company=org.company).order_by("store__code", "supplier__code")
    assert [(o.store.code, o.supplier.code, o.status, o.created_by_id) for o in orders] == [
        ("A1", "E2E-SUP1", "draft", supervisor.pk), ("A2", "E2E-SUP1", "draft", supervisor.pk)]
    lines = {(line.purchase_order.store.code, line.product.sku): line.quantity
             for line in PurchaseOrderLine.objects.select_related("purchase_order__store", "product")}
    assert lines == {("A1", "E2E-P-FAST"): Decimal(120), ("A1", "E2E-P-MID"): Decimal(36),
                     ("A2", "E2E-P-FAST"): Decimal(102), ("A2", "E2E-P-MID"): Decimal(36)}
    assert orders[0].total_value == Decimal("780.00")  # (120 + 36) x 5.00
    assert orders[0].expected_date.isoformat() == "2026-11-04"
    ordered = set(Proposal.objects.filter(run=run, status="ordered").values_list("product__sku", "store__code"))
    assert ordered == {("E2E-P-FAST", "A1"), ("E2E-P-MID", "A1"), ("E2E-P-FAST", "A2"), ("E2E-P-MID", "A2")}
    # no supplier: left open
    assert Proposal.objects.get(run=run, store=org.stores["a1"], product__sku="E2E-P-NOSUP").status == "open"
    assert _entries(PurchaseOrder, LogEntry.Action.CREATE) == 2
    assert _entries(PurchaseOrderLine, LogEntry.Action.CREATE) == 4
    assert _entries(Proposal, LogEntry.Action.UPDATE) == 5  # one quantity edit + four marked ordered
    assert len(world.products) == 5


def test_approving_twice_orders_nothing_more(org):
    # given
    proposal = make_proposal(org.stores["a1"])
    admin = org.users["admin"]
    services.proposals_approve(actor=admin, proposal_ids=[proposal.pk])
    # when
    again = services.proposals_approve(actor=admin, proposal_ids=[proposal.pk])
    # then
    assert (again.purchase_orders, again.ordered) == ([], 0)
    assert PurchaseOrderLine.objects.filter(proposal=proposal).count() == 1


def test_a_draft_from_proposals_shows_the_contract_price_in_force_before_it_is_sent(org):
    # given: the plan costs the line at 4.00, the supplier's contract says 3.80 from a month ago
    from datetime import timedelta

    from django.utils import timezone

    from opsdesk.purchasing.tests.factories import make_contract

    proposal = make_proposal(org.stores["a1"])
    today = timezone.localdate()
    make_contract(proposal.supplier, proposal.product, price="3.80", starts=today - timedelta(days=30),
                  ends=today + timedelta(days=300))
    # when
    result = services.proposals_approve(actor=org.users["admin"], proposal_ids=[proposal.pk])
    # then
    line = PurchaseOrderLine.objects.get(purchase_order=result.purchase_orders[0])
    assert (result.purchase_orders[0].status, line.unit_price, line.contract_price) == (
        "draft", Decimal("4.0000"), Decimal("3.8000"))
    assert line.has_price_deviation is True


def test_order_numbers_count_up_per_day(org):
    # given
    admin = org.users["admin"]
    first = services.proposals_approve(actor=admin, proposal_ids=[make_proposal(org.stores["a1"]).pk])
    # when
    second = services.proposals_approve(actor=admin, proposal_ids=[make_proposal(org.stores["a1"]).pk])
    # then
    number_1, number_2 = first.purchase_orders[0].order_number, second.purchase_orders[0].order_number
    assert number_1.startswith("PO")
    assert number_1.endswith("-0001")
    assert number_2 == number_1[:-4] + "0002"


@pytest.mark.parametrize(("quantity", "is_valid"), [(0, True), (6, True), (18, True), (5, False), (7, False),
                                                     (-6, False)])
def test_quantity_must_be_a_multiple_of_the_pack_and_at_least_the_moq(org, quantity, is_valid):
    # given: pack 6, MOQ 6
    proposal = make_proposal(org.stores["a1"], pack_size=6)
    manager = org.users["store_manager"]
    # when / then
    if is_valid:
        assert services.proposal_set_quantity(actor=manager, proposal=proposal, quantity=quantity).quantity == quantity
    else:
        with pytest.raises(ValidationError):
            services.proposal_set_quantity(actor=manager, proposal=proposal, quantity=quantity)
        assert Proposal.objects.get(pk=proposal.pk).quantity == 12


def test_moq_above_the_pack_is_enforced(org):
    # given: pack 6, MOQ 24
    proposal = make_proposal(org.stores["a1"], pack_size=6, min_order_qty=24, quantity=24)
    # when / then
    with pytest.raises(ValidationError, match="24"):
        services.proposal_set_quantity(actor=org.users["admin"], proposal=proposal, quantity=18)


@given(pack=st.integers(min_value=1, max_value=48), quantity=st.integers(min_value=0, max_value=2000))
def test_quantity_rule_property(pack, quantity):
    # given: a proposal with a pack and an MOQ of two packs (not saved)
    proposal = Proposal(pack_size=pack, min_order_qty=2 * pack)
    # when
    error = proposal.quantity_error(quantity)
    # then
    assert (error is None) == (quantity == 0 or (quantity % pack == 0 and quantity >= 2 * pack))


def test_an_invalid_edit_on_the_page_answers_the_row_with_the_message(org, login):
    # given
    proposal = make_proposal(org.stores["a1"], pack_size=6)
    client = login(org.users["store_manager"])
    # when
    response = client.post(reverse("replenishment:proposal_quantity", args=[proposal.pk]), {"quantity": 7},
                           HTTP_HX_REQUEST="true")
    # then: 200 so that htmx swaps the row in, with the field marked invalid
    assert response.status_code == 200
    assert "6" in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).quantity == 12


def test_an_ordered_proposal_cannot_be_edited(org):
    # given
    proposal = make_proposal(org.stores["a1"], status="ordered")
    # when / then
    with pytest.raises(ValidationError):
        services.proposal_set_quantity(actor=org.users["admin"], proposal=proposal, quantity=6)


def test_store_manager_sees_only_own_store_proposals(org, login):
    # given
    own = make_proposal(org.stores["a1"])
    other = make_proposal(org.stores["b1"])
    client = login(org.users["store_manager"])
    # when
    response = client.get(reverse("replenishment:proposal_list"))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert own.get_absolute_url() in content
    assert other.get_absolute_url() not in content
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(own.get_absolute_url()).status_code == 200


def test_out_of_scope_edit_is_404_and_changes_nothing(org, login):
    # given
    other = make_proposal(org.stores["b1"])
    client = login(org.users["store_manager"])
    # when
    response = client.post(reverse("replenishment:proposal_quantity", args=[other.pk]), {"quantity": 18})
    # then
    assert response.status_code == 404
    assert Proposal.objects.get(pk=other.pk).quantity == 12


def test_auditor_and_store_manager_may_not_approve(org, login):
    # given
    proposal = make_proposal(org.stores["a1"])
    for role in ("auditor", "store_manager", "staff"):
        client = login(org.users[role])
        # when
        response = client.post(reverse("replenishment:approve"), {"ids": [proposal.pk]})
        # then
        assert response.status_code == 403, role
    assert PurchaseOrder.objects.count() == 0
    assert Proposal.objects.get(pk=proposal.pk).status == "open"
    with pytest.raises(PermissionDenied):
        services.proposals_approve(actor=org.users["auditor"], proposal_ids=[proposal.pk])


def test_approval_ignores_proposals_outside_the_approvers_scope(org):
    # given: the regional manager of region A approves a line of store b1 (region B)
    outside = make_proposal(org.stores["b1"])
    # when
    result = services.proposals_approve(actor=org.users["regional_manager"], proposal_ids=[outside.pk])
    # then
    assert (result.purchase_orders, result.ordered) == ([], 0)
    assert Proposal.objects.get(pk=outside.pk).status == "open"
    assert PurchaseOrder.objects.count() == 0


def test_auditor_may_not_edit_quantities(org, login):
    # given
    proposal = make_proposal(org.stores["a1"])
    client = login(org.users["auditor"])
    # when
    response = client.post(reverse("replenishment:proposal_quantity", args=[proposal.pk]), {"quantity": 18})
    # then: a proposal the role may not change reads as absent
    assert response.status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).quantity == 12


def test_api_lists_edits_and_approves(org, login):
    # given
    proposal = make_proposal(org.stores["a1"])
    client = login(org.users["admin"])
    # when
    listed = client.get("/api/v1/replenishment/proposals/").json()
    patched = client.patch(f"/api/v1/replenishment/proposals/{proposal.pk}/", {"quantity": 5},
                           content_type="application/json")
    approved = client.post("/api/v1/replenishment/approve/", {"ids": [proposal.pk]}, content_type="application/json")
    # then
    assert [item["id"] for item in listed["items"]] == [proposal.pk]
    assert patched.status_code == 422
    assert approved.status_code == 200
    assert approved.json()["ordered"] == 1
    assert PurchaseOrderLine.objects.get(proposal=proposal).quantity == Decimal(12)


def test_the_proposal_list_totals_the_order_value_and_exports_what_it_shows(org, login):
    # given: two proposals of a1 (in the supervisor's scope) and one of another company
    from opsdesk.replenishment.tests.factories import plan_run_for

    run = plan_run_for(org.company)
    make_proposal(org.stores["a1"], run=run, quantity=12)
    make_proposal(org.stores["a1"], run=run, quantity=6, unit_cost=2.5)
    client = login(org.users["supervisor"])
    # when
    page = client.get(reverse("replenishment:proposal_list")).content.decode()
    export = client.get(reverse("replenishment:proposal_list"), {"export": "csv"}).getvalue().decode("utf-8-sig")
    bad = client.get(reverse("replenishment:proposal_list"), {"export": "pdf"})
    # then: 12 × 4.00 + 6 × 2.50 = 63.00
    assert "2 行，其中 2 行待订，共 18 件" in page
    assert "<strong>¥63</strong>" in page
    lines = export.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("门店,商品编码,商品,供应商,原因")
    assert sorted(line.split(",")[13] for line in lines[1:]) == ["15.0", "48.0"]
    assert bad.status_code == 400
