"""The rollup refresh: store x day facts into store, region and company day rows, daily targets, the latest
forecast, store stock health from the latest plan, and the store x SKU drill-down. Called by the nightly job and
after fact imports; the cockpit reads nothing else."""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, Q, Sum

from opsdesk.cockpit.choices import RollupLevelChoices as L
from opsdesk.cockpit.models import DayRollup, SalesTarget, StoreSkuRollup, StoreStockRollup
from opsdesk.core.models import Company, Store

CENT = Decimal("0.01")
SKU_WINDOW_DAYS = 28
COVER_WINDOW_DAYS = 28


@dataclass
class _Day:
    sales: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    customers: int = 0
    transactions: int = 0
    target: Decimal = Decimal(0)
    forecast: float | None = None
    lower: float | None = None
    upper: float | None = None
    has_actuals: bool = False
    reporting: int = 0
    expected: int = 0
    # Sums of the squared half-widths below and above the point forecast (see `add`).
    lower_square: float = 0.0
    upper_square: float = 0.0

    def set_forecast(self, forecast: float, lower: float, upper: float) -> None:
        """A store's own forecast and prediction interval, as stored by the forecasting run."""
        self.forecast, self.lower, self.upper = forecast, lower, upper
        self.lower_square = max(forecast - lower, 0.0) ** 2
        self.upper_square = max(upper - forecast, 0.0) ** 2

    def add(self, other: _Day) -> None:
        """Add a store (or an aggregate) into this aggregate.

        Point forecasts add. The band does not: the stores' forecast errors are taken as independent, so the
        half-widths combine in quadrature, each side on its own (the forecasting run stores store-level series
        only, no region or company forecast to read instead):
        lower = F - sqrt(sum (f_i - l_i)^2), upper = F + sqrt(sum (u_i - f_i)^2), with F = sum f_i.
        For normal errors at one coverage level this is exact (z * sqrt(sum sigma_i^2)); for the asymmetric
        intervals the run stores (lower clipped at 0) it is the usual approximation. Summing the bounds would be
        the other extreme, errors perfectly correlated, and overstates the width; the true band of positively
        correlated stores lies between the two. The lower bound stays >= 0 when every store's does, since
        sqrt(sum h_i^2) <= sum h_i <= sum f_i.
        """
        self.sales += other.sales
        self.cost += other.cost
        self.customers += other.customers
        self.transactions += other.transactions
        self.target += other.target
        if other.forecast is not None:
            self.forecast = (self.forecast or 0.0) + other.forecast
            self.lower_square += other.lower_square
            self.upper_square += other.upper_square
            self.lower = self.forecast - math.sqrt(self.lower_square)
            self.upper = self.forecast + math.sqrt(self.upper_square)
        self.has_actuals = self.has_actuals or other.has_actuals
        self.reporting += other.reporting
        self.expected += other.expected


def daily_target(amount: Decimal, month: date) -> Decimal:
    """A month's target spread evenly over its days (rounded to the cent)."""
    return (amount / calendar.monthrange(month.year, month.month)[1]).quantize(CENT)


def _store_days(company: Company) -> dict[tuple[int, date], _Day]:
    from opsdesk.sales.models import StoreDaySales

    days: dict[tuple[int, date], _Day] = defaultdict(_Day)
    rows = StoreDaySales.objects.filter(store__company=company).values_list(
        "store_id", "date", "sales_amount", "cost_amount", "customers", "transactions")
    for store_id, day, sales, cost, customers, transactions in rows.iterator(chunk_size=20_000):
        # A day whose cost is unknown (NULL) is stored with cost 0, which the cockpit's margin reads as "no cost"
        # on a store row (selectors.CostedSales): region and company rows sum the costs that are known.
        days[(store_id, day)] = _Day(sales, cost or Decimal(0), customers, transactions, has_actuals=True)
    for store_id, month, amount in SalesTarget.objects.filter(store__company=company).values_list(
            "store_id", "month", "amount"):
        per_day = daily_target(amount, month)
        for offset in range(calendar.monthrange(month.year, month.month)[1]):
            days[(store_id, month + timedelta(days=offset))].target = per_day
    _add_forecast(company, days)
    expected_reporting(company, days)
    return days


EXPECTED_WEEKS = 4


def expected_reporting(company: Company, days: dict[tuple[int, date], _Day]) -> None:
    """Mark which stores were expected to report each day up to the last day with facts, and which did.

    A store is expected on a day when it is open (status, opening date, no "closed" calendar day) and reported on
    the same weekday at least once in the four weeks before: a store that is always shut on Sundays, or that
    joined the data yesterday, does not make a day look incomplete; a store that reports every Monday and is
    missing this Monday does.
    """
    from opsdesk.sales.models import StoreCalendarDay

    reported = {key for key, item in days.items() if item.has_actuals}
    if not reported:
        return
    last = max(day for _store, day in reported)
    first = min(day for _store, day in reported)
    stores = {pk: (status, opened) for pk, status, opened in Store.objects.filter(company=company).values_list(
        "pk", "status", "opening_date")}
    closed = set(StoreCalendarDay.objects.filter(store__company=company, is_open=False, date__gte=first,
                                                 date__lte=last).values_list("store_id", "date"))
    for store_id, (status, opened) in stores.items():
        if status != "open":
            continue
        day = max(first, opened or first)
        while day <= last:
            key = (store_id, day)
            if key in reported:
                days[key].reporting = 1
            is_expected = key not in closed and any(
                (store_id, day - timedelta(weeks=week)) in reported for week in range(1, EXPECTED_WEEKS + 1))
            if is_expected or key in reported:
                days[key].expected = 1
            day += timedelta(days=1)


def _add_forecast(company: Company, days: dict[tuple[int, date], _Day]) -> None:
    """The latest finished forecast run's store sales series, for days after its origin (regions and the company
    get their band from `_Day.add`)."""
    from opsdesk.forecasting.models import ForecastPoint, ForecastRun

    run = ForecastRun.objects.filter(company=company, status="done", origin__isnull=False).order_by(
        "-finished_at", "-pk").first()
    if run is None:
        return
    points = ForecastPoint.objects.filter(series__run=run, series__product__isnull=True, series__measure="sales",
                                          date__gt=run.origin).values_list("series__store_id", "date", "forecast",
                                                                           "lower", "upper")
    for store_id, day, forecast, lower, upper in points:
        days[(store_id, day)].set_forecast(forecast, lower, upper)


def _rows(company: Company, days: dict[tuple[int, date], _Day], region_of: dict[int, int]) -> list[DayRollup]:
    regions: dict[tuple[int, date], _Day] = defaultdict(_Day)
    totals: dict[date, _Day] = defaultdict(_Day)
    for (store_id, day), item in days.items():
        regions[(region_of[store_id], day)].add(item)
        totals[day].add(item)
    rows = []
    for level, source in ((L.STORE, days), (L.REGION, regions), (L.COMPANY, {(company.pk, d): v
                                                                           for d, v in totals.items()})):
        for (entity_id, day), item in source.items():
            rows.append(DayRollup(
                company=company, level=level, entity_id=entity_id, date=day, sales=item.sales, cost=item.cost,
                customers=item.customers, transactions=item.transactions, target=item.target,
                forecast=item.forecast, forecast_lower=item.lower, forecast_upper=item.upper,
                has_actuals=item.has_actuals, stores_reporting=item.reporting, stores_expected=item.expected))
    return rows


def last_year(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _month_to_date(days: dict[tuple[int, date], _Day], today: date) -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """Per store: month-to-date sales and target at `today`, and sales over the same days last year."""
    start = today.replace(day=1)
    before_start, before_end = last_year(start), last_year(today)
    out: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for (store_id, day), item in days.items():
        if start <= day <= today:
            out[store_id][0] += item.sales
            out[store_id][1] += item.target
        elif before_start <= day <= before_end:
            out[store_id][2] += item.sales
    return {store_id: tuple(values) for store_id, values in out.items()}


def _stock_rows(company: Company, days: dict[tuple[int, date], _Day], store_ids: list[int]) -> list:
    """Stock value, stockout and overstock counts from the latest finished plan; daily cost over 28 days."""
    from opsdesk.replenishment.models import PlanRun, Proposal
    from opsdesk.storeops.models import CorrectiveAction, InspectionRun
    from opsdesk.storeops.models.actions import OPEN_ACTION_STATUSES

    run = PlanRun.objects.filter(company=company, status="done").order_by("-finished_at", "-pk").first()
    summary = run.summary.get("stores", {}) if run else {}
    overstock = dict(Proposal.objects.filter(run=run, overstock_value__gt=0).values("store_id")
                     .annotate(n=Count("pk")).values_list("store_id", "n")) if run else {}
    last = max((day for (_s, day), item in days.items() if item.has_actuals), default=None)
    cost = defaultdict(Decimal)
    if last is not None:
        since = last - timedelta(days=COVER_WINDOW_DAYS)
        for (store_id, day), item in days.items():
            if since < day <= last:
                cost[store_id] += item.cost
    today = last or date.today()
    month = _month_to_date(days, today)
    scores = dict(InspectionRun.objects.filter(store__company=company, status="completed",
                                               completed_at__date__gt=today - timedelta(weeks=8))
                  .values("store_id").annotate(score=Avg("score")).values_list("store_id", "score"))
    actions = {row["store_id"]: row for row in CorrectiveAction.objects.filter(
        store__company=company, status__in=OPEN_ACTION_STATUSES).values("store_id").annotate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))}
    last_by_store: dict[int, date] = {}
    for (store_id, day), item in days.items():
        if item.has_actuals and day > last_by_store.get(store_id, date.min):
            last_by_store[store_id] = day
    rows = []
    for store_id in store_ids:
        row = summary.get(str(store_id), {})
        score = scores.get(store_id)
        mtd = month.get(store_id, (Decimal(0), Decimal(0), Decimal(0)))
        rows.append(StoreStockRollup(
            store_id=store_id, sales_day=last, last_sales_day=last_by_store.get(store_id),
            mtd_sales=mtd[0], mtd_target=mtd[1], last_year_mtd_sales=mtd[2],
            plan_run_id=run.pk if run else None, as_of=run.plan_date if run else None,
            stock_value=row.get("stock_value", 0.0), daily_cost=float(cost[store_id]) / COVER_WINDOW_DAYS,
            stockout_count=row.get("at_risk", 0), overstock_count=overstock.get(store_id, 0),
            overstock_value=row.get("overstock_value", 0.0),
            inspection_score=float(score) if score is not None else None,
            open_actions=actions.get(store_id, {}).get("open", 0),
            overdue_actions=actions.get(store_id, {}).get("overdue", 0)))
    return rows


def _sku_rows(company: Company, last: date | None) -> list[StoreSkuRollup]:
    from opsdesk.sales.models import SkuDaySales

    if last is None:
        return []
    start, middle = last - timedelta(days=2 * SKU_WINDOW_DAYS), last - timedelta(days=SKU_WINDOW_DAYS)
    recent = Q(date__gt=middle)
    aggregated = SkuDaySales.objects.filter(store__company=company, date__gt=start, date__lte=last).values(
        "store_id", "product_id").annotate(
        units=Sum("quantity", filter=recent), sales=Sum("revenue", filter=recent), cost=Sum("cost", filter=recent),
        previous=Sum("revenue", filter=~recent), stockouts=Count("pk", filter=recent & Q(is_stockout=True)))
    zero = Decimal(0)
    return [StoreSkuRollup(store_id=row["store_id"], product_id=row["product_id"], period_end=last,
                           units=row["units"] or zero, sales=row["sales"] or zero, cost=row["cost"] or zero,
                           previous_sales=row["previous"] or zero, stockout_days=row["stockouts"])
            for row in aggregated.iterator(chunk_size=20_000)]


def rollup_refresh(company: Company) -> dict[str, int]:
    """Rebuild every rollup of a company from its facts (idempotent); returns the row counts written."""
    stores = dict(Store.objects.filter(company=company).values_list("pk", "region_id"))
    days = _store_days(company)
    days = {key: item for key, item in days.items() if key[0] in stores}
    rows = _rows(company, days, stores)
    last = max((key[1] for key, item in days.items() if item.has_actuals), default=None)
    stock = _stock_rows(company, days, list(stores))
    skus = _sku_rows(company, last)
    with transaction.atomic():
        DayRollup.objects.filter(company=company).delete()
        DayRollup.objects.bulk_create(rows, batch_size=5_000)
        StoreStockRollup.objects.filter(store__company=company).delete()
        StoreStockRollup.objects.bulk_create(stock)
        StoreSkuRollup.objects.filter(store__company=company).delete()
        StoreSkuRollup.objects.bulk_create(skus, batch_size=5_000)
    return {"day_rows": len(rows), "stock_rows": len(stock), "sku_rows": len(skus)}
