"""Assortment review: ABC/XYZ golden values, delist and extend rules, the analogue launch forecast."""

import numpy as np
import pytest

from opsdesk.engine.assortment import analogue_forecast, extensions, review


def test_abc_xyz_golden_and_delist_rule():
    # given: one store x category group of four items; revenue shares 70 / 20 / 7 / 3 % (an item is A while the
    # share *before* it is under 80 %, B under 95 %)
    revenue = np.array([700.0, 200.0, 70.0, 30.0])
    margin = np.array([200.0, 50.0, 10.0, 3.0])
    units = np.zeros((4, 90))
    units[0] = 10  # steady: X
    units[1, ::2] = 10  # CV 1.0: Y
    units[2, ::10] = 5  # lumpy: Z, last sale 9 days ago
    units[3, :20:7] = 3  # Z, last sale on day 14: 75 days ago
    stock_value = np.array([100.0, 50.0, 0.0, 40.0])
    # when
    result = review(group=np.zeros(4, int), revenue=revenue, margin=margin, units=units, stock_value=stock_value,
                    facings=np.array([4.0, np.nan, 1.0, 0.0]), dead_days=60)
    # then
    assert list(result.abc_revenue) == ["A", "A", "B", "C"]
    assert list(result.abc_margin) == ["A", "A", "C", "C"]  # shares before: 0, 76.0, 95.1, 98.9 %
    assert list(result.xyz) == ["X", "Y", "Z", "Z"]
    assert list(result.days_since_sale) == [0.0, 1.0, 9.0, 75.0]
    assert result.density[0] == 175.0
    assert np.isnan(result.density[1])
    assert np.isnan(result.density[3])
    # only the C/Z item with stock and no sale for 60+ days is proposed for delisting
    assert list(result.delist) == [False, False, False, True]


def test_extensions_need_enough_peers_that_sell_it_well():
    # given: stores 1-3 are peers (group 7), store 4 another format; product 20 sells A in stores 2 and 3
    store = np.array([1, 2, 2, 3, 3, 4])
    product = np.array([10, 10, 20, 10, 20, 20])
    revenue = np.array([100.0, 100.0, 80.0, 90.0, 70.0, 50.0])
    abc = np.array(["A", "A", "A", "A", "B", "A"])
    # when
    found = extensions(store=store, product=product, revenue=revenue, abc_revenue=abc,
                       peer_group={1: 7, 2: 7, 3: 7, 4: 8}, min_peers=2)
    # then: store 1 should list product 20 (two peers, mean revenue 75); store 4 has no peers
    assert [(e.store, e.product, e.peers, e.peer_revenue) for e in found] == [(1, 20, 2, 75.0)]


def test_analogue_forecast_is_the_mean_launch_curve():
    curves = np.array([[2.0, 4.0, 6.0], [4.0, 6.0, np.nan], [6.0, 8.0, 10.0]])
    result = analogue_forecast(curves, 4)
    assert result.mean[:3] == pytest.approx([4.0, 6.0, 8.0])
    assert result.mean[3] == 0.0
    assert result.analogues == 3
    assert result.lower[0] == pytest.approx(2.4)
    assert analogue_forecast(np.zeros((0, 5)), 5).mean.tolist() == [0.0] * 5
