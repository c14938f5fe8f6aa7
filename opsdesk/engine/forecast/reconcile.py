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
