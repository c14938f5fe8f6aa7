"""Small purchasing data built on the shared organisation (no demo, no shared data)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from opsdesk.catalog.models import Product
from opsdesk.purchasing.models import (
    Contract,
    ContractPrice,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatusChoices,
    Supplier,
)

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_supplier(company, *, code: str | None = None, email: str = "") -> Supplier:
    return Supplier.objects.create(company=company, code=code or f"SUP-{_next()}", name="鲜达供应链", email=email)


def make_product(company, *, sku: str | None = None, cost: str = "5.00") -> Product:
    return Product.objects.create(company=company, sku=sku or f"SKU-{_next()}", name="牛奶 1L", cost=Decimal(cost),
                                  price=Decimal("9.00"))


def make_contract(supplier, product, *, price: str, starts: date, ends: date, status: str = "active",
                  valid_from: date | None = None, valid_to: date | None = None) -> ContractPrice:
    contract = Contract.objects.create(company_id=supplier.company_id, supplier=supplier, code=f"HT-{_next()}",
                                       title="年度框架合同", starts_on=starts, ends_on=ends, status=status)
    return ContractPrice.objects.create(contract=contract, product=product, unit_price=Decimal(price),
                                        valid_from=valid_from or starts, valid_to=valid_to or ends)


def make_order(store, supplier, *, status: str = PurchaseOrderStatusChoices.SENT, quantity: str = "10",
               order_date: date | None = None, expected_date: date | None = None, product=None,
               unit_price: str = "5.00") -> PurchaseOrder:
    """An order of one line (sent by default) to `supplier` for `store`."""
    today = timezone.localdate()
    order_date = order_date or today - timedelta(days=5)
    order = PurchaseOrder.objects.create(
        company_id=store.company_id, order_number=f"PO-T-{_next():05d}", supplier=supplier, store=store,
        status=status, order_date=order_date, expected_date=expected_date or order_date + timedelta(days=3))
    product = product or make_product(store.company)
    PurchaseOrderLine.objects.create(purchase_order=order, product=product, quantity=Decimal(quantity),
                                     unit_price=Decimal(unit_price))
    return order
