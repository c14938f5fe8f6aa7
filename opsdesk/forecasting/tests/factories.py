"""Small generated sales history for forecasting tests (no dependency on the demo or shared data)."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from opsdesk.catalog.models import Product
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.sales.models import SkuDaySales, StoreDaySales

END = date(2026, 10, 31)


def make_history(*, n_stores: int = 2, n_skus: int = 5, days: int = 120, seed: int = 7, closed_day: date | None = None):
    """A company with stores, SKUs and `days` of sparse daily sales ending at END; returns (company, stores)."""
    rng = np.random.default_rng(seed)
    company = Company.objects.create(code=f"F{seed}", name="预测测试")
    region = Region.objects.create(company=company, code="E", name="华东区")
    stores = [Store.objects.create(company=company, region=region, code=f"S{i:03d}", name=f"门店{i}", city="上海")
              for i in range(n_stores)]
    products = [Product.objects.create(company=company, sku=f"P{j:03d}", name=f"商品{j}", cost=Decimal("5.00"),
                                       price=Decimal(str(10 + j))) for j in range(n_skus)]
    sku_rows, day_rows = [], []
    for store in stores:
        for d in range(days):
            day = END - timedelta(days=days - 1 - d)
            is_open = day != closed_day
            weekend = 1.5 if day.weekday() >= 5 else 1.0
            total = Decimal("0")
            for j, product in enumerate(products):
                rate = (8.0 / (j + 1)) * weekend
                quantity = int(rng.poisson(rate)) if is_open else 0
                stockout = is_open and j == 0 and 30 <= d < 35
                if stockout:
                    quantity = 0
                if quantity or stockout:
                    revenue = product.price * quantity
                    total += revenue
                    sku_rows.append(SkuDaySales(store=store, product=product, date=day, quantity=quantity,
                                                revenue=revenue, cost=product.cost * quantity, is_stockout=stockout))
            day_rows.append(StoreDaySales(store=store, date=day, sales_amount=total, customers=int(total / 20),
                                          transactions=int(total / 25), is_open=is_open))
    SkuDaySales.objects.bulk_create(sku_rows)
    StoreDaySales.objects.bulk_create(day_rows)
    return company, stores


def make_user(company, role: str, *, stores=(), company_scope: bool = False, username: str | None = None):
    user = User.objects.create_user(username or f"{role}-{company.code}", password="x-test-password-1",
                                    role=role, company=company, has_company_scope=company_scope)
    user.scope_stores.set(stores)
    return user
