"""Reconciliation of a two-level hierarchy: store totals (top) and store x SKU series (bottom)."""

from __future__ import annotations

import numpy as np


def reconcile(bottom: np.ndarray, top: np.ndarray, parent: np.ndarray, *, method: str = "top_down",
              bottom_variance: np.ndarray | None = None, top_variance: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Make bottom forecasts add up to their parent's forecast.

    Methods:
        - "bottom_up": the top becomes the sum of its children; bottom unchanged.
        - "top_down": the top is kept; children are scaled proportionally to their own forecasts (equal split
          when all children forecast 0). Keeps non-negativity.
        - "wls" (MinT-lite, diagonal covariance): the discrepancy d = top - sum(children) is shared in proportion
          to each node's error variance: child_i += v_i / V * d and top -= v_top / V * d with V = v_top + sum v_i.
          This is the exact weighted-least-squares projection onto coherent forecasts for a two-level tree.
          Negative children are then clipped and the family is rescaled to keep the sums coherent.

    Args:
        bottom: (n_bottom, h) forecasts of the bottom series.
        top: (n_top, h) forecasts of the parents.
        parent: (n_bottom,) int index into ``top`` of each bottom series.
        method: "top_down", "bottom_up" or "wls".
        bottom_variance: (n_bottom,) error variance of each bottom series ("wls"; e.g. validation_error ** 2).
        top_variance: (n_top,) error variance of each parent ("wls").

    Returns:
        (bottom, top) coherent forecasts with the input shapes: for every parent j and day t,
        top[j, t] == bottom[parent == j, t].sum().
    """
    bottom = np.asarray(bottom, dtype=np.float64)
    top = np.asarray(top, dtype=np.float64)
    parent = np.asarray(parent, dtype=np.int64)
    if method == "bottom_up":
        return bottom.copy(), _sum_children(bottom, parent, len(top))
    if method == "top_down":
        return _proportional(bottom, top, parent), top.copy()
    if method != "wls":
        raise ValueError("method must be top_down, bottom_up or wls")
    if bottom_variance is None or top_variance is None:
        raise ValueError("wls needs bottom_variance and top_variance")
    child_variance = np.asarray(bottom_variance, dtype=np.float64)
    family_variance = np.bincount(parent, weights=child_variance, minlength=len(top))
    total_variance = np.asarray(top_variance, dtype=np.float64) + family_variance
    total_variance = np.where(total_variance > 0, total_variance, 1.0)
    gap = top - _sum_children(bottom, parent, len(top))  # (n_top, h)
    adjusted = bottom + (child_variance / total_variance[parent])[:, None] * gap[parent]
    new_top = top - (np.asarray(top_variance) / total_variance)[:, None] * gap
    adjusted = np.clip(adjusted, 0.0, None)
    new_top = np.clip(new_top, 0.0, None)
    return _proportional(adjusted, new_top, parent), new_top


def _sum_children(bottom: np.ndarray, parent: np.ndarray, n_top: int) -> np.ndarray:
    out = np.zeros((n_top, bottom.shape[1]))
    np.add.at(out, parent, bottom)
    return out


def _proportional(bottom: np.ndarray, top: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Scale each family so it sums to its parent; an all-zero family is split equally."""
    family = _sum_children(bottom, parent, len(top))
    size = np.bincount(parent, minlength=len(top)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(family[parent] > 0, bottom / family[parent], 1.0 / size[parent][:, None])
    return share * top[parent]


def shrinkage_intensity(residual: np.ndarray) -> float:
    """Schäfer-Strimmer intensity (0..1) pulling the residual correlation matrix towards the identity.

    Computed from k x k Gram matrices, O(m k^2) for m series and k residuals each, so families of thousands of
    SKUs need no m x m matrix.

    Args:
        residual: (m, k) errors of the family's series (top first), NaN counted as 0.

    Returns:
        lambda: 1 keeps only the variances (WLS), 0 the sample covariance.
    """
    e = np.nan_to_num(np.asarray(residual, dtype=np.float64))
    m, k = e.shape
    if m < 2 or k < 3:
        return 1.0
    sd = np.sqrt((e ** 2).mean(1))
    x = e / np.where(sd > 0, sd, 1.0)[:, None]  # standardised (uncentred, as MinT's in-sample errors)
    gram = x.T @ x  # (k, k)
    sum_w2 = float((np.einsum("it->t", x ** 2) ** 2).sum())  # sum_ij sum_t (x_it x_jt)^2
    sum_mean2 = float((gram ** 2).sum()) / k ** 2  # sum_ij (mean_t x_it x_jt)^2
    diag_w2 = float((x ** 4).sum())
    diag_mean2 = float((((x ** 2).mean(1)) ** 2).sum())
    off_variance = (sum_w2 - diag_w2) - k * (sum_mean2 - diag_mean2)  # sum_{i!=j} sum_t (w_ijt - mean_ij)^2
    off_r2 = (k / (k - 1)) ** 2 * (sum_mean2 - diag_mean2)
    if off_r2 <= 0:
        return 1.0
    return float(np.clip(k / (k - 1) ** 3 * off_variance / off_r2, 0.0, 1.0))


def mint(bottom: np.ndarray, top: np.ndarray, parent: np.ndarray, bottom_residual: np.ndarray,
         top_residual: np.ndarray, *, shrinkage: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """MinT reconciliation of a two-level tree with a shrunk error covariance (Wickramasuriya et al. 2019).

    Each family (a parent and its children) has one constraint c'y = 0 with c = (1, -1, ..., -1), so the MinT
    projection is y~ = y^ - W c (c'y^) / (c'W c) with W = lambda diag(S) + (1 - lambda) S, S the in-sample
    covariance E E'/k of the family's validation errors and lambda the Schäfer-Strimmer intensity (or
    ``shrinkage``). W c = lambda diag(S) c + (1 - lambda) E (E'c)/k needs no m x m matrix. Negative children
    are clipped and the family rescaled to its (reconciled) parent.

    Args:
        bottom: (n_bottom, h) forecasts of the children.
        top: (n_top, h) forecasts of the parents.
        parent: (n_bottom,) index into ``top`` of each child.
        bottom_residual: (n_bottom, k) validation errors (actual - forecast) of the children, NaN = unobserved.
        top_residual: (n_top, k) validation errors of the parents on the same days.
        shrinkage: fixed intensity in [0, 1] (None estimates it per family).

    Returns:
        (bottom, top) coherent forecasts.
    """
    bottom = np.asarray(bottom, dtype=np.float64)
    top = np.asarray(top, dtype=np.float64)
    parent = np.asarray(parent, dtype=np.int64)
    new_bottom, new_top = bottom.copy(), top.copy()
    for j in range(len(top)):
        children = np.flatnonzero(parent == j)
        if not len(children):
            continue
        e = np.nan_to_num(np.vstack([np.asarray(top_residual[j:j + 1], dtype=np.float64),
                                     np.asarray(bottom_residual[children], dtype=np.float64)]))
        k = max(e.shape[1], 1)
        c = np.concatenate([[1.0], -np.ones(len(children))])
        lam = shrinkage_intensity(e) if shrinkage is None else float(shrinkage)
        variance = (e ** 2).sum(1) / k
        w_c = lam * variance * c + (1 - lam) * (e @ (e.T @ c)) / k  # (m + 1,)
        c_w_c = float(c @ w_c)
        if c_w_c <= 0:
            continue
        stacked = np.vstack([top[j:j + 1], bottom[children]])  # (m + 1, h)
        gap = c @ stacked  # (h,) top - sum(children)
        adjusted = stacked - np.outer(w_c, gap) / c_w_c
        new_top[j] = np.clip(adjusted[0], 0.0, None)
        new_bottom[children] = np.clip(adjusted[1:], 0.0, None)
    return _proportional(new_bottom, new_top, parent), new_top


RECONCILIATION_METHODS = ("own", "bottom_up", "mint", "combination")


def reconcile_by_validation(bottom, top, parent: np.ndarray, *, methods: tuple[str, ...] = RECONCILIATION_METHODS,
                            prices: np.ndarray | None = None,
                            move_children: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reconcile per parent with the method whose reconciled parent forecast was best on the validation windows.

    The parent total is never worse on validation than the better of its own model ("own": the parent keeps its
    forecast, children are scaled to it) and the sum of its children ("bottom_up"); "mint" and "combination" (the
    mean of the two, children scaled to it) compete too. On two validation windows the errors of own and
    bottom-up are often within a few per cent of each other, and whichever wins, the other is the better total
    about as often out of sample; their mean is never the worse of the two and gains where they err on opposite
    sides. On Online Retail's top 300 SKUs (``bench/forecast.py --rolling --top 300``, engine path) it was chosen
    on the three selection origins and took the shop total's WAPE from 0.335 / 0.405 / 0.325 (MinT, MinT, own) to
    0.329 / 0.377 / 0.276; the fourth origin kept its own model (0.321); with all SKUs the shop's own model won on
    every origin, with or without it (issue 20, ninth pass). Children
    keep their own forecasts (``move_children=False``, the default), so a noisy total drags no SKU either way; the
    family is then not additive, and the parent's is the better forecast of the total. With ``move_children`` they
    move where that lowers their own validation error (summed over the family) in every validation window. The
    product does not move them: on Online Retail's 2010-10-31 origin the web shop's own model (one series) was the
    better total on both validation windows, then missed the Christmas ramp, and the SKUs scaled to it went from
    -5 % to -29 % in total (issue 20, ``bench/forecast_product.py``).

    Args:
        bottom: ``ForecastResult`` of the children, made with ``keep_validation=True``.
        top: ``ForecastResult`` of the parents (same validation windows), ``keep_validation=True``.
        parent: (n_bottom,) index into ``top.ids`` of each child.
        methods: candidates among ``RECONCILIATION_METHODS``.
        move_children: move the children to the chosen total where every validation window agrees.
        prices: optional (n_bottom,) factor from child units to the parent's measure (revenue); children without
            a price (<= 0) stay out of the family.

    Returns:
        (bottom mean, top mean, method per parent): (n_bottom, h), (n_top, h), (n_top,) str.
    """
    parent = np.asarray(parent, dtype=np.int64)
    n_top = len(top.ids)
    factor = np.ones(len(parent)) if prices is None else np.asarray(prices, dtype=np.float64)
    member = factor > 0
    scale = np.where(member, factor, 0.0)
    b_val = np.nan_to_num(bottom.validation) * scale[:, None, None]  # (n, W, h)
    b_act = bottom.validation_actual * scale[:, None, None]
    t_val, t_act = np.nan_to_num(top.validation), top.validation_actual
    n_w, h = t_val.shape[1], t_val.shape[2]
    flat = (lambda a: a.reshape(a.shape[0], -1))  # noqa: E731
    b_res, t_res = flat(b_act - b_val), flat(t_act - t_val)
    b_final = np.asarray(bottom.mean, dtype=np.float64) * scale[:, None]
    t_final = np.asarray(top.mean, dtype=np.float64)
    candidates = {}
    for method in methods:
        candidates[method] = (_apply(method, flat(b_val[member]), flat(t_val), parent[member], b_res[member], t_res,
                                     n_top),
                              _apply(method, b_final[member], t_final, parent[member], b_res[member], t_res, n_top))
    top_error = np.stack([_family_mse(c[0][1], flat(t_act)) for c in candidates.values()], 1)  # (n_top, M)
    best = np.argmin(np.where(np.isnan(top_error), np.inf, top_error), 1)
    names = np.array(list(candidates), dtype=object)[best]
    new_top = np.stack([candidates[name][1][1][j] for j, name in enumerate(names)]) if n_top else t_final.copy()
    new_bottom = b_final.copy()
    rows = np.flatnonzero(member)
    for j, name in enumerate(names if move_children else []):
        children = parent[member] == j
        validated, moved = candidates[name][0][0][children], candidates[name][1][0][children]
        actual = flat(b_act[member])[children]
        # per validation window: the move must lower the family's error in every one of them
        window = (lambda a: a.reshape(a.shape[0], n_w, h))  # noqa: E731
        before = np.nansum((window(flat(b_val[member])[children] - actual)) ** 2, axis=(0, 2))
        after = np.nansum(window(validated - actual) ** 2, axis=(0, 2))
        if (after < before).all():
            new_bottom[rows[children]] = moved
    with np.errstate(invalid="ignore", divide="ignore"):
        new_bottom = np.where(scale[:, None] > 0, new_bottom / np.where(scale > 0, scale, 1.0)[:, None],
                              bottom.mean)
    return new_bottom, new_top, names


def _apply(method, bottom, top, parent, b_res, t_res, n_top):
    if method == "own":
        return _proportional(bottom, top, parent), top.copy()
    if method == "bottom_up":
        return bottom.copy(), _sum_children(bottom, parent, n_top)
    if method == "mint":
        return mint(bottom, top, parent, b_res, t_res)
    if method == "combination":
        total = (top + _sum_children(bottom, parent, n_top)) / 2
        return _proportional(bottom, total, parent), total
    raise ValueError(f"unknown reconciliation method {method}")


def _family_mse(forecast: np.ndarray, actual: np.ndarray) -> np.ndarray:
    error = (forecast - actual) ** 2
    count = (~np.isnan(error)).sum(1)
    return np.where(count > 0, np.nansum(error, 1) / np.maximum(count, 1), np.nan)
