"""Reads of the forecasting app: facts extracted as NumPy panels for the engine, and stored forecasts for pages.

Sales facts are sparse (a store x SKU row exists only for days with sales or a stockout), so the extraction
densifies them: from a series' first sale on, an absent day is zero demand, a stockout day or a day the store was
closed is unavailable (missing, not zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum

from opsdesk.core.models import Company, Store
from opsdesk.engine.forecast import FutureCovariates, SeriesPanel, static_features
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries, MeasureChoices
from opsdesk.sales.models import Promotion, SkuDaySales, StoreCalendarDay, StoreDaySales


@dataclass
class Extract:
    """Panels of one company's history, ready for the engine."""

    origin: date  # last day of history
    store_ids: np.ndarray  # (n_stores,)
    sales: SeriesPanel  # store totals: sales amount per day
    customers: SeriesPanel  # store totals: customers per day
    store_future: FutureCovariates
    pairs: np.ndarray  # (n_pairs, 2) store id, product id, in the order of `units`
    units: SeriesPanel  # store x SKU units per day
    unit_future: FutureCovariates
    prices: np.ndarray  # (n_pairs,) recent average selling price per unit


def data_version(company: Company) -> str:
    """A cheap fingerprint of the company's sales facts (changes whenever facts are added or changed)."""
    stores = Store.objects.filter(company=company).values("pk")
    sku = SkuDaySales.objects.filter(store_id__in=stores).aggregate(last_id=Max("pk"), last_day=Max("date"))
    day = StoreDaySales.objects.filter(store_id__in=stores).aggregate(last_id=Max("pk"), last_day=Max("date"))
    return f"sku:{sku['last_id']}@{sku['last_day']};store:{day['last_id']}@{day['last_day']}"


def _day_index(days: np.ndarray, start: date) -> np.ndarray:
    return (days.astype("datetime64[D]") - np.datetime64(start, "D")).astype(np.int64)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _store_days(store_ids: list[int], start: date, end: date) -> dict[str, np.ndarray]:
    table = StoreDaySales._meta.db_table
    marks = ",".join(["%s"] * len(store_ids))
    rows = _fetch(
        f"SELECT store_id, date, sales_amount, customers, is_open, is_promo, state_holiday, is_school_holiday "
        f"FROM {table} WHERE store_id IN ({marks}) AND date BETWEEN %s AND %s",
        [*store_ids, start, end],
    )
    if not rows:
        return {}
    columns = list(zip(*rows, strict=True))
    return {
        "store": np.asarray(columns[0], dtype=np.int64),
        "day": np.asarray([np.datetime64(str(d)[:10]) for d in columns[1]], dtype="datetime64[D]"),
        "sales": np.asarray(columns[2], dtype=np.float64),
        "customers": np.asarray(columns[3], dtype=np.float64),
        # an "open" day without any sale is a day the store did not trade (a data gap, a refit, a power cut): no
        # demand was observed. Rossmann has 54 of them; counted as real zeros they flipped the model choice of
        # whole stores (issue 20: RMSPE 0.158 -> 0.217 on 50 stores, bench/forecast_product.py)
        "open": np.asarray(columns[4], dtype=bool) & (np.asarray(columns[2], dtype=np.float64) > 0),
        "promo": np.asarray(columns[5], dtype=np.float32),
        "state_holiday": np.asarray([0.0 if str(v) == "0" else 1.0 for v in columns[6]], dtype=np.float32),
        "school_holiday": np.asarray(columns[7], dtype=np.float32),
    }


def _sku_rows(store_ids: list[int], start: date, end: date) -> dict[str, np.ndarray]:
    table = SkuDaySales._meta.db_table
    marks = ",".join(["%s"] * len(store_ids))
    rows = _fetch(
        f"SELECT store_id, product_id, date, quantity, revenue, is_promo, is_stockout "
        f"FROM {table} WHERE store_id IN ({marks}) AND date BETWEEN %s AND %s",
        [*store_ids, start, end],
    )
    if not rows:
        return {}
    columns = list(zip(*rows, strict=True))
    return {
        "store": np.asarray(columns[0], dtype=np.int64),
        "product": np.asarray(columns[1], dtype=np.int64),
        "day": np.asarray([str(d)[:10] for d in columns[2]], dtype="datetime64[D]"),
        "quantity": np.asarray(columns[3], dtype=np.float64),
        "revenue": np.asarray(columns[4], dtype=np.float64),
        "promo": np.asarray(columns[5], dtype=np.float32),
        "stockout": np.asarray(columns[6], dtype=bool),
    }


PAIR_KEY = 10_000_000  # store id * PAIR_KEY + product id: one int64 per store x SKU pair


def _pair_keys(rows: dict[str, np.ndarray]) -> np.ndarray:
    return rows["store"] * PAIR_KEY + rows["product"]


def _recently_sold(rows: dict[str, np.ndarray], end: date) -> dict[str, np.ndarray]:
    """The rows of the pairs that sold in the ``ACTIVE_DAYS`` days up to ``end`` (all their history).

    A pair unsold for a year gets no forecast (the plan reads no demand for it). Forecast with the rest, such pairs
    widened the band of those that sold: on Online Retail's 2011-10-03 origin 787 of 4,747 items had not sold for a
    year, and with them the items that had sold saw 85 % of their actuals inside their 10-90 % band instead of 81 %,
    the band 32 % wider (issue 20, ninth pass).
    """
    if not rows:
        return rows
    key = _pair_keys(rows)
    recent = (rows["quantity"] > 0) & (rows["day"] > np.datetime64(end, "D") - np.timedelta64(ACTIVE_DAYS, "D"))
    keep = np.isin(key, np.unique(key[recent]))
    return {name: values[keep] for name, values in rows.items()} if keep.any() else {}


def _flatten(matrix: np.ndarray, first: np.ndarray, start: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut each row of a (n, T) matrix at its first day: flat values, indptr and start dates."""
    n, t = matrix.shape
    keep = np.arange(t)[None, :] >= first[:, None]
    lengths = t - first
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    starts = np.datetime64(start, "D") + first.astype("timedelta64[D]")
    return matrix[keep], indptr, starts


def regional_holidays(company: Company, store_ids: np.ndarray, first: date, n_days: int) -> np.ndarray:
    """(n_stores, n_days) 1.0 on the public holidays of each store's calendar from ``first`` on: the company's
    country plus the store's own region (``Store.holiday_subdivision``, e.g. a German state)."""
    from opsdesk.engine.forecast import region_holiday_flags

    regions = dict(Store.objects.filter(pk__in=store_ids.tolist()).values_list("pk", "holiday_subdivision"))
    dates = np.datetime64(first, "D") + np.arange(n_days).astype("timedelta64[D]")
    out = np.zeros((len(store_ids), n_days), dtype=np.float32)
    flags: dict[str, np.ndarray] = {}
    for i, pk in enumerate(store_ids.tolist()):
        region = regions.get(pk) or ""
        if region not in flags:
            try:
                flags[region] = region_holiday_flags(dates, company.country, region or None)
            except NotImplementedError:  # a country or region the holidays package does not know
                flags[region] = np.zeros(n_days, dtype=np.float32)
        out[i] = flags[region]
    return out


def store_features(store_ids: np.ndarray) -> dict[str, np.ndarray]:
    """(n_stores,) features of each store for the global model (``engine.forecast.static_features``): the
    attributes its stores file brought (``Store.attributes``).

    Not the store's format and floor area: on the demo company (24 stores) they took the stores' sales validation
    error from 0.153 to 0.156 (the global model then chosen for 11 stores instead of 20); a store's history already
    tells its size."""
    rows = dict(Store.objects.filter(pk__in=store_ids.tolist()).values_list("pk", "attributes"))
    return static_features([rows.get(pk) or {} for pk in store_ids.tolist()])


def _store_panels(days: dict[str, np.ndarray], store_ids: np.ndarray, start: date, n_days: int,
                  holidays: np.ndarray | None = None, static: dict[str, np.ndarray] | None = None):
    row = np.searchsorted(store_ids, days["store"])
    col = _day_index(days["day"], start)
    shape = (len(store_ids), n_days)
    grids = {name: np.zeros(shape, dtype=np.float64) for name in ("sales", "customers")}
    covariates = {name: np.zeros(shape, dtype=np.float32) for name in ("open", "promo", "state_holiday",
                                                                         "school_holiday")}
    observed = np.zeros(shape, dtype=bool)
    for name in grids:
        grids[name][row, col] = days[name]
    for name in covariates:
        covariates[name][row, col] = days[name]
    if holidays is not None:  # the calendar's holidays of each store's region, where the import had no flag
        covariates["state_holiday"] = np.maximum(covariates["state_holiday"], holidays)
    observed[row, col] = days["open"]
    first = np.where(observed.any(axis=1), observed.argmax(axis=1), n_days - 1)
    panels = {}
    flat_available, indptr, starts = _flatten(observed, first, start)
    flat_covariates = {name: _flatten(values, first, start)[0] for name, values in covariates.items()}
    for name, grid in grids.items():
        panels[name] = SeriesPanel(ids=store_ids, indptr=indptr, y=_flatten(grid, first, start)[0], start=starts,
                                   available=flat_available, static=dict(static or {}), **flat_covariates)
    return panels


def _unit_panel(rows: dict[str, np.ndarray], closed: np.ndarray, store_ids: np.ndarray, start: date, n_days: int,
                company: Company | None = None):
    """Store x SKU units; `closed` is the (n_stores, T) grid of closed days; the promotion flags are the sales rows'
    and, with ``company``, its approved promotions' days (``mark_promotions``)."""
    pair_keys, pair_of_row = np.unique(_pair_keys(rows), return_inverse=True)
    pairs = np.stack([pair_keys // PAIR_KEY, pair_keys % PAIR_KEY], axis=1)
    col = _day_index(rows["day"], start)
    shape = (len(pair_keys), n_days)
    units = np.zeros(shape, dtype=np.float32)
    promo = np.zeros(shape, dtype=np.float32)
    unavailable = np.zeros(shape, dtype=bool)
    # Demand is never negative: a day whose returns outweigh its sales (net units < 0, e.g. derived from invoice
    # lines) counts as no demand, not as negative demand the models would learn.
    units[pair_of_row, col] = np.maximum(rows["quantity"], 0.0)
    promo[pair_of_row, col] = rows["promo"]
    if company is not None:
        mark_promotions(promo, company, store_ids, pairs, start)
    unavailable[pair_of_row, col] = rows["stockout"]
    unavailable |= closed[np.searchsorted(store_ids, pairs[:, 0])]
    first = np.full(len(pair_keys), n_days - 1, dtype=np.int64)
    np.minimum.at(first, pair_of_row, col)
    flat_units, indptr, starts = _flatten(units, first, start)
    panel = SeriesPanel(ids=np.arange(len(pair_keys)), indptr=indptr, y=flat_units, start=starts,
                        available=~_flatten(unavailable, first, start)[0], promo=_flatten(promo, first, start)[0])
    revenue = np.bincount(pair_of_row, weights=rows["revenue"], minlength=len(pair_keys))
    quantity = np.bincount(pair_of_row, weights=rows["quantity"], minlength=len(pair_keys))
    prices = np.divide(revenue, quantity, out=np.zeros_like(revenue), where=quantity > 0)
    return pairs, panel, prices


HISTORY_DAYS = 1100  # three years: the global model learns the yearly season from a year before each training origin
ACTIVE_DAYS = 365  # a store x SKU pair is forecast when it sold in the last year (once a season is enough)


def extract(company: Company, *, history_days: int = HISTORY_DAYS, horizon: int = 28,
            end: date | None = None) -> Extract | None:
    """History of the company's stores up to `end` (default: the last day with sales) as engine panels.

    Three years by default (``HISTORY_DAYS``): with 400 days, as before issue 20, a series never had the year before
    the model's first validation origin that the yearly features need, and on Rossmann's rolling origins (50 stores)
    the 400-day forecast was 0.13-0.25 RMSPE against 0.10-0.18 with the whole history (the per-series models read
    only the last year and a bit of it either way: ``engine.forecast.auto._local_view``)."""
    store_ids = np.asarray(sorted(Store.objects.filter(company=company).values_list("pk", flat=True)), dtype=np.int64)
    if len(store_ids) == 0:
        return None
    last = StoreDaySales.objects.filter(store_id__in=store_ids.tolist()).aggregate(last=Max("date"))["last"]
    end = end or last
    if end is None:
        return None
    start = end - timedelta(days=history_days - 1)
    days = _store_days(store_ids.tolist(), start, end)
    if not days:
        return None
    holidays = regional_holidays(company, store_ids, start, history_days + horizon)
    store_panels = _store_panels(days, store_ids, start, history_days, holidays[:, :history_days],
                                 store_features(store_ids))
    closed, closed_ahead = _closed_days(days, store_ids, start, history_days, holidays)
    sku_rows = _recently_sold(_sku_rows(store_ids.tolist(), start, end), end)
    if sku_rows:
        pairs, units, prices = _unit_panel(sku_rows, closed, store_ids, start, history_days, company)
    else:
        pairs = np.zeros((0, 2), dtype=np.int64)
        units = SeriesPanel(ids=np.arange(0), indptr=np.zeros(1), y=np.zeros(0), start=np.zeros(0, "datetime64[D]"),
                            available=np.zeros(0, dtype=bool))
        prices = np.zeros(0)
    store_future, unit_future = future_covariates(company, store_ids, pairs, end, horizon, closed_ahead)
    store_future.state_holiday = np.maximum(store_future.state_holiday, holidays[:, history_days:])
    return Extract(end, store_ids, store_panels["sales"], store_panels["customers"], store_future, pairs, units,
                   unit_future, prices)


def _closed_days(days: dict[str, np.ndarray], store_ids: np.ndarray, start: date, n_days: int,
                 holidays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """When each store did not trade, and the days ahead it will not open unless its calendar says so.

    Args:
        days: the store days (``_store_days``).
        holidays: (n_stores, n_days + horizon) 1.0 on each store's public holidays (``regional_holidays``).

    Returns:
        ((n_stores, n_days) bool: days recorded closed, and days without any store-day row between a store's first
        and last one - a shop whose sales come from invoice lines records nothing on the days it is shut, such as
        Online Retail's Saturdays, and a SKU's zero there is no demand; (n_stores, horizon) bool, the days ahead
        planned closed: the weekdays a store usually does not open (``usual_closed_weekdays``) and, for a store
        that never opened on a public holiday of its calendar (``closes_on_holidays``), the holidays ahead).
    """
    from opsdesk.engine.forecast import closes_on_holidays, trading_span, usual_closed_weekdays

    shape = (len(store_ids), n_days)
    row, col = np.searchsorted(store_ids, days["store"]), _day_index(days["day"], start)
    recorded = np.zeros(shape, dtype=bool)
    recorded[row, col] = True
    is_open = np.zeros(shape, dtype=bool)
    is_open[row, col] = days["open"]
    span = trading_span(recorded)
    closed = (recorded & ~is_open) | (span & ~recorded)
    dates = np.datetime64(start, "D") + np.arange(holidays.shape[1])
    weekdays = usual_closed_weekdays(is_open, dates[:n_days])
    ahead = (dates[n_days:].astype(np.int64) + 3) % 7  # Monday = 0 (1970-01-01 was a Thursday)
    closed_ahead = weekdays[:, ahead]
    closed_ahead |= closes_on_holidays(is_open, span, holidays[:, :n_days])[:, None] & (holidays[:, n_days:] > 0)
    return closed, closed_ahead


def future_covariates(company: Company, store_ids: np.ndarray, pairs: np.ndarray, origin: date, horizon: int,
                      closed_ahead: np.ndarray | None = None):
    """What is known about the forecast days: the planned store calendar and planned promotions.

    ``closed_ahead`` (n_stores, horizon) bool: days a store is closed unless its calendar opens the day.
    """

    n_stores = len(store_ids)
    store_open = np.ones((n_stores, horizon), dtype=np.float32)
    if closed_ahead is not None:
        store_open[closed_ahead] = 0.0
    store_promo = np.zeros((n_stores, horizon), dtype=np.float32)
    state_holiday = np.zeros((n_stores, horizon), dtype=np.float32)
    school_holiday = np.zeros((n_stores, horizon), dtype=np.float32)
    for row in _planned_calendar(store_ids, origin, horizon):
        i = int(np.searchsorted(store_ids, row["store_id"]))
        d = (row["date"] - origin).days - 1
        store_open[i, d] = float(row["is_open"])
        store_promo[i, d] = float(row["is_promo"])
        state_holiday[i, d] = 0.0 if row["state_holiday"] == "0" else 1.0
        school_holiday[i, d] = float(row["is_school_holiday"])
    unit_promo = np.zeros((len(pairs), horizon), dtype=np.float32)
    mark_promotions(unit_promo, company, store_ids, pairs, origin + timedelta(days=1))
    pair_store = np.searchsorted(store_ids, pairs[:, 0]) if len(pairs) else np.zeros(0, dtype=np.int64)
    store_future = FutureCovariates(open=store_open, promo=store_promo, state_holiday=state_holiday,
                                    school_holiday=school_holiday)
    unit_future = FutureCovariates(open=store_open[pair_store], promo=unit_promo)
    return store_future, unit_future


def mark_promotions(grid: np.ndarray, company: Company, store_ids: np.ndarray, pairs: np.ndarray,
                    first_day: date) -> None:
    """Set ``grid`` (n_pairs, n_days; column 0 = ``first_day``) to 1 on the days an approved promotion covers the
    pair: its stores (none listed = every store) and its category with every category below it (none = the whole
    assortment). The forecast days' promotions, and the history's: a sales row flags a promotion only on the days
    the item sold, so without the plan a slow item's promoted days would all look like days with a sale."""
    from opsdesk.catalog.models import Product

    if not len(pairs) or not grid.shape[1]:
        return
    n_days = grid.shape[1]
    category = dict(Product.objects.filter(pk__in=np.unique(pairs[:, 1]).tolist()).values_list("pk", "category_id"))
    pair_category = np.asarray([category.get(int(p), -1) or -1 for p in pairs[:, 1]], dtype=np.int64)
    lineage = _category_lineage(company)
    for promotion in _planned_promotions(company, first_day - timedelta(days=1), n_days):
        first = max((promotion.start_date - first_day).days, 0)
        last = min((promotion.end_date - first_day).days, n_days - 1)
        if last < first:
            continue
        in_stores = promotion.store_set or set(store_ids.tolist())
        mask = np.isin(pairs[:, 0], list(in_stores))
        if promotion.category_id:
            # A promotion on a category covers the products of every category below it too.
            covered = [c for c, ancestors in lineage.items() if promotion.category_id in ancestors]
            mask &= np.isin(pair_category, covered)
        grid[mask, first : last + 1] = 1.0


def _category_lineage(company: Company) -> dict[int, set[int]]:
    """Each product category of the company with itself and all its ancestors."""
    from opsdesk.catalog.models import ProductCategory

    parent = dict(ProductCategory.objects.filter(company=company).values_list("pk", "parent_id"))
    lineage = {}
    for pk in parent:
        chain, node = set(), pk
        while node is not None and node not in chain:
            chain.add(node)
            node = parent.get(node)
        lineage[pk] = chain
    return lineage


def _planned_calendar(store_ids: np.ndarray, origin: date, horizon: int) -> list[dict]:
    """Planned store days (opening, closures, promotions, holidays) inside the horizon."""
    return list(
        StoreCalendarDay.objects.filter(
            store_id__in=store_ids.tolist(), date__gt=origin, date__lte=origin + timedelta(days=horizon)
        ).values("store_id", "date", "is_open", "is_promo", "state_holiday", "is_school_holiday")
    )


def _planned_promotions(company: Company, origin: date, horizon: int) -> list[Promotion]:
    promotions = list(
        Promotion.objects.filter(  # approved ones only: a proposal is not a plan yet
            company=company, end_date__gt=origin, start_date__lte=origin + timedelta(days=horizon), status="approved"
        ).prefetch_related("stores")
    )
    for promotion in promotions:
        promotion.store_set = {store.pk for store in promotion.stores.all()}
    return promotions


# ----------------------------------------------------------------------------- reads for pages


def run_list(*, user) -> QuerySet[ForecastRun]:
    """Forecast runs of the user's company."""
    return ForecastRun.objects.for_user(user).select_related("requested_by")


@dataclass(frozen=True)
class RunFigures:
    """What a user may see of a run's size and validation accuracy (see `run_figures`)."""

    series_count: int
    accuracy: dict  # {measure: {"series": int, "relative_rmse": float | None, "models": {name: count}}}


def _models_by_count(accuracy: dict) -> dict:
    """The stored accuracy with each measure's models most used first (PostgreSQL's jsonb keeps no key order)."""
    return {measure: {**item, "models": dict(sorted((item.get("models") or {}).items(),
                                                    key=lambda pair: (-pair[1], pair[0])))}
            for measure, item in accuracy.items()}


def run_figures(*, user, runs) -> dict[int, RunFigures]:
    """Per run id: the series count and validation accuracy the user may see.

    A run covers the whole company. Company-scope users see its stored figures; everyone else sees the figures of
    their own stores, recomputed from the stored series with the formula of `services._accuracy` (RMSE summed
    over the series with an RMSE, divided by their summed recent mean demand). Two grouped queries for all runs.
    """
    runs = list(runs)
    if getattr(user, "has_company_scope", False):
        return {run.pk: RunFigures(run.series_count, _models_by_count(run.accuracy or {})) for run in runs}
    series = ForecastSeries.objects.for_user(user).filter(run_id__in=[run.pk for run in runs])
    has_error = Q(validation_rmse__isnull=False)
    accuracy: dict[int, dict] = {run.pk: {} for run in runs}
    for row in series.values("run_id", "measure").annotate(
        n=Count("pk"), rmse=Sum("validation_rmse", filter=has_error), volume=Sum("mean_demand", filter=has_error)
    ).order_by("run_id", "measure"):
        volume = row["volume"] or 0
        accuracy[row["run_id"]][row["measure"]] = {
            "series": row["n"], "relative_rmse": round(row["rmse"] / volume, 4) if volume > 0 else None, "models": {},
        }
    for row in series.values("run_id", "measure", "model_name").annotate(n=Count("pk")).order_by(
        "run_id", "measure", "-n", "model_name"
    ):
        accuracy[row["run_id"]][row["measure"]]["models"][row["model_name"]] = row["n"]
    return {
        run_id: RunFigures(sum(item["series"] for item in figures.values()), figures)
        for run_id, figures in accuracy.items()
    }


def latest_run(*, user) -> ForecastRun | None:
    """The newest finished run the user can see."""
    return run_list(user=user).filter(status="done", origin__isnull=False).order_by("-finished_at", "-pk").first()


def store_series(*, user, run: ForecastRun, store: Store) -> QuerySet[ForecastSeries]:
    """The series of one store in a run (totals first, then SKUs by forecast volume)."""
    return (
        ForecastSeries.objects.for_user(user)
        .filter(run=run, store=store)
        .select_related("product")
        .order_by("product_id", "-total_forecast")
    )


def series_points(*, user, series: ForecastSeries) -> list[dict]:
    """The forecast days of one series."""
    return list(
        ForecastPoint.objects.for_user(user).filter(series=series).order_by("date").values("date", "forecast",
                                                                                             "lower", "upper")
    )


def store_history(*, user, store: Store, measure: str, days: int, end: date) -> list[tuple[date, float]]:
    """Recent daily actuals of a store total (sales or customers)."""
    field = "sales_amount" if measure == MeasureChoices.SALES else "customers"
    rows = (
        StoreDaySales.objects.for_user(user)
        .filter(store=store, date__gt=end - timedelta(days=days), date__lte=end)
        .order_by("date")
        .values_list("date", field)
    )
    return [(day, float(value)) for day, value in rows]


def sku_history(*, user, store: Store, product_id: int, days: int, end: date) -> list[tuple[date, float, bool]]:
    """Recent daily units of a store x SKU, zero-filled; stockout days flagged."""
    rows = {
        day: (float(quantity), stockout)
        for day, quantity, stockout in SkuDaySales.objects.for_user(user)
        .filter(store=store, product_id=product_id, date__gt=end - timedelta(days=days), date__lte=end)
        .values_list("date", "quantity", "is_stockout")
    }
    out = []
    for offset in range(days - 1, -1, -1):
        day = end - timedelta(days=offset)
        quantity, stockout = rows.get(day, (0.0, False))
        out.append((day, quantity, stockout))
    return out


def export_rows(*, user, run: ForecastRun, measure_total: str = MeasureChoices.SALES):
    """Rows for the forecast export: store code, SKU (empty for the store total), date, forecast, lower, upper.

    `user=None` is the operator's command line (whole company of the run); every web/API export passes a user.
    """
    base = ForecastPoint.objects.for_user(user) if user is not None else ForecastPoint.objects.all()
    points = (
        base.filter(series__run=run)
        .filter(models_q_total_or_units(measure_total))
        .order_by("series__store__code", F("series__product__sku").asc(nulls_first=True), "date")
        .values_list("series__store__code", "series__product__sku", "date", "forecast", "lower", "upper")
    )
    for store_code, sku, day, value, lower, upper in points.iterator(chunk_size=5000):
        yield store_code, sku or "", day.isoformat(), round(value, 3), round(lower, 3), round(upper, 3)


def models_q_total_or_units(measure_total: str):
    from django.db.models import Q

    return Q(series__measure=measure_total, series__product__isnull=True) | Q(series__measure=MeasureChoices.UNITS)


EXPORT_HEADER = ["store_code", "sku", "date", "forecast", "lower", "upper"]


# ----------------------------------------------------------------------------- reads for report packs


@dataclass(frozen=True)
class WeekForecast:
    """The sales forecast of a scope for one week: the days the run covers, the total and its 80 % band."""

    start: date
    end: date
    days: int  # days of the week the run forecasts (fewer than 7 at the edges of its horizon)
    forecast: float
    lower: float
    upper: float


@dataclass(frozen=True)
class WeekAccuracy:
    """What a run made before a week forecast for it against what sold, over the store-days it forecast."""

    start: date
    end: date
    origin: date  # the run's last day of history
    days: int
    forecast: float
    actual: float
    absolute_error: float  # sum over store-days of |forecast - actual|

    @property
    def wape(self) -> float | None:
        """Weighted absolute percentage error: sum |F - A| / sum A (None when nothing sold)."""
        return self.absolute_error / self.actual if self.actual > 0 else None

    @property
    def bias(self) -> float | None:
        """(sum F - sum A) / sum A: positive when the forecast was too high (None when nothing sold)."""
        return (self.forecast - self.actual) / self.actual if self.actual > 0 else None


def _done_runs(company_id: int) -> QuerySet[ForecastRun]:
    return ForecastRun.objects.filter(company_id=company_id, status="done", origin__isnull=False)


def _store_sales_points(run: ForecastRun, store_ids, first: date, last: date) -> QuerySet[ForecastPoint]:
    points = ForecastPoint.objects.filter(series__run=run, series__product__isnull=True,
                                          series__measure=MeasureChoices.SALES, date__gt=run.origin,
                                          date__gte=first, date__lte=last)
    return points if store_ids is None else points.filter(series__store_id__in=list(store_ids))


def sales_forecast_weeks(*, company_id: int, store_ids, weeks: list[tuple[date, date]]
                         ) -> tuple[ForecastRun | None, list[WeekForecast]]:
    """The company's latest finished run and its store sales forecasts summed over `store_ids` (None: every store)
    per week, for the weeks it covers. The stores' and days' half-widths combine in quadrature, each side on its
    own, as the cockpit's rollups and the goals' projections do (errors taken as independent). No run: (None, [])."""
    import math

    run = _done_runs(company_id).order_by("-finished_at", "-pk").first()
    if run is None or not weeks:
        return run, []
    sums = {week: [set(), 0.0, 0.0, 0.0] for week in weeks}
    for day, forecast, lower, upper in _store_sales_points(run, store_ids, weeks[0][0], weeks[-1][1]).values_list(
            "date", "forecast", "lower", "upper"):
        for week in weeks:
            if week[0] <= day <= week[1]:
                item = sums[week]
                item[0].add(day)
                item[1] += forecast
                item[2] += max(forecast - lower, 0.0) ** 2
                item[3] += max(upper - forecast, 0.0) ** 2
    return run, [WeekForecast(week[0], week[1], len(days), total, total - math.sqrt(below), total + math.sqrt(above))
                 for week, (days, total, below, above) in sums.items() if days]


def sales_forecast_accuracy(*, company_id: int, store_ids, weeks: list[tuple[date, date]]) -> list[WeekAccuracy]:
    """For each finished week, the newest finished run whose history ended before the week began, its store sales
    forecasts for the week's store-days (of `store_ids`; None: every store) against the sales of those store-days
    (a store-day without sales sold nothing). Weeks no such run covers are left out."""
    runs = list(_done_runs(company_id).order_by("-origin", "-finished_at", "-pk"))
    out = []
    for start, end in weeks:
        run = next((run for run in runs if run.origin < start), None)
        if run is None:
            continue
        forecasts = {(store_id, day): value for store_id, day, value in _store_sales_points(
            run, store_ids, start, end).values_list("series__store_id", "date", "forecast")}
        if not forecasts:
            continue
        actuals = {(store_id, day): float(value) for store_id, day, value in StoreDaySales.objects.filter(
            store_id__in={key[0] for key in forecasts}, date__gte=start, date__lte=end).values_list(
            "store_id", "date", "sales_amount")}
        actual = sum(actuals.get(key, 0.0) for key in forecasts)
        error = sum(abs(value - actuals.get(key, 0.0)) for key, value in forecasts.items())
        out.append(WeekAccuracy(start, end, run.origin, len({key[1] for key in forecasts}),
                                float(sum(forecasts.values())), actual, error))
    return out
