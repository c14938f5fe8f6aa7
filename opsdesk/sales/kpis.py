"""KPIs of sales as selectors `(scope, period) -> value`, registered in the core KPI registry from the app's ready().

Every period is a pair of local dates, both included. The store x day totals (`StoreDaySales`) are the figures the
cockpit's rollups add up (sales, cost, transactions), so revenue, growth, target and basket read here as they read
on the cockpit; the gross margin reads the store x SKU x day lines, the only facts where a missing cost can be told
apart from a real one. Each KPI is one to three aggregate queries whatever the scope.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth

from opsdesk.core import extensions
from opsdesk.core.extensions import BriefSection, KpiDefinition, KpiScope, Period
from opsdesk.sales.launches import launched_products
from opsdesk.sales.models import SkuDaySales, StoreDaySales

CENT = Decimal("0.01")


def _store_days(scope: KpiScope, start: date, end: date):
    return scope.restrict(StoreDaySales.objects.filter(date__gte=start, date__lte=end))


def _totals(scope: KpiScope, period: Period) -> dict:
    """Sales, transactions and the number of store-day rows of the period (0 rows: nothing to measure)."""
    return _store_days(scope, *period).aggregate(sales=Sum("sales_amount"), transactions=Sum("transactions"),
                                                 rows=Count("pk"))


def last_year(day: date) -> date:
    """The same calendar day a year earlier (28 February for 29 February), as the cockpit aligns last year."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def daily_target(amount: Decimal, month: date) -> Decimal:
    """A month's target spread evenly over its days, rounded to the cent: the cockpit rollups' daily target."""
    return (amount / calendar.monthrange(month.year, month.month)[1]).quantize(CENT)


def _sales_target_model():
    # Targets are kept by the cockpit (cockpit.SalesTarget), which a domain app may not import (import-linter
    # contract). Looking the model up by label keeps the dependency at run time only.
    return apps.get_model("cockpit", "SalesTarget")


# ------------------------------------------------------------------------------------------------ the KPIs


def revenue(scope: KpiScope, period: Period) -> float | None:
    """Net sales of the period (store day totals); None without any store-day row in the scope and period."""
    row = _totals(scope, period)
    return None if not row["rows"] else float(row["sales"] or 0)


def growth_yoy_percent(scope: KpiScope, period: Period) -> float | None:
    """Net sales against the same calendar dates a year earlier, in % change; None without this period's rows or
    without sales last year."""
    current = _totals(scope, period)
    before = _store_days(scope, last_year(period[0]), last_year(period[1])).aggregate(
        sales=Sum("sales_amount"))["sales"] or Decimal(0)
    if not current["rows"] or not before:
        return None
    return float(((current["sales"] or Decimal(0)) - before) * 100 / before)


def target_achievement_percent(scope: KpiScope, period: Period) -> float | None:
    """Net sales of the store-months that have a target, as % of those targets over the period's days; None when
    no store of the scope has a target in the period (or the targets add up to zero)."""
    target_model = _sales_target_model()
    start, end = period
    first_month = start.replace(day=1)
    targets = scope.restrict(target_model.objects.filter(month__gte=first_month, month__lte=end))
    total = Decimal(0)
    # One row per distinct (month, amount): the daily target rounds per store-month, as the rollups round it.
    for month, amount, stores in targets.order_by().values("month", "amount").annotate(n=Count("pk")).values_list(
            "month", "amount", "n"):
        month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        days = (min(month_end, end) - max(month, start)).days + 1
        total += daily_target(amount, month) * days * stores
    if not total:
        return None
    has_target = target_model.objects.filter(store_id=OuterRef("store_id"), month=OuterRef("month"))
    sales = (_store_days(scope, start, end).annotate(month=TruncMonth("date")).filter(Exists(has_target))
             .aggregate(sales=Sum("sales_amount"))["sales"] or Decimal(0))
    return float(sales * 100 / total)


def gross_margin_percent(scope: KpiScope, period: Period) -> float | None:
    """(Revenue - cost) / revenue x 100 over the store x SKU x day lines of the period that carry a cost; lines
    without a cost (cost 0) are left out of both sums. None when no costed line has revenue."""
    lines = scope.restrict(SkuDaySales.objects.filter(date__gte=period[0], date__lte=period[1]))
    row = lines.exclude(cost=0).aggregate(revenue=Sum("revenue"), cost=Sum("cost"))
    if not row["revenue"]:
        return None
    return float((row["revenue"] - row["cost"]) * 100 / row["revenue"])


def transactions(scope: KpiScope, period: Period) -> float | None:
    """Sales transactions of the period (store day totals); None without any store-day row."""
    row = _totals(scope, period)
    return None if not row["rows"] else float(row["transactions"] or 0)


def basket(scope: KpiScope, period: Period) -> float | None:
    """Net sales per transaction over the period; None without transactions."""
    row = _totals(scope, period)
    if not row["transactions"]:
        return None
    return float((row["sales"] or Decimal(0)) / row["transactions"])


KPIS = (
    KpiDefinition(
        code="sales_revenue", name_zh="销售额", name_en="Net sales", unit="currency", direction="higher",
        aggregation="sum over the stores and days of the scope and period",
        description_zh="统计期内各门店每日销售汇总（门店日销售）的销售额之和，即驾驶舱所用的销售额（已扣退货，按导入口径）。",
        description_en="Sum of the sales amount of the stores' daily totals (store day sales) over the period: the "
                       "sales figure the cockpit shows (returns deducted, as imported).",
        measure=revenue),
    KpiDefinition(
        code="sales_growth_yoy", name_zh="销售同比增长", name_en="Sales growth vs last year", unit="%",
        direction="higher", aggregation="ratio of the sums over the scope (not an average of store growth rates)",
        description_zh="（本期销售额 − 去年同期销售额）÷ 去年同期销售额 × 100。去年同期按公历同日对齐：每个日期减一年"
                       "（2 月 29 日对应去年 2 月 28 日），与驾驶舱相同；不做星期对齐，也不剔除新开或关闭门店"
                       "（非可比店口径）。去年同期无销售时不计算。",
        description_en="(Net sales of the period − net sales of the same days last year) ÷ last year's × 100. Days "
                       "are aligned by calendar date: each date minus one year (29 February maps to 28 February), "
                       "as on the cockpit; weekdays are not aligned and stores opened or closed since are not "
                       "removed (not like-for-like). No value when last year had no sales.",
        measure=growth_yoy_percent),
    KpiDefinition(
        code="sales_vs_target", name_zh="销售目标达成率", name_en="Sales vs target", unit="%", direction="higher",
        aggregation="sum of sales ÷ sum of targets over the store-months that have a target",
        description_zh="有销售目标的门店月份在统计期内的销售额 ÷ 同期目标 × 100。月目标按当月天数平均分摊到每天"
                       "（四舍五入到分，与驾驶舱相同），统计期目标为所含各天之和；没有目标的门店月份的销售额不计入分子。",
        description_en="Net sales of the store-months that have a sales target ÷ their target over the period's days "
                       "× 100. A month's target is spread evenly over its days (rounded to the cent, as on the "
                       "cockpit) and the period's target is the sum of its days; sales of store-months without a "
                       "target are left out of the numerator.",
        measure=target_achievement_percent),
    KpiDefinition(
        code="sales_gross_margin", name_zh="毛利率", name_en="Gross margin", unit="%", direction="higher",
        aggregation="ratio of the sums over the costed lines of the scope and period",
        description_zh="（销售额 − 成本）÷ 销售额 × 100，按统计期内的门店×商品×日销售明细计算。"
                       "成本为 0 的明细视为缺少成本，从分子和分母中同时剔除（不按零成本计入）。",
        description_en="(Revenue − cost) ÷ revenue × 100 over the period's store × SKU × day sales lines. A line "
                       "with cost 0 has no cost recorded: it is left out of both numerator and denominator (never "
                       "counted as zero cost).",
        measure=gross_margin_percent),
    KpiDefinition(
        code="sales_transactions", name_zh="交易笔数", name_en="Transactions", unit="count", direction="higher",
        aggregation="sum over the stores and days of the scope and period",
        description_zh="统计期内各门店每日销售汇总的交易笔数之和。",
        description_en="Sum of the transactions of the stores' daily totals over the period.",
        measure=transactions),
    KpiDefinition(
        code="sales_basket", name_zh="客单价", name_en="Average basket", unit="currency", direction="higher",
        aggregation="sum of sales ÷ sum of transactions (not an average of store baskets)",
        description_zh="统计期内销售额 ÷ 交易笔数（与驾驶舱客单价相同）。",
        description_en="Net sales ÷ transactions over the period (the cockpit's average ticket).",
        measure=basket),
    KpiDefinition(
        code="sales_launched_products", name_zh="新品上市数", name_en="Products launched", unit="count",
        direction="higher", aggregation="distinct products over the scope's launches in the period",
        description_zh="统计期内上市日期落在期内的新品上市记录中的不同商品数（上市门店在范围内；未指定门店的上市记录"
                       "计入公司所有门店）。",
        description_en="Distinct products of the launch records whose launch date falls in the period (launched in a "
                       "store of the scope; a launch without stores counts for every store of its company).",
        measure=launched_products),
)


def brief_section(company_id: int, store_ids: tuple[int, ...] | None, day: date, language: str
                  ) -> BriefSection | None:
    """Promotion results of the last week, assortment proposals waiting, launches of the quarter."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from opsdesk.sales.models import AssortmentProposal, PromotionEvaluation

    evaluations = PromotionEvaluation.objects.filter(promotion__company_id=company_id,
                                                     promotion__end_date__gte=day - timedelta(days=30)
                                                     ).exclude(verdict="no_data")
    proposals = AssortmentProposal.objects.filter(store__company_id=company_id, state="proposed")
    if store_ids is not None:
        proposals = proposals.filter(store_id__in=store_ids)
        evaluations = evaluations.none()  # company figures: not in a store-level brief
    quarter = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    launched = launched_products(KpiScope(company_id, store_ids), (quarter, day))
    verdicts = {row["verdict"]: row["n"] for row in evaluations.values("verdict").annotate(n=Count("pk"))}
    if not verdicts and not proposals.exists() and not launched:
        return None
    with translation.override(language):
        lines = []
        if verdicts:
            lines.append(_("近 30 天结束的促销：%(pays)s 个赚钱，%(loses)s 个亏钱，%(unclear)s 个不确定") % {
                "pays": verdicts.get("pays", 0), "loses": verdicts.get("loses", 0),
                "unclear": verdicts.get("unclear", 0)})
        lines.append(_("待审核的品项调整建议 %(n)s 条") % {"n": proposals.count()})
        lines.append(_("本季度新品上市 %(n)s 个") % {"n": int(launched or 0)})
        return BriefSection(title=_("销售与品项"), lines=lines)


def register_extensions() -> None:
    """Register the sales KPIs, the inbox provider and the brief section (called from SalesConfig.ready())."""
    from opsdesk.sales.inbox import provider_factory

    for definition in KPIS:
        extensions.register_kpi(definition)
    extensions.register_inbox_provider(provider_factory)
    extensions.register_brief_section(brief_section)

