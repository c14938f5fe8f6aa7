"""Inbox providers: one small module per source. Adding a source is one new module and one line below."""

from __future__ import annotations


def register_builtin() -> None:
    from opsdesk.cockpit.inbox import register
    from opsdesk.cockpit.providers import (
        corrective_actions,
        inspections,
        overstock,
        proposals,
        purchasing,
        stockout,
        supplier_documents,
    )

    for module in (stockout, overstock, proposals, corrective_actions, inspections, supplier_documents):
        register(module.PROVIDER)
    for provider in purchasing.available_providers():
        register(provider)
