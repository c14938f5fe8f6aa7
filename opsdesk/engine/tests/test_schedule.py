"""Project scheduling: golden schedules worked out by hand (lag, leads, milestones, critical path, moving a task with
its dependents, forecast), plus properties (every dependency holds after any move)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opsdesk.engine.schedule import (
    CycleError,
    Link,
    ancestors,
    backward_pass,
    forecast_finish,
    forward_pass,
    last_day,
    move_task,
    schedule,
    topological_order,
)

# The textbook network: A(3) -> B(2, lag 1) -> D(4); A -> C(5) -> D; D -> M (milestone, lag 2).
DURATIONS = [3, 2, 5, 4, 0]
LINKS = [Link(0, 1, 1), Link(0, 2), Link(1, 3), Link(2, 3), Link(3, 4, 2)]


def test_forward_pass_with_lag_and_milestone():
    # given the network above, all starting at day 0
    # when
    starts, finishes = forward_pass(DURATIONS, LINKS)
    # then: B waits for A (finishes day 3, exclusive) plus its 1-day lag; D for C (finish 8); M two days after D
    assert starts == [0, 4, 3, 8, 14]
    assert finishes == [3, 6, 8, 12, 14]
    assert last_day(starts[0], DURATIONS[0]) == 2
    assert last_day(starts[4], DURATIONS[4]) == 14


def test_backward_pass_and_floats():
    # when
    result = schedule(DURATIONS, LINKS)
    # then
    assert result.finish == 14
    assert result.late_start == [0, 6, 3, 8, 14]
    assert result.late_finish == [3, 8, 8, 12, 14]
    assert result.total_float == [0, 2, 0, 0, 0]
    assert result.critical == [True, False, True, True, True]
    assert result.critical_indices() == [0, 2, 3, 4]


def test_lag_can_make_the_other_branch_critical():
    # given B's lag grows from 1 to 4: A(3) +4 -> B(2) finishes day 9 > C's 8
    links = [Link(0, 1, 4), *LINKS[1:]]
    # when
    result = schedule(DURATIONS, links)
    # then
    assert result.early_start == [0, 7, 3, 9, 15]
    assert result.total_float == [0, 0, 1, 0, 0]
    assert result.critical_indices() == [0, 1, 3, 4]


def test_negative_lag_is_a_lead():
    starts, finishes = forward_pass([5, 3], [Link(0, 1, -2)])
    assert starts == [0, 3]
    assert finishes == [5, 6]


def test_floors_delay_a_task_and_its_successors():
    # given C cannot start before day 6 (its planned start)
    starts, _finishes = forward_pass(DURATIONS, LINKS, floors=[0, 0, 6, 0, 0])
    # then
    assert starts == [0, 4, 6, 11, 17]


def test_backward_pass_against_a_later_deadline():
    late_start, late_finish = backward_pass(DURATIONS, LINKS, 20)
    assert late_start == [6, 12, 9, 14, 20]
    assert late_finish == [9, 14, 14, 18, 20]


def test_cycle_is_refused():
    with pytest.raises(CycleError):
        topological_order(3, [Link(0, 1), Link(1, 2), Link(2, 0)])


def test_bad_link_is_refused():
    with pytest.raises(ValueError, match="bad link"):
        forward_pass([1, 1], [Link(0, 0)])


def test_move_later_moves_every_dependent_by_the_same_days():
    # given the early schedule
    starts, _finishes = forward_pass(DURATIONS, LINKS)
    # when A moves 5 days later
    moved = move_task(starts, DURATIONS, LINKS, 0, 5)
    # then everything downstream of A moves 5 days
    assert moved == [5, 9, 8, 13, 19]


def test_move_of_a_task_on_a_branch_pushes_only_what_it_must():
    # given the early schedule (B has 2 days of float)
    starts, _finishes = forward_pass(DURATIONS, LINKS)
    # when B moves 1 day later (into its float): D still waits for C, nothing else moves
    assert move_task(starts, DURATIONS, LINKS, 1, 5) == [0, 5, 3, 8, 14]
    # when B moves 4 days later (2 past its float): D, tight to its predecessors, follows B; M follows D
    assert move_task(starts, DURATIONS, LINKS, 1, 8) == [0, 8, 3, 10, 16]


def test_a_task_with_room_keeps_its_day_unless_pushed():
    # given D planned 3 days after the day its predecessors allow (not tight)
    starts = [0, 4, 3, 11, 17]
    # when A moves 2 days later: B and C follow (tight), D keeps day 11 (C now ends day 10), M stays tight to D
    assert move_task(starts, DURATIONS, LINKS, 0, 2) == [2, 6, 5, 11, 17]
    # when A moves 5 days later: C ends day 13 and pushes D to 13
    assert move_task(starts, DURATIONS, LINKS, 0, 5) == [5, 9, 8, 13, 19]


def test_move_earlier_is_clamped_by_predecessors():
    starts, _finishes = forward_pass(DURATIONS, LINKS)
    # when D is dragged to day 2, before C finishes (day 8)
    moved = move_task(starts, DURATIONS, LINKS, 3, 2)
    # then D and its milestone stay where the predecessors allow
    assert moved == [0, 4, 3, 8, 14]


def test_move_earlier_pulls_dependents_back():
    # given A was planned 4 days late
    starts = [4, 8, 7, 12, 18]
    # when A moves back to day 0
    moved = move_task(starts, DURATIONS, LINKS, 0, 0)
    assert moved == [0, 4, 3, 8, 14]


def test_forecast_finish_of_late_work():
    starts, _finishes = forward_pass(DURATIONS, LINKS)
    # given today is day 7: A done, C 40% done (planned to finish day 8), B not started
    forecast = forecast_finish(starts, DURATIONS, LINKS, done=[True, False, False, False, False],
                               progress=[1.0, 0.0, 0.4, 0.0, 0.0], today=7)
    # then B: max(4 + 2, 7 + 2) = 9; C: max(8, 7 + 3) = 10; D starts 10, ends 14; M 16 (2 days late)
    assert forecast == [3, 9, 10, 14, 16]


def test_ancestors():
    assert ancestors(5, LINKS, 4) == {0, 1, 2, 3}
    assert ancestors(5, LINKS, 0) == set()


def test_template_scheduling_from_offsets():
    # a template: lease (10) -> licence (14, lag 2) and fit-out (21); both -> opening milestone
    result = schedule([10, 14, 21, 0], [Link(0, 1, 2), Link(0, 2), Link(1, 3), Link(2, 3)])
    assert result.early_start == [0, 12, 10, 31]
    assert result.critical_indices() == [0, 2, 3]
    assert result.total_float == [0, 5, 0, 0]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_dependency_holds_after_any_move(data):
    n = data.draw(st.integers(2, 8))
    durations = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=12))
    links = [Link(a, b, data.draw(st.integers(-1, 3))) for a, b in pairs if a < b]
    starts, _finishes = forward_pass(durations, links)
    task = data.draw(st.integers(0, n - 1))
    moved = move_task(starts, durations, links, task, data.draw(st.integers(-5, 20)))
    for link in links:
        assert moved[link.successor] >= moved[link.predecessor] + durations[link.predecessor] + link.lag
    result = schedule(durations, links, floors=moved)
    assert all(value >= 0 for value in result.total_float)
    assert any(result.critical) or n == 0
