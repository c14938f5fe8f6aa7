"""Registries the domain apps fill from their AppConfig.ready() and the hubs (cockpit, briefs, goals) iterate.

A domain app owns its KPI selectors, inbox provider, cockpit tiles and brief section and registers them here; a hub
reads the registries and never names an app, so no hub file grows when an app is added. Nothing here imports a
domain app or the cockpit.

- `register_kpi(KpiDefinition)`: a KPI with its unit, direction and `measure(scope, period) -> float | None`.
- `register_inbox_provider(factory)`: `factory()` returns a provider (see `opsdesk.core.inbox_items.Provider`).
- `register_cockpit_tile(fn)`: `fn(user, today) -> list[Tile]` for the user's scope.
- `register_brief_section(fn)`: `fn(company_id, store_ids, day, language) -> BriefSection | None`.
- `register_company_setup(fn)`: `fn(company)` preloads an app's defaults when a company is created (`opsdesk init`).

Registering the same code or callable twice keeps one entry (ready() may run more than once in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypedDict

from opsdesk.core.inbox_items import Provider

Period = tuple[date, date]  # (start, end), both days included
Unit = Literal["%", "count", "score", "per10k", "currency", "days"]
Direction = Literal["higher", "lower"]
UNITS = ("%", "count", "score", "per10k", "currency", "days")
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class KpiScope:
    """Where a KPI is measured: a company's stores, all of them (`store_ids` None) or the listed ones."""

    company_id: int
    store_ids: tuple[int, ...] | None = None

    def restrict(self, queryset, *, company_field: str = "store__company_id", store_field: str = "store_id"):
        """The queryset's rows in this scope: the company's, and only the listed stores' when there is a list."""
        queryset = queryset.filter(**{company_field: self.company_id})
        if self.store_ids is not None:
            queryset = queryset.filter(**{f"{store_field}__in": self.store_ids})
        return queryset


def kpi_scope_for_user(user) -> KpiScope:
    """The user's scope as a KPI scope: the whole company for a company-wide user, else the visible stores."""
    from opsdesk.core.scoping import visible_store_ids

    if getattr(user, "has_company_scope", False):
        return KpiScope(company_id=user.company_id)
    return KpiScope(company_id=user.company_id, store_ids=tuple(visible_store_ids(user)))


@dataclass(frozen=True)
class KpiDefinition:
    """A KPI a domain app measures: what it is, how it reads, and the selector that measures it.

    Attributes:
        code: unique code, "<app>_<name>" (e.g. "service_csat").
        name_zh, name_en: display names.
        unit: "%", "count", "score" (e.g. NPS, -100..100), "per10k" (per 10,000 of a base), "currency" (an amount
            in the company's money) or "days".
        direction: "higher" or "lower" is better.
        aggregation: how the value of a larger scope or a longer period is formed, in plain words.
        description_zh, description_en: the formula in plain words (numerator, denominator, which dates).
        measure: `measure(scope, period) -> float | None`; None when there is nothing to measure (no answers...).
    """

    code: str
    name_zh: str
    name_en: str
    unit: Unit
    direction: Direction
    aggregation: str
    description_zh: str
    description_en: str
    measure: Callable[[KpiScope, Period], float | None] = field(compare=False)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}, got {self.unit!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, got {self.direction!r}")

    def name(self, language: str | None = None) -> str:
        from django.utils.translation import get_language

        return self.name_en if (language or get_language() or "").startswith("en") else self.name_zh


class Tile(TypedDict):
    """One cockpit tile: a label, the value as text, its unit, where it leads, and its tone."""

    label: str
    value: str
    unit: str
    url: str
    tone: Literal["good", "warning", "danger", "neutral"]


@dataclass
class BriefSection:
    """A domain app's part of the daily brief: a title and plain-text lines."""

    title: str
    lines: list[str] = field(default_factory=list)


TileFunction = Callable[..., list[Tile]]  # (user, today)
BriefSectionFunction = Callable[..., BriefSection | None]  # (company_id, store_ids, day, language)

_KPIS: dict[str, KpiDefinition] = {}
_PROVIDER_FACTORIES: list[Callable[[], Provider]] = []
_TILES: list[TileFunction] = []
_BRIEF_SECTIONS: list[BriefSectionFunction] = []


def register_kpi(definition: KpiDefinition) -> None:
    """Add a KPI (a second definition with the same code replaces the first)."""
    _KPIS[definition.code] = definition


def kpis() -> dict[str, KpiDefinition]:
    """Every registered KPI by code, in registration order."""
    return dict(_KPIS)


def register_inbox_provider(factory: Callable[[], Provider]) -> None:
    """Add an inbox provider: `factory()` (no arguments) returns the provider object."""
    if factory not in _PROVIDER_FACTORIES:
        _PROVIDER_FACTORIES.append(factory)


def inbox_providers() -> list[Provider]:
    """One provider from each registered factory."""
    return [factory() for factory in _PROVIDER_FACTORIES]


def register_cockpit_tile(function: TileFunction) -> None:
    """Add tiles to the cockpit: `function(user, today)` returns the tiles of the user's scope."""
    if function not in _TILES:
        _TILES.append(function)


def cockpit_tile_functions() -> list[TileFunction]:
    return list(_TILES)


def register_brief_section(function: BriefSectionFunction) -> None:
    """Add a section to the daily brief: `function(company_id, store_ids, day, language)` (store_ids None: the
    whole company) returns a BriefSection, or None when it has nothing to say."""
    if function not in _BRIEF_SECTIONS:
        _BRIEF_SECTIONS.append(function)


def brief_section_functions() -> list[BriefSectionFunction]:
    return list(_BRIEF_SECTIONS)


_COMPANY_SETUPS: list[Callable] = []


def register_company_setup(function: Callable) -> None:
    """Add an app's defaults for a new company: `function(company)`, idempotent (the career ladder, ...)."""
    if function not in _COMPANY_SETUPS:
        _COMPANY_SETUPS.append(function)


def company_setup_functions() -> list[Callable]:
    return list(_COMPANY_SETUPS)
