"""Supplier scorecards: OTIF golden values (partials, early, late, rejected), empty periods, properties."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.suppliers import ScorecardLines, compute_scorecards, overall_score, standing

NAN = float("nan")


def _lines(**columns) -> ScorecardLines:
    return ScorecardLines(**{name: np.asarray(value, dtype=np.float64 if name not in {"supplier", "period"}
                                              else np.int64) for name, value in columns.items()})


def _golden() -> ScorecardLines:
    # on time in full; partial by due (rest late); early and full; full by due but 2 rejected; nothing received
    return _lines(
        supplier=[0, 0, 0, 0, 1],
        period=[0, 0, 0, 0, 1],
        ordered=[10, 10, 10, 10, 5],
        accepted_by_due=[10, 6, 10, 8, 0],
        accepted=[10, 10, 10, 8, 0],
        rejected=[0, 0, 0, 2, 0],
        lead_days=[3, 5, 1, 4, NAN],
        unit_price=[10, 11, 10, 10, 7],
        contract_price=[10, 10, NAN, 10, NAN],
    )


def test_otif_counts_partials_by_line_and_by_quantity():
    # given
    lines = _golden()
    # when
    card = compute_scorecards(lines, n_suppliers=2, n_periods=2)
    # then: exact to 1e-12
    assert card.lines[0, 0] == 4
    assert card.otif_lines[0, 0] == 2
    assert math.isclose(card.otif_line_rate[0, 0], 0.5, abs_tol=1e-12)
    assert math.isclose(card.otif_quantity_rate[0, 0], 34 / 40, abs_tol=1e-12)
    assert math.isclose(card.fill_rate[0, 0], 38 / 40, abs_tol=1e-12)
    assert math.isclose(card.rejection_rate[0, 0], 2 / 40, abs_tol=1e-12)
    assert math.isclose(card.lead_time_mean[0, 0], 3.25, abs_tol=1e-12)
    assert math.isclose(card.lead_time_std[0, 0], float(np.std([3, 5, 1, 4])), abs_tol=1e-12)
    assert math.isclose(card.price_variance[0, 0], 10 / 300, abs_tol=1e-12)


def test_score_is_the_weighted_sum_and_nothing_received_scores_low():
    # given
    lines = _golden()
    # when
    card = compute_scorecards(lines, n_suppliers=2, n_periods=2)
    # then: 0.35*0.85 + 0.2*0.5 + 0.2*0.95 + 0.15*0.95 + 0.1*(1 - (1/30)/0.1), to 1e-12
    assert math.isclose(card.score[0, 0], 0.2975 + 0.1 + 0.19 + 0.1425 + 0.1 * (1 - (1 / 30) / 0.1), abs_tol=1e-12)
    assert math.isclose(card.score[1, 1], 0.25, abs_tol=1e-12)
    assert card.otif_quantity_rate[1, 1] == 0.0
    assert math.isnan(card.lead_time_mean[1, 1])


def test_empty_periods_do_not_drag_the_score():
    # given
    lines = _golden()
    # when
    card = compute_scorecards(lines, n_suppliers=2, n_periods=2)
    overall = overall_score(card.score, card.lines)
    # then
    assert card.lines[0, 1] == 0
    assert math.isnan(card.score[0, 1])
    assert math.isclose(overall[0], card.score[0, 0], abs_tol=1e-12)
    assert standing(overall[0]) == "acceptable"
    assert standing(overall[1]) == "blocked"
    assert standing(NAN) == ""


def test_complaints_lower_the_score():
    # given: one complaint on 4 lines costs 0.1 * 1/4
    lines = _golden()
    complaints = np.array([[1.0, 0.0], [0.0, 0.0]])
    # when
    plain = compute_scorecards(lines, 2, 2)
    card = compute_scorecards(lines, 2, 2, complaints=complaints)
    # then
    assert math.isclose(plain.score[0, 0] - card.score[0, 0], 0.025, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 60), st.integers(0, 60), st.integers(0, 3)),
                min_size=1, max_size=40))
def test_rates_are_fractions_and_otif_never_exceeds_fill(rows):
    # given: ordered, accepted by due, accepted later, supplier
    ordered = np.array([r[0] for r in rows], dtype=float)
    by_due = np.minimum(np.array([r[1] for r in rows], dtype=float), 2 * ordered)
    accepted = by_due + np.array([r[2] for r in rows], dtype=float)
    lines = ScorecardLines(np.array([r[3] for r in rows]), np.zeros(len(rows), dtype=int), ordered, by_due,
                           accepted, np.zeros(len(rows)), np.ones(len(rows)), np.ones(len(rows)),
                           np.ones(len(rows)))
    # when
    card = compute_scorecards(lines, 4, 1)
    # then
    has = card.lines > 0
    assert card.lines.sum() == len(rows)
    assert np.all((card.otif_quantity_rate[has] >= 0) & (card.otif_quantity_rate[has] <= 1))
    assert np.all(card.otif_quantity_rate[has] <= card.fill_rate[has] + 1e-12)
    assert np.all((card.otif_line_rate[has] >= 0) & (card.otif_line_rate[has] <= 1))
    assert np.all((card.score[has] >= 0) & (card.score[has] <= 1))
