"""Writes of the forecasting app: request a run, execute it (extract -> engine -> reconcile -> persist)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.core import hooks
from opsdesk.core.audit import audit_actor
from opsdesk.core.models import Company
from opsdesk.core.permissions import user_can
from opsdesk.engine.forecast import ForecastResult, SeriesPanel, forecast, reconcile_by_validation
from opsdesk.forecasting import selectors
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries, MeasureChoices, RunStatusChoices

logger = logging.getLogger(__name__)
QUANTILES = (0.1, 0.5, 0.9)
KEEP_RUNS = 3


def forecast_run_request(*, actor, company: Company | None = None, horizon: int = 28, kind: str = "manual",
                         enqueue: bool = True) -> ForecastRun:
    """Queue a forecasting run for the actor's company (a run already queued or running is returned instead)."""
    if actor is not None and not user_can(actor, "forecasting", "add"):
        raise PermissionDenied(_("你的角色不允许此操作。"))
    company = company or actor.company
    with transaction.atomic(), audit_actor(actor):
        # A run whose worker died holds no lease any more: fail it (and queue its one retry) before looking.
        forecast_runs_recover(company=company, enqueue=enqueue)
        active = ForecastRun.objects.filter(company=company, status__in=["queued", "running"]).first()
        if active is not None:
            return active
        run = _create_run(company=company, kind=kind, horizon=horizon, requested_by=actor, enqueue=enqueue)
    return run


def _create_run(*, company: Company, kind: str, horizon: int, requested_by, enqueue: bool,
                retry_of: ForecastRun | None = None) -> ForecastRun:
    run = ForecastRun.objects.create(company=company, kind=kind, horizon=horizon, requested_by=requested_by,
                                     retry_of=retry_of, params={"horizon": horizon, "quantiles": list(QUANTILES)})
    if enqueue:
        from opsdesk.forecasting.jobs import execute_forecast_run

        transaction.on_commit(lambda: execute_forecast_run.enqueue(run.pk))
    return run


def forecast_runs_recover(*, company: Company | None = None, enqueue: bool = True) -> list[ForecastRun]:
    """Fail the running runs whose worker stopped (no heartbeat within the timeout) and queue one retry of each
    (a retry that dies too is only failed); returns the retries queued."""
    return ForecastRun.recover_dead(company=company, retry=lambda dead: _create_run(
        company=dead.company, kind=dead.kind, horizon=dead.horizon, requested_by=dead.requested_by, enqueue=enqueue,
        retry_of=dead))


class _Progress:
    """Records progress on the run row (pages poll it) and tells an optional listener (the CLI's bar)."""

    def __init__(self, run: ForecastRun, listener=None):
        self.run, self.listener = run, listener

    def __call__(self, percent: int, stage: str) -> None:
        ForecastRun.objects.filter(pk=self.run.pk).update(progress=percent, stage=stage, heartbeat_at=timezone.now())
        self.run.progress, self.run.stage = percent, stage
        if self.listener is not None:
            self.listener(percent, stage)


@dataclass
class _Level:
    measure: str
    store_index: np.ndarray  # (n,) index into extract.store_ids
    product_ids: np.ndarray | None  # (n,) or None for store totals
    mean: np.ndarray  # (n, h)
    lower: np.ndarray
    upper: np.ndarray
    model: np.ndarray
    rmse: np.ndarray
    recent_mean: np.ndarray
    week_error: np.ndarray
    result: ForecastResult | None = None
    reconciliation: np.ndarray | None = None  # (n,) method chosen per store (``RECONCILIATION_METHODS``)


def _run_level(panel: SeriesPanel, future, h: int, measure: str, store_index, product_ids, country: str,
               keep_validation: bool = False) -> _Level:
    result = forecast(panel, h, future=future, quantiles=QUANTILES, country=country, keep_validation=keep_validation)
    return _Level(measure, store_index, product_ids, result.mean, result.quantiles[QUANTILES[0]],
                  result.quantiles[QUANTILES[-1]], result.model, result.validation_error, _recent_mean(panel),
                  result.week_error, result if keep_validation else None)


def _recent_mean(panel: SeriesPanel, days: int = 28) -> np.ndarray:
    ends = panel.indptr[1:]
    out = np.zeros(panel.n_series)
    for i in range(panel.n_series):  # one cheap slice per series; the heavy lifting is in the engine
        lo = max(panel.indptr[i], ends[i] - days)
        values, available = panel.y[lo : ends[i]], panel.available[lo : ends[i]]
        out[i] = values[available].mean() if available.any() else 0.0
    return out


def forecast_run_execute(run_id: int, *, on_progress=None) -> ForecastRun:
    """Run the forecast: store totals (sales, customers) and store x SKU units, reconciled, stored with accuracy."""
    run = ForecastRun.objects.select_related("company").get(pk=run_id)
    if run.status == RunStatusChoices.DONE:
        return run
    started = time.perf_counter()
    progress = _Progress(run, on_progress)
    now = timezone.now()
    ForecastRun.objects.filter(pk=run.pk).update(status="running", started_at=now, heartbeat_at=now, error="")
    try:
        levels, extract = _compute(run, progress)
        progress(85, _("保存预测结果"))
        with transaction.atomic():
            count = _persist(run, levels, extract)
            run.refresh_from_db()
            run.status = RunStatusChoices.DONE
            run.progress, run.stage = 100, _("完成")
            run.series_count = count
            run.origin = extract.origin if extract else None
            run.accuracy = _accuracy(levels)
            run.data_version = selectors.data_version(run.company)
            run.finished_at = timezone.now()
            run.seconds = round(time.perf_counter() - started, 2)
            run.save()
            hooks.facts_changed(run.company_id)  # what is derived from it (cockpit rollups, goals) is refreshed
        _prune(run.company)
    except Exception as error:
        logger.exception("forecast run %s failed", run.pk)
        ForecastRun.objects.filter(pk=run.pk).update(status="failed", error=str(error)[:2000],
                                                     finished_at=timezone.now())
        raise
    return run


def _compute(run: ForecastRun, progress: _Progress) -> tuple[list[_Level], selectors.Extract | None]:
    progress(5, _("读取销售数据"))
    extract = selectors.extract(run.company, horizon=run.horizon)
    if extract is None:
        return [], None
    h, country = run.horizon, run.company.country
    stores = np.arange(len(extract.store_ids))
    progress(20, _("预测门店销售额与客流"))
    sales = _run_level(extract.sales, extract.store_future, h, MeasureChoices.SALES, stores, None, country,
                       keep_validation=True)
    customers = _run_level(extract.customers, extract.store_future, h, MeasureChoices.CUSTOMERS, stores, None,
                           country)
    levels = [sales, customers]
    if len(extract.pairs):
        progress(40, _("预测门店 × 商品销量"))
        pair_store = np.searchsorted(extract.store_ids, extract.pairs[:, 0])
        units = _run_level(extract.units, extract.unit_future, h, MeasureChoices.UNITS, pair_store,
                           extract.pairs[:, 1], country, keep_validation=True)
        progress(75, _("协调门店与商品预测"))
        _reconcile(sales, units, extract.prices)
        levels.append(units)
    return levels, extract


def _reconcile(sales: _Level, units: _Level, prices: np.ndarray) -> None:
    """Reconcile SKU revenue (units x price) with the store sales forecast, per store by validation.

    Each store takes the method whose store total did best on the validation windows among its own model, the sum
    of its SKUs, MinT (shrinkage) and the mean of the first two, so the total is never worse there than the better of
    the first two; the SKUs keep their own forecasts (``reconcile_by_validation``: a store total that misses a ramp
    must not drag them).
    """
    if sales.result is None or units.result is None or sales.result.validation is None:
        return
    new_units, new_top, method = reconcile_by_validation(units.result, sales.result, units.store_index,
                                                         prices=prices)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(units.mean > 0, new_units / units.mean, 1.0)
    units.lower = units.lower * ratio
    units.upper = units.upper * ratio
    units.mean = new_units
    shift = new_top - sales.mean
    sales.mean, sales.lower, sales.upper = new_top, np.clip(sales.lower + shift, 0, None), sales.upper + shift
    sales.reconciliation = method


def _persist(run: ForecastRun, levels: list[_Level], extract) -> int:
    if not levels:
        return 0
    dates = [extract.origin + timezone.timedelta(days=d) for d in range(1, run.horizon + 1)]
    count = 0
    for level in levels:
        series = [
            ForecastSeries(
                run=run, store_id=int(extract.store_ids[level.store_index[i]]),
                product_id=None if level.product_ids is None else int(level.product_ids[i]),
                measure=level.measure, model_name=str(level.model[i]),
                validation_rmse=None if np.isnan(level.rmse[i]) else float(level.rmse[i]),
                week_error=None if np.isnan(level.week_error[i]) else float(level.week_error[i]),
                mean_demand=float(level.recent_mean[i]), total_forecast=float(level.mean[i].sum()),
            )
            for i in range(len(level.store_index))
        ]
        ForecastSeries.objects.bulk_create(series, batch_size=2000)
        if series[0].pk is None:  # backends that do not return ids from bulk_create
            lookup = dict(
                ForecastSeries.objects.filter(run=run, measure=level.measure).values_list("store_id", "product_id")
            )
            raise RuntimeError(f"bulk_create returned no ids ({len(lookup)})")
        _insert_points(series, level, dates)
        count += len(series)
    return count


def _insert_points(series: list[ForecastSeries], level: _Level, dates) -> None:
    table = ForecastPoint._meta.db_table
    sql = f"INSERT INTO {table} (series_id, date, forecast, lower, upper) VALUES (%s, %s, %s, %s, %s)"
    mean, lower, upper = (np.round(np.clip(a, 0, None), 3) for a in (level.mean, level.lower, level.upper))
    lower, upper = np.minimum(lower, mean), np.maximum(upper, mean)
    rows = []
    with connection.cursor() as cursor:
        for i, item in enumerate(series):
            for d, day in enumerate(dates):
                rows.append((item.pk, day, float(mean[i, d]), float(lower[i, d]), float(upper[i, d])))
            if len(rows) >= 20_000:
                cursor.executemany(sql, rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)


def _accuracy(levels: list[_Level]) -> dict:
    """Validation accuracy per measure: volume-weighted relative RMSE and the models chosen."""
    out = {}
    for level in levels:
        valid = ~np.isnan(level.rmse)
        volume = level.recent_mean[valid].sum()
        out[level.measure] = {
            "series": int(len(level.rmse)),
            "relative_rmse": round(float(level.rmse[valid].sum() / volume), 4) if volume > 0 else None,
            "models": dict(Counter(str(m) for m in level.model).most_common()),
        }
        if level.reconciliation is not None:
            out[level.measure]["reconciliation"] = dict(Counter(str(m) for m in level.reconciliation).most_common())
    return out


def _prune(company: Company) -> None:
    """Keep the last few finished runs (their forecasts are large)."""
    keep = list(ForecastRun.objects.filter(company=company, status="done").order_by("-finished_at", "-pk")
                .values_list("pk", flat=True)[:KEEP_RUNS])
    old = ForecastRun.objects.filter(company=company, status="done").exclude(pk__in=keep)
    ForecastPoint.objects.filter(series__run__in=old).delete()
    ForecastSeries.objects.filter(run__in=old).delete()
