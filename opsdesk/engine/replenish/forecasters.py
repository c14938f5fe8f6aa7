"""Built-in vectorised daily forecaster so planning and simulation are self-contained.

A forecaster is any callable ``forecaster(history, h) -> (mean, sigma)`` with ``history`` ``(n, t)`` daily units
(oldest first, last column = the most recent day), ``mean`` ``(n, h)`` units/day for the next ``h`` days and
``sigma`` ``(n,)`` the standard deviation of the one-day forecast error, units/day.

The default, ``tsb_weekly_forecast``, is TSB (Teunter, Syntetos & Babai 2011) on demand de-seasonalised by a
day-of-week profile: the demand probability ``p`` and the non-zero demand size ``z`` are smoothed separately, so a
smooth series behaves as simple exponential smoothing (``p`` near 1) and an intermittent one as Croston-like with
an obsolescence-aware probability. The weekly profile is shrunk towards flat for low-volume series.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Forecaster = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def weekly_profile(history: np.ndarray, weeks: int = 8, shrink_units: float = 20.0) -> np.ndarray:
    """Day-of-week multipliers aligned to the end of the history.

    Args:
        history: ``(n, t)`` daily units.
        weeks: weeks of history used.
        shrink_units: pseudo-units (over the week) pulling each phase towards 1 (low volume => flat profile).

    Returns:
        ``(n, 7)`` multipliers (mean 1 per row); column ``k`` is the phase of days ``j`` with ``(t + j) % 7 == k``
        counted from the start of the history, so future day ``j`` uses column ``(t + j) % 7``.
    """
    n, t = history.shape
    span = min(t, 7 * weeks)
    window = history[:, t - span:]
    phases = (np.arange(t - span, t)) % 7
    sums = np.zeros((n, 7))
    counts = np.bincount(phases, minlength=7).astype(np.float64)
    for k in range(7):
        sums[:, k] = window[:, phases == k].sum(axis=1)
    daily = window.sum(axis=1) / max(span, 1)
    # shrink_units of pseudo-demand at the flat daily rate, spread over the 7 phases.
    pseudo_units = shrink_units / 7.0
    pseudo_days = pseudo_units / np.maximum(daily, 1e-9)
    phase_mean = (sums + pseudo_units) / (counts[None, :] + pseudo_days[:, None])
    profile = phase_mean / np.maximum(phase_mean.mean(axis=1, keepdims=True), 1e-12)
    return np.where(daily[:, None] > 0, profile, 1.0)


def tsb_weekly_forecast(history: np.ndarray, h: int, *, alpha: float = 0.05, beta: float = 0.05,
                        window: int = 182, sigma_days: int = 56, clip: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    """TSB with a day-of-week profile; see the module docstring.

    Args:
        history: ``(n, t)`` daily units, oldest first.
        h: days to forecast.
        alpha: smoothing of the non-zero demand size.
        beta: smoothing of the demand probability.
        window: days of history used (the most recent).
        sigma_days: days of one-step-ahead residuals used for ``sigma``.
        clip: a non-zero demand enters the size update capped at ``clip`` x the current size (robustness to
            one-off spikes such as unannounced promotions or bulk orders); the residual keeps the full value.

    Returns:
        ``(mean (n, h), sigma (n,))`` units/day.
    """
    history = np.asarray(history, dtype=np.float64)
    n, t = history.shape
    span = min(t, window)
    y = history[:, t - span:]
    profile = weekly_profile(history)
    phase = np.arange(t - span, t) % 7
    adjusted = y / profile[:, phase]
    nonzero = y > 0
    warm = min(span, 28)
    p = np.clip(nonzero[:, :warm].mean(axis=1), 0.05, 1.0) if span else np.zeros(n)
    sizes = np.where(nonzero[:, :warm], adjusted[:, :warm], 0.0).sum(axis=1)
    z = sizes / np.maximum(nonzero[:, :warm].sum(axis=1), 1)
    squared_error = np.zeros(n)
    counted = 0
    for day in range(span):
        if day >= span - sigma_days:
            error = y[:, day] - p * z * profile[:, phase[day]]
            squared_error += error * error
            counted += 1
        is_sale = nonzero[:, day]
        size = np.minimum(adjusted[:, day], clip * z) if np.isfinite(clip) else adjusted[:, day]
        z = np.where(is_sale, z + alpha * (size - z), z)
        p = p + beta * (is_sale - p)
    sigma = np.sqrt(squared_error / max(counted, 1))
    future_phase = (t + np.arange(h)) % 7
    mean = (p * z)[:, None] * profile[:, future_phase]
    return mean, sigma


def event_adjusted(forecaster: Forecaster, events: np.ndarray, pool_keys: np.ndarray | None = None,
                   prior_days: float = 14.0) -> Forecaster:
    """Wrap a forecaster with known multiplicative events (e.g. a planned promotion calendar).

    The uplift per row is (mean demand on past event days) / (mean on other days), pooled over rows sharing a
    ``pool_keys`` value (e.g. the SKU across stores) and shrunk towards 1 by ``prior_days`` pseudo-days. The
    history is divided by the uplift on event days, the base forecaster runs on that baseline, and future event
    days are multiplied back.

    Args:
        forecaster: base forecaster.
        events: ``(n, T)`` bool, True on event days, over the whole calendar; the history passed to the
            returned forecaster must start at calendar day 0 (its length tells today's position).
        pool_keys: ``(n,)`` int keys to pool uplift estimates, or None (per row).
        prior_days: shrinkage strength, pseudo-days at uplift 1.

    Returns:
        A forecaster with the same protocol.
    """
    events = np.asarray(events, dtype=bool)
    keys = np.arange(events.shape[0]) if pool_keys is None else np.asarray(pool_keys)
    _, inverse = np.unique(keys, return_inverse=True)

    def pooled(values: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, values)[inverse]

    def forecast(history: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
        t = history.shape[1]
        past, future = events[:, :t], events[:, t:t + h]
        event_units, event_days = pooled(np.where(past, history, 0).sum(axis=1)), pooled(past.sum(axis=1))
        other_units, other_days = pooled(np.where(past, 0, history).sum(axis=1)), pooled((~past).sum(axis=1))
        base_rate = other_units / np.maximum(other_days, 1)
        uplift = (event_units + prior_days * base_rate) / np.maximum((event_days + prior_days) * base_rate, 1e-12)
        uplift = np.where(base_rate > 0, uplift, 1.0)
        mean, sigma = forecaster(np.where(past, history / uplift[:, None], history), h)
        padded = np.zeros((events.shape[0], h), dtype=bool)
        padded[:, :future.shape[1]] = future
        return mean * np.where(padded, uplift[:, None], 1.0), sigma

    return forecast
