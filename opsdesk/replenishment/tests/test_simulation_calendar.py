"""The simulation world's promotion calendar, and the simulated OpsDesk policy being the nightly plan's policy."""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from opsdesk.catalog.models import Product, ProductCategory
from opsdesk.core.models import Company, Region, Store
from opsdesk.replenishment import simulation
from opsdesk.replenishment.services import DEFAULT_PARAMS
from opsdesk.sales.models import Promotion

pytestmark = pytest.mark.django_db


def test_promotion_calendar_covers_listed_stores_and_subcategories():
    # given: fruit (a child of fresh food) and a drink; two stores; a fresh-food promotion in store 0 on days 2..4
    # and a whole-assortment promotion in every store on day 9
    company = Company.objects.create(code="CAL", name="日历")
    region = Region.objects.create(company=company, code="E", name="华东区")
    stores = [Store.objects.create(company=company, region=region, code=f"S{i}", name=f"门店{i}", city="上海")
              for i in range(2)]
    fresh = ProductCategory.objects.create(company=company, code="C10", name="生鲜")
    fruit = ProductCategory.objects.create(company=company, code="C1001", name="水果", parent=fresh)
    drinks = ProductCategory.objects.create(company=company, code="C20", name="饮料")
    apple, water = (Product.objects.create(company=company, sku=sku, name=sku, category=category, cost=Decimal(1),
                                           price=Decimal(2)) for sku, category in (("APPLE", fruit), ("WATER", drinks)))
    first = date(2026, 3, 1)
    promotion = Promotion.objects.create(company=company, code="P1", name="生鲜节", start_date=date(2026, 3, 3),
                                         end_date=date(2026, 3, 5), category=fresh)
    promotion.stores.set([stores[0]])
    Promotion.objects.create(company=company, code="P2", name="全场", start_date=date(2026, 3, 10),
                             end_date=date(2026, 3, 10))
    store_of = np.array([stores[0].pk, stores[0].pk, stores[1].pk])
    product_of = np.array([apple.pk, water.pk, apple.pk])
    # when
    events = simulation.promotion_calendar(company, store_of, product_of, first, 12)
    # then
    assert events.shape == (3, 12)
    assert np.flatnonzero(events[0]).tolist() == [2, 3, 4, 9]
    assert np.flatnonzero(events[1]).tolist() == [9]
    assert np.flatnonzero(events[2]).tolist() == [9]


def test_simulated_opsdesk_policy_is_the_nightly_plan_policy():
    # given / when / then: the plan service's defaults are the settings the simulation replays as "opsdesk"
    plan_params = {key: DEFAULT_PARAMS[key] for key in simulation.PLAN_PARAMS}
    plan_params["service_levels"] = tuple(plan_params["service_levels"])
    assert plan_params == simulation.PLAN_PARAMS
