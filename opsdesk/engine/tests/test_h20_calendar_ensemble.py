"""Issue 20, fourteenth pass: unusual days kept from the per-series models and the panel's ramp, and the ensemble
that keeps the promotion calendar's uplift."""

import numpy as np
import pytest

from opsdesk.engine.forecast import forecast
from opsdesk.engine.forecast.auto import ENSEMBLE, _add_ensemble, panel_ramps
from opsdesk.engine.forecast.calendar import unusual_days
from opsdesk.engine.forecast.models import WeekdayMovingAverage
from opsdesk.engine.forecast.panel import SeriesPanel, history_span


def _days(first: str, n: int) -> np.ndarray:
    return np.datetime64(first, "D") + np.arange(n)


def _panel(y: np.ndarray, first: str) -> SeriesPanel:
    n, t = y.shape
    return SeriesPanel(ids=np.arange(n), indptr=np.arange(n + 1) * t, y=y.ravel(),
                       start=np.full(n, np.datetime64(first, "D")), available=np.ones(n * t, dtype=bool))


def test_unusual_days_are_the_public_holidays_and_chinas_weekend_working_days():
    # given: 2026-09-28 .. 2026-10-12: National Day's days off (1-7 October; Sunday the 4th is a weekend day anyway)
    # and Saturday 10 October, worked in exchange
    dates = _days("2026-09-28", 15)
    # when
    cn, none = unusual_days(dates, "CN"), unusual_days(dates, None)
    # then
    assert [str(d) for d in dates[cn]] == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-05", "2026-10-06",
                                           "2026-10-07", "2026-10-10"]
    assert not none.any()
    christmas = unusual_days(_days("2010-12-24", 5), "GB")
    assert christmas.tolist() == [False, True, True, True, True]  # 25, 26 and the substitute days 27, 28


def test_the_per_series_models_do_not_learn_a_level_from_a_holiday_week():
    # given: 40 series selling 10 a day, 30 a day through China's National Day week, the origin a week after it
    dates = _days("2026-07-01", 105)  # .. 2026-10-13
    y = np.full((40, len(dates)), 10.0)
    y[:, unusual_days(dates, "CN")] = 30.0
    panel = _panel(y, "2026-07-01")
    model = [WeekdayMovingAverage(28)]
    # when
    with_calendar = forecast(panel, 7, models=model, country="CN", n_windows=1, level_correction=False)
    without = forecast(panel, 7, models=model, country=None, n_windows=1, level_correction=False)
    # then: the level is the usual days' 10, not a 28-day mean holding 9 unusual days at 30 (Sunday 20 September
    # worked, Mid-Autumn on the 25th, six days off for National Day, Saturday 10 October worked)
    assert with_calendar.mean == pytest.approx(np.full((40, 7), 10.0))
    assert without.mean.mean() == pytest.approx((19 * 10 + 9 * 30) / 28, rel=1e-6)


def test_the_ensemble_takes_the_global_model_alone_on_promoted_days_when_it_is_among_the_best():
    # given: three per-series candidates and a global one, the global one best on validation; day 1 promoted
    actual = np.array([[[10.0, 20.0, 10.0]]])
    validation = {"a": np.array([[[8.0, 8.0, 8.0]]]), "b": np.array([[[12.0, 12.0, 12.0]]]),
                  "c": np.array([[[30.0, 30.0, 30.0]]]), "gbm": np.array([[[11.0, 19.0, 10.0]]])}
    final = {"a": np.array([[8.0, 8.0]]), "b": np.array([[12.0, 12.0]]), "c": np.array([[30.0, 30.0]]),
             "gbm": np.array([[11.0, 21.0]])}
    promoted = (np.array([[[False, True, False]]]), np.array([[False, True]]))
    # when
    _add_ensemble(validation, final, actual, informed=["gbm"], promoted=promoted)
    # then: the mean of gbm, b and a, except on the promoted days, where it is gbm's
    assert validation[ENSEMBLE] == pytest.approx(np.array([[[(11 + 12 + 8) / 3, 19.0, (10 + 12 + 8) / 3]]]))
    assert final[ENSEMBLE].tolist() == [[(8 + 12 + 11) / 3, 21.0]]


def test_without_a_global_model_among_the_best_the_ensemble_stays_the_mean_on_promoted_days():
    actual = np.array([[[10.0, 10.0]]])
    validation = {"a": np.array([[[9.0, 9.0]]]), "b": np.array([[[11.0, 11.0]]]), "c": np.array([[[10.0, 10.0]]]),
                  "gbm": np.array([[[40.0, 40.0]]])}
    final = {name: values[:, 0] for name, values in validation.items()}
    # when
    _add_ensemble(validation, final, actual, informed=["gbm"],
                  promoted=(np.ones((1, 1, 2), dtype=bool), np.ones((1, 2), dtype=bool)))
    # then
    assert final[ENSEMBLE].tolist() == [[10.0, 10.0]]


def test_last_years_ramp_of_the_panel_leaves_out_the_unusual_days():
    # given: two years of a flat total of 10 a day, 50 on China's public holidays and weekend working days
    dates = _days("2024-10-01", 731)  # .. 2026-09-30
    y = np.full((1, len(dates)), 10.0)
    y[:, unusual_days(dates, "CN")] = 50.0
    panel = _panel(y, "2024-10-01")
    span = history_span(panel)
    origins = [len(dates) - 28, len(dates)]
    # when
    with_calendar = panel_ramps(panel, span, origins, 28, "CN")
    without = panel_ramps(panel, span, origins, 28, None)
    # then: no growth but the holidays'; last year's National Day week (from 2025-10-01) lifts the plain ramp
    assert with_calendar == pytest.approx(np.ones((2, 28)))
    assert without.max() > 1.5
