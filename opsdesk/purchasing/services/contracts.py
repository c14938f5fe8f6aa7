"""Writes of contracts and their price lists: validated (dates, overlaps, positive prices), atomic, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opsdesk.core.audit import audit_actor
from opsdesk.core.kit.guards import assert_can, confirm_in_scope, in_scope_for_update
from opsdesk.purchasing.models import Contract, ContractPrice, Supplier


def contract_create(*, actor, supplier: Supplier, code: str, title: str, starts_on: date, ends_on: date,
                    status: str = "active", terms: str = "") -> Contract:
    """Record a contract with a supplier of the actor's company."""
    assert_can(actor, "supplier_management", "add")
    with transaction.atomic(), audit_actor(actor):
        if supplier.company_id != actor.company_id:
            raise PermissionDenied(_("该对象不在你的权限范围内。"))
        contract = Contract(company_id=actor.company_id, supplier=supplier, code=code, title=title,
                            starts_on=starts_on, ends_on=ends_on, status=status, terms=terms)
        contract.full_clean()
        contract.save()
        confirm_in_scope(actor, contract, "add", model=Contract)
    return contract


def contract_update(*, actor, contract: Contract, code: str, title: str, starts_on: date, ends_on: date,
                    status: str, terms: str = "") -> Contract:
    """Change a contract's number, title, period, status or terms; its prices must stay within the new period."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        contract = in_scope_for_update(actor, Contract, contract, "change")
        contract.code, contract.title, contract.status, contract.terms = code, title, status, terms
        contract.starts_on, contract.ends_on = starts_on, ends_on
        contract.full_clean()
        outside = contract.prices.exclude(valid_from__gte=starts_on, valid_to__lte=ends_on).count()
        if outside:
            message = _("有 %(count)d 条合同价格的有效期超出新的合同期，请先修改或删除这些价格。")
            raise ValidationError({"starts_on": message % {"count": outside}})
        contract.save()
    return contract


def _checked_price(contract: Contract, price: ContractPrice) -> ContractPrice:
    """Validate a price row against its contract (company, period) and its siblings (no overlap), then save it."""
    if price.product.company_id != contract.company_id:
        raise ValidationError({"product": _("商品不属于该公司。")})
    if price.valid_from < contract.starts_on or price.valid_to > contract.ends_on:
        raise ValidationError({"valid_from": _("价格有效期必须在合同期内。")})
    price.full_clean()
    price.save()
    return price


def contract_price_add(*, actor, contract: Contract, product, unit_price: Decimal, valid_from: date, valid_to: date,
                       min_order_quantity: int = 1, pack_size: int = 1, lead_time_days: int = 3) -> ContractPrice:
    """Add a negotiated SKU price to a contract (within the contract's period, not overlapping the SKU's others)."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        contract = in_scope_for_update(actor, Contract, contract, "change")
        price = ContractPrice(contract=contract, product=product, unit_price=unit_price, valid_from=valid_from,
                              valid_to=valid_to, min_order_quantity=min_order_quantity, pack_size=pack_size,
                              lead_time_days=lead_time_days)
        return _checked_price(contract, price)


def contract_price_update(*, actor, price: ContractPrice, unit_price: Decimal, valid_from: date, valid_to: date,
                          min_order_quantity: int, pack_size: int, lead_time_days: int) -> ContractPrice:
    """Change a price line (the SKU stays; delete the line and add another to price a different SKU)."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        price = in_scope_for_update(actor, ContractPrice, price, "change")
        price.unit_price, price.valid_from, price.valid_to = unit_price, valid_from, valid_to
        price.min_order_quantity, price.pack_size, price.lead_time_days = min_order_quantity, pack_size, lead_time_days
        return _checked_price(price.contract, price)


def contract_price_delete(*, actor, price: ContractPrice) -> None:
    """Remove a price line from its contract (orders keep the contract price they were stamped with)."""
    assert_can(actor, "supplier_management", "change")
    with transaction.atomic(), audit_actor(actor):
        price = in_scope_for_update(actor, ContractPrice, price, "change")
        price.delete()
