"""Reads of the replenishment app: plan inputs extracted as NumPy arrays for the engine, and pages' reads.

Page reads go through `for_user` and are built for 1,000,000 proposal rows per run: keyset pagination on
(urgency, id), capped counts, only the columns a page shows, rollups from the run's summary instead of
aggregating proposals per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import connection
from django.db.models import Q, QuerySet

from opsdesk.core.models import Company, Store
from opsdesk.core.scoping import visible_store_ids
from opsdesk.replenishment.choices import PlanRunStatusChoices, ReasonChoices, UrgencyChoices
from opsdesk.replenishment.defaults import DEFAULT_PARAMS
from opsdesk.replenishment.models import PlanRun, Proposal, ReplenishmentSettings

KEY = 10_000_000  # store id * KEY + product id: one int64 per store x SKU pair
SALES_DAYS = 90
COUNT_CAP = 1000


@dataclass
class PlanExtract:
    """Facts of every store x SKU pair of a company, ready for the engine. Arrays are ``(n,)`` unless stated."""

    plan_date: date  # the first forecast day ("today" of the plan)
    forecast_run_id: int | None
    store_ids: np.ndarray
    product_ids: np.ndarray
    supplier_ids: np.ndarray  # 0 = no supplier
    category_ids: np.ndarray  # 0 = no category
    on_hand: np.ndarray
    on_order: np.ndarray
    unit_cost: np.ndarray
    pack_size: np.ndarray
    stated_lead_time: np.ndarray
    lead_time_mean: np.ndarray
    lead_time_std: np.ndarray
    supplier_min_value: dict[int, float]
    forecast_mean: np.ndarray  # (n, h) units/day
    forecast_sigma: np.ndarray
    sales: np.ndarray  # (n, SALES_DAYS) units/day, last column = the day before plan_date
    stock_age_days: np.ndarray  # nan = never received

    @property
    def n(self) -> int:
        return len(self.store_ids)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _marks(values) -> str:
    return ",".join(["%s"] * len(values))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def latest_forecast_run(company: Company):
    """The company's newest finished forecast run, or None."""
    from opsdesk.forecasting.models import ForecastRun

    return (ForecastRun.objects.filter(company=company, status="done", origin__isnull=False)
            .order_by("-finished_at", "-pk").first())


def _forecast_rows(run) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keys, (m, h) daily means, sigma per day per store x SKU series of a forecast run (``plan_forecast``: the week
    error, else the validation RMSE, else the 10%-90% band; the simulation's engine-backed policy converts the same
    way)."""
    from opsdesk.engine.replenish import plan_forecast
    from opsdesk.forecasting.models import ForecastPoint, ForecastSeries

    series = _fetch(
        f"SELECT id, store_id, product_id, validation_rmse, week_error FROM {ForecastSeries._meta.db_table} "
        "WHERE run_id = %s AND measure = 'units' AND product_id IS NOT NULL ORDER BY id", [run.pk])
    if not series:
        return np.zeros(0, np.int64), np.zeros((0, run.horizon)), np.zeros(0)
    ids = np.asarray([row[0] for row in series], dtype=np.int64)
    keys = np.asarray([row[1] * KEY + row[2] for row in series], dtype=np.int64)
    rmse = np.asarray([np.nan if row[3] is None else row[3] for row in series], dtype=np.float64)
    week = np.asarray([np.nan if row[4] is None else row[4] for row in series], dtype=np.float64)
    points = _fetch(
        f"SELECT p.series_id, p.date, p.forecast, p.lower, p.upper FROM {ForecastPoint._meta.db_table} p "
        f"JOIN {ForecastSeries._meta.db_table} s ON s.id = p.series_id "
        "WHERE s.run_id = %s AND s.measure = 'units' AND s.product_id IS NOT NULL", [run.pk])
    h = run.horizon
    mean, lower, upper = np.zeros((len(ids), h)), np.zeros((len(ids), h)), np.zeros((len(ids), h))
    if points:
        columns = list(zip(*points, strict=True))
        row = np.searchsorted(ids, np.asarray(columns[0], dtype=np.int64))
        day = np.asarray([(_as_date(d) - run.origin).days - 1 for d in columns[1]], dtype=np.int64)
        ok = (day >= 0) & (day < h)
        for values, column in ((mean, 2), (lower, 3), (upper, 4)):
            values[row[ok], day[ok]] = np.asarray(columns[column], dtype=np.float64)[ok]
    mean, sigma = plan_forecast(mean, lower, upper, rmse, week)
    return keys, mean, sigma


def _latest_stock(store_ids: list[int]) -> dict[int, tuple[float, float, float]]:
    """Latest snapshot per store x SKU: key -> (on hand, on order, unit cost)."""
    from opsdesk.inventory.models import StockSnapshot

    table = StockSnapshot._meta.db_table
    rows = _fetch(
        f"SELECT s.store_id, s.product_id, s.on_hand, s.on_order, s.unit_cost FROM {table} s JOIN ("
        f"SELECT store_id, product_id, MAX(date) AS last FROM {table} WHERE store_id IN ({_marks(store_ids)}) "
        "GROUP BY store_id, product_id) m ON m.store_id = s.store_id AND m.product_id = s.product_id "
        "AND m.last = s.date", store_ids)
    return {row[0] * KEY + row[1]: (float(row[2]), float(row[3]), float(row[4])) for row in rows}


def _open_order_lines(store_ids: list[int]) -> dict[int, float]:
    """Units on open purchase orders not yet received, per store x SKU key."""
    from opsdesk.purchasing.models import OPEN_PURCHASE_ORDER_STATUSES, PurchaseOrder, PurchaseOrderLine

    statuses = [str(status) for status in OPEN_PURCHASE_ORDER_STATUSES]
    rows = _fetch(
        f"SELECT o.store_id, l.product_id, SUM(l.quantity - l.received_quantity) "
        f"FROM {PurchaseOrderLine._meta.db_table} l JOIN {PurchaseOrder._meta.db_table} o "
        f"ON o.id = l.purchase_order_id WHERE o.store_id IN ({_marks(store_ids)}) "
        f"AND o.status IN ({_marks(statuses)}) GROUP BY o.store_id, l.product_id", [*store_ids, *statuses])
    return {row[0] * KEY + row[1]: max(float(row[2] or 0), 0.0) for row in rows}


def _observed_lead_times(store_ids: list[int], since: date) -> dict[tuple[int, int], list[float]]:
    """Days from order to receipt per (supplier, store): receipts whose reference is a purchase order number."""
    from opsdesk.inventory.models import GoodsReceipt
    from opsdesk.purchasing.models import PurchaseOrder

    rows = _fetch(
        f"SELECT o.supplier_id, o.store_id, o.order_date, MIN(r.date) FROM {GoodsReceipt._meta.db_table} r "
        f"JOIN {PurchaseOrder._meta.db_table} o ON o.order_number = r.reference AND o.store_id = r.store_id "
        f"WHERE r.store_id IN ({_marks(store_ids)}) AND r.date >= %s "
        "GROUP BY o.id, o.supplier_id, o.store_id, o.order_date", [*store_ids, since])
    observed: dict[tuple[int, int], list[float]] = {}
    for supplier_id, store_id, ordered, received in rows:
        observed.setdefault((supplier_id, store_id), []).append(float((_as_date(received) - _as_date(ordered)).days))
    return observed


def _last_receipts(store_ids: list[int]) -> dict[int, date]:
    from opsdesk.inventory.models import GoodsReceipt

    rows = _fetch(
        f"SELECT store_id, product_id, MAX(date) FROM {GoodsReceipt._meta.db_table} "
        f"WHERE store_id IN ({_marks(store_ids)}) GROUP BY store_id, product_id", store_ids)
    return {row[0] * KEY + row[1]: _as_date(row[2]) for row in rows}


def _sales_matrix(store_ids: list[int], keys: np.ndarray, end: date) -> np.ndarray:
    """(n, SALES_DAYS) daily units of every pair up to and including `end`."""
    from opsdesk.sales.models import SkuDaySales

    start = end - timedelta(days=SALES_DAYS - 1)
    rows = _fetch(
        f"SELECT store_id, product_id, date, quantity FROM {SkuDaySales._meta.db_table} "
        f"WHERE store_id IN ({_marks(store_ids)}) AND date BETWEEN %s AND %s", [*store_ids, start, end])
    matrix = np.zeros((len(keys), SALES_DAYS))
    if not rows or not len(keys):  # no pair left (e.g. every item delisted): nothing to place
        return matrix
    columns = list(zip(*rows, strict=True))
    row_keys = np.asarray(columns[0], dtype=np.int64) * KEY + np.asarray(columns[1], dtype=np.int64)
    position = np.searchsorted(keys, row_keys)
    found = (position < len(keys)) & (keys[np.minimum(position, len(keys) - 1)] == row_keys)
    day = np.asarray([(_as_date(d) - start).days for d in columns[2]], dtype=np.int64)
    matrix[position[found], day[found]] = np.asarray(columns[3], dtype=np.float64)[found]
    return matrix


def _lead_times(extract_suppliers: np.ndarray, store_of: np.ndarray, stated: np.ndarray,
                observed: dict[tuple[int, int], list[float]]) -> tuple[np.ndarray, np.ndarray]:
    """Lead-time mean/std per pair: observed receipts of its supplier x store when there are enough, else stated."""
    from opsdesk.engine.replenish import lead_time_from_receipts

    counts = np.zeros(len(stated), dtype=np.int64)
    values: list[float] = []
    for i, (supplier_id, store_id) in enumerate(zip(extract_suppliers.tolist(), store_of.tolist(), strict=True)):
        days = observed.get((supplier_id, store_id), ())
        counts[i] = len(days)
        values.extend(days)
    indptr = np.zeros(len(stated) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return lead_time_from_receipts(indptr, np.asarray(values, dtype=np.float64), stated)


def plan_extract(company: Company, *, forecast_run=None, on_progress=None) -> PlanExtract | None:
    """Every store x SKU with a forecast or stock of the company, with the facts the plan needs."""
    from opsdesk.catalog.models import Product
    from opsdesk.purchasing.models import Supplier
    from opsdesk.sales.assortment import delisted_keys

    store_ids = sorted(Store.objects.filter(company=company).values_list("pk", flat=True))
    if not store_ids:
        return None
    run = forecast_run or latest_forecast_run(company)
    h = run.horizon if run is not None else 28
    if run is not None:
        f_keys, f_mean, f_sigma = _forecast_rows(run)
        plan_date = run.origin + timedelta(days=1)
    else:
        f_keys, f_mean, f_sigma = np.zeros(0, np.int64), np.zeros((0, h)), np.zeros(0)
        plan_date = None
    if on_progress:
        on_progress(25, "stock")
    stock = _latest_stock(store_ids)
    products = {row[0]: row[1:] for row in Product.objects.filter(company=company, is_active=True).values_list(
        "pk", "pack_size", "cost", "supplier_id", "category_id")}
    keys = np.union1d(f_keys, np.fromiter(stock.keys(), dtype=np.int64, count=len(stock)))
    keys = keys[np.isin(keys % KEY, np.fromiter(products.keys(), dtype=np.int64, count=len(products)))]
    keys = keys[~np.isin(keys, delisted_keys(store_ids, KEY))]  # delisted in the assortment review: no orders
    if plan_date is None:
        from opsdesk.inventory.models import StockSnapshot

        last = StockSnapshot.objects.filter(store_id__in=store_ids).order_by("-date").values_list("date", flat=True)
        plan_date = (last.first() or date.today()) + timedelta(days=1)
    n = len(keys)
    store_of, product_of = keys // KEY, keys % KEY
    product_rows = [products[int(p)] for p in product_of]
    suppliers = {row[0]: row[1:] for row in Supplier.objects.filter(company=company).values_list(
        "pk", "lead_time_days", "min_order_value")}
    supplier_of = np.asarray([row[2] or 0 for row in product_rows], dtype=np.int64)
    stated = np.asarray([float(suppliers.get(int(s), (3, 0))[0]) for s in supplier_of], dtype=np.float64)
    stock_rows = [stock.get(int(k), (0.0, 0.0, 0.0)) for k in keys]
    open_lines = _open_order_lines(store_ids)
    cost = np.asarray([row[1] for row in product_rows], dtype=np.float64)
    snapshot_cost = np.asarray([row[2] for row in stock_rows], dtype=np.float64)
    if on_progress:
        on_progress(40, "sales")
    lead_mean, lead_std = _lead_times(supplier_of, store_of, stated,
                                      _observed_lead_times(store_ids, plan_date - timedelta(days=365)))
    last_receipt = _last_receipts(store_ids)
    mean, sigma = np.zeros((n, h)), np.zeros(n)
    if len(f_keys):
        order = np.argsort(f_keys)  # f_keys come in series order; search in sorted order
        sorted_keys = f_keys[order]
        row = np.searchsorted(sorted_keys, keys)
        found = (row < len(sorted_keys)) & (sorted_keys[np.minimum(row, len(sorted_keys) - 1)] == keys)
        source = order[np.minimum(row, len(order) - 1)]
        mean[found] = f_mean[source[found]]
        sigma[found] = f_sigma[source[found]]
    age = np.asarray([(plan_date - last_receipt[int(k)]).days if int(k) in last_receipt else np.nan for k in keys])
    return PlanExtract(
        plan_date=plan_date, forecast_run_id=run.pk if run is not None else None, store_ids=store_of,
        product_ids=product_of, supplier_ids=supplier_of,
        category_ids=np.asarray([row[3] or 0 for row in product_rows], dtype=np.int64),
        on_hand=np.maximum(np.asarray([row[0] for row in stock_rows], dtype=np.float64), 0.0),
        on_order=np.asarray([row[1] for row in stock_rows], dtype=np.float64)
        + np.asarray([open_lines.get(int(k), 0.0) for k in keys]),
        unit_cost=np.where(snapshot_cost > 0, snapshot_cost, cost),
        pack_size=np.maximum(np.asarray([row[0] for row in product_rows], dtype=np.float64), 1.0),
        stated_lead_time=stated, lead_time_mean=lead_mean, lead_time_std=lead_std,
        supplier_min_value={int(pk): float(row[1]) for pk, row in suppliers.items()},
        forecast_mean=np.clip(np.nan_to_num(mean), 0.0, None), forecast_sigma=np.nan_to_num(np.maximum(sigma, 0.0)),
        sales=_sales_matrix(store_ids, keys, plan_date - timedelta(days=1)), stock_age_days=age,
    )


# ----------------------------------------------------------------------------- policy settings

#: The editable settings fields, in page order.
SETTINGS_FIELDS = ("service_level_a", "service_level_b", "service_level_c", "service_measure", "min_pair_fill_rate",
                   "review_days", "risk_days", "overstock_days", "dead_days")


def settings_params(settings: ReplenishmentSettings) -> dict:
    """A settings row as plan parameters (the keys of DEFAULT_PARAMS it sets)."""
    return {
        "service_levels": [settings.service_level_a, settings.service_level_b, settings.service_level_c],
        "service_measure": settings.service_measure,
        "min_pair_fill_rate": settings.min_pair_fill_rate,
        "review_days": settings.review_days,
        "risk_days": settings.risk_days,
        "overstock_days": settings.overstock_days,
        "dead_days": settings.dead_days,
    }


def plan_params(company: Company) -> dict:
    """The parameters of the company's next plan: DEFAULT_PARAMS overridden by the company's settings, if any.

    A system read (the nightly job has no user): callers that serve a user check scope themselves.
    """
    settings = ReplenishmentSettings.objects.filter(company=company).first()
    if settings is None:
        return dict(DEFAULT_PARAMS)
    return {**DEFAULT_PARAMS, **settings_params(settings)}


def replenishment_settings_get(*, user, action: str = "view") -> ReplenishmentSettings:
    """The user's company's settings row, or an unsaved row holding the defaults when it has none (or when the
    user may not `action` it: callers check the role first)."""
    settings = (ReplenishmentSettings.objects.for_user(user, action).filter(company_id=user.company_id)
                .select_related("updated_by").first())
    return settings or ReplenishmentSettings(company_id=user.company_id)


# ----------------------------------------------------------------------------- reads for pages


def run_list(*, user) -> QuerySet[PlanRun]:
    """Plan runs of the user's company."""
    return PlanRun.objects.for_user(user).select_related("requested_by")


def latest_run(*, user) -> PlanRun | None:
    """The newest finished plan the user can see."""
    return run_list(user=user).filter(status=PlanRunStatusChoices.DONE).order_by("-finished_at", "-pk").first()


LIST_COLUMNS = (
    "pk", "store_id", "store__code", "store__name", "product_id", "product__sku", "product__name", "supplier__name",
    "reason", "status", "urgency", "days_until_stockout", "on_hand", "on_order", "position", "reorder_point",
    "order_up_to", "pack_size", "min_order_qty", "proposed_quantity", "quantity", "unit_cost", "abc_class",
    "expected_date",
)


@dataclass(frozen=True)
class ProposalFilter:
    """The filters of the replenishment page (validated by ProposalFilterForm)."""

    store: int | None = None
    supplier: int | None = None
    category: int | None = None
    reason: str | None = ReasonChoices.BELOW_REORDER_POINT
    urgency: str | None = None
    status: str | None = None
    q: str = ""
    descending: bool = False


def proposals_filtered(*, user, run: PlanRun, filters: ProposalFilter, action: str = "view") -> QuerySet[Proposal]:
    """Proposals of a run in the user's scope, filtered (not yet ordered or paginated)."""
    queryset = Proposal.objects.for_user(user, action).filter(run=run)
    if filters.store:
        queryset = queryset.filter(store_id=filters.store)
    if filters.supplier:
        queryset = queryset.filter(supplier_id=filters.supplier)
    if filters.category:
        from opsdesk.catalog.models import ProductCategory

        children = ProductCategory.objects.filter(parent_id=filters.category).values_list("pk", flat=True)
        queryset = queryset.filter(category_id__in=[filters.category, *children])
    if filters.reason:
        queryset = queryset.filter(reason=filters.reason)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.urgency == UrgencyChoices.LATE:
        queryset = queryset.filter(urgency__lt=0)
    elif filters.urgency == UrgencyChoices.WEEK:
        queryset = queryset.filter(urgency__gte=0, urgency__lt=7)
    elif filters.urgency == UrgencyChoices.LATER:
        queryset = queryset.filter(urgency__gte=7)
    if filters.q:
        queryset = queryset.filter(Q(product__sku__startswith=filters.q) | Q(product__name__icontains=filters.q))
    return queryset


@dataclass
class ProposalPage:
    rows: list[dict]
    next_cursor: str | None
    count: int
    is_count_capped: bool


def proposal_totals(*, user, run: PlanRun, filters: ProposalFilter) -> dict:
    """Lines, lines to order, units and order value (quantity × unit cost) of the filtered proposals."""
    from django.db.models import Count, F, FloatField, Q, Sum

    totals = proposals_filtered(user=user, run=run, filters=filters).aggregate(
        lines=Count("pk"), to_order=Count("pk", filter=Q(quantity__gt=0)), units=Sum("quantity"),
        value=Sum(F("quantity") * F("unit_cost"), output_field=FloatField()))
    return {**totals, "units": totals["units"] or 0, "value": round(totals["value"] or 0.0, 2)}


def proposal_export_rows(*, user, run: PlanRun, filters: ProposalFilter):
    """(header, rows) of the filtered proposals for an export, most urgent first."""
    from django.utils.translation import gettext as _

    header = [_("门店"), _("商品编码"), _("商品"), _("供应商"), _("原因"), _("紧迫度"), _("现有库存"), _("安全库存"),
              _("再订货点"), _("订货上限"), _("建议数量"), _("订货数量"), _("单位成本"), _("订货金额"), _("预计到货"),
              _("状态")]
    queryset = (proposals_filtered(user=user, run=run, filters=filters).order_by("urgency", "pk")
                .select_related("store", "product", "supplier"))

    def rows():
        for p in queryset.iterator(chunk_size=2000):
            yield [p.store.code, p.product.sku, p.product.name, p.supplier.code if p.supplier else "",
                   p.get_reason_display(), round(p.urgency, 1), p.on_hand, p.safety_stock, p.reorder_point,
                   p.order_up_to, p.proposed_quantity, p.quantity, round(p.unit_cost, 2),
                   round(p.quantity * p.unit_cost, 2), p.expected_date, p.get_status_display()]

    return header, rows()


def proposal_page(*, user, run: PlanRun, filters: ProposalFilter, after: str = "", size: int = 50) -> ProposalPage:
    """One page of proposals sorted by urgency (keyset: `after` = "urgency:id" of the previous page's last row)."""
    queryset = proposals_filtered(user=user, run=run, filters=filters)
    ordered = queryset.order_by(*(("-urgency", "-pk") if filters.descending else ("urgency", "pk")))
    cursor = _parse_cursor(after)
    if cursor is not None:
        urgency, pk = cursor
        # A range on urgency the index can seek to, minus the ties already shown (an OR of the two cases makes
        # SQLite merge two index scans and sort: seconds at 1,000,000 rows).
        if filters.descending:
            ordered = ordered.filter(urgency__lte=urgency).exclude(urgency=urgency, pk__gte=pk)
        else:
            ordered = ordered.filter(urgency__gte=urgency).exclude(urgency=urgency, pk__lte=pk)
    rows = list(ordered.values(*LIST_COLUMNS)[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = f"{rows[-1]['urgency']!r}:{rows[-1]['pk']}"
    count = len(queryset.values("pk")[: COUNT_CAP + 1])
    return ProposalPage(rows, next_cursor, min(count, COUNT_CAP), count > COUNT_CAP)


def _parse_cursor(after: str) -> tuple[float, int] | None:
    try:
        urgency, pk = after.rsplit(":", 1)
        return float(urgency), int(pk)
    except ValueError:
        return None


def proposal_get(*, user, pk: int, action: str = "view") -> Proposal:
    """One proposal in the user's scope (raises Proposal.DoesNotExist otherwise)."""
    return Proposal.objects.for_user(user, action).select_related(
        "run", "store", "product", "supplier", "category").get(pk=pk)


def proposal_forecast(*, user, proposal: Proposal) -> tuple[list, list]:
    """History (date, units, stockout) and forecast points of a proposal's store x SKU, from the plan's forecast."""
    from opsdesk.forecasting import selectors as forecasting
    from opsdesk.forecasting.models import ForecastSeries

    run = proposal.run.forecast_run
    if run is None:
        return [], []
    history = forecasting.sku_history(user=user, store=proposal.store, product_id=proposal.product_id, days=91,
                                      end=run.origin)
    series = ForecastSeries.objects.for_user(user).filter(run=run, store=proposal.store, product=proposal.product_id,
                                                          measure="units").first()
    points = forecasting.series_points(user=user, series=series) if series is not None else []
    return history, points


def _visible_summary_rows(user, run: PlanRun, store_id: int | None = None) -> list[dict]:
    visible = set(visible_store_ids(user))
    rows = [row for key, row in run.summary.get("stores", {}).items() if int(key) in visible]
    if store_id is not None:
        rows = [row for row in rows if row["store"] == store_id]
    return rows


def store_rollups(*, user, run: PlanRun) -> list[dict]:
    """Per visible store: pairs, order lines and value, at-risk pairs, overstock and dead value (from the run)."""
    rows = _visible_summary_rows(user, run)
    stores = {store.pk: store for store in Store.objects.for_user(user).filter(pk__in=[r["store"] for r in rows])}
    out = [{**row, "store_obj": stores[row["store"]]} for row in rows if row["store"] in stores]
    return sorted(out, key=lambda row: row["store_obj"].code)


def supplier_rollups(*, user, run: PlanRun) -> list[dict]:
    """Per supplier: order lines, units and value over the user's visible stores (from the run)."""
    from opsdesk.purchasing.models import Supplier

    visible = {str(pk) for pk in visible_store_ids(user)}
    totals: dict[int, dict] = {}
    for supplier_id, per_store in run.summary.get("suppliers", {}).items():
        for store_id, (lines, units, value) in per_store.items():
            if store_id in visible:
                item = totals.setdefault(int(supplier_id), {"lines": 0, "units": 0.0, "value": 0.0, "stores": 0})
                item["lines"] += lines
                item["units"] += units
                item["value"] += value
                item["stores"] += 1
    suppliers = Supplier.objects.for_user(user).filter(pk__in=list(totals)).in_bulk()
    rows = [{"supplier": suppliers[pk], **item} for pk, item in totals.items() if pk in suppliers]
    return sorted(rows, key=lambda row: -row["value"])


def health_overview(*, user, run: PlanRun, store_id: int | None = None) -> dict:
    """Inventory health of the scope (or one store) summed from the run's per-store rollups."""
    rows = _visible_summary_rows(user, run, store_id)
    total = {"pairs": 0, "stock_value": 0.0, "at_risk": 0, "overstock_value": 0.0, "dead_value": 0.0,
             "dead_pairs": 0, "order_lines": 0, "order_value": 0.0}
    cover = None
    age: dict[str, float] = {}
    matrix: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        for name in total:
            total[name] += row.get(name, 0)
        cover = np.asarray(row["cover_histogram"]) if cover is None else cover + np.asarray(row["cover_histogram"])
        for bucket, value in row["overstock_by_age"].items():
            age[bucket] = age.get(bucket, 0.0) + value
        for abc, by_xyz in row["abc_xyz"].items():
            for xyz, (count, value) in by_xyz.items():
                cell = matrix.setdefault(abc, {}).setdefault(xyz, [0, 0.0])
                cell[0] += count
                cell[1] += value
    return {"totals": total, "cover_histogram": [] if cover is None else cover.tolist(), "overstock_by_age": age,
            "abc_xyz": matrix, "stores": len(rows)}


def _latest_proposals(user, store_id: int | None = None) -> QuerySet[Proposal] | None:
    run = latest_run(user=user)
    if run is None:
        return None
    queryset = Proposal.objects.for_user(user).filter(run=run)
    return queryset.filter(store_id=store_id) if store_id else queryset


def stockout_risks_for_user(user, *, store_id: int | None = None, limit: int = 50) -> list[Proposal]:
    """Store x SKUs at risk of a stockout in the next days, most urgent first (latest plan, user's scope).

    The action inbox (issue 8) reads this.
    """
    queryset = _latest_proposals(user, store_id)
    if queryset is None:
        return []
    return list(queryset.filter(is_at_risk=True).select_related("store", "product").order_by("urgency", "pk")
                .only("pk", "store__code", "store__name", "product__sku", "product__name", "urgency", "on_hand",
                      "days_until_stockout", "stockout_probability", "quantity", "reason", "status",
                      "run_id")[:limit])


def overstock_for_user(user, *, store_id: int | None = None, limit: int = 50, dead_only: bool = False) -> list:
    """Store x SKUs holding stock beyond the overstock threshold, by value (latest plan, user's scope).

    The action inbox (issue 8) reads this.
    """
    queryset = _latest_proposals(user, store_id)
    if queryset is None:
        return []
    queryset = queryset.filter(is_dead=True) if dead_only else queryset.filter(overstock_value__gt=0)
    return list(queryset.select_related("store", "product").order_by("-overstock_value", "pk")
                .only("pk", "store__code", "store__name", "product__sku", "product__name", "on_hand",
                      "overstock_units", "overstock_value", "stock_age_days", "days_since_last_sale", "is_dead",
                      "dead_value", "days_of_cover", "run_id")[:limit])
