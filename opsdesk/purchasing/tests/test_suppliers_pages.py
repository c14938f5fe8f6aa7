"""Supplier management pages: the overview, master data, the contact book (primary contact mirrored onto the
supplier), the seeding migration, contract editing with its price lines, and returns from a receipt."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from opsdesk.catalog.models import ProductCategory
from opsdesk.inventory.models import StockSnapshot
from opsdesk.purchasing import services
from opsdesk.purchasing.models import ContractPrice, Supplier, SupplierContact, SupplierReturn
from opsdesk.purchasing.services.suppliers import ContactData
from opsdesk.purchasing.tests.factories import make_contract, make_order, make_product, make_supplier

TODAY = timezone.localdate()


def _text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_supervisor_creates_a_supplier_with_its_primary_contact_and_categories(client, org):
    # given
    client.force_login(org.users["supervisor"])
    category = ProductCategory.objects.create(company=org.company, code="DAIRY", name="乳制品")
    # when
    response = client.post(reverse("purchasing:supplier_add"), {
        "code": "SUP-NEW", "name": "新鲜乳业", "status": "probation", "categories": [category.pk],
        "payment_terms": "月结30天", "lead_time_days": "2", "min_order_value": "500", "contact_name": "周经理",
        "contact_phone": "021-5555", "contact_email": "zhou@example.com"})
    # then
    supplier = Supplier.objects.get(company=org.company, code="SUP-NEW")
    assert response.status_code == 302
    assert response["Location"] == reverse("purchasing:supplier_overview", args=[supplier.pk])
    assert (supplier.status, supplier.payment_terms, supplier.lead_time_days) == ("probation", "月结30天", 2)
    assert list(supplier.categories.all()) == [category]
    assert [(c.name, c.phone, c.email, c.is_primary) for c in supplier.contacts.all()] == [
        ("周经理", "021-5555", "zhou@example.com", True)]
    assert (supplier.contact_name, supplier.email) == ("周经理", "zhou@example.com")


def test_overview_shows_contacts_categories_documents_contracts_orders_and_scorecard_link(client, org):
    # given
    client.force_login(org.users["supervisor"])
    supplier = make_supplier(org.company)
    category = ProductCategory.objects.create(company=org.company, code="SNACK", name="休闲零食")
    supplier.categories.add(category)
    SupplierContact.objects.create(supplier=supplier, name="吴经理", title="大客户经理", phone="139", is_primary=True)
    contract = make_contract(supplier, make_product(org.company), price="4", starts=TODAY,
                             ends=TODAY + timedelta(days=30)).contract
    order = make_order(org.stores["a1"], supplier)
    hidden_order = make_order(org.stores["b1"], supplier)  # outside the supervisor's stores
    # when
    page = client.get(reverse("purchasing:supplier_overview", args=[supplier.pk])).content.decode()
    # then
    assert "吴经理" in page
    assert "大客户经理" in page
    assert "休闲零食" in page
    assert contract.get_absolute_url() in page
    assert order.get_absolute_url() in page
    assert hidden_order.get_absolute_url() not in page
    assert reverse("purchasing:supplier_detail", args=[supplier.pk]) in page
    assert reverse("purchasing:supplier_edit", args=[supplier.pk]) in page


def test_supervisor_edits_the_master_and_a_regional_manager_may_not(client, org):
    # given
    supplier = make_supplier(org.company)
    data = {"code": supplier.code, "name": "鲜达（新）", "status": "blocked", "payment_terms": "预付",
            "lead_time_days": "5", "min_order_value": "0", "responsible": org.users["supervisor"].pk}
    # when
    client.force_login(org.users["regional_manager"])
    denied = client.post(reverse("purchasing:supplier_edit", args=[supplier.pk]), data)
    client.force_login(org.users["supervisor"])
    allowed = client.post(reverse("purchasing:supplier_edit", args=[supplier.pk]), data)
    # then
    supplier.refresh_from_db()
    assert (denied.status_code, allowed.status_code) == (404, 302)  # may not change: reads as absent
    assert (supplier.name, supplier.status, supplier.lead_time_days, supplier.responsible) == (
        "鲜达（新）", "blocked", 5, org.users["supervisor"])


def test_responsible_must_be_a_supplier_manager_of_the_company(org):
    # given
    supplier = make_supplier(org.company)
    # when
    with pytest.raises(ValidationError) as error:
        services.supplier_update(actor=org.users["coo"], supplier=supplier, responsible=org.users["staff"])
    # then
    assert "responsible" in error.value.message_dict
    supplier.refresh_from_db()
    assert supplier.responsible is None


def test_contact_book_keeps_one_primary_mirrored_onto_the_supplier(org):
    # given
    actor, supplier = org.users["supervisor"], make_supplier(org.company, email="orders@example.com")
    # when
    first = services.supplier_contact_create(actor=actor, supplier=supplier, data=ContactData(name="甲", phone="1"))
    second = services.supplier_contact_create(actor=actor, supplier=supplier,
                                              data=ContactData(name="乙", email="yi@example.com", is_primary=True))
    services.supplier_contact_update(actor=actor, contact=first, data=ContactData(name="甲", title="老板"))
    # then
    supplier.refresh_from_db()
    assert [(c.name, c.is_primary) for c in supplier.contacts.all()] == [("乙", True), ("甲", False)]
    assert (supplier.contact_name, supplier.phone, supplier.email) == ("乙", "1", "yi@example.com")
    assert SupplierContact.objects.get(pk=second.pk).is_primary


def test_contacts_are_added_edited_and_deleted_on_the_pages(client, org):
    # given
    client.force_login(org.users["coo"])
    supplier = make_supplier(org.company)
    # when
    added = client.post(reverse("purchasing:supplier_contact_add", args=[supplier.pk]),
                        {"name": "郑经理", "title": "销售", "email": "zheng@example.com"})
    contact = supplier.contacts.get()
    edited = client.post(reverse("purchasing:supplier_contact_edit", args=[contact.pk]),
                         {"name": "郑总", "title": "总经理", "is_primary": "on"})
    deleted = client.post(reverse("purchasing:supplier_contact_delete", args=[contact.pk]))
    # then
    assert added.status_code == edited.status_code == deleted.status_code == 302
    assert added["Location"].endswith("#contacts")
    assert supplier.contacts.count() == 0
    supplier.refresh_from_db()
    assert supplier.contact_name == "郑总"


def test_out_of_scope_contact_answers_404_and_changes_nothing(client, org):
    # given
    client.force_login(org.users["coo"])
    foreign = SupplierContact.objects.create(supplier=make_supplier(org.other_company), name="外司联系人")
    # when
    response = client.post(reverse("purchasing:supplier_contact_delete", args=[foreign.pk]))
    # then
    assert response.status_code == 404
    assert SupplierContact.objects.filter(pk=foreign.pk).exists()


def test_migration_seeds_a_primary_contact_from_the_supplier_fields(org):
    # given
    migration = importlib.import_module("opsdesk.purchasing.migrations.0006_primary_contacts_from_supplier_fields")
    with_fields = Supplier.objects.create(company=org.company, code="LEG-1", name="老供应商", contact_name="冯",
                                          phone="010", email="feng@example.com")
    only_email = Supplier.objects.create(company=org.company, code="LEG-2", name="只有邮箱", email="x@example.com")
    empty = Supplier.objects.create(company=org.company, code="LEG-3", name="空")
    # when
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    # then
    assert [(c.name, c.phone, c.email, c.is_primary) for c in with_fields.contacts.all()] == [
        ("冯", "010", "feng@example.com", True)]
    assert [c.name for c in only_email.contacts.all()] == ["只有邮箱"]
    assert empty.contacts.count() == 0


# ------------------------------------------------------------------------------------------------ contracts


def test_contract_edit_changes_terms_and_period_and_is_audited(client, org):
    # given
    from auditlog.models import LogEntry

    client.force_login(org.users["supervisor"])
    contract = make_contract(make_supplier(org.company), make_product(org.company), price="4", starts=TODAY,
                             ends=TODAY + timedelta(days=30)).contract
    # when
    response = client.post(reverse("purchasing:contract_edit", args=[contract.pk]), {
        "code": contract.code, "title": "修订合同", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=60)).isoformat(), "status": "active", "terms": "月结60天"})
    # then
    contract.refresh_from_db()
    assert response.status_code == 302
    assert (contract.title, contract.ends_on, contract.terms) == ("修订合同", TODAY + timedelta(days=60), "月结60天")
    entry = LogEntry.objects.get_for_object(contract).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == org.users["supervisor"]
    assert entry.changes_dict["terms"] == ["", "月结60天"]


def test_contract_cannot_shrink_below_its_prices_or_end_before_it_starts(org):
    # given
    actor = org.users["coo"]
    contract = make_contract(make_supplier(org.company), make_product(org.company), price="4", starts=TODAY,
                             ends=TODAY + timedelta(days=30)).contract
    # when
    with pytest.raises(ValidationError) as shrink:
        services.contract_update(actor=actor, contract=contract, code=contract.code, title="t", starts_on=TODAY,
                                 ends_on=TODAY + timedelta(days=10), status="active")
    with pytest.raises(ValidationError) as backwards:
        services.contract_update(actor=actor, contract=contract, code=contract.code, title="t", starts_on=TODAY,
                                 ends_on=TODAY - timedelta(days=1), status="active")
    # then
    assert "starts_on" in shrink.value.message_dict
    assert "ends_on" in backwards.value.message_dict
    contract.refresh_from_db()
    assert contract.ends_on == TODAY + timedelta(days=30)


def test_price_lines_of_one_sku_may_not_overlap_in_a_contract(org):
    # given: 5.00 valid for days 0..30 of a 90-day contract
    actor, product = org.users["coo"], make_product(org.company)
    first = make_contract(make_supplier(org.company), product, price="5", starts=TODAY,
                          ends=TODAY + timedelta(days=90), valid_to=TODAY + timedelta(days=30))
    contract = first.contract
    # when
    with pytest.raises(ValidationError) as overlap:
        services.contract_price_add(actor=actor, contract=contract, product=product, unit_price=Decimal("4.5"),
                                    valid_from=TODAY + timedelta(days=30), valid_to=TODAY + timedelta(days=60))
    adjacent = services.contract_price_add(actor=actor, contract=contract, product=product,
                                           unit_price=Decimal("4.5"), valid_from=TODAY + timedelta(days=31),
                                           valid_to=TODAY + timedelta(days=60))
    with pytest.raises(ValidationError) as moved:
        services.contract_price_update(actor=actor, price=adjacent, unit_price=Decimal("4.5"),
                                       valid_from=TODAY + timedelta(days=20), valid_to=TODAY + timedelta(days=60),
                                       min_order_quantity=1, pack_size=1, lead_time_days=3)
    # then
    assert "valid_from" in overlap.value.message_dict
    assert "valid_from" in moved.value.message_dict
    assert list(contract.prices.order_by("valid_from").values_list("unit_price", "valid_from")) == [
        (Decimal("5.0000"), TODAY), (Decimal("4.5000"), TODAY + timedelta(days=31))]


@pytest.mark.parametrize(("field", "value"), [("unit_price", "0"), ("min_order_quantity", "0"), ("pack_size", "0")])
def test_price_line_edit_rejects_a_non_positive_price_moq_or_pack(client, org, field, value):
    # given
    client.force_login(org.users["coo"])
    price = make_contract(make_supplier(org.company), make_product(org.company), price="4", starts=TODAY,
                          ends=TODAY + timedelta(days=30))
    data = {"unit_price": "3.5", "valid_from": TODAY.isoformat(), "valid_to": TODAY.isoformat(),
            "min_order_quantity": "6", "pack_size": "6", "lead_time_days": "2", field: value}
    # when
    response = client.post(reverse("purchasing:contract_price_edit", args=[price.pk]), data)
    # then
    price.refresh_from_db()
    assert response.status_code == 400
    assert (price.unit_price, price.min_order_quantity, price.pack_size) == (Decimal("4.0000"), 1, 1)


def test_price_line_is_edited_and_deleted_on_the_pages(client, org):
    # given
    client.force_login(org.users["supervisor"])
    price = make_contract(make_supplier(org.company), make_product(org.company), price="4", starts=TODAY,
                          ends=TODAY + timedelta(days=30))
    # when
    edited = client.post(reverse("purchasing:contract_price_edit", args=[price.pk]), {
        "unit_price": "3.75", "valid_from": TODAY.isoformat(), "valid_to": (TODAY + timedelta(days=10)).isoformat(),
        "min_order_quantity": "12", "pack_size": "6", "lead_time_days": "2"})
    price.refresh_from_db()
    values = (price.unit_price, price.valid_to, price.min_order_quantity, price.pack_size)
    deleted = client.post(reverse("purchasing:contract_price_delete", args=[price.pk]))
    # then
    assert (edited.status_code, deleted.status_code) == (302, 302)
    assert values == (Decimal("3.7500"), TODAY + timedelta(days=10), 12, 6)
    assert not ContractPrice.objects.filter(pk=price.pk).exists()


# ------------------------------------------------------------------------------------------------ returns


def _received(org, quantity="10", rejected="2"):
    order = make_order(org.stores["a1"], make_supplier(org.company), quantity=quantity)
    receipt = services.receipt_create(actor=org.users["admin"], line=order.lines.get(), received_on=TODAY,
                                      quantity_received=Decimal(quantity), quantity_rejected=Decimal(rejected),
                                      rejection_reason="damaged" if rejected != "0" else "")
    return order, receipt


def test_store_manager_returns_units_from_the_order_page_within_the_returnable_quantity(client, org):
    # given: 10 received, 2 rejected (8 in stock)
    client.force_login(org.users["store_manager"])
    order, receipt = _received(org)
    url = reverse("purchasing:purchase_order_return", args=[order.pk])
    # when
    first = client.post(url, {"receipt": receipt.pk, "date": TODAY.isoformat(), "quantity": "5",
                              "reason": "damaged", "notes": "外箱破损"})
    too_many = client.post(url, {"receipt": receipt.pk, "date": TODAY.isoformat(), "quantity": "6",
                                 "reason": "quality"})
    page = client.get(order.get_absolute_url()).content.decode()
    # then: 2 rejected units went back first, 3 left stock
    assert (first.status_code, too_many.status_code) == (302, 302)
    assert list(SupplierReturn.objects.filter(receipt=receipt).values_list("quantity", "notes")) == [
        (Decimal("5.000"), "外箱破损")]
    snapshot = StockSnapshot.objects.get(store=org.stores["a1"], product=receipt.line.product, date=TODAY)
    assert snapshot.on_hand == Decimal(5)
    assert "外箱破损" in page


def test_return_of_another_orders_receipt_is_not_found(client, org):
    # given
    client.force_login(org.users["supervisor"])
    order, _receipt = _received(org)
    _other, foreign_receipt = _received(org)
    # when
    response = client.post(reverse("purchasing:purchase_order_return", args=[order.pk]), {
        "receipt": foreign_receipt.pk, "date": TODAY.isoformat(), "quantity": "1", "reason": "damaged"})
    # then
    assert response.status_code == 404
    assert SupplierReturn.objects.count() == 0


def test_returns_list_is_scoped_filterable_and_exportable(client, org):
    # given
    order, receipt = _received(org)
    services.supplier_return_create(actor=org.users["admin"], receipt=receipt, returned_on=TODAY,
                                    quantity=Decimal(2), reason="expired")
    hidden = make_order(org.stores["b1"], make_supplier(org.company))
    hidden_receipt = services.receipt_create(actor=org.users["admin"], line=hidden.lines.get(), received_on=TODAY,
                                             quantity_received=Decimal(3))
    services.supplier_return_create(actor=org.users["admin"], receipt=hidden_receipt, returned_on=TODAY,
                                    quantity=Decimal(1), reason="quality")
    client.force_login(org.users["store_manager"])
    # when
    listing = client.get(reverse("purchasing:supplier_return_list")).content.decode()
    filtered = client.get(reverse("purchasing:supplier_return_list"), {"reason": "quality"}).content.decode()
    export = _text(client.get(reverse("purchasing:supplier_return_list"), {"export": "csv"}))
    # then
    assert order.order_number in listing
    assert hidden.order_number not in listing
    assert order.order_number not in filtered
    assert order.order_number in export
    assert hidden.order_number not in export


def test_return_date_must_lie_between_the_receipt_and_today(org):
    # given
    _order, receipt = _received(org)
    # when
    with pytest.raises(ValidationError) as error:
        services.supplier_return_create(actor=org.users["admin"], receipt=receipt,
                                        # read now: the module's TODAY goes stale if the run crosses midnight
                                        returned_on=timezone.localdate() + timedelta(days=1), quantity=Decimal(1),
                                        reason="damaged")
    # then
    assert "date" in error.value.message_dict
    assert SupplierReturn.objects.count() == 0
