"""Missing is not zero: the cockpit's margin is computed over the store days that have a cost, and says so."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils.module_loading import import_string

from opsdesk.core.models import Company, Region, Store
from opsdesk.core.testing.factories import make_user
from opsdesk.sales.models import StoreDaySales

DAY = date(2024, 5, 2)
# Runtime imports: the sales package may not import the cockpit (import-linter), its test only checks it.
rollup_refresh = import_string("opsdesk.cockpit.rollups.rollup_refresh")
cockpit_overview = import_string("opsdesk.cockpit.selectors.cockpit_overview")


@pytest.fixture
def stores(db):
    company = Company.objects.create(code="MG", name="毛利测试")
    region = Region.objects.create(company=company, code="R", name="区")
    return [Store.objects.create(company=company, region=region, code=f"S{n}", name=f"S{n}", city="上海")
            for n in range(1, 4)]


def _day(store, day, sales, cost):
    StoreDaySales.objects.create(store=store, date=day, sales_amount=sales, cost_amount=cost, transactions=10)


def test_margin_is_computed_over_the_stores_with_cost_and_says_so(stores):
    # given: S1 and S2 have cost (25 % and 50 %), S3 none (its file had no cost column)
    for day in (date(2024, 5, 1), DAY):
        _day(stores[0], day, 100, 75)
        _day(stores[1], day, 100, 50)
        _day(stores[2], day, 300, None)
    rollup_refresh(stores[0].company)
    coo = make_user("coo", company=stores[0].company)
    # when
    tiles = cockpit_overview(user=coo, today=DAY)["tiles"]
    # then: (400 - 250) / 400, not (1000 - 250) / 1000
    assert tiles["margin_pct"] == 37.5
    assert tiles["gross_margin"] == 150
    assert tiles["margin_basis"] == "毛利率基于 2 / 3 家门店"
    assert tiles["mtd"]["sales"] == 1000


def test_no_cost_at_all_gives_no_margin_rather_than_100_percent(stores):
    # given
    _day(stores[0], DAY, 100, None)
    rollup_refresh(stores[0].company)
    coo = make_user("coo", company=stores[0].company)
    # when
    tiles = cockpit_overview(user=coo, today=DAY)["tiles"]
    # then
    assert (tiles["margin_pct"], tiles["margin_basis"]) == (None, "无成本数据")


def test_every_store_with_cost_needs_no_note(stores):
    # given
    for store in stores:
        _day(store, DAY, 200, 150)
    rollup_refresh(stores[0].company)
    store_manager = make_user("store_manager", stores=[stores[0]])
    # when
    tiles = cockpit_overview(user=store_manager, today=DAY)["tiles"]
    # then
    assert (tiles["margin_pct"], tiles["margin_basis"]) == (25.0, "")


def test_the_margin_tile_says_what_its_margin_is_based_on(stores, client):
    for day in (date(2024, 5, 1), DAY):
        _day(stores[0], day, 100, 75)
        _day(stores[2], day, 300, None)
    rollup_refresh(stores[0].company)
    client.force_login(make_user("coo", company=stores[0].company))
    with time_machine.travel(DAY, tick=False):
        page = client.get("/").content.decode()
    tile = page[page.index('id="tile-margin"'):]
    tile = tile[:tile.index("</div></div></div>")]
    assert '<div class="small text-warning-emphasis tile-note">毛利率基于 1 / 2 家门店</div>' in tile

