"""Reads of the budgets app: which category a cost or a product falls in, actuals (operating costs and receipts)
and commitments (sent, unreceived purchase-order lines) by cost centre x category x month, and the lines of a
version with their figures and year-end projections.

Every amount is counted once: a purchase-order line's received (accepted) units are actual in the month of their
receipt, its open units (ordered - received) committed in the month of the order's expected date.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import ExtractMonth

from opsdesk.budgets.choices import CategoryKindChoices, VersionStatusChoices
from opsdesk.budgets.models import MONTH_FIELDS, BudgetCategory, BudgetLine, BudgetVersion, centre_key
from opsdesk.engine import budget as engine

COMMITTED_STATUSES = ("sent", "confirmed", "partly_received")
Figures = dict[tuple[str, int], np.ndarray]  # (centre key, category id) -> shape (12,)
MONEY = DecimalField(max_digits=18, decimal_places=4)


@dataclass(frozen=True)
class CategoryMap:
    """A company's categories: operating-cost names and product categories resolved to budget categories."""

    by_cost_name: dict[str, int]
    by_product_category: dict[int | None, int]
    fallback_purchasing: int | None

    def for_product_category(self, product_category_id: int | None) -> int | None:
        return self.by_product_category.get(product_category_id, self.fallback_purchasing)


def category_map(company_id: int) -> CategoryMap:
    """Each operating-cost category name and each product category (by its nearest ancestor with a purchasing
    budget category; else the purchasing category without a product category) to its budget category."""
    from opsdesk.catalog.models import ProductCategory

    by_cost_name, direct, fallback = {}, {}, None
    for category in BudgetCategory.objects.filter(company_id=company_id):
        if category.kind == CategoryKindChoices.COST:
            for name in category.cost_name_list:
                by_cost_name[name] = category.pk
        elif category.product_category_id:
            direct[category.product_category_id] = category.pk
        elif fallback is None:
            fallback = category.pk
    parents = dict(ProductCategory.objects.filter(company_id=company_id).values_list("pk", "parent_id"))
    by_product = {}
    for pk in parents:
        node, seen = pk, set()
        while node is not None and node not in direct and node not in seen:
            seen.add(node)
            node = parents.get(node)
        by_product[pk] = direct.get(node, fallback) if node is not None else fallback
    return CategoryMap(by_cost_name, by_product, fallback)


def _add(figures: Figures, key: tuple[str, int], month: int, value) -> None:
    if key not in figures:
        figures[key] = np.zeros(12)
    figures[key][month - 1] += float(value or 0)


def actuals(company_id: int, year: int, *, store_ids=None, mapping: CategoryMap | None = None) -> Figures:
    """Actual spending of the year by (store cost centre, category) and month: operating costs by their category
    name, and received purchase-order value (accepted units x order price) by the receipt's month."""
    from opsdesk.finance.models import OperatingCost
    from opsdesk.purchasing.models import Receipt

    mapping = mapping or category_map(company_id)
    figures: Figures = {}
    costs = OperatingCost.objects.filter(store__company_id=company_id, date__year=year)
    receipts = Receipt.objects.filter(line__purchase_order__company_id=company_id, date__year=year)
    if store_ids is not None:
        costs = costs.filter(store_id__in=store_ids)
        receipts = receipts.filter(line__purchase_order__store_id__in=store_ids)
    for row in (costs.values("store_id", "category", month=ExtractMonth("date")).annotate(total=Sum("amount"))):
        category = mapping.by_cost_name.get(row["category"])
        if category is not None:
            _add(figures, (centre_key(row["store_id"], None), category), row["month"], row["total"])
    value = ExpressionWrapper((F("quantity_received") - F("quantity_rejected")) * F("line__unit_price"),
                              output_field=MONEY)
    for row in (receipts.values(store_id=F("line__purchase_order__store_id"),
                                product_category=F("line__product__category_id"), month=ExtractMonth("date"))
                .annotate(total=Sum(value))):
        category = mapping.for_product_category(row["product_category"])
        if category is not None:
            _add(figures, (centre_key(row["store_id"], None), category), row["month"], row["total"])
    return figures


def commitments(company_id: int, year: int, *, store_ids=None, mapping: CategoryMap | None = None,
                exclude_order_id: int | None = None) -> Figures:
    """Open value (ordered - received units x order price) of sent, unreceived order lines, by (store, category)
    and the month of the order's expected date."""
    from opsdesk.purchasing.models import PurchaseOrderLine

    mapping = mapping or category_map(company_id)
    figures: Figures = {}
    lines = PurchaseOrderLine.objects.filter(purchase_order__company_id=company_id,
                                             purchase_order__status__in=COMMITTED_STATUSES,
                                             purchase_order__expected_date__year=year,
                                             quantity__gt=F("received_quantity"))
    if store_ids is not None:
        lines = lines.filter(purchase_order__store_id__in=store_ids)
    if exclude_order_id is not None:
        lines = lines.exclude(purchase_order_id=exclude_order_id)
    value = ExpressionWrapper((F("quantity") - F("received_quantity")) * F("unit_price"), output_field=MONEY)
    for row in (lines.values(store_id=F("purchase_order__store_id"), product_category=F("product__category_id"),
                             month=ExtractMonth("purchase_order__expected_date")).annotate(total=Sum(value))):
        category = mapping.for_product_category(row["product_category"])
        if category is not None:
            _add(figures, (centre_key(row["store_id"], None), category), row["month"], row["total"])
    return figures


def approved_version(company_id: int, year: int) -> BudgetVersion | None:
    """The year's approved budget of a company (None when there is none)."""
    return BudgetVersion.objects.filter(company_id=company_id, year=year,
                                        status=VersionStatusChoices.APPROVED).order_by("-revision").first()


def elapsed_months(year: int, today: date) -> float:
    """Months of `year` gone by the end of `today` (12 for a past year, 0 for a future one)."""
    if year < today.year:
        return 12.0
    if year > today.year:
        return 0.0
    return today.month - 1 + today.day / calendar.monthrange(today.year, today.month)[1]


@dataclass
class LineFigures:
    """A budget line with its months, actuals and commitments, and its year-end projection ("forecast" when the
    rest of the year came from the store's persisted sales forecast, else "run_rate")."""

    line: BudgetLine
    budget: np.ndarray
    actual: np.ndarray
    committed: np.ndarray
    projection: engine.Projection
    basis: str = "run_rate"

    @property
    def available_to_date(self) -> float:
        return round(float(self.budget.sum() - self.actual.sum() - self.committed.sum()), 2)


def expected_sales(company_id: int, store_ids, year: int, today: date) -> dict[int, tuple[np.ndarray, float]]:
    """Per store with a persisted sales forecast (the company's latest finished run): the year's expected sales by
    month (months gone as sold; the forecast's days; beyond its horizon last year's month grown like the year so
    far) and the sales of the year to date. Stores without a forecast are absent (their lines use the run rate).
    Reads the forecasting app's persisted points (there is no per-company selector without a user)."""
    from opsdesk.forecasting.models import ForecastPoint, ForecastRun
    from opsdesk.sales.models import StoreDaySales

    run = (ForecastRun.objects.filter(company_id=company_id, status="done", origin__isnull=False)
           .order_by("-finished_at", "-pk").first())
    if run is None or not store_ids:
        return {}
    points = (ForecastPoint.objects.filter(series__run=run, series__product__isnull=True, series__measure="sales",
                                           series__store_id__in=store_ids, date__year=year, date__gt=today)
              .values("series__store_id", month=ExtractMonth("date")).annotate(total=Sum("forecast")))
    forecast: dict[int, np.ndarray] = {}
    for row in points:
        forecast.setdefault(row["series__store_id"], np.zeros(12))[row["month"] - 1] += row["total"] or 0
    result = {}
    for store_id, ahead in forecast.items():
        sold, _cost = sales_by_month([store_id], year)
        last, _cost = sales_by_month([store_id], year - 1)
        to_date = float(sold.sum())
        cutoff = date(year - 1, today.month, min(today.day, 28) if today.month == 2 else today.day)
        same_period = float(StoreDaySales.objects.filter(store_id=store_id, date__year=year - 1, date__lte=cutoff)
                            .aggregate(total=Sum("sales_amount"))["total"] or 0)
        growth = to_date / same_period if same_period > 0 else 1.0
        last_forecast_month = int(np.flatnonzero(ahead)[-1]) if ahead.any() else today.month - 1
        months = sold + ahead
        for index in range(last_forecast_month + 1, 12):
            months[index] = last[index] * growth
        result[store_id] = (months, to_date)
    return result


def line_figures(lines, *, company_id: int, year: int, today: date) -> list[LineFigures]:
    """Figures and projections of the given lines (one version's, already scoped): actual and committed of this
    year; the rest of the year from the store's sales forecast for sales-linked lines (spend to sales so far x the
    expected sales), else the run rate with last year's actuals as seasonality."""
    mapping = category_map(company_id)
    store_ids = sorted({line.store_id for line in lines if line.store_id}) or None
    current = actuals(company_id, year, store_ids=store_ids, mapping=mapping)
    last = actuals(company_id, year - 1, store_ids=store_ids, mapping=mapping)
    committed = commitments(company_id, year, store_ids=store_ids, mapping=mapping)
    linked = sorted({line.store_id for line in lines if line.store_id and line.category.is_sales_linked})
    sales = expected_sales(company_id, linked, year, today) if year == today.year else {}
    elapsed = elapsed_months(year, today)
    result = []
    for line in lines:
        key = (line.centre_key, line.category_id)
        months = np.array([float(getattr(line, name)) for name in MONTH_FIELDS])
        actual = current.get(key, np.zeros(12))
        open_value = committed.get(key, np.zeros(12))
        expected, to_date = sales.get(line.store_id, (None, 0.0)) if line.category.is_sales_linked else (None, 0.0)
        if expected is not None and to_date > 0:
            spend = expected * float(actual.sum()) / to_date
            projection = engine.project(months, actual, float(open_value.sum()), elapsed, forecast=spend)
            result.append(LineFigures(line, months, actual, open_value, projection, "forecast"))
            continue
        projection = engine.project(months, actual, float(open_value.sum()), elapsed, last_year=last.get(key))
        result.append(LineFigures(line, months, actual, open_value, projection))
    return result


def version_lines(user, version: BudgetVersion):
    """The version's lines the user may see, ordered by cost centre and category."""
    return (BudgetLine.objects.for_user(user).filter(version=version)
            .select_related("store", "region", "category").order_by("centre_key", "category__code"))


def sales_by_month(store_ids, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Sales and cost of sales of the stores by month of the year (shape (12,) each)."""
    from opsdesk.sales.models import StoreDaySales

    sales, cost = np.zeros(12), np.zeros(12)
    for row in (StoreDaySales.objects.filter(store_id__in=store_ids, date__year=year)
                .values(month=ExtractMonth("date")).annotate(sales=Sum("sales_amount"), cost=Sum("cost_amount"))):
        sales[row["month"] - 1] = float(row["sales"] or 0)
        cost[row["month"] - 1] = float(row["cost"] or 0)
    return sales, cost


def to_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def group_by_centre(figures: list[LineFigures]) -> dict[str, list[LineFigures]]:
    grouped: dict[str, list[LineFigures]] = defaultdict(list)
    for item in figures:
        grouped[item.line.cost_centre_label].append(item)
    return dict(grouped)
