"""Golden values of the readiness score (computed by hand in the comments; exact to 1e-9 for the parts)."""

from datetime import date

import pytest

from opsdesk.engine.readiness import (
    DEFAULT_WEIGHTS,
    months_between,
    ratings_part,
    readiness_score,
    skills_part,
    time_part,
    trainings_part,
)


def test_default_weights_sum_to_100():
    assert sum(DEFAULT_WEIGHTS.values()) == 100.0


def test_mixed_case_golden():
    # given: skills (2+4)/(3+4) = 6/7; trainings 1/2; ratings 0.6*4 + 0.4*3 = 3.6 -> 2.6/4 = 0.65; time 9/12
    # when
    result = readiness_score(required_levels=[3, 4], assessed_levels=[2, 4], trainings_required=2,
                             trainings_attended=1, ratings=[4, 3], months_in_role=9, min_months_in_role=12)
    # then: 40*6/7 + 20*0.5 + 25*0.65 + 15*0.75 = 34.285714 + 10 + 16.25 + 11.25 = 71.785714
    assert [part.name for part in result.parts] == ["skills", "trainings", "ratings", "time"]
    assert result.part("skills").value == pytest.approx(6 / 7, abs=1e-12)
    assert result.part("skills").points == pytest.approx(240 / 7, abs=1e-9)
    assert result.part("trainings").points == pytest.approx(10.0, abs=1e-12)
    assert result.part("ratings").value == pytest.approx(0.65, abs=1e-12)
    assert result.part("time").points == pytest.approx(11.25, abs=1e-12)
    assert result.score == 71.8
    assert result.band == "ready_in_year"
    assert result.ratings_missing is False


def test_everything_met_is_100_ready_now():
    result = readiness_score(required_levels=[2], assessed_levels=[5], ratings=[5], months_in_role=30,
                             min_months_in_role=24)
    assert result.score == 100.0
    assert result.band == "ready_now"


def test_nothing_met_and_no_ratings_is_neutral_ratings_only():
    # skills 0, trainings 0/3, ratings neutral 0.5 -> 12.5 points, time unknown -> 0
    result = readiness_score(required_levels=[3, 3, 3], assessed_levels=[0, 0, 0], trainings_required=3,
                             trainings_attended=0, ratings=[], months_in_role=None, min_months_in_role=12)
    assert result.score == 12.5
    assert result.band == "not_yet"
    assert result.ratings_missing is True
    assert result.part("ratings").points == 12.5


def test_band_boundary_80_is_ready_now():
    # 40 + 20 + 25*0.5 (rating 3) + 15*6/12 = 80.0
    result = readiness_score(required_levels=[3], assessed_levels=[3], ratings=[3], months_in_role=6,
                             min_months_in_role=12)
    assert result.score == 80.0
    assert result.band == "ready_now"


def test_band_boundary_60_is_ready_in_year():
    # skills 0.5 -> 20, trainings 1 -> 20, ratings [1] -> 0, time 12/12 -> 15: 55 -> not yet; with rating 3: 67.5
    assert readiness_score(required_levels=[4], assessed_levels=[2], ratings=[1], months_in_role=12,
                           min_months_in_role=12).band == "not_yet"
    result = readiness_score(required_levels=[4], assessed_levels=[2], ratings=[3], months_in_role=12,
                             min_months_in_role=12)
    assert result.score == 67.5
    assert result.band == "ready_in_year"


def test_top_of_ladder_band():
    result = readiness_score(required_levels=[], assessed_levels=[], has_next_position=False, ratings=[4],
                             months_in_role=3, min_months_in_role=12)
    # skills 1 (nothing required) 40 + trainings 20 + 25*0.75 + 15*0.25 = 82.5
    assert result.score == 82.5
    assert result.band == "top"


def test_custom_weights_are_normalised():
    result = readiness_score(required_levels=[3, 4], assessed_levels=[2, 4], trainings_required=2,
                             trainings_attended=1, ratings=[4, 3], months_in_role=9, min_months_in_role=12,
                             weights={"skills": 1, "trainings": 1, "ratings": 1, "time": 1})
    # (6/7 + 0.5 + 0.65 + 0.75) / 4 * 100 = 68.92857
    assert result.score == 68.9


def test_weighted_skills_and_over_qualified_levels():
    # (2*3 + 1*2) / (2*4 + 1*2) = 0.8; a level above the requirement earns nothing extra
    assert skills_part([4, 2], [3, 5], [2, 1]) == pytest.approx(0.8, abs=1e-12)
    assert skills_part([], []) == 1.0


def test_part_helpers():
    assert trainings_part(0, 0) == 1.0
    assert trainings_part(2, 3) == 1.0
    assert ratings_part([5, 1, 1]) == (pytest.approx(0.6, abs=1e-12), False)  # 0.6*5 + 0.4*1 = 3.4 -> 2.4/4
    assert ratings_part([2]) == (0.25, False)
    assert time_part(5, 0) == 1.0
    assert time_part(30, 12) == 1.0


def test_months_between():
    assert months_between(date(2024, 1, 15), date(2025, 1, 15)) == 12
    assert months_between(date(2024, 1, 15), date(2025, 1, 14)) == 11
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 0
    assert months_between(date(2025, 1, 1), date(2024, 1, 1)) == 0


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="same length"):
        skills_part([1, 2], [1])
    with pytest.raises(ValueError, match="between 1 and 5"):
        ratings_part([6])
    with pytest.raises(ValueError, match="weights"):
        readiness_score(required_levels=[], assessed_levels=[], weights={"skills": 1})
