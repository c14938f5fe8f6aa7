"""`opsdesk simulate` on the company's own data: the world built from the database replays under three policies."""

from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest

from opsdesk.catalog.models import Product
from opsdesk.core.models import Company, Region, Store
from opsdesk.purchasing.models import Supplier
from opsdesk.replenishment import simulation
from opsdesk.replenishment.tests.factories import ORIGIN
from opsdesk.sales.models import SkuDaySales

pytestmark = pytest.mark.django_db


def _company_with_history(days: int) -> Company:
    rng = np.random.default_rng(4)
    company = Company.objects.create(code="SIM", name="仿真")
    region = Region.objects.create(company=company, code="E", name="华东区")
    supplier = Supplier.objects.create(company=company, code="V1", name="供应商", lead_time_days=4)
    stores = [Store.objects.create(company=company, region=region, code=f"S{i}", name=f"门店{i}", city="上海")
              for i in range(2)]
    products = [Product.objects.create(company=company, sku=f"K{j}", name=f"商品{j}", pack_size=(1, 6)[j],
                                       cost=Decimal("3.00"), price=Decimal("6.00"), supplier=supplier)
                for j in range(2)]
    rows = [SkuDaySales(store=store, product=product, date=ORIGIN - timedelta(days=d),
                        quantity=Decimal(int(rng.poisson(5 + 5 * j))))
            for store in stores for j, product in enumerate(products) for d in range(days)]
    SkuDaySales.objects.bulk_create(rows)
    return company


def test_company_world_and_policies():
    # given: two stores x two SKUs with 268 days of daily sales
    company = _company_with_history(simulation.HISTORY_DAYS + simulation.BURN_IN_DAYS + simulation.HOLDOUT_DAYS)
    # when
    inputs = simulation.company_world(company)
    figures = simulation.run_policies(inputs)
    # then
    assert inputs.demand.shape == (4, 268)
    assert inputs.stated_lead_time.tolist() == [4.0, 4.0, 4.0, 4.0]
    assert sorted(inputs.pack_size.tolist()) == [1.0, 1.0, 6.0, 6.0]
    assert set(figures) == {"opsdesk", "odoo_minmax", "erpnext_reorder"}
    for row in figures.values():
        assert 0.0 <= row["fill_rate"] <= 1.0
        assert row["orders"] > 0
    assert "opsdesk" in simulation.format_table("demo", 4, figures)
