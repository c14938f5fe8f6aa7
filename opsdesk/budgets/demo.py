"""The budget part of the demo company: this year's approved budget for every store, every region office and the
company. Purchasing lines follow the demo's own receipts (actual months as they happened, the rest of the year
at last year's pattern, or the run rate, plus 4 %); operating-cost lines are shares of each store's sales spread
like its sales. The first store's purchasing line is held close to its actual and committed spending in the
current and next month with the "stop" rule, so the stop and override path shows on a new order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from opsdesk.budgets import selectors, services
from opsdesk.budgets.choices import VersionStatusChoices
from opsdesk.budgets.models import MONTH_FIELDS, BudgetCategory, BudgetLine, BudgetVersion, centre_key
from opsdesk.core.models import Region, Store, User
from opsdesk.engine import budget as engine

#: Operating-cost lines of a store: category and its share of the store's sales.
STORE_COST_SHARES = (("rent", 0.055), ("labour", 0.095), ("utilities", 0.022), ("marketing", 0.012),
                     ("maintenance", 0.008))
REGION_TRAINING = 60000.0
COMPANY_LINES = (("marketing", 1200000.0), ("training", 240000.0))


def _money(months) -> dict:
    return {name: Decimal(str(round(float(value), 2))) for name, value in zip(MONTH_FIELDS, months, strict=True)}


def _purchasing_months(actual: np.ndarray, committed: np.ndarray, elapsed: float) -> np.ndarray:
    """Months gone as they happened; the rest at the run rate of the months gone (+4 %), at least what is
    already committed."""
    whole = int(elapsed)
    months = actual.copy()
    rate = actual[:whole].mean() if whole else actual.sum()
    for index in range(whole, 12):
        months[index] = max(rate * 1.04, actual[index] + committed[index])
    return months


def demo_builder(company, *, end_date: date, seed: int) -> dict[str, int]:
    """This year's approved budget of the demo company (registered with core.demo.extensions)."""
    year = end_date.year
    with transaction.atomic():
        services.budgets_seed(company)
        categories = {category.code: category for category in BudgetCategory.objects.filter(company=company)}
        BudgetVersion.objects.filter(company=company, year=year).delete()
        version = BudgetVersion.objects.create(company=company, year=year, name=f"{year} 年度预算",
                                               notes="演示数据：按收货与销售生成")
        stores = list(Store.objects.filter(company=company).order_by("code"))
        mapping = selectors.category_map(company.pk)
        actual = selectors.actuals(company.pk, year, mapping=mapping)
        committed = selectors.commitments(company.pk, year, mapping=mapping)
        elapsed = selectors.elapsed_months(year, end_date)
        purchasing = categories["purchasing"].pk
        rows = []
        for number, store in enumerate(stores):
            key = (centre_key(store.pk, None), purchasing)
            spent, open_value = actual.get(key, np.zeros(12)), committed.get(key, np.zeros(12))
            months = _purchasing_months(spent, open_value, elapsed)
            rule = "warn"
            if number == 0 and int(elapsed) < 12:
                # Close to overrun: this month and the next leave about 2 % of the month's budget available.
                for index in range(int(elapsed), min(int(elapsed) + 2, 12)):
                    months[index] = (spent[index] + open_value[index]) + max(months[index] * 0.02, 100.0)
                rule = "stop"
            rows.append(BudgetLine(version=version, company=company, store=store, region_id=store.region_id,
                                   category_id=purchasing, rule=rule, **_money(months)))
            sales, _cost = selectors.sales_by_month([store.pk], year)
            last_sales, _cost = selectors.sales_by_month([store.pk], year - 1)
            weights = last_sales if last_sales.sum() > 0 else sales
            annual_sales = float(last_sales.sum() * 1.03) if last_sales.sum() > 0 else float(
                sales.sum() * 12 / max(elapsed, 1))
            for code, share in STORE_COST_SHARES:
                rows.append(BudgetLine(version=version, company=company, store=store, region_id=store.region_id,
                                       category=categories[code], rule="warn",
                                       **_money(engine.spread_by_weights(annual_sales * share, weights))))
        for region in Region.objects.filter(company=company).order_by("code"):
            rows.append(BudgetLine(version=version, company=company, region=region, category=categories["training"],
                                   rule="warn", **_money(engine.spread_evenly(REGION_TRAINING))))
        for code, amount in COMPANY_LINES:
            rows.append(BudgetLine(version=version, company=company, category=categories[code], rule="warn",
                                   **_money(engine.spread_evenly(amount))))
        for row in rows:
            row.centre_key = centre_key(row.store_id, None if row.store_id else row.region_id)
        BudgetLine.objects.bulk_create(rows)
        approver = User.objects.filter(company=company, role="coo").first()
        BudgetVersion.objects.filter(pk=version.pk).update(status=VersionStatusChoices.APPROVED,
                                                           approved_by=approver, approved_at=timezone.now())
    return {"budget_lines": len(rows), "budget_versions": 1}
