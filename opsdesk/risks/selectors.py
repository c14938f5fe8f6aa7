"""Reads of the risk register, always through the user's scope: the register, heat maps (inherent and residual),
movement since the last review, top risks, indicators in breach, and the figures of the cockpit tile and KPI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from opsdesk.engine import risk as scoring
from opsdesk.risks.choices import ActionStatusChoices, KriStatusChoices, RiskStatusChoices
from opsdesk.risks.models import KeyRiskIndicator, Risk, RiskAction, RiskReview, RiskSettings


def risk_list(*, user, action: str = "view") -> QuerySet[Risk]:
    """The risks the user may see (company risks published to stores included for store users)."""
    return Risk.objects.for_user(user, action).select_related("category", "store", "region", "owner")


def open_risks(*, user, region_id: int | None = None, store_id: int | None = None) -> QuerySet[Risk]:
    """Open risks in the user's scope, optionally narrowed to a region or a store (with the company's risks)."""
    risks = risk_list(user=user).filter(status=RiskStatusChoices.OPEN)
    if store_id is not None:
        risks = risks.filter(Q(store_id=store_id) | Q(store__isnull=True, region__isnull=True))
    elif region_id is not None:
        risks = risks.filter(Q(region_id=region_id) | Q(region__isnull=True))
    return risks


@dataclass
class HeatMap:
    """A 5 x 5 grid of risk counts: `cells[impact - 1][likelihood - 1]`, with each cell's level."""

    kind: str
    cells: list[list[int]] = field(default_factory=lambda: [[0] * 5 for _ in range(5)])
    levels: list[list[str]] = field(default_factory=list)
    total: int = 0

    def rows(self) -> list[dict]:
        """Impact 5 at the top, as a risk matrix is drawn."""
        return [{"impact": impact, "cells": [
            {"likelihood": likelihood, "count": self.cells[impact - 1][likelihood - 1],
             "level": self.levels[impact - 1][likelihood - 1]} for likelihood in range(1, 6)]}
            for impact in range(5, 0, -1)]


def heat_map(risks: QuerySet[Risk], *, kind: str, bands: tuple[int, int, int]) -> HeatMap:
    """Counts per (likelihood, impact) cell, inherent or residual, in one query."""
    likelihood, impact = ("likelihood", "impact") if kind == "inherent" else ("residual_likelihood", "residual_impact")
    grid = HeatMap(kind=kind)
    grid.levels = [[scoring.level(i * j, bands) for j in range(1, 6)] for i in range(1, 6)]
    for row in risks.order_by().values(likelihood, impact).annotate(n=Count("pk")):
        grid.cells[row[impact] - 1][row[likelihood] - 1] = row["n"]
        grid.total += row["n"]
    return grid


def register_rows(risks: QuerySet[Risk], *, company_id: int) -> list[Risk]:
    """The register's rows, highest residual score first, each knowing the company's matrix settings (its inherent
    level without a query per row)."""
    settings_ = settings_for(company_id)
    rows = list(risks.select_related("category", "store", "region", "owner").order_by("-residual_score", "code"))
    for risk in rows:
        risk._risk_settings = settings_
    return rows


def settings_for(company_id: int) -> RiskSettings:
    return RiskSettings.objects.filter(company_id=company_id).first() or RiskSettings(company_id=company_id)


def movement(risks: QuerySet[Risk]) -> list[tuple[Risk, int, int]]:
    """Risks whose residual score differs from the score at their previous review: (risk, then, now), biggest
    change first. "Then" is the residual score recorded by the review before the latest one."""
    previous = RiskReview.objects.filter(risk=OuterRef("pk")).order_by("-reviewed_on", "-pk").values(
        "residual_score")[1:2]
    rows = risks.annotate(previous_score=Subquery(previous)).exclude(previous_score__isnull=True)
    moved = [(risk, risk.previous_score, risk.residual_score) for risk in rows
             if risk.previous_score != risk.residual_score]
    return sorted(moved, key=lambda item: -abs(item[2] - item[1]))


def top_risks(risks: QuerySet[Risk], limit: int = 10) -> list[Risk]:
    return list(risks.order_by("-residual_score", "-likelihood", "code")[:limit])


def above_appetite(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    """Open risks whose residual score is above their category's appetite."""
    from django.db.models import F

    return risks.filter(status=RiskStatusChoices.OPEN, residual_score__gt=F("category__appetite"))


def breached_indicators(*, user) -> QuerySet[KeyRiskIndicator]:
    return (KeyRiskIndicator.objects.for_user(user)
            .filter(is_active=True, status__in=[KriStatusChoices.AMBER, KriStatusChoices.RED])
            .select_related("risk", "store", "region"))


def overdue_actions(*, user, today: date) -> QuerySet[RiskAction]:
    return (RiskAction.objects.for_user(user)
            .filter(status=ActionStatusChoices.OPEN, due_date__lt=today).select_related("risk"))


def overdue_reviews(*, user, today: date) -> QuerySet[Risk]:
    return risk_list(user=user).filter(status=RiskStatusChoices.OPEN, next_review_on__lt=today)


def breach_text(indicator: KeyRiskIndicator, definition) -> str:
    """"门店 SH001 · 缺货率 7.2% > 6.0%（超限），自 2026-11-12 起" — the numbers behind an inbox item."""
    from django.utils.translation import gettext as _

    unit = "%" if definition is not None and definition.unit == "%" else ""
    value = "—" if indicator.last_value is None else f"{indicator.last_value:,.1f}{unit}"
    threshold = indicator.red if indicator.status == KriStatusChoices.RED else indicator.amber
    comparison = "<" if definition is not None and definition.direction == "higher" else ">"
    return _("%(scope)s · %(name)s %(value)s %(cmp)s %(threshold)s（%(status)s），自 %(since)s 起") % {
        "scope": indicator.scope_label, "name": indicator.name, "value": value, "cmp": comparison,
        "threshold": f"{threshold:,.1f}{unit}", "status": indicator.get_status_display(),
        "since": indicator.breached_since.isoformat() if indicator.breached_since else "—"}
