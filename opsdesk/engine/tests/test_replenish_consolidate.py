"""Consolidation of order lines per supplier and delivery day."""

import numpy as np

from opsdesk.engine.replenish import consolidate


def test_consolidation_totals_per_supplier_and_delivery_day():
    # given: five pairs; pair 3 orders nothing; suppliers 1 and 2; supplier 2 asks for 100 minimum
    order_qty = np.array([12.0, 6.0, 24.0, 0.0, 10.0])
    unit_cost = np.array([1.5, 2.0, 0.5, 9.0, 3.0])
    supplier = np.array([2, 1, 2, 1, 1])
    delivery_day = np.array([3, 3, 3, 3, 5])
    # when
    orders, group = consolidate(order_qty, unit_cost, supplier, delivery_day, np.array([0.0, 0.0, 100.0]))
    # then: (1, 3): 6 x 2.0 = 12; (1, 5): 10 x 3.0 = 30; (2, 3): 12 x 1.5 + 24 x 0.5 = 30 < 100 -> short 70
    assert orders.to_pylist() == [
        {"supplier": 1, "delivery_day": 3, "lines": 1, "units": 6.0, "value": 12.0, "min_value": 0.0,
         "is_below_minimum": False, "shortfall": 0.0},
        {"supplier": 1, "delivery_day": 5, "lines": 1, "units": 10.0, "value": 30.0, "min_value": 0.0,
         "is_below_minimum": False, "shortfall": 0.0},
        {"supplier": 2, "delivery_day": 3, "lines": 2, "units": 36.0, "value": 30.0, "min_value": 100.0,
         "is_below_minimum": True, "shortfall": 70.0},
    ]
    assert group.tolist() == [2, 0, 2, -1, 1]


def test_consolidation_without_lines_is_empty():
    # given / when
    orders, group = consolidate(np.zeros(2), np.ones(2), np.array([0, 1]), np.array([0, 0]))
    # then
    assert orders.num_rows == 0
    assert group.tolist() == [-1, -1]
