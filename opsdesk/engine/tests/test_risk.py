"""Golden values of risk scoring: score, level bands, residual after controls, KRI status and proposals."""

import pytest

from opsdesk.engine import risk


@pytest.mark.parametrize(("likelihood", "impact", "expected"), [(1, 1, 1), (3, 4, 12), (5, 5, 25)])
def test_score_is_likelihood_times_impact(likelihood, impact, expected):
    assert risk.score(likelihood, impact) == expected


@pytest.mark.parametrize(("value", "expected"), [(1, "low"), (4, "low"), (5, "medium"), (9, "medium"),
                                                 (10, "high"), (16, "high"), (17, "critical"), (25, "critical")])
def test_default_bands(value, expected):
    assert risk.level(value) == expected


def test_custom_bands_move_the_levels():
    assert [risk.level(v, (4, 8, 15)) for v in (3, 4, 8, 14, 15)] == ["low", "medium", "high", "high", "critical"]


def test_residual_takes_preventive_steps_off_likelihood_and_mitigating_off_impact():
    controls = [risk.Control("preventive", "partial"), risk.Control("mitigating", "effective")]
    assert risk.residual(4, 5, controls) == risk.Residual(3, 3, 9, 1, 2)


def test_residual_reduction_is_capped_at_two_levels_and_never_below_one():
    controls = [risk.Control("preventive", "effective")] * 3
    assert risk.residual(4, 3, controls) == risk.Residual(2, 3, 6, 2, 0)
    assert risk.residual(2, 1, controls) == risk.Residual(1, 1, 1, 1, 0)


def test_ineffective_controls_change_nothing():
    assert risk.residual(3, 3, [risk.Control("preventive", "none")]) == risk.Residual(3, 3, 9, 0, 0)


@pytest.mark.parametrize(("value", "expected"), [(90.0, "green"), (80.0, "green"), (79.9, "amber"), (70.0, "amber"),
                                                 (69.9, "red"), (None, "unknown")])
def test_kri_status_for_a_higher_is_better_kpi(value, expected):
    assert risk.kri_status(value, amber=80.0, red=70.0, direction="higher") == expected


@pytest.mark.parametrize(("value", "expected"), [(2.0, "green"), (3.0, "green"), (3.1, "amber"), (6.1, "red")])
def test_kri_status_for_a_lower_is_better_kpi(value, expected):
    assert risk.kri_status(value, amber=3.0, red=6.0, direction="lower") == expected


def test_thresholds_in_the_wrong_order_are_refused():
    with pytest.raises(ValueError, match="red threshold"):
        risk.kri_status(1.0, amber=70.0, red=80.0, direction="higher")


@pytest.mark.parametrize(("current", "status", "expected"), [(2, "amber", 3), (2, "red", 4), (4, "red", 5),
                                                             (3, "green", 3), (3, "unknown", 3)])
def test_proposed_likelihood(current, status, expected):
    assert risk.proposed_likelihood(current, status) == expected


def test_levels_outside_one_to_five_are_refused():
    with pytest.raises(ValueError, match="likelihood"):
        risk.score(0, 3)
