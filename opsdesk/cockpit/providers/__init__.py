"""Inbox providers: one small module per source here, plus every provider a domain app registered in the core
registry (`opsdesk.core.extensions.register_inbox_provider`), which is how new apps add theirs."""

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
    from opsdesk.core import extensions

    for module in (stockout, overstock, proposals, corrective_actions, inspections, supplier_documents):
        register(module.PROVIDER)
    for provider in purchasing.available_providers():
        register(provider)
    # The cockpit is the last app to start, so every domain app has registered its providers by now.
    for provider in extensions.inbox_providers():
        register(provider)
