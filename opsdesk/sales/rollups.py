"""Every grain feeds everything: sales lines roll up to store x SKU x day, SKU days roll up to store x day.

The daily tables are what the cockpit, the forecast, replenishment, promotions and the brief read, so a company that
imports only lines (or only SKU days) gets them all. Each row says where it came from (`FactSourceChoices`):

- `imported`: as a file gave it. Never overwritten by a rollup; an import replaces a derived row of the same key
  (imports.upsert deletes the derived row first, so no derived value is left behind in a column the file lacks).
- `lines`: summed from sales lines (SKU day), or from SKU days that all came from lines (store day).
- `sku_day`: a store day summed from SKU days of which at least one was imported.

A refresh works on spans (store ids, first and last date): per grain, one DELETE of the derived rows whose sources are
gone and one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE that leaves unchanged rows alone and skips keys
an imported row holds. The statements are plain SQL that SQLite (>= 3.24) and PostgreSQL share; nothing is looped
over in Python per row (Online Retail: ~1M lines).

Flags of a derived store day come from the store's calendar (StoreCalendarDay) when it has that day: the calendar is the
truth for open, promotion and holidays, and a calendar import refreshes the derived days it covers (an imported store
day keeps the flags its file gave). A day the calendar lacks is open, a promotion day when one of its SKU days is,
and no holiday.

Measures: units and revenue are net of returns (a return line has a negative quantity). A SKU day's cost is the sum
of its lines' costs when every line has one, else 0, which this grain reads as "no cost" (KPIs and the explorer
leave such rows out of margins). A store day's cost is the sum of its SKU days' costs when every SKU day with revenue
has one, else NULL: unknown, never 0. Transactions are the distinct invoices with a sale (a return invoice is not a
visit that bought something); customers the distinct customer ids given (0 when the file names none). A line's
revenue is its quantity x its net unit price: the import keeps a line total, or a price less a discount, as that price
(imports.kinds._line_amounts), and a cost given or derived from a profit as the line's cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from opsdesk.sales.models import FactSourceChoices, SalesLine, SkuDaySales, StoreCalendarDay, StoreDaySales

Spans = dict[int, tuple[date, date]]  # store id -> (first, last) date

IMPORTED, LINES, SKU_DAY = (FactSourceChoices.IMPORTED.value, FactSourceChoices.LINES.value,
                            FactSourceChoices.SKU_DAY.value)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _groups(spans: Spans) -> Iterable[tuple[list[int], date, date]]:
    """Stores sharing the same span run in one statement (an import usually gives every store the same dates)."""
    by_span: dict[tuple[date, date], list[int]] = defaultdict(list)
    for store_id, span in spans.items():
        by_span[span].append(store_id)
    for (first, last), store_ids in sorted(by_span.items()):
        yield sorted(store_ids), first, last


def _where(alias: str, store_ids: list[int], first: date, last: date) -> tuple[str, list]:
    adapt = connection.ops.adapt_datefield_value
    marks = ", ".join(["%s"] * len(store_ids))
    return (f"{alias}.store_id IN ({marks}) AND {alias}.date BETWEEN %s AND %s",
            [*store_ids, adapt(first), adapt(last)])


def _upsert(table: str, key: tuple[str, ...], measures: tuple[str, ...]) -> str:
    """ON CONFLICT clause: a derived row of the key takes the new values, only when they differ (an unchanged row is
    not rewritten); an imported row is never touched (the SELECT already leaves its keys out)."""
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return (f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
            + ", ".join(f"{name} = excluded.{name}" for name in measures)
            + f" WHERE {table}.source <> '{IMPORTED}' AND ("
            + " OR ".join(f"{table}.{name} {distinct} excluded.{name}" for name in measures) + ")")


SKU_MEASURES = ("quantity", "revenue", "cost", "source")
DAY_MEASURES = ("sales_amount", "cost_amount", "customers", "transactions", "is_open", "is_promo", "state_holiday",
                "is_school_holiday", "source")


def sku_days_from_lines(spans: Spans) -> int:
    """Bring the SKU days derived from lines within the spans up to date; returns the rows inserted or changed."""
    sku, lines = _table(SkuDaySales), _table(SalesLine)
    written = 0
    with connection.cursor() as cursor:
        for store_ids, first, last in _groups(spans):
            where_k, params_k = _where(sku, store_ids, first, last)
            cursor.execute(  # derived rows whose lines are gone
                f"DELETE FROM {sku} WHERE {sku}.source = %s AND {where_k} AND NOT EXISTS (SELECT 1 FROM {lines} l "
                f"WHERE l.store_id = {sku}.store_id AND l.product_id = {sku}.product_id AND l.date = {sku}.date)",
                [LINES, *params_k])
            written += cursor.rowcount
            where_l, params_l = _where("l", store_ids, first, last)
            cursor.execute(
                f"INSERT INTO {sku} (store_id, product_id, date, quantity, revenue, cost, is_promo, is_stockout, "
                f"source) "
                f"SELECT l.store_id, l.product_id, l.date, SUM(l.quantity), "
                f"ROUND(SUM(COALESCE(l.amount, l.quantity * l.unit_price)), 2), "
                f"CASE WHEN COUNT(l.cost) = COUNT(*) THEN SUM(l.cost) ELSE 0 END, %s, %s, %s "
                f"FROM {lines} l WHERE {where_l} AND NOT EXISTS (SELECT 1 FROM {sku} k WHERE k.store_id = l.store_id "
                f"AND k.product_id = l.product_id AND k.date = l.date AND k.source = %s) "
                f"GROUP BY l.store_id, l.product_id, l.date "
                + _upsert(sku, ("store_id", "product_id", "date"), SKU_MEASURES),
                [False, False, LINES, *params_l, IMPORTED])
            written += cursor.rowcount
    return written


def store_days_from_sku_days(spans: Spans) -> int:
    """Bring the store days derived from SKU days (with transactions and customers from lines) within the spans up to
    date; returns the rows inserted, changed or deleted."""
    day, sku, lines, calendar = _table(StoreDaySales), _table(SkuDaySales), _table(SalesLine), _table(StoreCalendarDay)
    written = 0
    with connection.cursor() as cursor:
        for store_ids, first, last in _groups(spans):
            where_d, params_d = _where(day, store_ids, first, last)
            cursor.execute(  # derived rows whose SKU days are gone
                f"DELETE FROM {day} WHERE {day}.source <> %s AND {where_d} AND NOT EXISTS (SELECT 1 FROM {sku} k "
                f"WHERE k.store_id = {day}.store_id AND k.date = {day}.date)", [IMPORTED, *params_d])
            written += cursor.rowcount
            where_k, params_k = _where("k", store_ids, first, last)
            where_l, params_l = _where("l", store_ids, first, last)
            cursor.execute(
                f"INSERT INTO {day} (store_id, date, sales_amount, cost_amount, customers, transactions, is_open, "
                f"is_promo, state_holiday, is_school_holiday, source) "
                f"SELECT k.store_id, k.date, SUM(k.revenue), "
                f"CASE WHEN SUM(CASE WHEN k.cost = 0 AND k.revenue <> 0 THEN 1 ELSE 0 END) = 0 THEN SUM(k.cost) END, "
                f"COALESCE(MAX(t.customers), 0), COALESCE(MAX(t.transactions), 0), "
                f"CASE WHEN SUM(CASE WHEN c.store_id IS NOT NULL AND NOT c.is_open THEN 1 ELSE 0 END) > 0 "
                f"THEN %s ELSE %s END, "
                f"CASE WHEN SUM(CASE WHEN (c.store_id IS NULL AND k.is_promo) OR c.is_promo THEN 1 ELSE 0 END) > 0 "
                f"THEN %s ELSE %s END, "
                f"COALESCE(MAX(c.state_holiday), '0'), "
                f"CASE WHEN SUM(CASE WHEN c.is_school_holiday THEN 1 ELSE 0 END) > 0 THEN %s ELSE %s END, "
                f"CASE WHEN MIN(k.source) = %s THEN %s ELSE %s END "
                f"FROM {sku} k "
                f"LEFT JOIN (SELECT l.store_id, l.date, "
                f"COUNT(DISTINCT CASE WHEN l.is_return THEN NULL ELSE l.invoice END) AS transactions, "
                f"COUNT(DISTINCT NULLIF(l.customer_id, '')) AS customers "
                f"FROM {lines} l WHERE {where_l} GROUP BY l.store_id, l.date) t "
                f"ON t.store_id = k.store_id AND t.date = k.date "
                f"LEFT JOIN {calendar} c ON c.store_id = k.store_id AND c.date = k.date "
                f"WHERE {where_k} AND NOT EXISTS (SELECT 1 FROM {day} d WHERE d.store_id = k.store_id "
                f"AND d.date = k.date AND d.source = %s) "
                f"GROUP BY k.store_id, k.date "
                + _upsert(day, ("store_id", "date"), DAY_MEASURES),
                [False, True, True, False, True, False, LINES, LINES, SKU_DAY, *params_l, *params_k, IMPORTED])
            written += cursor.rowcount
    return written


def totals_difference(spans: Spans) -> dict:
    """Imported store-day totals against the sum of the same days' SKU days: how many days both have, how many of
    them differ (by a cent or more), and the totals of each. The imported totals stay the truth."""
    day, sku = _table(StoreDaySales), _table(SkuDaySales)
    days = different = 0
    imported = derived = Decimal("0.00")
    with connection.cursor() as cursor:
        for store_ids, first, last in _groups(spans):
            where_d, params_d = _where("d", store_ids, first, last)
            where_k, params_k = _where("k", store_ids, first, last)
            cursor.execute(
                f"SELECT COUNT(*), SUM(CASE WHEN ABS(d.sales_amount - x.revenue) >= 0.01 THEN 1 ELSE 0 END), "
                f"SUM(d.sales_amount), SUM(x.revenue) FROM {day} d JOIN (SELECT k.store_id, k.date, "
                f"SUM(k.revenue) AS revenue FROM {sku} k WHERE {where_k} GROUP BY k.store_id, k.date) x "
                f"ON x.store_id = d.store_id AND x.date = d.date WHERE d.source = %s AND {where_d}",
                [*params_k, IMPORTED, *params_d])
            count, differing, total, summed = cursor.fetchone()
            days += count or 0
            different += differing or 0
            imported += _decimal(total)
            derived += _decimal(summed)
    return {"days": days, "days_different": different, "imported_sales": str(imported),
            "summed_sales": str(derived), "difference": str(imported - derived)}


def _decimal(value) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def rollup_spans(spans: Spans, *, from_lines: bool = True) -> dict:
    """Refresh the derived daily sales of the spans (SKU days from lines first when `from_lines`, then store
    days) inside one transaction; returns what was written and the imported totals' difference."""
    if not spans:
        return {}
    with transaction.atomic():
        sku_rows = sku_days_from_lines(spans) if from_lines else 0
        store_rows = store_days_from_sku_days(spans)
        difference = totals_difference(spans)
    return {"sku_days": sku_rows, "store_days": store_rows, "totals": difference}


def rollup_after_import(batch, touched: Spans) -> dict:
    """The import kinds' rollup (`KindSpec.rollup`): lines refresh both grains, SKU days the store days, store-day
    totals only report how they differ from what finer grains sum to, and a calendar brings the flags of the derived
    store days it covers up to date."""
    if batch.kind == "store_day_sales":
        return {"totals": totals_difference(touched)}
    if batch.kind == "calendar":
        return {"store_days": store_days_from_sku_days(touched)}
    return rollup_spans(touched, from_lines=batch.kind == "sales_lines")


def company_spans(company_id: int) -> Spans:
    """Every store of the company that has lines or SKU days, from its first to its last such day."""
    from django.db.models import Max, Min

    spans: Spans = {}
    for model in (SalesLine, SkuDaySales):
        rows = (model.objects.filter(store__company_id=company_id).order_by().values("store_id")
                .annotate(first=Min("date"), last=Max("date")).values_list("store_id", "first", "last"))
        for store_id, first, last in rows:
            known = spans.get(store_id)
            spans[store_id] = (first, last) if known is None else (min(known[0], first), max(known[1], last))
    return spans


def sales_rollup_refresh(*, company_id: int) -> dict:
    """Rebuild every derived daily sales row of a company (after a restore, or to check the incremental ones)."""
    return rollup_spans(company_spans(company_id))
