"""Promotion approval: a store-level planner proposes, a regional or company-wide user approves or cancels (never
the proposer), only approved promotions reach the forecast, and approvers find proposals in their inbox."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opsdesk.forecasting.selectors import _planned_promotions
from opsdesk.sales import services
from opsdesk.sales.inbox import PROVIDER
from opsdesk.sales.models import Promotion


def propose(org, user, store_key="a1", start=None):
    start = start or timezone.localdate() + timedelta(days=5)
    return services.promotion_save(actor=user, data={
        "code": f"P{Promotion.objects.count() + 1}", "name": "周末饮料", "start_date": start,
        "end_date": start + timedelta(days=2), "discount_percent": 15}, stores=[org.stores[store_key]])


def test_a_supervisors_promotion_waits_and_a_coos_is_approved_at_once(org):
    proposal = propose(org, org.users["supervisor"])
    assert (proposal.status, proposal.created_by) == ("proposed", org.users["supervisor"])
    assert propose(org, org.users["coo"]).status == "approved"


def test_the_proposer_cannot_approve_but_a_regional_manager_can(org):
    proposal = propose(org, org.users["supervisor"])
    with pytest.raises(PermissionDenied, match="不能审批自己提出的促销"):
        services.promotion_decide(actor=org.users["supervisor"], promotion=proposal, decision="approve")
    decided = services.promotion_decide(actor=org.users["regional_manager"], promotion=proposal, decision="approve")
    assert (decided.status, decided.decided_by) == ("approved", org.users["regional_manager"])
    with pytest.raises(PermissionDenied, match="只有待审批的促销可以审批"):
        services.promotion_decide(actor=org.users["coo"], promotion=decided, decision="cancel", note="x")


def test_cancelling_needs_a_reason_and_the_proposer_may_withdraw(org):
    proposal = propose(org, org.users["supervisor"])
    with pytest.raises(ValidationError):
        services.promotion_decide(actor=org.users["supervisor"], promotion=proposal, decision="cancel")
    withdrawn = services.promotion_decide(actor=org.users["supervisor"], promotion=proposal, decision="cancel",
                                          note="活动取消")
    assert (withdrawn.status, withdrawn.decision_note) == ("cancelled", "活动取消")


def test_a_changed_approved_promotion_goes_back_for_approval(org):
    proposal = propose(org, org.users["supervisor"])
    services.promotion_decide(actor=org.users["coo"], promotion=proposal, decision="approve")
    services.promotion_save(actor=org.users["supervisor"], promotion=proposal, stores=[org.stores["a1"]], data={
        "code": proposal.code, "name": proposal.name, "start_date": proposal.start_date,
        "end_date": proposal.end_date, "discount_percent": 30})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("proposed", None)


def test_only_approved_promotions_reach_the_forecast(org):
    proposal = propose(org, org.users["supervisor"])
    approved = propose(org, org.users["coo"])
    origin = timezone.localdate()
    assert [p.pk for p in _planned_promotions(org.company, origin, 28)] == [approved.pk]
    services.promotion_decide(actor=org.users["coo"], promotion=proposal, decision="approve")
    assert sorted(p.pk for p in _planned_promotions(org.company, origin, 28)) == sorted([approved.pk, proposal.pk])


def test_approvers_find_proposals_in_their_inbox_the_proposer_does_not(org):
    proposal = propose(org, org.users["supervisor"], start=timezone.localdate() + timedelta(days=3))
    now = timezone.now()
    keys = {role: [item.key for item in PROVIDER.items_for_user(org.users[role], now)
                   if item.key.startswith("promotion:")] for role in ("coo", "regional_manager", "supervisor")}
    assert keys == {"coo": [f"promotion:{proposal.pk}"], "regional_manager": [f"promotion:{proposal.pk}"],
                    "supervisor": []}
    item = PROVIDER.item_for_user(org.users["coo"], f"promotion:{proposal.pk}", now)
    assert item.severity == 3  # starts within 7 days: high
    services.promotion_decide(actor=org.users["coo"], promotion=proposal, decision="approve")
    assert PROVIDER.item_for_user(org.users["coo"], f"promotion:{proposal.pk}", now) is None


def test_the_page_shows_the_approval_bar_to_an_approver(org, login, client):
    proposal = propose(org, org.users["supervisor"], start=date.today() + timedelta(days=10))
    login(org.users["regional_manager"])
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'id="promotion-approval"' in page
    assert 'id="approve-promotion"' in page
    response = client.post(f"/sales/promotions/{proposal.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "approved"
