"""The purchasing part of the demo company: contracts with prices, six months of purchase orders with receipts
(suppliers of varying reliability), a few open and late orders, contacts and documents (one licence expiring, one
expired), a few complaints from stores, the scorecards, and a supplier portal login."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from opsdesk.catalog.models import Product
from opsdesk.core.choices import RoleChoices
from opsdesk.core.models import Store, User
from opsdesk.inventory.models import GoodsReceipt
from opsdesk.purchasing import services
from opsdesk.purchasing.models import (
    Contract,
    ContractPrice,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatusChoices,
    Receipt,
    Supplier,
    SupplierComplaint,
    SupplierContact,
    SupplierDocument,
)

S = PurchaseOrderStatusChoices
ORDERS_PER_SUPPLIER = 30
LINES_PER_ORDER = 3
DAYS = 180


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """Registered with core.demo.extensions; returns counts."""
    from opsdesk.core.demo import DEMO_PASSWORD

    rng = random.Random(seed + 7)
    suppliers = list(Supplier.objects.filter(company=company).order_by("code"))
    stores = list(Store.objects.filter(company=company).order_by("code"))
    if not suppliers or not stores:
        return {}
    products = {}
    for product in Product.objects.filter(company=company, supplier__isnull=False).only("pk", "supplier_id", "cost"):
        products.setdefault(product.supplier_id, []).append(product)
    with transaction.atomic():
        contracts = _contracts(company, suppliers, products, end_date)
        orders, lines, receipts = _orders(company, rng, suppliers, stores, products, end_date)
        contacts, documents = _contacts_and_documents(suppliers, end_date)
        complaints = _complaints(company, rng, suppliers, end_date)
        User.objects.create(username="supplier", role=RoleChoices.SUPPLIER, company=company, supplier=suppliers[0],
                            first_name=suppliers[0].contact_name or suppliers[0].name, language="zh-hans",
                            password=make_password(DEMO_PASSWORD))
    scores = services.scorecards_compute(company_id=company.pk, end=end_date)
    return {"contracts": contracts, "purchase_orders": orders, "order_lines": lines, "receipts": receipts,
            "supplier_contacts": contacts, "supplier_documents": documents, "complaints": complaints,
            "scorecards": scores}


def _contracts(company, suppliers, products, end_date: date) -> int:
    """A yearly contract per supplier at the products' cost; the first one ends within 30 days (inbox)."""
    prices = []
    for i, supplier in enumerate(suppliers):
        ends = end_date + timedelta(days=20 if i == 0 else 200)
        contract = Contract.objects.create(company=company, supplier=supplier, code=f"HT{end_date.year}-{i + 1:03d}",
                                           title=f"{supplier.name} 年度框架合同", starts_on=ends - timedelta(days=365),
                                           ends_on=ends)
        prices += [ContractPrice(contract=contract, product=product, unit_price=product.cost,
                                 valid_from=contract.starts_on, valid_to=ends, lead_time_days=supplier.lead_time_days)
                   for product in products.get(supplier.pk, [])[:40]]
    ContractPrice.objects.bulk_create(prices, batch_size=2000)
    return len(suppliers)


def _orders(company, rng, suppliers, stores, products, end_date: date) -> tuple[int, int, int]:
    orders, lines, receipts, facts = [], [], [], []
    for s_index, supplier in enumerate(suppliers):
        choices = products.get(supplier.pk, [])[:40]
        if not choices:
            continue
        late, partial, reject = (rng.uniform(0.02, 0.3), rng.uniform(0.02, 0.25), rng.uniform(0.0, 0.08))
        for o_index in range(ORDERS_PER_SUPPLIER):
            ordered_on = end_date - timedelta(days=rng.randint(2, DAYS))
            expected = ordered_on + timedelta(days=supplier.lead_time_days)
            open_order = expected >= end_date - timedelta(days=1)
            order = PurchaseOrder(company=company, order_number=f"PO{ordered_on:%Y%m%d}-D{s_index:02d}{o_index:03d}",
                                  supplier=supplier, store=rng.choice(stores), order_date=ordered_on,
                                  expected_date=expected, status=S.CONFIRMED if open_order else S.RECEIVED,
                                  promised_date=expected, total_value=Decimal(0))
            orders.append(order)
            for product in rng.sample(choices, min(LINES_PER_ORDER, len(choices))):
                quantity = Decimal(rng.randint(1, 10) * 6)
                line = PurchaseOrderLine(purchase_order=order, product=product, quantity=quantity,
                                         unit_price=product.cost, contract_price=product.cost)
                lines.append(line)
                order.total_value += (quantity * product.cost).quantize(Decimal("0.01"))
                if not open_order:
                    _deliver(rng, order, line, (late, partial, reject), end_date, receipts, facts)
    PurchaseOrder.objects.bulk_create(orders, batch_size=1000)
    for line in lines:
        line.purchase_order_id = line.purchase_order.pk
    PurchaseOrderLine.objects.bulk_create(lines, batch_size=2000)
    for receipt in receipts:
        receipt.line_id = receipt.line.pk
    Receipt.objects.bulk_create(receipts, batch_size=2000)
    GoodsReceipt.objects.bulk_create(facts, batch_size=2000, ignore_conflicts=True)
    return len(orders), len(lines), len(receipts)


def _deliver(rng, order, line, odds, end_date: date, receipts: list, facts: list) -> None:
    """One or two receipts of a line: early, on time or late; sometimes partial; sometimes some rejected."""
    late, partial, reject = odds
    first_day = min(order.expected_date + timedelta(days=rng.randint(1, 4) if rng.random() < late
                                                    else -rng.randint(0, 1)), end_date)
    first_day = max(first_day, order.order_date)
    first_qty = (line.quantity / 2).quantize(Decimal("1")) if rng.random() < partial else line.quantity
    rejected = Decimal(min(2, int(first_qty))) if rng.random() < reject else Decimal(0)
    deliveries = [(first_day, first_qty, rejected)]
    if first_qty < line.quantity:
        deliveries.append((min(first_day + timedelta(days=3), end_date), line.quantity - first_qty, Decimal(0)))
    for day, quantity, rejected_quantity in deliveries:
        receipts.append(Receipt(line=line, date=day, quantity_received=quantity, quantity_rejected=rejected_quantity,
                                rejection_reason="damaged" if rejected_quantity else "", stock_posted=True))
        facts.append(GoodsReceipt(store_id=order.store_id, product_id=line.product_id, supplier_id=order.supplier_id,
                                  date=day, quantity=quantity - rejected_quantity, unit_cost=line.unit_price,
                                  reference=order.order_number))
    line.received_quantity = sum((q - r for _d, q, r in deliveries), Decimal(0))
    line.rejected_quantity = sum((r for _d, _q, r in deliveries), Decimal(0))


COMPLAINTS = ("包装破损，部分商品受潮。", "到货商品临近保质期。", "同批次商品口味异常，顾客退货。", "标签与实物不符。")


def _contacts_and_documents(suppliers, end_date: date) -> tuple[int, int]:
    """The order contact as primary contact plus a sales contact; a business licence per supplier (the first
    expires in 12 days, the second has expired: both reach the inbox and the reminder e-mails)."""
    contacts, documents = [], []
    for i, supplier in enumerate(suppliers):
        if supplier.contact_name:
            contacts.append(SupplierContact(supplier=supplier, name=supplier.contact_name, title="销售经理",
                                            phone=supplier.phone, email=supplier.email, is_primary=True))
        contacts.append(SupplierContact(supplier=supplier, name=f"{supplier.name[:2]}物流调度", title="物流",
                                        phone=f"400-800-{1000 + i:04d}"))
        expires = end_date + timedelta(days=12 if i == 0 else -5 if i == 1 else 200 + 10 * i)
        documents.append(SupplierDocument(supplier=supplier, kind="licence", title="食品经营许可证",
                                          expires_on=expires))
    SupplierContact.objects.bulk_create(contacts)
    SupplierDocument.objects.bulk_create(documents)
    return len(contacts), len(documents)


def _complaints(company, rng, suppliers, end_date: date) -> int:
    """Two to four complaints about the products of the three least reliable-looking suppliers, from receipts of
    the last 90 days (their scorecards show them); the older ones resolved."""
    complaints = []
    for supplier in suppliers[-3:]:
        receipts = list(Receipt.objects.filter(line__purchase_order__supplier=supplier,
                                               date__gte=end_date - timedelta(days=90))
                        .select_related("line__purchase_order").order_by("pk")[:40])
        for receipt in rng.sample(receipts, min(len(receipts), rng.randint(2, 4))):
            day = min(receipt.date + timedelta(days=rng.randint(0, 3)), end_date)
            resolved = day < end_date - timedelta(days=14)
            complaints.append(SupplierComplaint(
                company=company, store_id=receipt.line.purchase_order.store_id, product_id=receipt.line.product_id,
                supplier=supplier, order_line=receipt.line, receipt=receipt, date=day,
                severity=rng.choice(["minor", "major", "major", "critical"]), description=rng.choice(COMPLAINTS),
                status="resolved" if resolved else "open", resolution="供应商已补发并更换批次。" if resolved else "",
                resolved_at=timezone.make_aware(datetime.combine(day + timedelta(days=3), time(15))) if resolved
                else None))
    SupplierComplaint.objects.bulk_create(complaints)
    return len(complaints)
