"""Complaints about suppliers' products: who files and sees them (store scope), the supplier they count against,
resolution, the list and API, and their effect on the monthly scorecard (golden values)."""

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk.purchasing import services
from opsdesk.purchasing.models import PurchaseOrderStatusChoices as S
from opsdesk.purchasing.models import Receipt, SupplierComplaint, SupplierScore
from opsdesk.purchasing.tests.factories import make_order, make_product, make_supplier

TODAY = timezone.localdate()


def _text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _product(company, supplier=None):
    product = make_product(company)
    product.supplier = supplier or make_supplier(company)
    product.save(update_fields=["supplier"])
    return product


def _complaint(store, product, **fields) -> SupplierComplaint:
    return SupplierComplaint.objects.create(company=store.company, store=store, product=product,
                                            supplier=product.supplier, date=fields.pop("date", TODAY),
                                            severity="major", description="包装破损", **fields)


def test_store_manager_files_a_complaint_for_their_store_against_the_products_supplier(client, org):
    # given
    client.force_login(org.users["store_manager"])
    product = _product(org.company)
    # when
    response = client.post(reverse("purchasing:complaint_add"), {
        "store": org.stores["a1"].pk, "product": product.pk, "date": TODAY.isoformat(), "severity": "critical",
        "description": "酸奶胀包"})
    # then
    complaint = SupplierComplaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    assert (complaint.store, complaint.supplier, complaint.severity, complaint.status, complaint.created_by) == (
        org.stores["a1"], product.supplier, "critical", "open", org.users["store_manager"])


def test_store_manager_cannot_file_for_a_store_outside_their_scope(client, org):
    # given
    client.force_login(org.users["store_manager"])
    product = _product(org.company)
    # when
    response = client.post(reverse("purchasing:complaint_add"), {
        "store": org.stores["b1"].pk, "product": product.pk, "date": TODAY.isoformat(), "severity": "major",
        "description": "越权"})
    # then: the store is not among the form's choices, and the service refuses it as a field error
    assert response.status_code == 400
    assert SupplierComplaint.objects.count() == 0
    with pytest.raises(ValidationError) as error:
        services.complaint_create(actor=org.users["store_manager"], date=TODAY, severity="major", description="x",
                                  product=product, store=org.stores["b1"])
    assert list(error.value.message_dict) == ["store"]
    assert SupplierComplaint.objects.count() == 0


def test_a_complaint_from_a_receipt_takes_its_order_line_store_and_supplier(client, org):
    # given: the product's main supplier differs from the supplier it was ordered from
    supplier = make_supplier(org.company)
    product = _product(org.company)
    order = make_order(org.stores["a2"], supplier, product=product)
    receipt = services.receipt_create(actor=org.users["admin"], line=order.lines.get(), received_on=TODAY,
                                      quantity_received=Decimal(10))
    client.force_login(org.users["supervisor"])
    # when
    form = client.get(reverse("purchasing:complaint_add"), {"receipt": receipt.pk})
    response = client.post(reverse("purchasing:complaint_add"), {
        "receipt": receipt.pk, "store": org.stores["a2"].pk, "product": product.pk, "date": TODAY.isoformat(),
        "severity": "minor", "description": "批次异味"})
    # then
    complaint = SupplierComplaint.objects.get()
    assert form.status_code == 200
    assert response.status_code == 302
    assert (complaint.supplier, complaint.order_line, complaint.receipt, complaint.store) == (
        supplier, order.lines.get(), receipt, org.stores["a2"])


def test_scope_supervisor_sees_their_stores_coo_sees_all_including_company_wide(client, org):
    # given
    product = _product(org.company)
    mine = _complaint(org.stores["a2"], product)
    other_region = _complaint(org.stores["b1"], product)
    company_wide = SupplierComplaint.objects.create(company=org.company, product=product, supplier=product.supplier,
                                                    date=TODAY, severity="minor", description="总部抽检")
    foreign = _complaint(org.stores["x1"], _product(org.other_company))
    # when
    supervisor = set(SupplierComplaint.objects.for_user(org.users["supervisor"]))
    coo = set(SupplierComplaint.objects.for_user(org.users["coo"]))
    store_manager = set(SupplierComplaint.objects.for_user(org.users["store_manager"]))
    # then
    assert supervisor == {mine}
    assert coo == {mine, other_region, company_wide}
    assert foreign not in coo
    assert store_manager == set()


def test_supervisor_resolves_and_a_store_manager_may_not(client, org):
    # given
    complaint = _complaint(org.stores["a1"], _product(org.company))
    url = reverse("purchasing:complaint_resolve", args=[complaint.pk])
    # when
    client.force_login(org.users["store_manager"])
    denied = client.post(url, {"resolution": "x"})
    client.force_login(org.users["supervisor"])
    empty = client.post(url, {"resolution": " "})
    resolved = client.post(url, {"resolution": "供应商补发并更换批次"})
    again = client.post(url, {"resolution": "重复"})
    # then
    complaint.refresh_from_db()
    # a complaint the role may not resolve reads as absent (404)
    assert (denied.status_code, empty.status_code, resolved.status_code, again.status_code) == (404, 302, 302, 302)
    assert (complaint.status, complaint.resolution, complaint.resolved_by) == (
        "resolved", "供应商补发并更换批次", org.users["supervisor"])


def test_list_filters_and_exports_only_what_the_user_sees(client, org):
    # given
    product = _product(org.company)
    open_one = _complaint(org.stores["a1"], product)
    resolved = _complaint(org.stores["a1"], product, status="resolved", resolution="已处理")
    hidden = _complaint(org.stores["b1"], product)
    client.force_login(org.users["supervisor"])
    # when
    listing = client.get(reverse("purchasing:complaint_list"), {"status": "open"}).content.decode()
    export = _text(client.get(reverse("purchasing:complaint_list"), {"export": "csv"}))
    # then
    assert open_one.get_absolute_url() in listing
    assert resolved.get_absolute_url() not in listing
    assert hidden.get_absolute_url() not in listing
    assert str(open_one) in export
    assert str(resolved) in export
    assert str(hidden) not in export


def test_api_files_from_a_receipt_and_lists_in_scope(client, org):
    # given
    supplier = make_supplier(org.company)
    order = make_order(org.stores["a1"], supplier)
    receipt = services.receipt_create(actor=org.users["admin"], line=order.lines.get(), received_on=TODAY,
                                      quantity_received=Decimal(4))
    _complaint(org.stores["b1"], _product(org.company))
    client.force_login(org.users["store_manager"])
    # when
    created = client.post("/api/v1/purchasing/complaints/", {
        "receipt_id": receipt.pk, "product_id": order.lines.get().product_id, "date": TODAY.isoformat(),
        "severity": "major", "description": "破损"}, content_type="application/json")
    listed = client.get("/api/v1/purchasing/complaints/").json()
    # then
    assert created.status_code == 201
    body = created.json()
    assert (body["supplier_id"], body["store_id"], body["receipt_id"], body["order_line_id"], body["status"]) == (
        supplier.pk, org.stores["a1"].pk, receipt.pk, order.lines.get().pk, "open")
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_editing_the_product_moves_the_complaint_to_that_products_supplier(client, org):
    # given
    complaint = _complaint(org.stores["a1"], _product(org.company))
    other = _product(org.company)
    client.force_login(org.users["supervisor"])
    # when
    response = client.post(reverse("purchasing:complaint_edit", args=[complaint.pk]), {
        "store": org.stores["a1"].pk, "product": other.pk, "date": TODAY.isoformat(), "severity": "minor",
        "description": "包装破损"})
    # then
    complaint.refresh_from_db()
    assert response.status_code == 302
    assert (complaint.product, complaint.supplier, complaint.severity) == (other, other.supplier, "minor")


def test_a_complaint_from_an_order_line_keeps_its_product(org):
    # given
    supplier = make_supplier(org.company)
    order = make_order(org.stores["a1"], supplier)
    receipt = services.receipt_create(actor=org.users["admin"], line=order.lines.get(), received_on=TODAY,
                                      quantity_received=Decimal(4))
    complaint = services.complaint_create(actor=org.users["supervisor"], date=TODAY, severity="major",
                                          description="破损", receipt=receipt)
    # when
    with pytest.raises(ValidationError) as error:
        services.complaint_update(actor=org.users["supervisor"], complaint=complaint,
                                  data={"product": _product(org.company)})
    # then
    complaint.refresh_from_db()
    assert list(error.value.message_dict) == ["product"]
    assert (complaint.product_id, complaint.supplier) == (order.lines.get().product_id, supplier)


def test_a_product_without_supplier_needs_a_receipt(org):
    # given
    product = make_product(org.company)
    # when
    with pytest.raises(ValidationError) as error:
        services.complaint_create(actor=org.users["coo"], date=TODAY, severity="major", description="x",
                                  product=product, store=org.stores["a1"])
    # then
    assert "product" in error.value.message_dict


# ------------------------------------------------------------------------------------------------ scorecard


def _receive(order, day: date, received: str, rejected: str = "0") -> None:
    Receipt.objects.create(line=order.lines.get(), date=day, quantity_received=Decimal(received),
                           quantity_rejected=Decimal(rejected), rejection_reason="damaged" if rejected != "0" else "")


def test_complaints_count_per_month_in_the_scorecard_and_lower_the_score(org):
    # given: the OTIF golden month (4 lines of 10 due 2026-05-10; base score 0.83) plus complaints
    supplier, store = make_supplier(org.company), org.stores["a1"]
    orders = [make_order(store, supplier, order_date=date(2026, 5, 5), expected_date=date(2026, 5, 10),
                         status=S.RECEIVED) for _ in range(4)]
    _receive(orders[0], date(2026, 5, 10), "10")
    _receive(orders[1], date(2026, 5, 8), "6")
    _receive(orders[1], date(2026, 5, 12), "4")
    _receive(orders[2], date(2026, 5, 6), "10")
    _receive(orders[3], date(2026, 5, 9), "10", rejected="2")
    product = _product(org.company, supplier)
    _complaint(store, product, date=date(2026, 5, 3))
    _complaint(store, product, date=date(2026, 5, 31), status="resolved", resolution="已补发")  # still counts
    _complaint(store, product, date=date(2026, 6, 15))  # June has no lines: no score to lower
    _complaint(store, _product(org.company), date=date(2026, 5, 20))  # another supplier
    # when
    services.scorecards_compute(company_id=org.company.pk, end=date(2026, 7, 31), months=3)
    # then: 2 complaints on 4 lines cost 0.1 x 2/4 = 0.05
    score = SupplierScore.objects.get(supplier=supplier)
    assert (score.period, score.lines, score.complaints) == (date(2026, 5, 1), 4, 2)
    assert math.isclose(score.score, 0.83 - 0.05, abs_tol=1e-9)
    assert score.standing == "acceptable"


def test_complaints_before_the_window_are_not_counted(org):
    # given
    supplier = make_supplier(org.company)
    order = make_order(org.stores["a1"], supplier, order_date=date(2026, 5, 5), expected_date=date(2026, 5, 10))
    _receive(order, date(2026, 5, 10), "10")
    _complaint(org.stores["a1"], _product(org.company, supplier), date=date(2026, 4, 30))
    # when
    services.scorecards_compute(company_id=org.company.pk, end=date(2026, 5, 31), months=1)
    # then
    score = SupplierScore.objects.get(supplier=supplier)
    assert (score.complaints, score.standing) == (0, "excellent")
    assert math.isclose(score.score, 1.0, abs_tol=1e-12)


def test_detail_page_shows_the_resolve_form_only_to_who_may_resolve(client, org):
    # given
    complaint = _complaint(org.stores["a1"], _product(org.company), date=TODAY - timedelta(days=1))
    # when
    client.force_login(org.users["store_manager"])
    store_page = client.get(complaint.get_absolute_url()).content.decode()
    client.force_login(org.users["supervisor"])
    supervisor_page = client.get(complaint.get_absolute_url()).content.decode()
    # then
    assert 'id="complaint-resolve"' not in store_page
    assert 'id="complaint-resolve"' in supervisor_page


def test_demo_builder_adds_contacts_documents_and_a_few_complaints(org):
    # given: three suppliers with two products each
    from opsdesk.purchasing.demo import demo_builder
    from opsdesk.purchasing.models import SupplierContact, SupplierDocument

    for i in range(3):
        supplier = make_supplier(org.company, email=f"s{i}@example.com")
        supplier.contact_name = f"联系人{i}"
        supplier.save(update_fields=["contact_name"])
        for _ in range(2):
            _product(org.company, supplier)
    # when
    counts = demo_builder(org.company, end_date=TODAY, seed=3)
    # then
    assert counts["supplier_contacts"] == SupplierContact.objects.filter(supplier__company=org.company).count()
    assert counts["supplier_documents"] == SupplierDocument.objects.filter(supplier__company=org.company).count()
    assert 0 < counts["complaints"] == SupplierComplaint.objects.filter(company=org.company).count() <= 12
    assert SupplierScore.objects.filter(supplier__company=org.company, complaints__gt=0).exists()
