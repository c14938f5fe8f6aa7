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


def test_the_simulated_opsdesk_policy_follows_the_company_settings():
    # given: the company sets fill-rate targets 0.9 / 0.8 / 0.7 and a 14-day review period
    from opsdesk.engine.replenish import PlanParams
    from opsdesk.replenishment.models import ReplenishmentSettings
    from opsdesk.replenishment.selectors import plan_params

    company = _company_with_history(simulation.HISTORY_DAYS + simulation.BURN_IN_DAYS + simulation.HOLDOUT_DAYS)
    ReplenishmentSettings.objects.create(company=company, service_level_a=0.9, service_level_b=0.8,
                                         service_level_c=0.7, service_measure="fill_rate", review_days=14)
    params = plan_params(company)
    # when
    inputs = simulation.company_world(company, review_days=params["review_days"])
    policy = simulation.policy_makers(inputs, plan_params=params)["opsdesk"][0](1.0)
    # then: the nightly plan's settings, and every policy orders for the company's review period
    assert policy.params == PlanParams(service_levels=(0.9, 0.8, 0.7), check_interval_days=1.0,
                                       service_measure="fill_rate", min_pair_fill_rate=None, z_scale=1.0)
    assert inputs.review_days.tolist() == [14.0, 14.0, 14.0, 14.0]


def test_order_cover_segments_split_the_inventory_value_by_the_days_one_order_covers():
    # given: 4 pairs over 100 history + 20 simulated days: 10/day pack 1 (an order covers 7 days), 1/day case of 20
    # (20 days), 0.1/day case of 12 (120 days) and no demand (covers forever: the last segment); review 7 days
    from opsdesk.engine.replenish import OdooMinMax, SimulationInputs, simulate

    demand = np.zeros((4, 120))
    demand[0], demand[1], demand[2, ::10] = 10.0, 1.0, 1.0
    n = 4
    inputs = SimulationInputs(
        demand=demand, start=100, measure_from=100, lead_time_actual=np.full((n, 120), 2),
        stated_lead_time=np.full(n, 2.0), lead_time_mean=np.full(n, 2.0), lead_time_std=np.zeros(n),
        review_days=np.full(n, 7.0), abc_class=np.zeros(n, dtype=np.int8), pack_size=np.array([1.0, 20, 12, 6]),
        min_order_qty=np.array([1.0, 20, 12, 6]), unit_value=np.array([1.0, 2.0, 3.0, 4.0]))
    result = simulate(inputs, OdooMinMax(inputs))
    value = result.on_hand_sum * inputs.unit_value / 20
    # when
    rows = simulation.order_cover_segments(inputs, {"odoo_minmax": result})
    # then: demand 200 + 20 + 2 units; each segment holds exactly its pairs' value, together all of it
    assert [(row["segment"], row["pairs"], row["demand_share"]) for row in rows] == [
        ("order covers <= 7 days (review period)", 1, round(200 / 222, 4)),
        ("case covers 7-60 days", 1, round(20 / 222, 4)), ("case covers > 60 days", 2, round(2 / 222, 4))]
    assert [row["odoo_minmax"] for row in rows] == [round(float(value[0]), 1), round(float(value[1]), 1),
                                                    round(float(value[2] + value[3]), 1)]
    assert "case covers > 60 days" in simulation.format_segments(rows)


def test_simulate_command_with_the_perfect_forecast_bound(capsys):
    # given: the company's sales in the database
    from opsdesk import cli

    _company_with_history(simulation.HISTORY_DAYS + simulation.BURN_IN_DAYS + simulation.HOLDOUT_DAYS)
    # when
    code = cli.main(["simulate", "--company", "SIM", "--bound"])
    # then: the three policies, the bound and the segment table, then one JSON line with the four rows
    captured = capsys.readouterr()
    output = captured.out
    assert code == 0
    assert "bound_perfect_forecast" in output
    assert "order covers <= 7 days (review period)" in output
    import json

    figures = json.loads(output.strip().splitlines()[-1])
    assert set(figures["demo"]) == {"opsdesk", "odoo_minmax", "erpnext_reorder", "bound_perfect_forecast"}
    # and where each policy's lost units fall, bulk days or ordinary ones (one world: one share of bulk demand)
    assert "where the units short fall (bulk day: demand above 10 x the pair's average day of the 180 days before)" \
        in output
    assert len({row["bulk_demand_share"] for row in figures["demo"].values()}) == 1
    assert all(0.0 <= row["fill_ordinary"] <= 1.0 and 0.0 <= row["fill_bulk"] <= 1.0
               for row in figures["demo"].values())
    # and every run of the forecast engine is reported as it ends: the starting stock's (the day before the first
    # simulated day, 179), then one a week on days 180, 187, ..., 264
    runs = [line.split(" (")[0].strip() for line in captured.err.splitlines() if "forecast engine: run" in line]
    assert runs == [f"forecast engine: run {k} of about 14" for k in range(1, 15)]
    assert "(simulated day 179)" in captured.err
    assert "(simulated day 264)" in captured.err


def test_company_world_carries_what_the_forecast_engine_reads():
    # given: 300 days of sales (32 more than the simulation window), store 0 recorded closed on the world's day 40 and
    # without a row on day 41, store 0's SKU 0 out of stock (and on promotion) on day 50; the company in Germany
    from opsdesk.sales.models import StoreDaySales

    company = _company_with_history(300)
    company.country = "DE"
    company.save()
    store = Store.objects.filter(company=company).order_by("pk").first()
    product = Product.objects.filter(company=company).order_by("pk").first()
    first_day = ORIGIN - timedelta(days=299)
    StoreDaySales.objects.bulk_create([
        StoreDaySales(store=store, date=first_day + timedelta(days=d), sales_amount=Decimal(0 if d == 40 else 100),
                      is_open=d != 40) for d in range(300) if d != 41])
    SkuDaySales.objects.filter(store=store, product=product, date=first_day + timedelta(days=50)).update(
        is_stockout=True, is_promo=True)
    # when
    inputs = simulation.company_world(company)
    # then: the 32 days before the window are kept for the engine; the policies' days are where they were
    assert inputs.demand.shape == (4, 300)
    assert (inputs.start, inputs.measure_from) == (32 + 180, 32 + 180 + 28)
    assert inputs.dates[0] == np.datetime64(first_day)
    assert inputs.country == "DE"
    assert np.flatnonzero(~inputs.is_store_open[0]).tolist() == [40, 41]
    assert inputs.is_store_open[2:].all()  # the other store has no store-day rows: nothing known closed
    assert np.flatnonzero(~inputs.is_observed[0]).tolist() == [40, 41, 50]
    assert np.flatnonzero(inputs.promo[0]).tolist() == [50]
    assert (inputs.lead_time_actual[:, :32] == 1).all()


class _NeverOrders:
    """A policy that starts with the given stock and never orders."""

    name = "never_orders"

    def __init__(self, stock):
        self.stock = np.asarray(stock, dtype=np.float64)

    def initial_on_hand(self):
        return self.stock.copy()

    def order(self, day, on_hand, on_order):
        return np.zeros_like(on_hand)


def test_shortfall_split_tells_the_units_lost_on_bulk_days_from_the_others():
    # given: 180 history days, then 10 measured days. Pair 0 sold 2 a day and starts with 30 units: a bulk order of
    # 50 on day 3 (above 10 x 2), 20 on day 6 (not above: ordinary); pair 1 sells 1 a day from 100 units; pair 2 sold
    # nothing before, so its one sale (day 0, 1 unit, from 5 in stock) is a bulk day
    from opsdesk.engine.replenish import SimulationInputs, simulate

    history, days, n = simulation.HISTORY_DAYS, 10, 3
    demand = np.zeros((n, history + days))
    demand[0, :history], demand[1] = 2.0, 1.0
    demand[0, history:] = [2, 2, 2, 50, 2, 2, 20, 2, 2, 2]
    demand[2, history] = 1.0
    inputs = SimulationInputs(
        demand=demand, start=history, measure_from=history, lead_time_actual=np.full((n, history + days), 2),
        stated_lead_time=np.full(n, 2.0), lead_time_mean=np.full(n, 2.0), lead_time_std=np.zeros(n),
        review_days=np.full(n, 7.0), abc_class=np.zeros(n, dtype=np.int8), pack_size=np.ones(n),
        min_order_qty=np.ones(n), unit_value=np.ones(n))
    result = simulate(inputs, _NeverOrders([30, 100, 5]))
    # when
    split = simulation.shortfall_split(inputs, {"never_orders": result})
    # then: pair 0 sells 6, then 24 of the 50 (26 lost on the bulk day), then loses 2 x 5 + 20 on ordinary days
    assert result.lost_daily[0].tolist() == [0, 0, 0, 26, 2, 2, 20, 2, 2, 2]
    assert not result.lost_daily[1:].any()
    assert simulation.bulk_days(inputs).sum(axis=1).tolist() == [1, 0, 1]
    assert split == {"never_orders": {"bulk_demand_share": round(51 / 97, 4), "bulk_lost_share": round(26 / 56, 4),
                                      "fill_ordinary": round(1 - 30 / 46, 4), "fill_bulk": round(1 - 26 / 51, 4)}}
    table = simulation.format_shortfall(split)
    assert table.splitlines()[1].split() == ["never_orders", "52.6%", "46.4%", "0.3478", "0.4902"]
