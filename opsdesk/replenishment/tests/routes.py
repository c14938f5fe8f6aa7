"""Permission-matrix declarations of the replenishment pages and API operations (see core/testing/matrix.py)."""

from __future__ import annotations

from opsdesk.core.testing.matrix import Route
from opsdesk.purchasing.models import PurchaseOrder
from opsdesk.replenishment.models import PlanRun, Proposal, ReplenishmentSettings
from opsdesk.replenishment.tests.factories import make_proposal, plan_run_for


def _proposal(org, user, in_scope):
    return make_proposal(org.store_for(user, in_scope))


def _store(org, user, in_scope):
    return org.store_for(user, in_scope)


def _run(org, user, in_scope):
    """Plan runs are company data: the out-of-scope run belongs to the other company, whoever asks."""
    return plan_run_for(org.company if in_scope else org.other_company)


def _purchase_order(org, user, in_scope):
    from opsdesk.replenishment.services import proposals_approve

    proposal = make_proposal(org.store_for(user, in_scope))
    approver = org.users["admin"] if proposal.store.company_id == org.company.pk else None
    if approver is None:  # company B: approve as its own administrator
        approver = org.other_user
    return proposals_approve(actor=approver, proposal_ids=[proposal.pk]).purchase_orders[0]


def _quantity(org, user, proposal):
    return {"quantity": 18}


def _approve(org, user, _obj):
    proposal = make_proposal(org.stores["a1"])
    return {"ids": [proposal.pk]}


def _settings_data(org, user, _obj):
    """A valid whole policy (the page's form and the API's PUT body)."""
    return {"service_level_a": 0.97, "service_level_b": 0.93, "service_level_c": 0.85, "service_measure": "cycle",
            "review_days": 14, "risk_days": 5, "overstock_days": 120, "dead_days": 45}


ROUTES = [
    Route("replenishment:proposal_list", "list", area="replenishment", make_object=_proposal),
    Route("replenishment:supplier_list", "list", area="replenishment"),
    Route("replenishment:store_list", "list", area="replenishment"),
    Route("replenishment:proposal_detail", "detail", area="replenishment", make_object=_proposal),
    Route("replenishment:proposal_quantity", "action", area="replenishment", action="change", make_object=_proposal,
          post_data=_quantity),
    Route("replenishment:approve", "action", area="replenishment", action="approve", model=PurchaseOrder,
          post_data=_approve),
    Route("replenishment:run_list", "list", area="replenishment"),
    Route("replenishment:run_create", "action", area="replenishment", action="add", model=PlanRun),
    Route("replenishment:run_detail", "detail", area="replenishment", make_object=_run),
    Route("replenishment:run_progress", "detail", area="replenishment", make_object=_run),
    Route("replenishment:settings", "list", area="replenishment"),
    # One URL for GET (view) and POST (configure) would need two actions per route: the form posts here instead.
    Route("replenishment:settings_edit", "action", area="replenishment", action="configure", methods=("GET", "POST"),
          model=ReplenishmentSettings, post_data=_settings_data),
    Route("replenishment:health", "list", area="replenishment"),
    Route("replenishment:health_store", "detail", area="replenishment", make_object=_store),
    Route("purchasing:purchase_order_list", "list", area="purchasing", make_object=_purchase_order),
    Route("purchasing:purchase_order_detail", "detail", area="purchasing", make_object=_purchase_order),
    Route("GET /api/v1/replenishment/proposals/", "api-list", area="replenishment", make_object=_proposal),
    Route("GET /api/v1/replenishment/proposals/{proposal_id}/", "api-detail", area="replenishment",
          make_object=_proposal),
    Route("PATCH /api/v1/replenishment/proposals/{proposal_id}/", "api-write", area="replenishment",
          action="change", make_object=_proposal, post_data=_quantity),
    Route("POST /api/v1/replenishment/approve/", "api-write", area="replenishment", action="approve",
          model=PurchaseOrder, post_data=_approve),
    Route("GET /api/v1/replenishment/settings/", "api-list", area="replenishment"),
    Route("PUT /api/v1/replenishment/settings/", "api-write", area="replenishment", action="configure",
          model=ReplenishmentSettings, post_data=_settings_data),
]

__all__ = ["ROUTES", "Proposal"]
