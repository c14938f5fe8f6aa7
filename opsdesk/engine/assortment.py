"""Assortment review per store x category, and the forecast of a new item from its analogues (pure NumPy).

Review: for each (store, product) pair, ABC by revenue and by margin within its store x category (the inventory
health ranking, ``engine.replenish.health.abc_classify``: cumulative shares 80 / 95 %), XYZ by the coefficient of
variation of daily units (``xyz_classify``: 0.5 / 1.0), days since the last sale, stock value and sales density per
facing (revenue / facings, where the facings are known). Proposals:

- ``delist``: class C by revenue *and* margin, class Z, with stock on hand and no sale for ``dead_days`` or more
  (dead stock).
- ``extend``: a product of the category that the store does not sell, but that sells (class A or B by revenue) in
  at least ``min_peers`` peer stores (same format and size band), best peer revenue first.
- ``substitute``: a delist candidate paired with the best extend candidate of the same store and category.

Launch forecast: a new item has no history; its forecast for its first ``h`` days is the mean launch curve of its
analogues (products of the same category, each aligned on its own first sale day in a store), with the 10-90 %
spread across the analogues as its band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from opsdesk.engine.replenish.health import abc_classify, xyz_classify

ABC = np.array(["A", "B", "C"])
XYZ = np.array(["X", "Y", "Z"])


@dataclass
class Review:
    """Indicators per pair, shapes (n,)."""

    abc_revenue: np.ndarray  # "A" / "B" / "C"
    abc_margin: np.ndarray
    xyz: np.ndarray  # "X" / "Y" / "Z"
    days_since_sale: np.ndarray  # float, T + 1 without any sale in the window
    stock_value: np.ndarray
    density: np.ndarray  # revenue per facing, NaN when facings are unknown
    delist: np.ndarray  # bool


def review(*, group: np.ndarray, revenue: np.ndarray, margin: np.ndarray, units: np.ndarray,
           stock_value: np.ndarray, facings: np.ndarray | None = None, dead_days: int = 60) -> Review:
    """Classify every (store, product) pair and flag delist candidates.

    Args:
        group: (n,) int store x category group of each pair (ABC ranks within it).
        revenue, margin: (n,) over the review period.
        units: (n, T) daily units over the period (oldest first).
        stock_value: (n,) on hand x unit cost.
        facings: (n,) shelf facings, NaN or 0 when unknown; None = unknown everywhere.
        dead_days: days without a sale that make stock on hand dead.
    """
    t = units.shape[1]
    sold = units > 0
    last = t - 1 - np.argmax(sold[:, ::-1], axis=1)
    days_since = np.where(sold.any(axis=1), t - 1 - last, t + 1).astype(float)
    abc_revenue = ABC[abc_classify(revenue, group)]
    abc_margin = ABC[abc_classify(np.maximum(margin, 0.0), group)]
    xyz = XYZ[xyz_classify(units)]
    if facings is None:
        density = np.full(len(revenue), np.nan)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            density = np.where(np.nan_to_num(facings) > 0, revenue / facings, np.nan)
    delist = ((abc_revenue == "C") & (abc_margin == "C") & (xyz == "Z") & (stock_value > 0)
              & (days_since >= dead_days))
    return Review(abc_revenue, abc_margin, xyz, days_since, np.asarray(stock_value, float), density, delist)


@dataclass
class Extension:
    """A product to add to a store: sold well by `peers` peer stores, with their mean revenue."""

    store: int
    product: int
    peers: int
    peer_revenue: float


def extensions(*, store: np.ndarray, product: np.ndarray, revenue: np.ndarray, abc_revenue: np.ndarray,
               peer_group: dict[int, int], min_peers: int = 2) -> list[Extension]:
    """Products that sell (A or B) in at least `min_peers` stores of a store's peer group but not in the store.

    Args:
        store, product, revenue, abc_revenue: (n,) the review's pairs (a pair exists where the product sold).
        peer_group: store id -> peer group id (same format and size band); stores without a group get none.
    """
    sold_here: dict[int, set[int]] = {}
    for s, p, r in zip(store, product, revenue, strict=True):
        if r > 0:
            sold_here.setdefault(int(s), set()).add(int(p))
    good: dict[tuple[int, int], list[float]] = {}
    for s, p, r, c in zip(store, product, revenue, abc_revenue, strict=True):
        if c in ("A", "B") and int(s) in peer_group:
            good.setdefault((peer_group[int(s)], int(p)), []).append(float(r))
    out = []
    for s, group in sorted(peer_group.items()):
        for (g, p), revenues in good.items():
            if g == group and len(revenues) >= min_peers and p not in sold_here.get(s, set()):
                out.append(Extension(s, p, len(revenues), float(np.mean(revenues))))
    return sorted(out, key=lambda e: (e.store, -e.peer_revenue))


@dataclass
class LaunchForecast:
    """Forecast of a new item for its first `h` days, from its analogues: (h,) each."""

    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    analogues: int


def analogue_forecast(curves: np.ndarray, h: int) -> LaunchForecast:
    """Forecast a new item with no history as the mean launch curve of its analogues.

    Args:
        curves: (k, >= h) daily units of k analogue items (same category) from their own first sale day, per store;
            NaN where a curve is shorter.
        h: days to forecast.

    Returns:
        mean and the 10 / 90 % quantiles across the analogues per day; zeros without any analogue.
    """
    if curves.size == 0 or curves.shape[0] == 0:
        zeros = np.zeros(h)
        return LaunchForecast(zeros, zeros, zeros, 0)
    window = curves[:, :h]
    if window.shape[1] < h:
        window = np.pad(window, ((0, 0), (0, h - window.shape[1])), constant_values=np.nan)
    observed = ~np.isnan(window).all(axis=0)
    mean, lower, upper = np.zeros(h), np.zeros(h), np.zeros(h)
    if observed.any():
        columns = window[:, observed]
        mean[observed] = np.nanmean(columns, axis=0)
        lower[observed] = np.nanquantile(columns, 0.1, axis=0)
        upper[observed] = np.nanquantile(columns, 0.9, axis=0)
    return LaunchForecast(np.nan_to_num(mean), np.nan_to_num(lower), np.nan_to_num(upper), int(curves.shape[0]))
