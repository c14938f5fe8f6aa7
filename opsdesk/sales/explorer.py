"""Reads of the sales explorer: a company's facts extracted once to Arrow (cached per company and facts version),
restricted to the user's stores before the engine (`opsdesk.engine.salescube`) sees them."""

from __future__ import annotations

import hashlib
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Store
from opsdesk.engine.salescube import CubeQuery, CubeTables, explore, materialize, prepare
from opsdesk.sales.models import Promotion, SalesLine, SkuDaySales, StoreDaySales

_CACHE: OrderedDict[tuple, CubeTables] = OrderedDict()
_SCOPED: OrderedDict[tuple, CubeTables] = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 4  # companies (full extracts) and scoped extracts kept in memory
TABLE_NAMES = ("sku", "store", "stores", "products", "lines", "targets", "forecast_store", "forecast_sku")


def _day_number(column: str) -> str:
    """SQL for a date column as days since 1970-01-01 (an integer is far cheaper to fetch than a date)."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _fetch_columns(sql: str, params: list, names: list[str], types: list[pa.DataType]) -> pa.Table:
    """Rows of `sql` as an Arrow table; a date32 column is selected as a day number (`_day_number`)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [[] for _name in names]
    arrays = []
    for values, kind in zip(columns, types, strict=True):
        if kind == pa.date32():
            arrays.append(pa.array(values, pa.int32()).cast(pa.date32()))
        else:
            arrays.append(pa.array(values, kind))
    return pa.table(dict(zip(names, arrays, strict=True)))


def facts_version(company_id: int) -> str:
    """A cheap fingerprint of the facts, targets and forecasts: it changes when rows are added (the highest id of each
    table, any company - an index lookup) and every day (rows changed in place, e.g. an import that updates existing
    days, are seen the next day at the latest)."""
    parts = [date.today().isoformat()]
    for model in (SkuDaySales, StoreDaySales, SalesLine, apps.get_model("cockpit", "SalesTarget")):
        parts.append(str(model.objects.aggregate(last=Max("pk"))["last"]))
    run = _latest_forecast_run(company_id)
    parts.append(str(run.pk if run else 0))
    return ";".join(parts)


def _latest_forecast_run(company_id: int):
    run_model = apps.get_model("forecasting", "ForecastRun")
    return run_model.objects.filter(company_id=company_id, status="done").order_by("-created_at", "-pk").first()


def _company_tables(company_id: int) -> CubeTables:
    store_ids = list(Store.objects.filter(company_id=company_id).values_list("pk", flat=True))
    marks = ",".join(["%s"] * len(store_ids)) or "NULL"
    day, real = _day_number("date"), "DOUBLE PRECISION"
    sku = _fetch_columns(
        f"SELECT {day}, store_id, product_id, CAST(quantity AS {real}), CAST(revenue AS {real}), CAST(cost AS {real}), "
        f"is_promo FROM {SkuDaySales._meta.db_table} WHERE store_id IN ({marks})", store_ids,
        ["date", "store_id", "product_id", "units", "revenue", "cost", "is_promo"],
        [pa.date32(), pa.int64(), pa.int64(), pa.float64(), pa.float64(), pa.float64(), pa.bool_()])
    store = _fetch_columns(
        f"SELECT {day}, store_id, CAST(sales_amount AS {real}), transactions FROM {StoreDaySales._meta.db_table} "
        f"WHERE store_id IN ({marks})", store_ids, ["date", "store_id", "revenue", "transactions"],
        [pa.date32(), pa.int64(), pa.float64(), pa.float64()])
    lines = _fetch_columns(
        f"SELECT {day}, store_id, product_id, invoice FROM {SalesLine._meta.db_table} WHERE store_id IN ({marks})",
        store_ids, ["date", "store_id", "product_id", "invoice"], [pa.date32(), pa.int64(), pa.int64(), pa.string()])
    stores = Store.objects.filter(company_id=company_id).select_related("region")
    store_table = pa.table({
        "store_id": pa.array([s.pk for s in stores], pa.int64()),
        "store": [f"{s.code} {s.name}" for s in stores],
        "region_id": pa.array([s.region_id for s in stores], pa.int64()),
        "region": [s.region.name for s in stores],
    })
    products = list(Product.objects.filter(company_id=company_id).values_list(
        "pk", "sku", "name", "category_id", "category__name", "supplier_id", "supplier__name"))
    product_table = pa.table({
        "product_id": pa.array([p[0] for p in products], pa.int64()),
        "product": [f"{p[1]} {p[2]}" for p in products],
        "category_id": pa.array([p[3] for p in products], pa.int64()),
        "category": [p[4] or "" for p in products],
        "supplier_id": pa.array([p[5] for p in products], pa.int64()),
        "supplier": [p[6] or "" for p in products],
    })
    return prepare(CubeTables(sku=sku, store=store, stores=store_table, products=product_table, lines=lines,
                              targets=_targets(store_ids), **_forecasts(company_id)))


def _targets(store_ids: list[int]) -> pa.Table:
    """Daily targets: each store-month target spread evenly over its days (as the cockpit rollups spread it)."""
    import calendar
    from datetime import timedelta

    target_model = apps.get_model("cockpit", "SalesTarget")
    rows = {"date": [], "store_id": [], "target": []}
    for store_id, month, amount in target_model.objects.filter(store_id__in=store_ids).values_list(
            "store_id", "month", "amount"):
        days = calendar.monthrange(month.year, month.month)[1]
        for offset in range(days):
            rows["date"].append(month + timedelta(days=offset))
            rows["store_id"].append(store_id)
            rows["target"].append(float(amount) / days)
    return pa.table({"date": pa.array(rows["date"], pa.date32()), "store_id": pa.array(rows["store_id"], pa.int64()),
                     "target": pa.array(rows["target"], pa.float64())})


def _forecasts(company_id: int) -> dict[str, pa.Table | None]:
    run = _latest_forecast_run(company_id)
    if run is None:
        return {"forecast_store": None, "forecast_sku": None}
    point_model = apps.get_model("forecasting", "ForecastPoint")
    points = point_model.objects.filter(series__run=run)
    store_rows = list(points.filter(series__product__isnull=True, series__measure="sales").values_list(
        "date", "series__store_id", "forecast"))
    sku_rows = list(points.filter(series__product__isnull=False, series__measure="units").values_list(
        "date", "series__store_id", "series__product_id", "forecast"))
    return {
        "forecast_store": pa.table({"date": pa.array([r[0] for r in store_rows], pa.date32()),
                                    "store_id": pa.array([r[1] for r in store_rows], pa.int64()),
                                    "revenue": pa.array([r[2] for r in store_rows], pa.float64())}),
        "forecast_sku": pa.table({"date": pa.array([r[0] for r in sku_rows], pa.date32()),
                                  "store_id": pa.array([r[1] for r in sku_rows], pa.int64()),
                                  "product_id": pa.array([r[2] for r in sku_rows], pa.int64()),
                                  "units": pa.array([r[3] for r in sku_rows], pa.float64())}),
    }


def _promotions(company_ids: list[int], store_ids: list[int]) -> pa.Table:
    """One row per (promotion, store, category) a promotion covers, category subtrees expanded; never built from
    stores the user cannot see (a store-less promotion covers every store: the scoped facts limit it)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in ProductCategory.objects.filter(company_id__in=company_ids).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)

    def subtree(root: int) -> list[int]:
        found, stack = [], [root]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(children.get(node, []))
        return found

    visible = set(store_ids)
    rows = []
    for promotion in Promotion.objects.filter(company_id__in=company_ids, status="approved").prefetch_related("stores"):
        stores = [s.pk for s in promotion.stores.all() if s.pk in visible] or [None]
        if promotion.stores.all() and stores == [None]:
            continue
        categories = subtree(promotion.category_id) if promotion.category_id else [None]
        rows += [{"promotion_id": promotion.pk, "promotion": f"{promotion.code} {promotion.name}", "store_id": s,
                  "category_id": c, "start_date": promotion.start_date, "end_date": promotion.end_date}
                 for s in stores for c in categories]
    schema = pa.schema([("promotion_id", pa.int64()), ("promotion", pa.string()), ("store_id", pa.int64()),
                        ("category_id", pa.int64()), ("start_date", pa.date32()), ("end_date", pa.date32())])
    return pa.Table.from_pylist(rows, schema=schema)


def _company_tables_cached(company_id: int) -> tuple[str, CubeTables]:
    version = facts_version(company_id)
    key = (company_id, version)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return version, _CACHE[key]
    tables = _load(_disk_path(company_id, version)) or _company_tables(company_id)
    with _LOCK:
        _CACHE[key] = tables
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return version, tables


def _disk_path(company_id: int, version: str) -> Path:
    digest = hashlib.sha1(version.encode()).hexdigest()[:16]
    return Path(settings.VAR_DIR) / "cache" / "sales-explorer" / f"{company_id}-{digest}"


def _load(directory: Path) -> CubeTables | None:
    """The extract the nightly job wrote for this facts version (Parquet), or None."""
    if not (directory / "complete").exists():
        return None
    fields = {name: pq.read_table(directory / f"{name}.parquet") if (directory / f"{name}.parquet").exists()
              else None for name in TABLE_NAMES}
    return CubeTables(prepared=True, **fields)


def explorer_cache_warm(company_id: int) -> Path:
    """Write the company's extract for today's facts version to VAR_DIR (the nightly job), so that the first request
    of the day reads Parquet instead of every fact row; older extracts of the company are removed."""
    version = facts_version(company_id)
    directory = _disk_path(company_id, version)
    if (directory / "complete").exists():
        return directory
    tables = _company_tables(company_id)
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name in TABLE_NAMES:
        if getattr(tables, name) is not None:
            pq.write_table(getattr(tables, name), partial / f"{name}.parquet")
    (partial / "complete").touch()
    for old in directory.parent.glob(f"{company_id}-*"):
        if old != partial:
            shutil.rmtree(old, ignore_errors=True)
    partial.rename(directory)
    return directory


def _restrict(table: pa.Table | None, store_ids: pa.Array) -> pa.Table | None:
    if table is None:
        return None
    return table.filter(pc.is_in(table["store_id"], value_set=store_ids))


def scoped_tables(*, user, with_promotions: bool = False) -> CubeTables | None:
    """The facts of the user's stores as prepared Arrow tables (None without any store in scope); the promotions
    table only when asked for (it is read per request: promotions change by hand)."""
    visible = list(Store.objects.for_user(user).order_by("pk").values_list("pk", "company_id"))
    if not visible:
        return None
    company_ids = sorted({company for _pk, company in visible})
    store_ids = [pk for pk, _company in visible]
    parts = [_company_tables_cached(company) for company in company_ids]
    key = (tuple(company_ids), tuple(version for version, _tables in parts), tuple(store_ids))
    with _LOCK:
        scoped = _SCOPED.get(key)
        if scoped is not None:
            _SCOPED.move_to_end(key)
    if scoped is None:
        scoped = _scope(parts, store_ids)
        with _LOCK:
            _SCOPED[key] = scoped
            while len(_SCOPED) > CACHE_SIZE:
                _SCOPED.popitem(last=False)
    if not with_promotions:
        return scoped
    return replace(scoped, promotions=_promotions(company_ids, store_ids))


def _scope(parts: list[tuple[str, CubeTables]], store_ids: list[int]) -> CubeTables:
    """The company tables restricted to the user's stores (the engine never sees another store's rows), loaded into
    their own DuckDB database."""
    allowed = pa.array(store_ids, pa.int64())
    fields = {}
    for name in ("sku", "store", "stores", "lines", "targets", "forecast_store", "forecast_sku", "products"):
        tables = [getattr(t, name) for _v, t in parts if getattr(t, name) is not None]
        if not tables:
            fields[name] = None
            continue
        combined = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        everything = name == "products" or len(parts) == 1 and len(store_ids) == parts[0][1].stores.num_rows
        fields[name] = combined if everything else _restrict(combined, allowed)
    return materialize(CubeTables(prepared=True, **fields))


@dataclass
class ExplorerResult:
    """One explorer answer: the rows (Arrow) and the query that produced them."""

    query: CubeQuery
    table: pa.Table

    @property
    def rows(self) -> list[dict]:
        return self.table.to_pylist()


def sales_explore(*, user, query: CubeQuery) -> ExplorerResult:
    """Run an explorer query over the user's stores only (an empty result without any store in scope)."""
    tables = scoped_tables(user=user, with_promotions=query.uses("promotion"))
    if tables is None:
        return ExplorerResult(query=query, table=pa.table({}))
    return ExplorerResult(query=query, table=explore(tables, query))


def cache_clear() -> None:
    """Forget every cached extract (tests)."""
    with _LOCK:
        _CACHE.clear()
        _SCOPED.clear()


# ------------------------------------------------------------------------------------------ query parameters

DRILL = {"region": "store", "store": "category", "category": "product", "supplier": "product", "month": "week",
         "week": "weekday", "promotion": "category"}
MEASURE_LABELS = {
    "revenue": _("销售额"), "units": _("销量"), "margin": _("毛利"), "margin_percent": _("毛利率 %"),
    "price": _("实际售价"), "transactions": _("交易笔数"), "basket": _("客单价"),
    "units_per_transaction": _("单笔件数"),
}
DIMENSION_LABELS = {
    "region": _("区域"), "store": _("门店"), "category": _("品类"), "product": _("商品"), "supplier": _("供应商"),
    "weekday": _("星期"), "week": _("周"), "month": _("月份"), "promotion": _("促销"),
}
COMPARISON_LABELS = {"last_year": _("去年同期（按星期对齐）"), "target": _("目标"), "forecast": _("预测")}
MAX_DIMENSIONS = 2
MAX_DAYS = 3 * 366


def latest_fact_day(*, user) -> date:
    """The last day with store x SKU facts in the user's stores (today without any)."""
    tables = scoped_tables(user=user)
    if tables is None or tables.sku.num_rows == 0:
        return date.today()
    return pc.max(tables.sku["date"]).as_py()


def query_from_params(params, *, user) -> CubeQuery:
    """A query from request parameters (`measure`, `dimension` - repeatable -, `start`, `end`, `compare`,
    `f_<dimension>` keys); unknown names and malformed values raise ValueError (the view answers 400)."""
    measures = tuple(dict.fromkeys(params.getlist("measure"))) or ("revenue", "units", "margin")
    dimensions = tuple(dict.fromkeys(d for d in params.getlist("dimension") if d))[:MAX_DIMENSIONS]
    compare = tuple(dict.fromkeys(params.getlist("compare")))
    end = date.fromisoformat(params["end"]) if params.get("end") else latest_fact_day(user=user)
    start = date.fromisoformat(params["start"]) if params.get("start") else end - timedelta(days=27)
    if (end - start).days > MAX_DAYS:
        raise ValueError("period longer than three years")
    filters = {}
    for name in DIMENSION_LABELS:
        values = params.getlist(f"f_{name}")
        if values:
            filters[name] = tuple(int(v) for v in values)
    query = CubeQuery(start=start, end=end, measures=measures, dimensions=dimensions, filters=filters,
                      compare=compare)
    query.validate()
    return query


def query_params(query: CubeQuery) -> list[tuple[str, str]]:
    """The request parameters of a query (links, saved views)."""
    pairs = [("start", query.start.isoformat()), ("end", query.end.isoformat())]
    pairs += [("measure", m) for m in query.measures] + [("dimension", d) for d in query.dimensions]
    pairs += [("compare", c) for c in query.compare]
    pairs += [(f"f_{name}", str(v)) for name, values in query.filters.items() for v in values]
    return pairs


def result_columns(query: CubeQuery) -> list[tuple[str, str]]:
    """(column, heading) of an explorer result as shown and exported."""
    columns = [(d, str(DIMENSION_LABELS[d])) for d in query.dimensions]
    for measure in query.measures:
        columns.append((measure, str(MEASURE_LABELS[measure])))
        if "last_year" in query.compare:
            columns.append((f"{measure}_last_year", f"{MEASURE_LABELS[measure]} · {COMPARISON_LABELS['last_year']}"))
    if "target" in query.compare:
        columns.append(("revenue_target", str(_("目标销售额"))))
    if "forecast" in query.compare:
        columns += [("revenue_forecast", str(_("预测销售额"))), ("units_forecast", str(_("预测销量")))]
    return columns
