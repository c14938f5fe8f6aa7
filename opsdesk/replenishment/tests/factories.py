"""Small generated data for replenishment tests: a company with stores, products with suppliers, sales, stock
snapshots and a finished forecast run (no dependency on the demo or shared data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Region, Store
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries
from opsdesk.inventory.models import StockSnapshot
from opsdesk.purchasing.models import Supplier
from opsdesk.replenishment.models import PlanRun, Proposal
from opsdesk.sales.models import SkuDaySales

ORIGIN = date(2026, 10, 31)  # last day of history; the plan date is the day after
HORIZON = 28


@dataclass
class World:
    company: Company
    stores: list[Store]
    products: list[Product]
    suppliers: list[Supplier]
    forecast_run: ForecastRun


# (sku, daily forecast, sigma, pack, on hand, supplier index): chosen so each reason code appears.
ITEMS = [
    ("P-FAST", 10.0, 3.0, 6, 12, 0),  # low stock, fast seller: orders, urgent
    ("P-MID", 4.0, 2.0, 12, 20, 0),  # orders (MOQ / pack rounding)
    ("P-SLOW", 0.5, 0.5, 1, 200, 1),  # covered, overstock
    ("P-DEAD", 0.0, 0.0, 1, 50, 1),  # no demand: dead stock
    ("P-NOSUP", 5.0, 2.0, 1, 0, None),  # orders but has no supplier
]


def make_world(*, company: Company | None = None, stores: list[Store] | None = None, code: str = "RPL") -> World:
    """Stores x ITEMS with 60 days of sales, a snapshot at ORIGIN and a forecast run done at ORIGIN."""
    if company is None:
        company = Company.objects.create(code=code, name="补货测试")
        region = Region.objects.create(company=company, code="E", name="华东区")
        stores = [Store.objects.create(company=company, region=region, code=f"S{i}", name=f"门店{i}", city="上海")
                  for i in range(2)]
    suppliers = [
        Supplier.objects.create(company=company, code=f"{code}-SUP1", name="鲜达供应链", lead_time_days=3),
        Supplier.objects.create(company=company, code=f"{code}-SUP2", name="日用品批发", lead_time_days=7),
    ]
    category = ProductCategory.objects.create(company=company, code=f"{code}-C1", name="食品")
    products = [
        Product.objects.create(company=company, sku=f"{code}-{sku}", name=sku, pack_size=pack, cost=Decimal("5.00"),
                               price=Decimal("9.00"), category=category,
                               supplier=suppliers[supplier] if supplier is not None else None)
        for sku, _rate, _sigma, pack, _on_hand, supplier in ITEMS
    ]
    run = ForecastRun.objects.create(company=company, status="done", horizon=HORIZON, origin=ORIGIN, progress=100)
    sales, snapshots = [], []
    for store in stores:
        for product, (_sku, rate, sigma, _pack, on_hand, _supplier) in zip(products, ITEMS, strict=True):
            snapshots.append(StockSnapshot(store=store, product=product, date=ORIGIN, on_hand=on_hand,
                                           unit_cost=Decimal("5.00")))
            series = ForecastSeries.objects.create(run=run, store=store, product=product, measure="units",
                                                   model_name="test", validation_rmse=sigma, mean_demand=rate,
                                                   total_forecast=rate * HORIZON)
            ForecastPoint.objects.bulk_create([
                ForecastPoint(series=series, date=ORIGIN + timedelta(days=d), forecast=rate,
                              lower=max(rate - 1.28 * sigma, 0), upper=rate + 1.28 * sigma)
                for d in range(1, HORIZON + 1)])
            if rate > 0:
                sales += [SkuDaySales(store=store, product=product, date=ORIGIN - timedelta(days=d),
                                      quantity=Decimal(str(rate)), revenue=Decimal(str(rate * 9)))
                          for d in range(60)]
    StockSnapshot.objects.bulk_create(snapshots)
    SkuDaySales.objects.bulk_create(sales)
    return World(company, stores, products, suppliers, run)


_COUNTER = {"n": 0}


def plan_run_for(company: Company) -> PlanRun:
    """The company's latest finished plan run (created when there is none)."""
    from django.utils import timezone

    run = PlanRun.objects.filter(company=company, status="done").order_by("-finished_at", "-pk").first()
    return run or PlanRun.objects.create(company=company, status="done", progress=100, plan_date=ORIGIN,
                                         finished_at=timezone.now())


def make_proposal(store: Store, *, run: PlanRun | None = None, pack_size: int = 6, quantity: int = 12,
                  with_supplier: bool = True, **fields) -> Proposal:
    """One open proposal to order `quantity` (a fast, urgent line) in `store`, with its own product."""
    _COUNTER["n"] += 1
    n = _COUNTER["n"]
    company = store.company
    supplier = (Supplier.objects.create(company=company, code=f"MS{n}", name=f"供应商{n}", lead_time_days=3)
                if with_supplier else None)
    product = Product.objects.create(company=company, sku=f"MP{n:04d}", name=f"商品{n}", pack_size=pack_size,
                                     cost=Decimal("4.00"), price=Decimal("8.00"), supplier=supplier)
    values = dict(
        run=run or plan_run_for(company), store=store, product=product, supplier=supplier, reason="below_reorder_point",
        urgency=-1.0, days_until_stockout=2.0, on_hand=6, on_order=0, position=6, lead_time_mean=3, lead_time_std=0,
        review_days=7, abc_class="A", xyz_class="X", service_level=0.98, pack_size=pack_size, min_order_qty=pack_size,
        unit_cost=4.0, mean_daily=3.0, forecast_sigma=1.0, demand_horizon=30, safety_stock=4, reorder_point=16,
        order_up_to=34, raw_need=28, rounding_added=2, proposed_quantity=quantity, quantity=quantity,
        expected_date=ORIGIN + timedelta(days=4), days_of_cover=2, stockout_probability=0.6, is_at_risk=True,
        overstock_units=0, overstock_value=0, stock_age_days=None, days_since_last_sale=1, is_dead=False, dead_value=0,
    )
    values.update(fields)
    return Proposal.objects.create(**values)
