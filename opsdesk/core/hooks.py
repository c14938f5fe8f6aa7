"""Explicit extension points the foundation calls and later apps fill (no signals, no reverse imports).

- `facts_changed(company_id)`: called after a fact import commits (the cockpit refreshes its rollups).
- `home_view`: the page signed-in users land on (the cockpit sets it; when it returns None the core home page
  answers).
"""

from __future__ import annotations

from collections.abc import Callable

_FACTS_CHANGED: list[Callable[[int], object]] = []
home_view: Callable | None = None


def on_facts_changed(callback: Callable[[int], object]) -> None:
    """Register a callback run after facts of a company changed."""
    if callback not in _FACTS_CHANGED:
        _FACTS_CHANGED.append(callback)


def facts_changed(company_id: int) -> None:
    """Tell every registered app that a company's facts changed (after commit)."""
    from django.db import transaction

    for callback in _FACTS_CHANGED:
        transaction.on_commit(lambda callback=callback: callback(company_id))


def set_home_view(view: Callable) -> None:
    global home_view
    home_view = view
