"""Purchasing services: price in force, the order workflow, receipts posting stock exactly once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opsdesk.inventory.models import GoodsReceipt, StockSnapshot
from opsdesk.purchasing import selectors, services
from opsdesk.purchasing.models import PurchaseOrderStatusChoices as S
from opsdesk.purchasing.models import Receipt, SupplierPurchaseOrder
from opsdesk.purchasing.tests.factories import make_contract, make_order, make_product, make_supplier

TODAY = timezone.localdate()


def test_price_in_force_picks_the_active_contract_row_valid_on_the_date(org):
    # given: a yearly contract at 5.00 renegotiated to 4.50 from March; a later draft contract; an ended one
    supplier, product = make_supplier(org.company), make_product(org.company)
    make_contract(supplier, product, price="5.00", starts=date(2026, 1, 1), ends=date(2026, 12, 31))
    make_contract(supplier, product, price="4.50", starts=date(2026, 3, 1), ends=date(2026, 12, 31))
    make_contract(supplier, product, price="3.00", starts=date(2026, 6, 1), ends=date(2026, 12, 31), status="draft")
    make_contract(supplier, product, price="2.00", starts=date(2025, 1, 1), ends=date(2025, 12, 31), status="ended")
    # when
    prices = {day: selectors.price_in_force(supplier_id=supplier.pk, product_id=product.pk, on=day)
              for day in (date(2025, 6, 1), date(2026, 2, 28), date(2026, 3, 1), date(2026, 7, 1), date(2027, 1, 1))}
    # then
    assert prices[date(2025, 6, 1)] is None
    assert prices[date(2026, 2, 28)].unit_price == Decimal("5.0000")
    assert prices[date(2026, 3, 1)].unit_price == Decimal("4.5000")
    assert prices[date(2026, 7, 1)].unit_price == Decimal("4.5000")
    assert prices[date(2027, 1, 1)] is None


def test_a_line_by_hand_takes_the_contract_price_and_flags_a_deviation(org):
    # given
    supervisor, supplier = org.users["supervisor"], make_supplier(org.company)
    product, other = make_product(org.company), make_product(org.company, cost="7.00")
    make_contract(supplier, product, price="4.80", starts=TODAY - timedelta(days=30), ends=TODAY + timedelta(days=30))
    order = services.purchase_order_create(actor=supervisor, supplier=supplier, store=org.stores["a1"],
                                           expected_date=TODAY + timedelta(days=3))
    # when
    at_contract = services.purchase_order_line_add(actor=supervisor, order=order, product=product,
                                                   quantity=Decimal(12))
    deviating = services.purchase_order_line_add(actor=supervisor, order=order, product=product,
                                                 quantity=Decimal(6), unit_price=Decimal("5.10"))
    no_contract = services.purchase_order_line_add(actor=supervisor, order=order, product=other, quantity=Decimal(1))
    # then
    order.refresh_from_db()
    assert (at_contract.unit_price, at_contract.has_price_deviation) == (Decimal("4.80"), False)
    assert (deviating.unit_price, deviating.has_price_deviation) == (Decimal("5.10"), True)
    assert (no_contract.unit_price, no_contract.contract_price) == (Decimal("7.00"), None)
    assert order.total_value == Decimal("95.20")
    assert order.status == S.DRAFT
    assert order.revisions.count() == 0


def test_send_emails_the_pdf_and_later_edits_are_tracked(org, django_capture_on_commit_callbacks):
    # given
    supervisor = org.users["supervisor"]
    order = make_order(org.stores["a1"], make_supplier(org.company, email="orders@xianda.cn"), status=S.DRAFT)
    line = order.lines.get()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_send(actor=supervisor, order=order)
    services.purchase_order_line_update(actor=supervisor, line=line, quantity=Decimal(14), unit_price=Decimal(5))
    # then
    order.refresh_from_db()
    assert order.status == S.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["orders@xianda.cn"]
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")
    revision = order.revisions.get()
    assert (order.revision, revision.number, revision.changed_by) == (1, 1, supervisor)
    assert revision.changes["before"] == {"quantity": "10.000", "unit_price": "5.0000"}
    assert revision.changes["after"] == {"quantity": "14", "unit_price": "5"}


def test_the_supplier_confirms_only_its_own_orders(org):
    # given
    supplier_user = org.users["supplier"]
    own = make_order(org.stores["b1"], org.supplier)
    other = make_order(org.stores["a1"], make_supplier(org.company))
    draft = make_order(org.stores["a1"], org.supplier, status=S.DRAFT)
    promised = TODAY + timedelta(days=2)
    # when
    visible = set(SupplierPurchaseOrder.objects.for_user(supplier_user).values_list("pk", flat=True))
    services.purchase_order_confirm(actor=supplier_user, order=own, promised_date=promised)
    # then
    assert visible == {own.pk}
    own.refresh_from_db()
    assert (own.status, own.promised_date, own.revision) == (S.CONFIRMED, promised, 1)
    with pytest.raises(PermissionDenied):
        services.purchase_order_confirm(actor=supplier_user, order=other, promised_date=promised)
    with pytest.raises(PermissionDenied):
        services.purchase_order_confirm(actor=supplier_user, order=draft, promised_date=promised)
    assert list(selectors.purchase_orders_for_user(supplier_user)) == []


def test_receipts_update_stock_exactly_once_and_write_the_lead_time_fact(org):
    # given: 10 on hand yesterday; an order of 10
    manager, store = org.users["store_manager"], org.stores["a1"]
    order = make_order(store, make_supplier(org.company), quantity="10")
    line = order.lines.get()
    StockSnapshot.objects.create(store=store, product=line.product, date=TODAY - timedelta(days=1),
                                 on_hand=Decimal(10), on_order=Decimal(10))
    # when: 8 arrive (2 damaged), then the remaining 4
    first = services.receipt_create(actor=manager, line=line, received_on=TODAY, quantity_received=Decimal(8),
                                    quantity_rejected=Decimal(2), rejection_reason="damaged")
    order.refresh_from_db()
    status_after_first = order.status
    services._post_stock(first, order, line)  # a second posting of the same receipt does nothing
    services.receipt_create(actor=manager, line=line, received_on=TODAY, quantity_received=Decimal(4))
    # then
    snapshot = StockSnapshot.objects.get(store=store, product=line.product, date=TODAY)
    order.refresh_from_db()
    line.refresh_from_db()
    fact = GoodsReceipt.objects.get(store=store, product=line.product)
    assert status_after_first == S.PARTLY_RECEIVED
    assert (snapshot.on_hand, snapshot.on_order) == (Decimal(20), Decimal(0))
    assert (line.received_quantity, line.rejected_quantity, order.status) == (Decimal(10), Decimal(2), S.RECEIVED)
    assert (fact.reference, fact.supplier_id, fact.quantity, fact.date) == (order.order_number, order.supplier_id,
                                                                            Decimal(10), TODAY)
    assert Receipt.objects.filter(line=line, stock_posted=True).count() == 2


def test_an_over_receipt_or_a_denied_receipt_changes_nothing(org):
    # given
    store = org.stores["a1"]
    order = make_order(store, make_supplier(org.company), quantity="5")
    line = order.lines.get()
    # when / then
    with pytest.raises(ValidationError):
        services.receipt_create(actor=org.users["store_manager"], line=line, received_on=TODAY,
                                quantity_received=Decimal(6))
    with pytest.raises(PermissionDenied):
        services.receipt_create(actor=org.users["staff"], line=line, received_on=TODAY, quantity_received=Decimal(1))
    assert Receipt.objects.filter(line=line).count() == 0
    assert StockSnapshot.objects.filter(store=store, product=line.product).count() == 0
    assert GoodsReceipt.objects.filter(reference=order.order_number).count() == 0


def test_inbox_feeds_late_deliveries_and_expiring_contracts(org):
    # given
    supplier, product = make_supplier(org.company), make_product(org.company)
    late = make_order(org.stores["a1"], supplier, order_date=TODAY - timedelta(days=10),
                      expected_date=TODAY - timedelta(days=2))
    make_order(org.stores["a1"], supplier, order_date=TODAY - timedelta(days=1), expected_date=TODAY + timedelta(1))
    make_order(org.stores["b1"], supplier, order_date=TODAY - timedelta(days=10),
               expected_date=TODAY - timedelta(days=2))
    expiring = make_contract(supplier, product, price="1", starts=TODAY - timedelta(days=300),
                             ends=TODAY + timedelta(days=20)).contract
    make_contract(supplier, product, price="1", starts=TODAY, ends=TODAY + timedelta(days=90))
    # when
    late_orders = list(selectors.late_deliveries_for_user(org.users["supervisor"]))
    contracts = list(selectors.expiring_contracts_for_user(org.users["supervisor"], days=30))
    # then: the b1 order is out of the supervisor's stores; store managers see no contracts
    assert [o.pk for o in late_orders if o.supplier_id == supplier.pk] == [late.pk]
    assert [c.pk for c in contracts if c.supplier_id == supplier.pk] == [expiring.pk]
    assert list(selectors.expiring_contracts_for_user(org.users["store_manager"])) == []


def test_returns_take_rejected_units_first_and_never_exceed_what_arrived(org):
    # given
    order = make_order(org.stores["a1"], make_supplier(org.company), quantity="5")
    receipt = services.receipt_create(actor=org.users["store_manager"], line=order.lines.get(), received_on=TODAY,
                                      quantity_received=Decimal(5), quantity_rejected=Decimal(1),
                                      rejection_reason="quality")
    # when
    first = services.supplier_return_create(actor=org.users["store_manager"], receipt=receipt, returned_on=TODAY,
                                            quantity=Decimal(4), reason="quality")
    # then: 1 rejected unit goes back first, 3 accepted units leave stock (4 in, 3 out)
    assert first.quantity == Decimal(4)
    assert StockSnapshot.objects.get(store=org.stores["a1"], product=receipt.line.product, date=TODAY).on_hand == 1
    with pytest.raises(ValidationError):
        services.supplier_return_create(actor=org.users["store_manager"], receipt=receipt, returned_on=TODAY,
                                        quantity=Decimal(2), reason="quality")
    assert receipt.returns.count() == 1
