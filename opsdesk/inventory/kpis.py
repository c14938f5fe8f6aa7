"""KPIs of inventory as selectors `(scope, period) -> value`, registered in the core KPI registry from the app's
ready().

Every period is a pair of local dates, both included. The figures follow the definitions the other pages use:
- stockouts: the sales facts' stockout flag (a store x SKU day out of stock), which the cockpit's SKU drill-down
  counts as stockout days and forecasting treats as unavailable days, over the store x SKU days forecasting
  densifies (from the pair's first fact in the period on, closed store days left out);
- overstock: the replenishment plan's inventory health (stock beyond the overstock cover, at unit cost), read from
  the plan's persisted per-store summary as the cockpit reads it;
- stock value: the plan's valuation (latest snapshot per store x SKU, negative stock as zero, the snapshot's unit
  cost or else the product's cost, active products), taken at the period's last day.

Shrink is not measured: there are no stocktake or write-off facts (see the note above KPIS).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from django.db import connection
from django.db.models import Count, Sum

from opsdesk.core import extensions
from opsdesk.core.extensions import KpiDefinition, KpiScope, Period
from opsdesk.core.models import Store
from opsdesk.sales.models import SkuDaySales, StoreDaySales

SPAN = 10**6  # above any date ordinal: `store id * SPAN + ordinal` keys one store day


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _store_condition(scope: KpiScope, column: str) -> tuple[str, list]:
    """SQL restricting `column` (a store id) to the scope, and its parameters."""
    sql = f"{column} IN (SELECT id FROM {Store._meta.db_table} WHERE company_id = %s"
    params: list = [scope.company_id]
    if scope.store_ids is not None:
        if not scope.store_ids:
            return "1 = 0", []
        sql += f" AND id IN ({', '.join(['%s'] * len(scope.store_ids))})"
        params += list(scope.store_ids)
    return sql + ")", params


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# ------------------------------------------------------------------------------------------------ stockouts


def _closed_day_keys(scope: KpiScope, period: Period) -> np.ndarray:
    """The scope's closed store days of the period as sorted keys `store id * SPAN + date ordinal`."""
    closed = scope.restrict(StoreDaySales.objects.filter(date__gte=period[0], date__lte=period[1], is_open=False))
    return np.sort(np.asarray([store_id * SPAN + day.toordinal() for store_id, day in
                               closed.values_list("store_id", "date")], dtype=np.int64))


def _pair_days(scope: KpiScope, period: Period, closed: np.ndarray) -> int:
    """Store x SKU days of the period: for every pair with a sales fact in it, the days from its first fact to the
    period's end, less the store's closed days (pairs are grouped by store and first day in SQL)."""
    start, end = period
    where, params = _store_condition(scope, "store_id")
    groups = _fetch(
        f"SELECT store_id, first_day, COUNT(*) FROM (SELECT store_id, product_id, MIN(date) AS first_day "
        f"FROM {SkuDaySales._meta.db_table} WHERE {where} AND date >= %s AND date <= %s "
        "GROUP BY store_id, product_id) pairs GROUP BY store_id, first_day", [*params, start, end])
    if not groups:
        return 0
    store = np.asarray([row[0] for row in groups], dtype=np.int64)
    first = np.asarray([_as_date(row[1]).toordinal() for row in groups], dtype=np.int64)
    pairs = np.asarray([row[2] for row in groups], dtype=np.int64)
    last = end.toordinal()
    # The closed days of a store from a day on are one searchsorted range of the sorted keys.
    closed_after = (np.searchsorted(closed, store * SPAN + last, side="right")
                    - np.searchsorted(closed, store * SPAN + first, side="left"))
    return int((pairs * (last - first + 1 - closed_after)).sum())


def _stockout_days(scope: KpiScope, period: Period, closed: np.ndarray) -> int:
    """Store x SKU days flagged out of stock in the period, on days the store was open."""
    per_day = (scope.restrict(SkuDaySales.objects.filter(date__gte=period[0], date__lte=period[1], is_stockout=True))
               .order_by().values_list("store_id", "date").annotate(n=Count("pk")))
    keys, counts = [], []
    for store_id, day, n in per_day:  # one row per store and day, not per fact
        keys.append(store_id * SPAN + _as_date(day).toordinal())
        counts.append(n)
    is_open = ~np.isin(np.asarray(keys, dtype=np.int64), closed)
    return int(np.asarray(counts, dtype=np.int64)[is_open].sum())


def stockout_rate_percent(scope: KpiScope, period: Period) -> float | None:
    """Store x SKU days flagged out of stock as % of the store x SKU days of the period (see `_pair_days`); None
    without sales facts in the scope and period."""
    closed = _closed_day_keys(scope, period)
    days = _pair_days(scope, period, closed)
    if not days:
        return None
    return _stockout_days(scope, period, closed) * 100.0 / days


# ------------------------------------------------------------------------------------------------ plan and stock


def _latest_plan(scope: KpiScope, period: Period):
    """The company's latest finished replenishment plan whose stock date (the day before its plan date) is in the
    period, or None."""
    from opsdesk.replenishment.choices import PlanRunStatusChoices
    from opsdesk.replenishment.models import PlanRun

    return (PlanRun.objects.filter(company_id=scope.company_id, status=PlanRunStatusChoices.DONE,
                                   plan_date__gt=period[0], plan_date__lte=period[1] + timedelta(days=1))
            .order_by("-plan_date", "-finished_at", "-pk").first())


def overstock_value(scope: KpiScope, period: Period) -> float | None:
    """Overstock value of the scope's stores in the latest plan of the period (the plan's per-store summary, as the
    cockpit reads it); None when no plan was made in the period."""
    run = _latest_plan(scope, period)
    if run is None:
        return None
    stores = run.summary.get("stores", {})
    wanted = None if scope.store_ids is None else {str(store_id) for store_id in scope.store_ids}
    return float(sum(row.get("overstock_value", 0.0) for key, row in stores.items()
                     if wanted is None or key in wanted))


def stock_value(scope: KpiScope, day: date) -> float | None:
    """Stock at cost at the end of `day`, valued as the replenishment plan values it: the latest snapshot of every
    store x SKU up to the day, negative stock as zero, the snapshot's unit cost or else the product's cost, active
    products only. None without any snapshot."""
    from opsdesk.catalog.models import Product
    from opsdesk.inventory.models import StockSnapshot

    table, products = StockSnapshot._meta.db_table, Product._meta.db_table
    where, params = _store_condition(scope, "store_id")
    rows = _fetch(
        "SELECT COUNT(*), SUM(CASE WHEN s.on_hand > 0 THEN s.on_hand ELSE 0 END "
        "* CASE WHEN s.unit_cost > 0 THEN s.unit_cost ELSE p.cost END) "
        f"FROM {table} s JOIN (SELECT store_id, product_id, MAX(date) AS last_day FROM {table} "
        f"WHERE {where} AND date <= %s GROUP BY store_id, product_id) m ON m.store_id = s.store_id "
        "AND m.product_id = s.product_id AND m.last_day = s.date "
        f"JOIN {products} p ON p.id = s.product_id WHERE p.is_active = %s", [*params, day, True])
    count, value = rows[0]
    return None if not count else float(value or 0)


def days_of_cover(scope: KpiScope, period: Period) -> float | None:
    """Stock at cost at the period's end ÷ the average daily cost of sales over the period; None without stock
    snapshots or without cost of sales."""
    cost = scope.restrict(StoreDaySales.objects.filter(date__gte=period[0], date__lte=period[1])).aggregate(
        cost=Sum("cost_amount"))["cost"]
    if not cost:
        return None
    value = stock_value(scope, period[1])
    if value is None:
        return None
    return value / (float(cost) / ((period[1] - period[0]).days + 1))


# Shrink (stock lost to theft, damage, errors) is not measured. It needs counted stock against book stock, or
# recorded write-offs: the facts hold neither. Stock snapshots are book stock (month ends in the demo), the
# stock-check lines of store operations count only the SKUs a failed inspection flagged as out or low (a biased
# handful, not the assortment), and a flow figure (opening + receipts - sales - closing) would also count supplier
# returns, transfers and import gaps as shrink.

KPIS = (
    KpiDefinition(
        code="inventory_stockout_rate", name_zh="缺货率", name_en="Stockout rate", unit="%", direction="lower",
        aggregation="ratio of the sums of store × SKU days over the scope and period",
        description_zh="统计期内标记为缺货的门店×商品日数 ÷ 门店×商品日数 × 100。"
                       "分母：统计期内有销售或缺货记录的门店×商品，从其在期内的第一条记录起至期末的天数，"
                       "扣除门店不营业的日子（与预测补全销售数据的口径相同）；"
                       "分子：这些日子中销售数据标记为缺货的日数（驾驶舱商品下钻的缺货天数）。",
        description_en="Store × SKU days flagged out of stock ÷ store × SKU days × 100, over the period. Denominator: "
                       "every store × SKU with a sale or a stockout in the period, counted from its first record in "
                       "the period to the period's end, less the store's closed days (as forecasting densifies the "
                       "sales facts). Numerator: those days flagged out of stock in the sales facts (the stockout "
                       "days of the cockpit's SKU drill-down).",
        measure=stockout_rate_percent),
    KpiDefinition(
        code="inventory_overstock_value", name_zh="超储金额", name_en="Overstock value", unit="currency",
        direction="lower", aggregation="sum over the stores of the scope, at the latest plan of the period",
        description_zh="统计期内最近一次完成的补货计划（库存日期为计划日期前一天，须落在统计期内）中，"
                       "各门店超出超储天数（默认 90 天预测需求）的库存按单位成本计的金额之和，与驾驶舱库存健康相同。"
                       "统计期内无补货计划时不计算。",
        description_en="In the latest finished replenishment plan of the period (its stock date, the day before the "
                       "plan date, inside the period): the stock beyond the overstock cover (90 days of forecast "
                       "demand by default) at unit cost, summed over the scope's stores, as in the cockpit's stock "
                       "health. No value without a plan in the period.",
        measure=overstock_value),
    KpiDefinition(
        code="inventory_days", name_zh="库存可售天数", name_en="Days of cover", unit="days", direction="lower",
        aggregation="sum of stock value ÷ sum of daily cost of sales over the scope",
        description_zh="期末库存成本 ÷ 统计期内日均销售成本。期末库存：每个门店×商品截至期末最近一次库存快照，"
                       "负库存按 0，按快照单位成本（无则商品成本）计，仅含在售商品（与补货计划估值相同）；"
                       "日均销售成本：门店日销售的销售成本之和 ÷ 统计期天数。",
        description_en="Stock at cost at the period's end ÷ average daily cost of sales over the period. Stock: the "
                       "latest snapshot of every store × SKU up to the last day, negative stock as zero, at the "
                       "snapshot's unit cost (else the product's cost), active products only (the replenishment "
                       "plan's valuation). Daily cost: the store day totals' cost of sales ÷ the period's days.",
        measure=days_of_cover),
)


def register_extensions() -> None:
    """Register the inventory KPIs in the core registry (called from InventoryConfig.ready())."""
    for definition in KPIS:
        extensions.register_kpi(definition)

