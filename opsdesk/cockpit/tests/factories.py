"""Test data of the cockpit: seeded store x day facts, SKU facts and targets for the shared organisation."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from opsdesk.catalog.models import Product
from opsdesk.cockpit.models import SalesTarget
from opsdesk.sales.models import SkuDaySales, StoreDaySales

LAST_DAY = date(2026, 3, 15)
DAYS = 450


def make_facts(stores, *, seed: int = 7, days: int = DAYS, last_day: date = LAST_DAY, skus: int = 3) -> None:
    """Daily sales (cents), cost, customers and transactions per store; SKU sales for the last 60 days; monthly
    targets of 1,000.00 per store and month."""
    rng = random.Random(seed)
    day_rows, sku_rows, targets = [], [], []
    for store in stores:
        products = [Product.objects.get_or_create(company=store.company, sku=f"T-{store.company.code}-{i}", defaults={
            "name": f"测试商品{i}", "cost": Decimal("3.00"), "price": Decimal("5.00")})[0] for i in range(skus)]
        for offset in range(days):
            day = last_day - timedelta(days=offset)
            sales = Decimal(rng.randint(10_000, 900_000)) / 100
            day_rows.append(StoreDaySales(store=store, date=day, sales_amount=sales,
                                          cost_amount=(sales * Decimal("0.71")).quantize(Decimal("0.01")),
                                          customers=rng.randint(20, 400), transactions=rng.randint(10, 300)))
            if offset < 60:
                for product in products:
                    sku_rows.append(SkuDaySales(store=store, product=product, date=day,
                                                quantity=Decimal(rng.randint(0, 9000)) / 1000,
                                                revenue=Decimal(rng.randint(0, 99_999)) / 100,
                                                cost=Decimal(rng.randint(0, 50_000)) / 100,
                                                is_stockout=rng.random() < 0.1))
        month = (last_day - timedelta(days=days)).replace(day=1)
        while month <= last_day.replace(month=12, day=1):
            targets.append(SalesTarget(store=store, month=month, amount=Decimal("31000.00")))
            month = (month + timedelta(days=32)).replace(day=1)
    StoreDaySales.objects.bulk_create(day_rows, batch_size=2000)
    SkuDaySales.objects.bulk_create(sku_rows, batch_size=2000)
    SalesTarget.objects.bulk_create(targets)
