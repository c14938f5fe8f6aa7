"""Appraisal scoring (opsdesk.engine.appraisal) against hand-computed golden values."""

from __future__ import annotations

import pytest

from opsdesk.engine.appraisal import (
    CalibrationRow,
    calibration_outliers,
    kpi_points,
    overall_score,
    proposed_rating,
    rating_points,
    weighted_mean,
)


@pytest.mark.parametrize(("value", "expected"), [
    (50.0, 0.0),  # below the threshold
    (60.0, 0.0),  # at the threshold
    (70.0, 40.0),  # half-way to the target: 80 x 10/20
    (80.0, 80.0),  # the target
    (87.5, 90.0),  # half-way to the stretch: 80 + 20 x 7.5/15
    (95.0, 100.0),
    (120.0, 100.0),  # capped
])
def test_linear_points_of_a_higher_is_better_kpi(value, expected):
    # given: threshold 60, target 80, stretch 95
    # when
    points = kpi_points(value, threshold=60, target=80, stretch=95)
    # then
    assert points == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("value", "expected"), [(6.0, 0.0), (5.0, 0.0), (3.5, 40.0), (2.0, 80.0), (1.5, 90.0),
                                                 (1.0, 100.0), (0.0, 100.0)])
def test_linear_points_of_a_lower_is_better_kpi(value, expected):
    # given: a stockout rate with threshold 5 %, target 2 %, stretch 1 %
    # when
    points = kpi_points(value, threshold=5, target=2, stretch=1, higher_is_better=False)
    # then: 3.5 is half-way from 5 to 2 -> 40 points; 1.5 half-way from 2 to 1 -> 90
    assert points == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("value", "expected"), [(59.9, 0.0), (60.0, 60.0), (79.9, 60.0), (80.0, 80.0), (94.9, 80.0),
                                                 (95.0, 100.0)])
def test_step_points(value, expected):
    assert kpi_points(value, threshold=60, target=80, stretch=95, rule="step") == expected


def test_a_target_equal_to_the_stretch_gives_full_points_at_the_target():
    assert kpi_points(100.0, threshold=80, target=100, stretch=100) == 100.0


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="rule"):
        kpi_points(1.0, threshold=0, target=1, stretch=2, rule="exponential")


def test_rating_points_run_from_0_to_100():
    assert [rating_points(rating) for rating in (1, 2, 3, 4, 5)] == [0.0, 25.0, 50.0, 75.0, 100.0]
    with pytest.raises(ValueError, match="1-5"):
        rating_points(6)


def test_weighted_mean_renormalises_over_the_measured_items():
    # given: weights 50/30/20, the second KPI not measured
    scores, weights = [90.0, None, 40.0], [50, 30, 20]
    # when
    value = weighted_mean(scores, weights)
    # then: (90 x 50 + 40 x 20) / 70
    assert value == pytest.approx((90 * 50 + 40 * 20) / 70, abs=1e-12)
    assert weighted_mean([None, None], [50, 50]) is None


def test_overall_score_weighs_kpis_and_competencies_by_the_share():
    assert overall_score(70.0, 65.0, 60) == pytest.approx(0.6 * 70 + 0.4 * 65, abs=1e-12)
    assert overall_score(None, 65.0, 60) == 65.0  # the competencies alone
    assert overall_score(70.0, None, 60) == 70.0
    assert overall_score(None, None, 60) is None


@pytest.mark.parametrize(("score", "rating"), [(100, 5), (90, 5), (89.9, 4), (75, 4), (74.9, 3), (60, 3), (59.9, 2),
                                               (40, 2), (39.9, 1), (0, 1), (None, None)])
def test_proposed_rating_bands(score, rating):
    assert proposed_rating(score) == rating


def test_calibration_outliers_flag_kpi_gaps_and_lenient_managers():
    # given: manager 1 rates 5, 5, 5; manager 2 rates 2, 3, 2; one rating far from its KPI score
    rows = [CalibrationRow(1, 1, 5, 85.0), CalibrationRow(2, 1, 5, 95.0), CalibrationRow(3, 1, 5, 30.0),
            CalibrationRow(4, 2, 2, 45.0), CalibrationRow(5, 2, 3, 62.0), CalibrationRow(6, 2, 2, None),
            CalibrationRow(7, None, None, 50.0)]
    # when
    outliers = calibration_outliers(rows)
    # then: mean rating 22/6 = 3.667; manager 1 averages 5 (+1.333), manager 2 averages 2.333 (-1.333);
    # row 3 is rated 5 with a KPI score worth 1 (gap 4)
    assert [(o.key, o.reason, o.gap) for o in outliers] == [
        (3, "kpi_gap", 4.0),
        (1, "manager", 1.33), (2, "manager", 1.33), (3, "manager", 1.33),
        (4, "manager", -1.33), (5, "manager", -1.33), (6, "manager", -1.33),
    ]
