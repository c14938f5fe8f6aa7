"""Permission-matrix declarations of the purchasing pages and API operations (see core/testing/matrix.py).

The purchase-order list and detail pages are declared by replenishment (they began there).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from opsdesk.core.testing.matrix import Route
from opsdesk.purchasing.models import (
    Contract,
    PurchaseOrder,
    PurchaseOrderStatusChoices,
    SupplierPurchaseOrder,
    SupplierScore,
)
from opsdesk.purchasing.tests.factories import make_contract, make_order, make_product, make_supplier

S = PurchaseOrderStatusChoices


def _order(status: str):
    def build(org, user, in_scope):
        store = org.store_for(user, in_scope)
        return make_order(store, make_supplier(store.company), status=status)

    return build


def _portal_order(org, user, in_scope):
    """In scope: an order to the supplier user's own supplier; out of scope: to another supplier of company A."""
    supplier = org.supplier if in_scope else make_supplier(org.company)
    order = make_order(org.stores["a1"], supplier, status=S.SENT)
    return SupplierPurchaseOrder.objects.get(pk=order.pk)


def _company(org, in_scope):
    return org.company if in_scope else org.other_company


def _contract(org, user, in_scope):
    company = _company(org, in_scope)
    today = timezone.localdate()
    return make_contract(make_supplier(company), make_product(company), price="4.00", starts=today,
                         ends=today + timedelta(days=90)).contract


def _scored_supplier(org, user, in_scope):
    supplier = make_supplier(_company(org, in_scope))
    SupplierScore.objects.create(supplier=supplier, period=timezone.localdate().replace(day=1), lines=4, otif_lines=2,
                                 otif_line_rate=0.5, otif_quantity_rate=0.85, fill_rate=0.95, score=0.8,
                                 standing="acceptable")
    return supplier


def _score(org, user, in_scope):
    return _scored_supplier(org, user, in_scope).scores.get()


def _new_order(org, user, _obj):
    return {"supplier": org.supplier.pk, "store": org.stores["a1"].pk,
            "expected_date": (timezone.localdate() + timedelta(days=3)).isoformat(), "notes": "matrix"}


def _line_add(org, user, order):
    return {"product": make_product(order.company).pk, "quantity": "3"}


def _line_update(org, user, order):
    return {"line": order.lines.get().pk, "quantity": "12", "unit_price": "5"}


def _receive(org, user, order):
    return {"line": order.lines.get().pk, "date": timezone.localdate().isoformat(), "quantity_received": "2"}


def _receive_api(org, user, order):
    return {"line_id": order.lines.get().pk, "date": timezone.localdate().isoformat(), "quantity_received": "2"}


def _confirm(org, user, order):
    return {"promised_date": (timezone.localdate() + timedelta(days=3)).isoformat()}


def _portal_link(order):
    return reverse("purchasing:portal_order_detail", args=[order.pk])


ROUTES = [
    Route("purchasing:purchase_order_add", "add", area="purchasing", model=PurchaseOrder, post_data=_new_order),
    Route("purchasing:purchase_order_line_add", "action", area="purchasing", action="change",
          make_object=_order(S.DRAFT), post_data=_line_add),
    Route("purchasing:purchase_order_line_update", "action", area="purchasing", action="change",
          make_object=_order(S.SENT), post_data=_line_update),
    Route("purchasing:purchase_order_send", "action", area="purchasing", action="send", make_object=_order(S.DRAFT)),
    Route("purchasing:purchase_order_cancel", "action", area="purchasing", action="change",
          make_object=_order(S.DRAFT)),
    Route("purchasing:purchase_order_receive", "action", area="purchasing", action="receive",
          make_object=_order(S.SENT), post_data=_receive),
    Route("purchasing:purchase_order_pdf", "detail", area="purchasing", make_object=_order(S.SENT)),
    Route("purchasing:contract_list", "list", area="supplier_management", make_object=_contract),
    Route("purchasing:contract_detail", "detail", area="supplier_management", make_object=_contract),
    Route("purchasing:scorecard_list", "list", area="supplier_management", make_object=_scored_supplier),
    Route("purchasing:supplier_detail", "detail", area="supplier_management", make_object=_scored_supplier),
    Route("purchasing:portal_order_list", "list", area="supplier_portal", make_object=_portal_order,
          link=_portal_link),
    Route("purchasing:portal_order_detail", "detail", area="supplier_portal", make_object=_portal_order),
    Route("purchasing:portal_order_confirm", "action", area="supplier_portal", action="change",
          make_object=_portal_order, post_data=_confirm),
    Route("GET /api/v1/purchasing/orders/", "api-list", area="purchasing", make_object=_order(S.SENT)),
    Route("GET /api/v1/purchasing/orders/{order_id}/", "api-detail", area="purchasing", make_object=_order(S.SENT)),
    Route("POST /api/v1/purchasing/orders/{order_id}/send/", "api-write", area="purchasing", action="send",
          make_object=_order(S.DRAFT)),
    Route("POST /api/v1/purchasing/orders/{order_id}/receipts/", "api-write", area="purchasing", action="receive",
          make_object=_order(S.SENT), post_data=_receive_api),
    Route("GET /api/v1/purchasing/contracts/", "api-list", area="supplier_management", make_object=_contract),
    Route("GET /api/v1/purchasing/scorecards/", "api-list", area="supplier_management", make_object=_score),
    Route("GET /api/v1/purchasing/portal/orders/", "api-list", area="supplier_portal", make_object=_portal_order),
    Route("POST /api/v1/purchasing/portal/orders/{order_id}/confirm/", "api-write", area="supplier_portal",
          action="change", make_object=_portal_order, post_data=_confirm),
]


def _new_contract(org, user, _obj):
    today = timezone.localdate()
    return {"supplier": org.supplier.pk, "code": f"HT-M-{user.pk}",
            "title": "矩阵合同", "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(),
            "status": "active"}


def _new_price(org, user, contract):
    return {"product": make_product(contract.company).pk, "unit_price": "3.5",
            "valid_from": contract.starts_on.isoformat(), "valid_to": contract.ends_on.isoformat(),
            "min_order_quantity": "6", "pack_size": "6", "lead_time_days": "2"}


ROUTES += [
    Route("purchasing:contract_add", "add", area="supplier_management", model=Contract, post_data=_new_contract),
    Route("purchasing:contract_price_add", "action", area="supplier_management", action="change",
          make_object=_contract, post_data=_new_price),
]


def _receipt(org, user, in_scope):
    """A receipt of 4 units (2 rejected) on a sent order, booked by an administrator of the order's company."""
    from decimal import Decimal

    from opsdesk.purchasing.services import receipt_create

    order = _order(S.SENT)(org, user, in_scope)
    actor = org.users["admin"] if order.company_id == org.company.pk else org.other_user
    return receipt_create(actor=actor, line=order.lines.get(), received_on=timezone.localdate(),
                          quantity_received=Decimal(4), quantity_rejected=Decimal(2), rejection_reason="damaged")


def _return(org, user, receipt):
    return {"date": timezone.localdate().isoformat(), "quantity": "2", "reason": "damaged"}


ROUTES.append(Route("POST /api/v1/purchasing/receipts/{receipt_id}/returns/", "api-write", area="purchasing",
                    action="receive", make_object=_receipt, post_data=_return))
