"""`opsdesk simulate`: replay a holdout day by day under the three policies on the company's own data (the demo
company in the database) or on the UCI Online Retail file, and report fill rate, cycle service level, stockout
days, average inventory value and orders. The replay itself is the engine's (opsdesk.engine.replenish.simulate);
this module only builds the simulation world from the database or the CSV.

The company world carries the planned promotion calendar (Promotion: its stores, its category and every category
below it) as known events, and both worlds carry what the forecast engine reads in the product (dates, the days the
stores traded, recorded stockouts and promotions, the country, up to PREHISTORY_DAYS more history): the OpsDesk
policy forecasts with the forecast engine as the nightly plan does (``EngineForecastCache``), the static policies
cannot. ``policy_makers`` defines the policies and their calibration knobs for `opsdesk simulate` and
bench/replenish.py alike.

Realised lead times are not recorded yet (purchase orders arrive with issue 7), so both worlds draw them around the
supplier's stated lead time, seeded: ``max(1, round(stated + N(0.5, 0.25 stated)))`` per order, and the OpsDesk
policy estimates mean/std from 10 past receipts drawn from the same law (as bench/replenish.py does).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from opsdesk.engine.replenish import (
    EngineForecastCache,
    ErpnextReorder,
    ForecastCache,
    OdooMinMax,
    OpsdeskForecast,
    PerfectForecastCache,
    PlanParams,
    SimulationInputs,
    abc_classify,
    calibrate,
    lead_time_from_receipts,
    simulate,
    tsb_weekly_forecast,
)
from opsdesk.engine.replenish.engine_forecast import PRODUCT_HISTORY_DAYS

HOLDOUT_DAYS, BURN_IN_DAYS, HISTORY_DAYS = 60, 28, 180
# Days before the HISTORY_DAYS that only the forecast engine reads, so that its first forecast sees the product's
# whole history window (forecasting.selectors.HISTORY_DAYS) where the data has it; worlds start at their first sale.
PREHISTORY_DAYS = PRODUCT_HISTORY_DAYS - 1 - HISTORY_DAYS
POLICIES = ("opsdesk", "odoo_minmax", "erpnext_reorder")
KEY = 10_000_000  # store id * KEY + product id: one int64 per store x SKU pair
# The OpsDesk policy's settings: the nightly plan's defaults (services.DEFAULT_PARAMS; a test keeps them equal).
PLAN_PARAMS = {"review_days": 7.0, "check_interval_days": 1.0, "service_levels": (0.98, 0.95, 0.90),
               "service_measure": "cycle", "min_pair_fill_rate": None}


def _lead_times(stated: np.ndarray, days: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = len(stated)
    actual = np.maximum(np.round(stated[:, None] + rng.normal(0.5, 0.25 * stated[:, None], (n, days))), 1)
    receipts = np.maximum(np.round(stated[:, None] + rng.normal(0.5, 0.25 * stated[:, None], (n, 10))), 1)
    mean, std = lead_time_from_receipts(np.arange(n + 1) * 10, receipts.reshape(-1), stated)
    return actual.astype(np.int64), mean, std


def company_world(company, *, max_pairs: int | None = None,
                  review_days: float = PLAN_PARAMS["review_days"]) -> SimulationInputs | None:
    """The company's store x SKU daily sales of the last HISTORY_DAYS + burn-in + holdout days (SkuDaySales), with
    the planned promotion calendar (Promotion) as known events; ``review_days`` is every policy's order cycle (the
    company's setting, see ``selectors.plan_params``). For the forecast engine also the PREHISTORY_DAYS before (from
    the first sale on), the dates, the days each store traded (StoreDaySales, as ``forecasting.selectors`` reads
    them), recorded stockouts and promotions (SkuDaySales) and the company's country."""
    from django.db import connection
    from django.db.models import Max, Min

    from opsdesk.catalog.models import Product
    from opsdesk.core.models import Store
    from opsdesk.purchasing.models import Supplier
    from opsdesk.sales.models import SkuDaySales

    store_ids = list(Store.objects.filter(company=company).values_list("pk", flat=True))
    span = SkuDaySales.objects.filter(store_id__in=store_ids).aggregate(first=Min("date"), last=Max("date"))
    end = span["last"]
    if end is None:
        return None
    window = HISTORY_DAYS + BURN_IN_DAYS + HOLDOUT_DAYS
    prehistory = min(PREHISTORY_DAYS, max((end - _as_date(span["first"])).days + 1 - window, 0))
    days = prehistory + window
    start = end - timedelta(days=days - 1)
    marks = ",".join(["%s"] * len(store_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT store_id, product_id, date, quantity, is_promo, is_stockout "
                       f"FROM {SkuDaySales._meta.db_table} WHERE store_id IN ({marks}) AND date BETWEEN %s AND %s",
                       [*store_ids, start, end])
        rows = cursor.fetchall()
    columns = list(zip(*rows, strict=True))
    keys = np.asarray(columns[0], dtype=np.int64) * KEY + np.asarray(columns[1], dtype=np.int64)
    pairs, row = np.unique(keys, return_inverse=True)
    day = np.asarray([(_as_date(d) - start).days for d in columns[2]], dtype=np.int64)
    demand = np.zeros((len(pairs), days))
    np.add.at(demand, (row, day), np.asarray(columns[3], dtype=np.float64))
    promo, stockout = np.zeros((len(pairs), days), dtype=bool), np.zeros((len(pairs), days), dtype=bool)
    promo[row, day] = np.asarray(columns[4], dtype=bool)
    stockout[row, day] = np.asarray(columns[5], dtype=bool)
    sold_before = demand[:, prehistory:prehistory + HISTORY_DAYS].sum(axis=1) > 0
    pairs, demand, promo, stockout = pairs[sold_before], demand[sold_before], promo[sold_before], stockout[sold_before]
    if max_pairs is not None and len(pairs) > max_pairs:
        keep = np.sort(np.random.default_rng(3).choice(len(pairs), max_pairs, replace=False))
        pairs, demand, promo, stockout = pairs[keep], demand[keep], promo[keep], stockout[keep]
    store_open = store_trading_days(store_ids, start, days)
    is_store_open = store_open[np.searchsorted(np.asarray(sorted(store_ids)), pairs // KEY)]
    products = {pk: (pack, float(cost), supplier) for pk, pack, cost, supplier in Product.objects.filter(
        company=company).values_list("pk", "pack_size", "cost", "supplier_id")}
    lead = dict(Supplier.objects.filter(company=company).values_list("pk", "lead_time_days"))
    facts = [products[int(p)] for p in pairs % KEY]
    stated = np.asarray([float(lead.get(f[2], 3)) for f in facts])
    pack = np.maximum(np.asarray([float(f[0]) for f in facts]), 1.0)
    value = np.asarray([f[1] for f in facts])
    events = promotion_calendar(company, pairs // KEY, pairs % KEY, start, days)
    return _inputs(demand, stated, pack, value, pairs // KEY, events=events, event_groups=pairs % KEY,
                   review_days=review_days, prehistory=prehistory,
                   engine={"dates": _dates(start, days), "is_store_open": is_store_open,
                           "is_observed": is_store_open & ~stockout, "promo": promo, "country": company.country,
                           "pairs": np.stack([pairs // KEY, pairs % KEY], axis=1)})


def store_trading_days(store_ids: list[int], first_day: date, days: int) -> np.ndarray:
    """``(n_stores, days)`` bool in the order of ``sorted(store_ids)``: the store traded, as the forecast reads it
    (``forecasting.selectors._closed_days``): a store day recorded closed or without sales, or without a row inside
    the store's ``trading_span``, is a closed day; days outside that span count as open."""
    from django.db import connection

    from opsdesk.engine.forecast import trading_span
    from opsdesk.sales.models import StoreDaySales

    ordered = np.asarray(sorted(store_ids), dtype=np.int64)
    is_open = np.ones((len(ordered), days), dtype=bool)
    marks = ",".join(["%s"] * len(store_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT store_id, date, is_open, sales_amount FROM {StoreDaySales._meta.db_table} "
                       f"WHERE store_id IN ({marks}) AND date BETWEEN %s AND %s",
                       [*store_ids, first_day, first_day + timedelta(days=days - 1)])
        rows = cursor.fetchall()
    if not rows:
        return is_open
    columns = list(zip(*rows, strict=True))
    row = np.searchsorted(ordered, np.asarray(columns[0], dtype=np.int64))
    day = np.asarray([(_as_date(d) - first_day).days for d in columns[1]], dtype=np.int64)
    recorded, traded = np.zeros_like(is_open), np.zeros_like(is_open)
    recorded[row, day] = True
    traded[row, day] = np.asarray(columns[2], dtype=bool) & (np.asarray(columns[3], dtype=np.float64) > 0)
    return ~trading_span(recorded) | traded


def _dates(first_day: date, days: int) -> np.ndarray:
    return np.datetime64(first_day, "D") + np.arange(days).astype("timedelta64[D]")


def promotion_calendar(company, store_of: np.ndarray, product_of: np.ndarray, first_day: date,
                       days: int) -> np.ndarray:
    """Planned promotion days per pair, ``(n, days)`` bool: a promotion covers its stores (none listed = every
    store) and its category with every category below it (none = the whole assortment)."""
    from opsdesk.catalog.models import Product, ProductCategory
    from opsdesk.sales.models import Promotion

    parent = dict(ProductCategory.objects.filter(company=company).values_list("pk", "parent_id"))
    category = dict(Product.objects.filter(company=company).values_list("pk", "category_id"))

    def lineage(pk: int | None) -> set[int]:
        found = set()
        while pk is not None and pk not in found:
            found.add(pk)
            pk = parent.get(pk)
        return found

    lineages = {int(p): lineage(category.get(int(p))) for p in np.unique(product_of)}
    last_day = first_day + timedelta(days=days - 1)
    events = np.zeros((len(store_of), days), dtype=bool)
    promotions = Promotion.objects.filter(company=company, end_date__gte=first_day, start_date__lte=last_day,
                                          status="approved")
    for promotion in promotions.prefetch_related("stores"):
        stores = [store.pk for store in promotion.stores.all()]
        mask = np.isin(store_of, stores) if stores else np.ones(len(store_of), dtype=bool)
        if promotion.category_id is not None:
            mask &= np.asarray([promotion.category_id in lineages[int(p)] for p in product_of], dtype=bool)
        begin = max((promotion.start_date - first_day).days, 0)
        finish = min((promotion.end_date - first_day).days, days - 1)
        events[mask, begin:finish + 1] = True
    return events


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


ONLINE_RETAIL_EARLIER = "online_retail_2009_2010.csv"  # the year before, read for the forecast engine's history
ONLINE_RETAIL_FIRST_DAY = "2010-12-01"  # first day of online_retail.csv; the earlier file is read up to the day before


def online_retail_world(path: Path) -> SimulationInputs:
    """Daily units per StockCode from the UCI Online Retail CSV (same cleaning as bench/replenish.py), with the year
    before from ``online_retail_2009_2010.csv`` next to it (when present) as the forecast engine's history. The web
    shop (country GB) trades on the days with an invoice line: no line between its first and last day is a closed
    day (its Saturdays, the Christmas break, some bank holidays), as the product reads a shop whose sales come
    from invoice lines (``forecasting.selectors._closed_days``)."""
    import duckdb

    def lines(source: Path, condition: str = "TRUE") -> str:
        return f"""
        SELECT StockCode AS code, CAST(InvoiceDate AS DATE) AS day, Quantity AS qty, UnitPrice AS price
        FROM read_csv('{source}', header=true, types={{'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR'}})
        WHERE NOT starts_with(InvoiceNo, 'C') AND Quantity > 0 AND UnitPrice > 0
          AND regexp_full_match(StockCode, '[0-9]{{5}}[A-Za-z]*') AND {condition}"""

    earlier = path.parent / ONLINE_RETAIL_EARLIER
    before = f"CAST(InvoiceDate AS DATE) < DATE '{ONLINE_RETAIL_FIRST_DAY}'"
    every = lines(path) + (" UNION ALL " + lines(earlier, before) if earlier.exists() else "")
    # unit values from online_retail.csv alone (the figures before the earlier year was read)
    frame = duckdb.sql(f"""
        WITH every AS ({every}), prices AS (SELECT code, median(price) AS value FROM ({lines(path)}) GROUP BY code)
        SELECT e.code, e.day, CAST(SUM(e.qty) AS DOUBLE) AS qty, CAST(any_value(p.value) AS DOUBLE) AS value
        FROM every e LEFT JOIN prices p USING (code) GROUP BY e.code, e.day""").to_arrow_table()
    codes, code_index = np.unique(np.asarray(frame["code"].to_pylist()), return_inverse=True)
    days = frame["day"].to_numpy().astype("datetime64[D]")
    last = np.datetime64("2011-10-31")
    window = HISTORY_DAYS + BURN_IN_DAYS + HOLDOUT_DAYS
    prehistory = int(min(PREHISTORY_DAYS, max((last - days.min()).astype(int) + 1 - window, 0)))
    total = prehistory + window
    first_day = last - np.timedelta64(total - 1, "D")
    day_index = (days - first_day).astype(int)
    inside = (day_index >= 0) & (day_index < total)
    demand = np.zeros((len(codes), total))
    np.add.at(demand, (code_index[inside], day_index[inside]), frame["qty"].to_numpy()[inside])
    value = np.zeros(len(codes))
    value[code_index] = np.nan_to_num(frame["value"].to_numpy(zero_copy_only=False).astype(np.float64))
    history = demand[:, prehistory:prehistory + HISTORY_DAYS]
    keep = ((history > 0).sum(axis=1) >= 20) & (history[:, -90:].sum(axis=1) > 0)
    traded = np.zeros(total, dtype=bool)
    traded[np.unique(day_index[inside])] = True
    traded[:np.argmax(traded)] = True  # before the shop's first day: no closing day known
    demand, value = demand[keep], value[keep]
    n = len(demand)
    is_store_open = np.broadcast_to(traded, (n, total))
    return _inputs(demand, np.full(n, 7.0), np.ones(n), value, None, prehistory=prehistory,
                   engine={"dates": _dates(first_day.astype(date), total), "is_store_open": is_store_open,
                           "is_observed": is_store_open, "country": "GB"})


def _inputs(demand: np.ndarray, stated: np.ndarray, pack: np.ndarray, value: np.ndarray,
            groups: np.ndarray | None, events: np.ndarray | None = None,
            event_groups: np.ndarray | None = None,
            review_days: float = PLAN_PARAMS["review_days"], prehistory: int = 0,
            engine: dict | None = None) -> SimulationInputs:
    n, days = demand.shape
    start = prehistory + HISTORY_DAYS
    # drawn over the HISTORY_DAYS + burn-in + holdout window alone, so the prehistory changes no draw
    window_actual, mean, std = _lead_times(stated, days - prehistory, seed=11)
    actual = np.ones((n, days), dtype=np.int64)
    actual[:, prehistory:] = window_actual
    abc = abc_classify(demand[:, start - 90 : start].sum(axis=1) * value, groups=groups)
    return SimulationInputs(
        demand=demand, start=start, measure_from=start + BURN_IN_DAYS, lead_time_actual=actual,
        stated_lead_time=stated, lead_time_mean=mean, lead_time_std=std,
        review_days=np.full(n, float(review_days)), abc_class=abc, pack_size=pack,
        min_order_qty=pack.copy(), unit_value=value, events=events, event_groups=event_groups, **(engine or {}))


def policy_makers(inputs: SimulationInputs, *, ablations: bool = False, bound: bool = False,
                  plan_params: dict | None = None, cache: EngineForecastCache | None = None) -> dict[str, tuple]:
    """Each policy as ``name -> (make(knob) -> Policy, configured knob, (low, high) calibration range)``.

    ``opsdesk`` is the nightly plan's policy: ``plan_params`` (the company's settings, ``selectors.plan_params``;
    default ``PLAN_PARAMS``, the plan service's defaults) gives its check interval, service targets per ABC class,
    service measure and pair fill floor, and it forecasts as the product does, with the forecast engine
    (``cache``, default ``EngineForecastCache(inputs)``: refreshed every 7 days, the planned promotion calendar as
    known future where the world has one); its knob scales z. ``odoo_minmax``'s knob is extra days of cover in min,
    ``erpnext_reorder``'s scales z. The ranges are wide (180 days, z x 40) so that lumpy data can reach 98% fill
    under every policy. ``ablations`` adds ``opsdesk_tsb`` (the plan on the replenishment module's own TSB +
    weekday forecaster with the event calendar, re-forecast daily on the HISTORY_DAYS before the simulation and
    after: the ``opsdesk`` row before the forecast engine drove it), ``opsdesk_tsb_history_only`` (the same
    without the event calendar; only when the world has one) and ``opsdesk_fill_pooled`` (the engine's forecast,
    class fill targets allocated at the least safety-stock value, no pair planned below 90% expected fill; its knob
    is the fill target of every class). ``bound`` adds ``bound_perfect_forecast``: the same plan fed the actual
    future demand instead of a forecast (``PerfectForecastCache``), the most any forecast could achieve in the
    world; its knob scales the lead-time safety stock and may go below zero (reorder later), range (-6, 3).
    """
    params = {**PLAN_PARAMS, **(plan_params or {})}
    daily = {"check_interval_days": params["check_interval_days"], "service_levels": tuple(params["service_levels"]),
             "service_measure": params["service_measure"], "min_pair_fill_rate": params["min_pair_fill_rate"]}
    cache = cache if cache is not None else EngineForecastCache(inputs)
    makers = {
        "opsdesk": (lambda knob: OpsdeskForecast(inputs, cache, PlanParams(**daily, z_scale=knob)), 1.0, (0.0, 12.0)),
        "odoo_minmax": (lambda knob: OdooMinMax(inputs, buffer_days=knob), 0.0, (0.0, 180.0)),
        "erpnext_reorder": (lambda knob: ErpnextReorder(inputs, z_scale=knob), 1.0, (0.0, 40.0)),
    }
    if ablations:
        makers.update(_ablations(inputs, cache, daily))
    if bound:
        perfect = PerfectForecastCache(inputs)
        makers["bound_perfect_forecast"] = (
            lambda knob: OpsdeskForecast(inputs, perfect, PlanParams(**daily, z_scale=knob)), 0.0, (-6.0, 3.0))
    return makers


def _ablations(inputs: SimulationInputs, cache: EngineForecastCache, daily: dict) -> dict[str, tuple]:
    history_from = max(inputs.start - HISTORY_DAYS, 0)
    tsb_cache = ForecastCache(inputs, history_from=history_from)
    makers = {"opsdesk_tsb": (
        lambda knob: OpsdeskForecast(inputs, tsb_cache, PlanParams(**daily, z_scale=knob)), 1.0, (0.0, 12.0))}
    if inputs.events is not None:
        history_cache = ForecastCache(inputs, tsb_weekly_forecast, history_from=history_from)
        makers["opsdesk_tsb_history_only"] = (
            lambda knob: OpsdeskForecast(inputs, history_cache, PlanParams(**daily, z_scale=knob)), 1.0, (0.0, 12.0))

    def pooled(knob: float | None) -> OpsdeskForecast:
        levels = daily["service_levels"] if knob is None else (knob,) * 3
        return OpsdeskForecast(inputs, cache, PlanParams(
            service_levels=levels, check_interval_days=daily["check_interval_days"],
            service_measure="fill_rate_pooled", min_pair_fill_rate=0.9))

    makers["opsdesk_fill_pooled"] = (pooled, None, (0.8, 0.9999))
    return makers


def calibration_iterations(name: str, iterations: int) -> int:
    """Bisection steps for a policy: the static ones are cheap, so they get 14 (180 days / 2^14 = 0.01 day): a
    coarse knob would overshoot 98% fill and overstate their inventory."""
    return iterations if name.startswith("opsdesk") else max(iterations, 14)


def run_policies(inputs: SimulationInputs, *, target_fill: float | None = None,
                 on_policy: Callable[[str], None] | None = None, ablations: bool = False, bound: bool = False,
                 plan_params: dict | None = None, iterations: int = 8,
                 results: dict | None = None, on_refresh: Callable[[int, float], None] | None = None
                 ) -> dict[str, dict]:
    """Each policy as configured (or calibrated to `target_fill`): its measured summary (plus knob and reached).
    ``results``, when given, receives each policy's ``SimulationResult`` (for ``order_cover_segments``);
    ``on_refresh(day, seconds)`` hears of each run of the forecast engine (``EngineForecastCache``)."""
    figures = {}
    makers = policy_makers(inputs, ablations=ablations, bound=bound, plan_params=plan_params,
                           cache=EngineForecastCache(inputs, on_refresh=on_refresh))
    for name, (make, knob, (low, high)) in makers.items():
        if on_policy is not None:
            on_policy(name)
        if target_fill is None:
            result = simulate(inputs, make(knob))
            figures[name] = result.summary()
        else:
            knob, result, is_reached = calibrate(make, inputs, low, high, target_fill,
                                                 calibration_iterations(name, iterations))
            figures[name] = {**result.summary(), "knob": knob, "reached": is_reached}
        if results is not None:
            results[name] = result
    return figures


SEGMENTS = ((0.0, 7.0, "order covers <= 7 days (review period)"), (7.0, 60.0, "case covers 7-60 days"),
            (60.0, np.inf, "case covers > 60 days"))


def order_cover_segments(inputs: SimulationInputs, results: dict) -> list[dict]:
    """Average inventory value per segment of pairs by the days one order covers, per policy.

    An order covers ``max(pack, MOQ, R x d) / d`` days (``d`` the average daily demand of the 90 days before the
    simulation, ``R`` the review period; no demand = infinitely many, in the last segment: the segments partition
    the pairs). Where the case covers more than the review
    period every policy orders one case at a time and holds about half a case on average, so only the first
    segment leaves a better plan much room.

    Args:
        inputs: the simulation world.
        results: ``policy name -> SimulationResult`` of that world.

    Returns:
        One dict per segment: ``segment`` label, ``pairs``, ``demand_share`` (of the measured demand) and the
        average inventory value of each policy.
    """
    history = inputs.demand[:, max(inputs.start - 90, 0):inputs.start]
    daily = history.mean(axis=1)
    order = np.maximum(np.maximum(inputs.pack_size, inputs.min_order_qty), inputs.review_days * daily)
    # Rounded so that an order of exactly R days' demand counts as R days despite float division.
    covers = np.round(np.divide(order, daily, out=np.full_like(daily, np.inf), where=daily > 0), 9)
    demanded = inputs.demand[:, inputs.measure_from:].sum(axis=1)
    rows = []
    for low, high, label in SEGMENTS:
        mask = (covers > low) & (covers <= high)
        row = {"segment": label, "pairs": int(mask.sum()),
               "demand_share": round(float(demanded[mask].sum() / max(demanded.sum(), 1.0)), 4)}
        for name, result in results.items():
            per_pair = result.on_hand_sum * result.unit_value / max(result.measured_days, 1)
            row[name] = round(float(per_pair[mask].sum()), 1)
        rows.append(row)
    return rows


def format_segments(rows: list[dict]) -> str:
    """A readable table of ``order_cover_segments``."""
    names = [key for key in rows[0] if key not in ("segment", "pairs", "demand_share")] if rows else []
    lines = [f"{'segment':<40}{'pairs':>7}{'demand':>8}" + "".join(f"{name[:20]:>22}" for name in names)]
    for row in rows:
        lines.append(f"{row['segment']:<40}{row['pairs']:>7}{row['demand_share']:>8.1%}"
                     + "".join(f"{row[name]:>22,.0f}" for name in names))
    return "\n".join(lines)


#: A measured day of a pair is a bulk day when its demand exceeds this multiple of the pair's average daily demand
#: over the ``HISTORY_DAYS`` before the simulation: an order no forecast of the average day foresees (a wholesale
#: customer's one-off order of a thousand units of an item that sells ten a day).
BULK_MULTIPLE = 10.0


def bulk_days(inputs: SimulationInputs) -> np.ndarray:
    """``(n, measured days)`` True on the measured days whose demand exceeds ``BULK_MULTIPLE`` times the pair's
    average daily demand over the ``HISTORY_DAYS`` before the simulation (a pair that sold nothing then: every day
    it sells)."""
    history = inputs.demand[:, max(inputs.start - HISTORY_DAYS, 0):inputs.start].astype(np.float64)
    average = history.mean(axis=1) if history.shape[1] else np.zeros(len(history))
    return inputs.demand[:, inputs.measure_from:] > BULK_MULTIPLE * average[:, None]


def shortfall_split(inputs: SimulationInputs, results: dict) -> dict[str, dict]:
    """Where each policy's lost units fall: on bulk days (``bulk_days``) or on ordinary days.

    Args:
        inputs: the simulation world.
        results: ``policy name -> SimulationResult`` of that world.

    Returns:
        ``policy name -> {"bulk_demand_share", "bulk_lost_share", "fill_ordinary", "fill_bulk"}``: the share of the
        measured demand that fell on bulk days, the share of the lost units lost on them, and the fill rate on
        ordinary and on bulk days (1.0 where nothing was demanded).
    """
    bulk = bulk_days(inputs)
    demand = inputs.demand[:, inputs.measure_from:].astype(np.float64)
    demanded = {True: float(demand[bulk].sum()), False: float(demand[~bulk].sum())}
    split = {}
    for name, result in results.items():
        lost = result.lost_daily.astype(np.float64)
        lost_bulk, lost_all = float(lost[bulk].sum()), float(lost.sum())

        def fill(is_bulk: bool, lost_units: float) -> float:
            return 1.0 - lost_units / demanded[is_bulk] if demanded[is_bulk] > 0 else 1.0

        split[name] = {
            "bulk_demand_share": round(demanded[True] / max(demanded[True] + demanded[False], 1e-12), 4),
            "bulk_lost_share": round(lost_bulk / lost_all, 4) if lost_all > 0 else 0.0,
            "fill_ordinary": round(fill(False, lost_all - lost_bulk), 4),
            "fill_bulk": round(fill(True, lost_bulk), 4),
        }
    return split


def format_shortfall(split: dict[str, dict]) -> str:
    """A readable table of ``shortfall_split``."""
    lines = [f"{'policy':<24}{'bulk demand':>12}{'lost on bulk':>14}{'fill ordinary':>15}{'fill bulk':>11}"]
    for name, row in split.items():
        lines.append(f"{name:<24}{row['bulk_demand_share']:>12.1%}{row['bulk_lost_share']:>14.1%}"
                     f"{row['fill_ordinary']:>15.4f}{row['fill_bulk']:>11.4f}")
    return "\n".join(lines)


def format_table(name: str, pairs: int, figures: dict[str, dict]) -> str:
    """A readable table of one data set."""
    lines = [f"{name}: {pairs} pairs, holdout {HOLDOUT_DAYS} days after {BURN_IN_DAYS} burn-in days",
             f"{'policy':<24}{'fill':>8}{'CSL':>8}{'SO days':>9}{'avg value':>12}{'orders':>8}"]
    for policy, row in figures.items():
        lines.append(f"{policy:<24}{row['fill_rate']:>8.4f}{row['cycle_service_level']:>8.4f}"
                     f"{row['stockout_days']:>9}{row['avg_inventory_value']:>12.0f}{row['orders']:>8}")
    return "\n".join(lines)
