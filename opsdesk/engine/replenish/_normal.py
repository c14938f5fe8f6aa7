"""Vectorised standard-normal CDF and quantile function (NumPy only, no SciPy dependency)."""

from __future__ import annotations

import numpy as np

# Acklam's rational approximation of the normal quantile (relative error < 1.2e-9).
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
      -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
      -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
      4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425


def norm_cdf(x: np.ndarray | float) -> np.ndarray:
    """Standard normal CDF, absolute error < 1e-7 (Abramowitz & Stegun 26.2.17).

    Args:
        x: array of any shape.

    Returns:
        Phi(x), same shape, float64.
    """
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    t = 1.0 / (1.0 + 0.2316419 * ax)
    poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
    upper_tail = np.exp(-0.5 * ax * ax) / np.sqrt(2.0 * np.pi) * poly
    return np.where(x >= 0, 1.0 - upper_tail, upper_tail)


def norm_ppf(p: np.ndarray | float) -> np.ndarray:
    """Standard normal quantile function (inverse CDF).

    Args:
        p: probabilities in (0, 1), any shape; 0 and 1 map to -inf and +inf.

    Returns:
        z with Phi(z) = p, same shape, float64.
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.clip(p, 1e-300, 1 - 1e-16)
    low = q < _P_LOW
    high = q > 1 - _P_LOW
    r_tail = np.sqrt(-2.0 * np.log(np.where(high, 1 - q, q)))
    tail = _ratio(_C, _D, r_tail)
    tail = np.where(high, -tail, tail)
    mid = q - 0.5
    r = mid * mid
    central = _ratio(_A, _B, r) * mid
    z = np.where(low | high, tail, central)
    z = np.where(p <= 0, -np.inf, z)
    return np.where(p >= 1, np.inf, z)


def _ratio(num: tuple[float, ...], den: tuple[float, ...], r: np.ndarray) -> np.ndarray:
    top = np.zeros_like(r)
    for c in num:
        top = top * r + c
    bottom = np.zeros_like(r)
    for c in den:
        bottom = bottom * r + c
    return top / (bottom * r + 1.0)
