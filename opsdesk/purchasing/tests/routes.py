"""Permission-matrix declarations of the purchasing pages and API operations (see core/testing/matrix.py).

The purchase-order list and detail pages are declared by replenishment (they began there).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from opsdesk.core.testing.kit import spec_routes
from opsdesk.core.testing.matrix import Route
from opsdesk.purchasing import specs
from opsdesk.purchasing.models import (
    Contract,
    PurchaseOrder,
    PurchaseOrderStatusChoices,
    Supplier,
    SupplierComplaint,
    SupplierContact,
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


# ------------------------------------------------------------------------ supplier management, returns, complaints

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _stored_pdf(name: str = "purchasing-matrix/licence.pdf") -> str:
    """A tiny PDF under MEDIA_ROOT (written once; matrix rows only point at it)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(_PDF))
    return name


def _supplier(org, user, in_scope):
    return make_supplier(_company(org, in_scope))


def _contact(org, user, in_scope):
    from opsdesk.purchasing.models import SupplierContact

    return SupplierContact.objects.create(supplier=_supplier(org, user, in_scope), name="王经理", title="销售")


def _document(org, user, in_scope):
    from opsdesk.purchasing.models import SupplierDocument

    return SupplierDocument.objects.create(supplier=_supplier(org, user, in_scope), kind="licence", title="许可证",
                                           file=_stored_pdf(), original_name="licence.pdf",
                                           content_type="application/pdf", size=len(_PDF),
                                           expires_on=timezone.localdate() + timedelta(days=10))


def _price(org, user, in_scope):
    return _contract(org, user, in_scope).prices.get()


def _receipt_order(org, user, in_scope):
    return _receipt(org, user, in_scope).line.purchase_order


def _supplier_return(org, user, in_scope):
    from decimal import Decimal

    from opsdesk.purchasing.services import supplier_return_create

    receipt = _receipt(org, user, in_scope)
    order = receipt.line.purchase_order
    actor = org.users["admin"] if order.company_id == org.company.pk else org.other_user
    return supplier_return_create(actor=actor, receipt=receipt, returned_on=timezone.localdate(),
                                  quantity=Decimal(2), reason="damaged")


def _product_with_supplier(company):
    product = make_product(company)
    product.supplier = make_supplier(company)
    product.save(update_fields=["supplier"])
    return product


def _complaint(org, user, in_scope):

    store = org.store_for(user, in_scope)
    product = _product_with_supplier(store.company)
    return SupplierComplaint.objects.create(company=store.company, store=store, product=product,
                                            supplier=product.supplier, date=timezone.localdate(), severity="major",
                                            description="包装破损")


def _new_supplier(org, user, _obj):
    from opsdesk.purchasing.tests.factories import _next

    return {"code": f"SUP-M-{_next()}", "name": "矩阵新供应商", "status": "active", "payment_terms": "月结30天",
            "lead_time_days": "3", "min_order_value": "0", "contact_name": "赵六", "contact_email": "z@example.com"}


def _edit_supplier(org, user, supplier):
    return {"code": supplier.code, "name": "矩阵供应商（改）", "status": "probation", "lead_time_days": "4",
            "min_order_value": "100"}


def _new_contact(org, user, _obj):
    return {"name": "钱七", "title": "客服", "phone": "021-1234", "email": "q@example.com"}


def _new_document(org, user, _obj):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"kind": "certificate", "title": "质检证书", "upload": SimpleUploadedFile("cert.pdf", _PDF),
            "expires_on": (timezone.localdate() + timedelta(days=300)).isoformat()}


def _edit_document(org, user, document):
    return {"kind": "licence", "title": "许可证（更新）",
            "expires_on": (timezone.localdate() + timedelta(days=365)).isoformat()}


def _edit_contract(org, user, contract):
    return {"code": contract.code, "title": "年度框架合同（修订）", "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat(), "status": "active", "terms": "月结30天"}


def _edit_price(org, user, price):
    return {"unit_price": "3.80", "valid_from": price.valid_from.isoformat(), "valid_to": price.valid_to.isoformat(),
            "min_order_quantity": "12", "pack_size": "6", "lead_time_days": "2"}


def _return_data(org, user, order):
    receipt = order.lines.get().receipts.get()
    return {"receipt": receipt.pk, "date": timezone.localdate().isoformat(), "quantity": "1", "reason": "damaged"}


def _new_complaint(org, user, _obj):
    return {"store": org.stores["a1"].pk, "product": _product_with_supplier(org.company).pk,
            "date": timezone.localdate().isoformat(), "severity": "major", "description": "矩阵投诉"}


def _resolve(org, user, complaint):
    return {"resolution": "供应商已补发"}


def _new_contact_api(org, user, _obj):
    return {"supplier_id": org.supplier.pk, "name": "孙八", "title": "销售"}


def _document_link(document):
    return document.download_url


ROUTES += [
    Route("purchasing:supplier_list", "list", area="supplier_management", make_object=_supplier),
    Route("purchasing:supplier_add", "add", area="supplier_management", model=Supplier, post_data=_new_supplier),
    Route("purchasing:supplier_overview", "detail", area="supplier_management", make_object=_supplier),
    Route("purchasing:supplier_edit", "edit", area="supplier_management", make_object=_supplier,
          post_data=_edit_supplier),
    Route("purchasing:supplier_contact_add", "action", area="supplier_management", action="change",
          methods=("GET", "POST"), make_object=_supplier, post_data=_new_contact),
    Route("purchasing:supplier_contact_edit", "edit", area="supplier_management", make_object=_contact,
          post_data=_new_contact),
    Route("purchasing:supplier_contact_delete", "action", area="supplier_management", action="change",
          make_object=_contact),
    Route("purchasing:supplier_document_add", "action", area="supplier_management", action="add",
          methods=("GET", "POST"), make_object=_supplier, post_data=_new_document),
    Route("purchasing:supplier_document_list", "list", area="supplier_management", make_object=_document,
          link=_document_link),
    Route("purchasing:supplier_document_edit", "edit", area="supplier_management", make_object=_document,
          post_data=_edit_document),
    Route("purchasing:supplier_document_download", "detail", area="supplier_management", make_object=_document),
    Route("purchasing:supplier_document_delete", "delete", area="supplier_management", make_object=_document),
    Route("purchasing:contract_edit", "edit", area="supplier_management", make_object=_contract,
          post_data=_edit_contract),
    Route("purchasing:contract_price_edit", "edit", area="supplier_management", make_object=_price,
          post_data=_edit_price),
    Route("purchasing:contract_price_delete", "action", area="supplier_management", action="change",
          make_object=_price),
    Route("purchasing:purchase_order_return", "action", area="purchasing", action="receive",
          make_object=_receipt_order, post_data=_return_data),
    Route("purchasing:supplier_return_list", "list", area="purchasing", make_object=_supplier_return),
    *spec_routes(specs.complaint, _complaint, _new_complaint),
    Route("purchasing:complaint_resolve", "action", area="supplier_complaints", action="resolve",
          make_object=_complaint, post_data=_resolve),
    Route("GET /api/v1/purchasing/returns/", "api-list", area="purchasing", make_object=_supplier_return),
    Route("PUT /api/v1/purchasing/contracts/{contract_id}/", "api-write", area="supplier_management",
          action="change", make_object=_contract, post_data=_edit_contract),
    Route("PUT /api/v1/purchasing/contract-prices/{price_id}/", "api-write", area="supplier_management",
          action="change", make_object=_price, post_data=_edit_price),
    Route("DELETE /api/v1/purchasing/contract-prices/{price_id}/", "api-write", area="supplier_management",
          action="change", make_object=_price, post_status=204),
    Route("GET /api/v1/purchasing/supplier-contacts/", "api-list", area="supplier_management", make_object=_contact),
    Route("POST /api/v1/purchasing/supplier-contacts/", "api-write", area="supplier_management", action="change",
          model=SupplierContact, post_data=_new_contact_api),
    Route("PUT /api/v1/purchasing/supplier-contacts/{contact_id}/", "api-write", area="supplier_management",
          action="change", make_object=_contact, post_data=_new_contact),
    Route("DELETE /api/v1/purchasing/supplier-contacts/{contact_id}/", "api-write", area="supplier_management",
          action="change", make_object=_contact, post_status=204),
    Route("GET /api/v1/purchasing/supplier-documents/", "api-list", area="supplier_management",
          make_object=_document),
    Route("POST /api/v1/purchasing/complaints/{complaint_id}/resolve/", "api-write", area="supplier_complaints",
          action="resolve", make_object=_complaint, post_data=_resolve),
]
