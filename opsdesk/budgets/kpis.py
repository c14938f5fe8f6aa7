"""The budgets' KPIs (year-end variance, cost ratios to sales), cockpit tiles and brief section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from opsdesk.budgets import selectors
from opsdesk.budgets.models import BudgetLine
from opsdesk.core import extensions
from opsdesk.core.extensions import BriefSection, KpiDefinition, KpiScope, Period, Tile
from opsdesk.engine import budget as engine

#: Cost categories with a ratio KPI: (seed code, 中文, English).
RATIO_CATEGORIES = (("rent", "房租", "rent"), ("labour", "人工", "labour"), ("utilities", "水电", "utilities"),
                    ("marketing", "市场推广", "marketing"), ("maintenance", "维修保养", "maintenance"),
                    ("training", "培训", "training"))


def _scope_lines(scope: KpiScope, year: int):
    version = selectors.approved_version(scope.company_id, year)
    if version is None:
        return []
    lines = BudgetLine.objects.filter(version=version).select_related("store", "region", "category")
    if scope.store_ids is not None:
        lines = lines.filter(store_id__in=scope.store_ids)
    return list(lines)


def scope_figures(scope: KpiScope, day: date) -> list[selectors.LineFigures]:
    return selectors.line_figures(_scope_lines(scope, day.year), company_id=scope.company_id, year=day.year,
                                  today=day)


def variance_percent(scope: KpiScope, period: Period) -> float | None:
    """(Projected year-end spending - budget) / budget x 100 over the approved lines of the scope, projected as
    of the period's last day (the year of that day); None without an approved budget."""
    figures = scope_figures(scope, period[1])
    budget = sum(item.projection.budget for item in figures)
    if not budget:
        return None
    return round((sum(item.projection.projected for item in figures) - budget) * 100 / budget, 2)


def cost_ratio(scope: KpiScope, period: Period, code: str | None) -> float | None:
    """Operating costs of the category (`code`; None: every cost category) / sales x 100 over the scope's stores
    and the period (monthly costs count in the month of their date); None without sales."""
    from opsdesk.budgets.models import BudgetCategory
    from opsdesk.finance.models import OperatingCost
    from opsdesk.sales.models import StoreDaySales

    sales = scope.restrict(StoreDaySales.objects.filter(date__range=period)).aggregate(
        total=Sum("sales_amount"))["total"]
    if not sales:
        return None
    categories = BudgetCategory.objects.filter(company_id=scope.company_id, kind="cost")
    if code is not None:
        categories = categories.filter(code=code)
    names = [name for category in categories for name in category.cost_name_list]
    costs = scope.restrict(OperatingCost.objects.filter(date__range=period, category__in=names)).aggregate(
        total=Sum("amount"))["total"] or Decimal("0")
    return round(float(costs) * 100 / float(sales), 2)


def _ratio_kpi(code: str | None, name_zh: str, name_en: str) -> KpiDefinition:
    suffix = f"_{code}" if code else ""
    return KpiDefinition(
        code=f"budgets_cost_ratio{suffix}", name_zh=f"{name_zh}费用率", name_en=f"Cost ratio ({name_en})",
        unit="%", direction="lower", aggregation="sum of costs / sum of sales over stores and days",
        description_zh=f"期间内范围门店的{name_zh}营运费用（按预算类别对应的费用类别名称）÷ 销售额 × 100%。",
        description_en=f"Operating costs ({name_en}, by the budget category's cost names) of the scope's stores in "
                       "the period ÷ sales × 100.",
        measure=lambda scope, period: cost_ratio(scope, period, code))


KPIS = (
    KpiDefinition(
        code="budgets_variance_pct", name_zh="预算预计偏差率", name_en="Budget variance (projected)", unit="%",
        direction="lower", aggregation="sum of projected - sum of budget over the scope's approved lines",
        description_zh="按期末日所在年度已批准预算：（全年预计支出 − 全年预算）÷ 全年预算 × 100%；预计支出 = "
                       "实际 + 已承诺 + 其余月份按去年季节性的运行速率。",
        description_en="For the approved budget of the period end's year: (projected year-end spending - budget) ÷ "
                       "budget × 100; projected = actual + committed + the rest of the year at the run rate with "
                       "last year's seasonality.",
        measure=variance_percent),
    _ratio_kpi(None, "营运", "all operating costs"),
    *(_ratio_kpi(code, name_zh, name_en) for code, name_zh, name_en in RATIO_CATEGORIES),
)


def cockpit_tiles(user, today: date) -> list[Tile]:
    """The projected variance of this year's budget, the share of lines projected to overrun and the stopped
    orders awaiting approval, in the user's scope."""
    from opsdesk.budgets.inbox import _awaiting
    from opsdesk.core.permissions import user_can

    if not user.company_id or not user_can(user, "budgets", "view"):
        return []
    version = selectors.approved_version(user.company_id, today.year)
    if version is None:
        return []
    figures = selectors.line_figures(list(selectors.version_lines(user, version)), company_id=user.company_id,
                                     year=today.year, today=today)
    budget = sum(item.projection.budget for item in figures)
    variance = (sum(item.projection.projected for item in figures) - budget) * 100 / budget if budget else None
    share = engine.overrun_share([item.projection for item in figures])
    url = reverse("budgets:control") + f"?version={version.pk}"
    tiles = [
        Tile(label=_("预算预计偏差"), value="—" if variance is None else f"{variance:+.1f}", unit="%", url=url,
             tone="neutral" if variance is None else "good" if variance <= 0 else "warning" if variance < 5
             else "danger"),
        Tile(label=_("预计超支的预算行"), value="—" if share is None else f"{share * 100:.0f}", unit="%", url=url,
             tone="good" if not share else "warning"),
    ]
    if user_can(user, "budgets", "override"):
        awaiting = _awaiting(user).count()
        tiles.append(Tile(label=_("超预算待批准的采购单"), value=str(awaiting), unit="count",
                          url=reverse("budgets:commitmentoverride_list") + "?status=awaiting",
                          tone="danger" if awaiting else "good"))
    return tiles


def brief_section(company_id: int, store_ids, day: date, language: str) -> BriefSection | None:
    """This year's projected variance, the share of lines projected to overrun and the three largest overruns."""
    scope = KpiScope(company_id=company_id, store_ids=None if store_ids is None else tuple(store_ids))
    figures = scope_figures(scope, day)
    if not figures:
        return None
    budget = sum(item.projection.budget for item in figures)
    projected = sum(item.projection.projected for item in figures)
    over = sorted((item for item in figures if item.projection.is_overrun), key=lambda item:
                  -item.projection.variance)
    with translation.override(language):
        lines = [_("全年预算 %(budget).0f，预计 %(projected).0f（%(pct)+.1f%%）；%(over)s / %(total)s 行预计超支") % {
            "budget": budget, "projected": projected, "pct": (projected - budget) * 100 / budget if budget else 0,
            "over": len(over), "total": len(figures)}]
        lines += [_("%(line)s：预计超出 %(variance).0f（%(pct)+.1f%%）") % {
            "line": item.line, "variance": item.projection.variance, "pct": item.projection.variance_pct or 0}
            for item in over[:3]]
        return BriefSection(title=_("预算"), lines=lines)


def register_extensions() -> None:
    from opsdesk.budgets.inbox import provider_factory

    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
    extensions.register_cockpit_tile(cockpit_tiles)
    extensions.register_brief_section(brief_section)
