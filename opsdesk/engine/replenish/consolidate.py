"""Group order proposals into purchase orders per supplier and delivery day."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def consolidate(order_qty: np.ndarray, unit_cost: np.ndarray, supplier: np.ndarray, delivery_day: np.ndarray,
                supplier_min_value: np.ndarray | None = None) -> tuple[pa.Table, np.ndarray]:
    """Consolidate order lines (pairs with ``order_qty > 0``) per (supplier, delivery day).

    Args:
        order_qty: ``(n,)`` units to order per pair (0 = no line).
        unit_cost: ``(n,)`` cost per unit.
        supplier: ``(n,)`` int supplier ids.
        delivery_day: ``(n,)`` int delivery day (e.g. days since epoch or weekday code).
        supplier_min_value: ``(n_suppliers,)`` minimum order value indexed by supplier id (optional).

    Returns:
        ``(orders, group)``: ``orders`` an Arrow table with one row per (supplier, delivery_day), sorted by both,
        columns supplier, delivery_day, lines, units, value, min_value, is_below_minimum, shortfall; ``group`` the
        ``(n,)`` int64 row of ``orders`` each pair's line belongs to (-1 when the pair orders nothing).
    """
    qty = np.asarray(order_qty, dtype=np.float64)
    lines = np.flatnonzero(qty > 0)
    line_supplier = np.asarray(supplier, dtype=np.int64)[lines]
    line_day = np.asarray(delivery_day, dtype=np.int64)[lines]
    keys = np.stack([line_supplier, line_day], axis=1)
    unique_keys, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n_groups = len(unique_keys)
    units = np.bincount(inverse, qty[lines], minlength=n_groups)
    value = np.bincount(inverse, qty[lines] * np.asarray(unit_cost, dtype=np.float64)[lines], minlength=n_groups)
    count = np.bincount(inverse, minlength=n_groups)
    if supplier_min_value is None:
        min_value = np.zeros(n_groups)
    else:
        min_value = np.asarray(supplier_min_value, dtype=np.float64)[unique_keys[:, 0]]
    orders = pa.table({
        "supplier": unique_keys[:, 0], "delivery_day": unique_keys[:, 1], "lines": count.astype(np.int64),
        "units": units, "value": value, "min_value": min_value, "is_below_minimum": value < min_value,
        "shortfall": np.maximum(min_value - value, 0.0),
    })
    group = np.full(len(qty), -1, dtype=np.int64)
    group[lines] = inverse
    return orders, group
