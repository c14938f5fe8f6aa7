"""Sales explorer: measures by any dimensions over Arrow fact tables, computed by DuckDB (no Django).

Inputs (``CubeTables``, all Arrow tables; ids are int64, dates date32):

- ``sku``: store x product x day facts: ``date, store_id, product_id, units, revenue, cost, is_promo``.
- ``store``: store x day totals: ``date, store_id, revenue, transactions``.
- ``stores``: ``store_id, store, region_id, region`` (labels are strings).
- ``products``: ``product_id, product, category_id, category, supplier_id, supplier``.
- ``promotions`` (optional): ``promotion_id, promotion, store_id (null = every store), category_id (null = every
  category), start_date, end_date``: one row per (promotion, store, category) it covers (category subtrees are
  expanded by the caller). A fact joins the promotion that covers it with the highest id.
- ``lines`` (optional): ``date, store_id, product_id, invoice``: invoice lines, to count transactions by product
  dimensions.
- ``targets`` (optional): ``date, store_id, target``: the daily revenue target.
- ``forecast_store`` / ``forecast_sku`` (optional): ``date, store_id, revenue`` and ``date, store_id, product_id,
  units``: stored forecasts.

``prepare(tables)`` copies ``region_id`` (and ``category_id``, ``supplier_id`` where there is a product) onto the fact
tables once, so a query groups fact columns and joins labels only onto its (small) result; callers that cache tables
cache the prepared ones. ``explore`` prepares unprepared tables itself.

Measures: ``revenue``, ``units``, ``margin`` (revenue - cost over rows with a cost; a row without a cost, cost 0, is
left out rather than counted at zero cost), ``margin_percent``, ``price`` (price realised: revenue / units),
``transactions``, ``basket`` (store revenue / transactions) and ``units_per_transaction``. Revenue, units, margin
and price read the store x product facts; transactions and basket read the store totals, so they exist only for
store and time dimensions (region, store, weekday, week, month) - by product dimensions transactions are the
distinct invoices of ``lines`` when it holds any (basket stays null: lines carry no amount here), else null.

Comparisons: ``last_year`` (the same days 364 days earlier, so weekdays align; a week/month/weekday row is compared
with the days that map onto it), ``target`` (revenue vs the daily targets; store and time dimensions only) and
``forecast`` (revenue vs the stored store forecast, units vs the stored store x SKU forecast).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

LAST_YEAR_DAYS = 364

# dimension -> key expression over a fact row `f` whose (aligned) date is `{d}`
DIMENSIONS: dict[str, str] = {
    "region": "f.region_id",
    "store": "f.store_id",
    "category": "f.category_id",
    "product": "f.product_id",
    "supplier": "f.supplier_id",
    "weekday": "isodow({d})",
    "week": "(isoyear({d}) * 100 + week({d}))",
    "month": "(year({d}) * 100 + month({d}))",
    "promotion": "coalesce(pk.promotion_id, 0)",
}
# dimension -> SQL giving (key, label) rows, or a label expression over `key`
LABELS: dict[str, str] = {
    "region": "SELECT DISTINCT region_id AS key, region AS label FROM stores",
    "store": "SELECT store_id AS key, store AS label FROM stores",
    "category": "SELECT DISTINCT category_id AS key, category AS label FROM products",
    "product": "SELECT product_id AS key, product AS label FROM products",
    "supplier": "SELECT DISTINCT supplier_id AS key, supplier AS label FROM products",
    "promotion": "SELECT DISTINCT promotion_id AS key, promotion AS label FROM promotions UNION ALL SELECT 0, ''",
}
KEY_LABELS = {
    "weekday": "CAST({k} AS VARCHAR)",
    "week": "printf('%d-W%02d', {k} // 100, {k} % 100)",
    "month": "printf('%d-%02d', {k} // 100, {k} % 100)",
}
STORE_DIMENSIONS = frozenset({"region", "store", "weekday", "week", "month"})
MEASURES = ("revenue", "units", "margin", "margin_percent", "price", "transactions", "basket",
            "units_per_transaction")
COMPARISONS = ("last_year", "target", "forecast")


@dataclass
class CubeTables:
    """The Arrow tables one explorer query reads (see the module docstring for their columns)."""

    sku: pa.Table
    store: pa.Table
    stores: pa.Table
    products: pa.Table
    promotions: pa.Table | None = None
    lines: pa.Table | None = None
    targets: pa.Table | None = None
    forecast_store: pa.Table | None = None
    forecast_sku: pa.Table | None = None
    prepared: bool = False
    database: duckdb.DuckDBPyConnection | None = None  # set by `materialize`: the tables loaded into DuckDB


@dataclass(frozen=True)
class CubeQuery:
    """What to compute: measures by dimensions over [start, end] (both included), with filters and comparisons.

    ``filters`` maps a dimension to the keys it keeps (ids; weekday 1-7, week yyyyww, month yyyymm, promotion 0 =
    none).
    """

    start: date
    end: date
    measures: tuple[str, ...] = ("revenue",)
    dimensions: tuple[str, ...] = ()
    filters: dict[str, tuple] = field(default_factory=dict)
    compare: tuple[str, ...] = ()

    def validate(self) -> None:
        unknown = [m for m in self.measures if m not in MEASURES]
        unknown += [d for d in (*self.dimensions, *self.filters) if d not in DIMENSIONS]
        unknown += [c for c in self.compare if c not in COMPARISONS]
        if unknown:
            raise ValueError(f"unknown measure, dimension or comparison: {', '.join(map(str, unknown))}")
        if self.end < self.start:
            raise ValueError("end is before start")
        if not self.measures:
            raise ValueError("no measure")

    def uses(self, dimension: str) -> bool:
        return dimension in self.dimensions or dimension in self.filters

    @property
    def store_level(self) -> bool:
        return all(d in STORE_DIMENSIONS for d in (*self.dimensions, *self.filters))


# ------------------------------------------------------------------------------------------------ preparation


def _add_columns(table: pa.Table | None, lookup: pa.Table, key: str, columns: list[str]) -> pa.Table | None:
    if table is None or all(c in table.column_names for c in columns):
        return table
    index = pc.index_in(table[key], value_set=lookup[key])
    for column in columns:
        table = table.append_column(column, pc.take(lookup[column], index))
    return table


def prepare(tables: CubeTables) -> CubeTables:
    """Copy region, category and supplier ids onto the fact tables (done once; cache the result)."""
    if tables.prepared:
        return tables
    store_region = tables.stores.select(["store_id", "region_id"])
    product_ids = tables.products.select(["product_id", "category_id", "supplier_id"])
    changes = {}
    for name in ("sku", "store", "lines", "targets", "forecast_store", "forecast_sku"):
        table = _add_columns(getattr(tables, name), store_region, "store_id", ["region_id"])
        if table is not None and "product_id" in table.column_names:
            table = _add_columns(table, product_ids, "product_id", ["category_id", "supplier_id"])
        changes[name] = table
    return replace(tables, prepared=True, **changes)


FACT_TABLES = ("sku", "store", "stores", "products", "lines", "targets", "forecast_store", "forecast_sku")


def materialize(tables: CubeTables) -> CubeTables:
    """Load the (prepared) tables into an in-memory DuckDB database, facts ordered by date (compressed columns and
    per-block min/max let a period query skip the other blocks). A cache holds the result; each query then reads
    through its own cursor. The Arrow tables stay for callers that read them directly."""
    tables = prepare(tables)
    database = duckdb.connect()
    for name in FACT_TABLES:
        table = getattr(tables, name)
        if table is not None:
            order = " ORDER BY date" if "date" in table.column_names else ""
            database.register("arrow_source", table)
            database.execute(f"CREATE TABLE {name} AS SELECT * FROM arrow_source{order}")
            database.unregister("arrow_source")
    return replace(tables, database=database)


# ------------------------------------------------------------------------------------------------ the query


def explore(tables: CubeTables, query: CubeQuery) -> pa.Table:
    """Compute the query: one row per combination of the dimensions' keys present in the facts.

    Args:
        tables: the (already scoped) facts and dimension tables.
        query: measures, dimensions, period, filters, comparisons.

    Returns:
        Arrow table: for each dimension ``<dim>_key`` and ``<dim>`` (label); each measure; and for each comparison
        ``<measure>_last_year`` (every measure), ``revenue_target`` and ``revenue_forecast``/``units_forecast``.
        Rows ordered by the first measure, descending.
    """
    query.validate()
    tables = prepare(tables)
    con = tables.database.cursor() if tables.database is not None else duckdb.connect()
    try:
        _register(con, tables)
        keys = [f"{d}_key" for d in query.dimensions]
        current = _aggregate(con, tables, query, query.start, query.end, 0)
        if "last_year" in query.compare:
            shifted = _aggregate(con, tables, query, query.start - timedelta(days=LAST_YEAR_DAYS),
                                 query.end - timedelta(days=LAST_YEAR_DAYS), LAST_YEAR_DAYS)
            current = _join(con, current, shifted, keys, query.measures, "last_year")
        if "target" in query.compare:
            current = _join(con, current, _targets(con, tables, query), keys, ("revenue_target",), "")
        if "forecast" in query.compare:
            current = _join(con, current, _forecasts(con, tables, query), keys,
                            ("revenue_forecast", "units_forecast"), "")
        return _labels(con, current, query)
    finally:
        con.close()


def _register(con: duckdb.DuckDBPyConnection, tables: CubeTables) -> None:
    if tables.database is None:
        for name in FACT_TABLES:
            if getattr(tables, name) is not None:
                con.register(name, getattr(tables, name))
    promotions = tables.promotions
    if promotions is None:
        promotions = pa.table({"promotion_id": pa.array([], pa.int64()), "promotion": pa.array([], pa.string()),
                               "store_id": pa.array([], pa.int64()), "category_id": pa.array([], pa.int64()),
                               "start_date": pa.array([], pa.date32()), "end_date": pa.array([], pa.date32())})
    con.register("promotions", promotions)


def _source(table: str, start: date, end: date) -> str:
    # literal dates (from date objects, never user text): the source appears twice with promotions
    return f"(SELECT * FROM {table} WHERE date BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}')"


def _promotion_keys(source: str, start: date, end: date) -> str:
    """SQL of (date, store_id, product_id, promotion_id): the promotion covering each fact row, the highest id where
    promotions overlap. Promotions are first spread to their days within [start, end], then joined on equality in
    four parts (store and category given, only one of them, neither) so every join hashes instead of testing
    each fact row against each promotion's date range."""
    days = ("(SELECT promotion_id, store_id, category_id, unnest(generate_series(greatest(start_date, DATE "
            f"'{start.isoformat()}'), least(end_date, DATE '{end.isoformat()}'), INTERVAL 1 DAY))::DATE AS date "
            "FROM promotions WHERE start_date <= DATE "
            f"'{end.isoformat()}' AND end_date >= DATE '{start.isoformat()}')")
    parts = []
    for store, category in ((True, True), (True, False), (False, True), (False, False)):
        on = ["pd.date = f2.date"]
        on.append("pd.store_id = f2.store_id" if store else "pd.store_id IS NULL")
        on.append("pd.category_id = f2.category_id" if category else "pd.category_id IS NULL")
        parts.append(f"SELECT f2.date, f2.store_id, f2.product_id, pd.promotion_id FROM {source} f2 "
                     f"JOIN pd ON {' AND '.join(on)}")
    return (f"WITH pd AS {days} SELECT date, store_id, product_id, max(promotion_id) AS promotion_id "
            f"FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL")


def _group_sql(query: CubeQuery, table: str, start: date, end: date, shift: int, aggregates: list[str]) -> tuple:
    """SELECT keys + aggregates FROM the table's rows of [start, end], dates moved `shift` days, filtered."""
    aligned = f"(f.date + {shift})" if shift else "f.date"
    keys = [f"{DIMENSIONS[d].format(d=aligned)} AS {d}_key" for d in query.dimensions]
    params: list = []
    where = []
    for dimension, values in query.filters.items():
        where.append(f"{DIMENSIONS[dimension].format(d=aligned)} IN (SELECT unnest(?::BIGINT[]))")
        params.append([int(v) for v in values])
    source = _source(table, start, end)
    sql = f"SELECT {', '.join(keys + aggregates)} FROM {source} f"
    if query.uses("promotion"):
        sql += f" LEFT JOIN ({_promotion_keys(source, start, end)}) pk " \
               "ON pk.date = f.date AND pk.store_id = f.store_id AND pk.product_id = f.product_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if query.dimensions:
        sql += " GROUP BY " + ", ".join(f"{d}_key" for d in query.dimensions)
    return sql, params


def _aggregate(con, tables: CubeTables, query: CubeQuery, start: date, end: date, shift: int) -> pa.Table:
    """The measures over [start, end]; dates shifted forward by `shift` days before grouping (last year)."""
    sql, params = _group_sql(query, "sku", start, end, shift, [
        "sum(f.units)::DOUBLE AS units", "sum(f.revenue)::DOUBLE AS revenue",
        "sum(CASE WHEN f.cost <> 0 THEN f.revenue - f.cost END)::DOUBLE AS margin",
        "sum(CASE WHEN f.cost <> 0 THEN f.revenue END)::DOUBLE AS costed_revenue"])
    sku = con.sql(sql, params=params).to_arrow_table()
    keys = [f"{d}_key" for d in query.dimensions]
    transactions = _transactions(con, tables, query, start, end, shift)
    if transactions is None:
        sku = sku.append_column("transactions", pa.nulls(sku.num_rows, pa.float64()))
        sku = sku.append_column("store_revenue", pa.nulls(sku.num_rows, pa.float64()))
    else:
        sku = _join(con, sku, transactions, keys, ("transactions", "store_revenue"), "", outer=True)
    con.register("agg", sku)
    return con.sql(
        "SELECT * EXCLUDE (costed_revenue, store_revenue), "
        "CASE WHEN costed_revenue <> 0 THEN margin * 100 / costed_revenue END AS margin_percent, "
        "CASE WHEN units <> 0 THEN revenue / units END AS price, "
        "CASE WHEN transactions <> 0 THEN store_revenue / transactions END AS basket, "
        "CASE WHEN transactions <> 0 THEN units / transactions END AS units_per_transaction FROM agg"
    ).to_arrow_table()


def _transactions(con, tables: CubeTables, query: CubeQuery, start: date, end: date, shift: int):
    """Transactions (and the revenue that goes with them) by the query's dimensions, or None when unknown."""
    if query.store_level:
        sql, params = _group_sql(query, "store", start, end, shift, [
            "sum(f.transactions)::DOUBLE AS transactions", "sum(f.revenue)::DOUBLE AS store_revenue"])
        return con.sql(sql, params=params).to_arrow_table()
    if tables.lines is None or tables.lines.num_rows == 0:
        return None
    sql, params = _group_sql(query, "lines", start, end, shift, [
        "count(DISTINCT (f.store_id, f.invoice))::DOUBLE AS transactions", "NULL::DOUBLE AS store_revenue"])
    return con.sql(sql, params=params).to_arrow_table()


def _join(con, left: pa.Table, right: pa.Table, keys: list[str], columns, suffix: str, outer: bool = False):
    """Join `right`'s `columns` (renamed `<column>_<suffix>` when a suffix is given) onto `left` by `keys`: a left
    join, or a full join (`outer`) whose keys come from either side."""
    con.register("l_side", left)
    con.register("r_side", right)
    picked = ", ".join(f"r.{c} AS {c}_{suffix}" if suffix else f"r.{c} AS {c}" for c in columns)
    if not keys:
        sql = f"SELECT l.*, {picked} FROM l_side l LEFT JOIN r_side r ON TRUE"
    else:
        on = " AND ".join(f"l.{k} IS NOT DISTINCT FROM r.{k}" for k in keys)
        if outer:  # a store-day total without any SKU row still counts
            filled = ", ".join(f"coalesce(l.{k}, r.{k}) AS {k}" for k in keys)
            sql = (f"SELECT {filled}, l.* EXCLUDE ({', '.join(keys)}), {picked} FROM l_side l FULL JOIN r_side r "
                   f"ON {on}")
        else:
            sql = f"SELECT l.*, {picked} FROM l_side l LEFT JOIN r_side r ON {on}"
    table = con.sql(sql).to_arrow_table()
    con.unregister("l_side")
    con.unregister("r_side")
    return table


def _labels(con, table: pa.Table, query: CubeQuery) -> pa.Table:
    """Add a label column per dimension, next to its key; rows by the first measure, largest first."""
    con.register("result", table)
    columns, joins = ["r.*"], []
    for index, dimension in enumerate(query.dimensions):
        key = f"r.{dimension}_key"
        if dimension in KEY_LABELS:
            columns.append(f"{KEY_LABELS[dimension].format(k=key)} AS {dimension}")
        else:
            joins.append(f"LEFT JOIN ({LABELS[dimension]}) l{index} ON l{index}.key = {key}")
            columns.append(f"coalesce(l{index}.label, '') AS {dimension}")
    order = ", ".join([f"r.{query.measures[0]} DESC NULLS LAST", *(f"r.{d}_key" for d in query.dimensions)])
    labelled = con.sql(f"SELECT {', '.join(columns)} FROM result r {' '.join(joins)} ORDER BY {order}").to_arrow_table()
    con.unregister("result")
    return labelled


def _targets(con, tables: CubeTables, query: CubeQuery) -> pa.Table:
    if tables.targets is None or not query.store_level:
        return _empty(query, ("revenue_target",))
    sql, params = _group_sql(query, "targets", query.start, query.end, 0, ["sum(f.target)::DOUBLE AS revenue_target"])
    return con.sql(sql, params=params).to_arrow_table()


def _forecasts(con, tables: CubeTables, query: CubeQuery) -> pa.Table:
    keys = [f"{d}_key" for d in query.dimensions]
    if tables.forecast_store is not None and query.store_level:
        sql, params = _group_sql(query, "forecast_store", query.start, query.end, 0,
                                 ["sum(f.revenue)::DOUBLE AS revenue_forecast"])
        revenue = con.sql(sql, params=params).to_arrow_table()
    else:
        revenue = _empty(query, ("revenue_forecast",))
    if tables.forecast_sku is not None:
        sql, params = _group_sql(query, "forecast_sku", query.start, query.end, 0,
                                 ["sum(f.units)::DOUBLE AS units_forecast"])
        units = con.sql(sql, params=params).to_arrow_table()
    else:
        units = _empty(query, ("units_forecast",))
    if not keys:
        return pa.table({"revenue_forecast": revenue["revenue_forecast"], "units_forecast": units["units_forecast"]})
    return _join(con, revenue, units, keys, ("units_forecast",), "", outer=True)


def _empty(query: CubeQuery, columns) -> pa.Table:
    if not query.dimensions:
        return pa.table({c: pa.array([None], pa.float64()) for c in columns})
    return pa.table({**{f"{d}_key": pa.array([], pa.int64()) for d in query.dimensions},
                     **{c: pa.array([], pa.float64()) for c in columns}})
