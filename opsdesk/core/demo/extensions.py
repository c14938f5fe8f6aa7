"""Domain apps add their part of the demo company here (store operations' checklists and runs, ...).

An app registers `builder(company, *, end_date, seed) -> dict[str, int]` (counts) from its AppConfig.ready();
`build_demo` calls every builder, in registration order, after the core data is written, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

Builder = Callable[..., dict[str, int]]
_BUILDERS: dict[str, Builder] = {}


def register(name: str, builder: Builder) -> None:
    """Add an app's demo builder."""
    _BUILDERS[name] = builder


def run_all(company, *, end_date: date, seed: int) -> dict[str, dict[str, int]]:
    """Call every registered builder; returns their counts by name."""
    return {name: builder(company, end_date=end_date, seed=seed) for name, builder in _BUILDERS.items()}
