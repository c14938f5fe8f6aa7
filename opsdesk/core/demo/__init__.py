"""The deterministic demo company behind `opsdesk demo`.

`generate` draws it (pure NumPy, no Django), `load` writes it. The entry points import Django lazily so that
`opsdesk.core.demo.generate` stays importable without settings.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsdesk.core.demo.load import DemoSummary

__all__ = ["DEMO_PASSWORD", "DemoSummary", "build_demo", "demo_exists", "demo_logins"]

DEMO_PASSWORD = "opsdesk-demo-2026"


def demo_exists() -> bool:
    """Whether the demo company is in the database."""
    from opsdesk.core.demo.load import demo_exists as exists

    return exists()


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(role label, username, password, scope) of the demo users in the database."""
    from opsdesk.core.demo.load import demo_logins as logins

    return logins()


def build_demo(
    *,
    reset: bool = False,
    end_date: date | None = None,
    scale: float = 1.0,
    progress: bool = True,
    seed: int = 20240101,
) -> DemoSummary:
    """Generate the demo company (see `opsdesk.core.demo.load.build_demo`)."""
    from opsdesk.core.demo.load import build_demo as build

    return build(reset=reset, end_date=end_date, scale=scale, progress=progress, seed=seed)


def __getattr__(name: str):
    if name == "DemoSummary":
        from opsdesk.core.demo.load import DemoSummary

        return DemoSummary
    raise AttributeError(name)
