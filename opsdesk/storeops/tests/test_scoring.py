"""Scoring golden values (hand-computed; exact Decimal, rounded half-up to 0.1) and properties."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from opsdesk.storeops.scoring import AnswerValue, ItemSpec, is_answered, item_fails, score_run

D = Decimal
A = ItemSpec(id=1, kind="pass_fail", weight=D(2))
B = ItemSpec(id=2, kind="score", weight=D(1), pass_score=3)
C = ItemSpec(id=3, kind="number", weight=D(1), min_value=D(0), max_value=D(5))
CRIT = ItemSpec(id=4, kind="pass_fail", weight=D(1), is_critical=True)
NOTE = ItemSpec(id=5, kind="note", weight=D(0))
ITEMS = [A, B, C, CRIT, NOTE]


def test_weighted_score_with_a_failed_number():
    # given: A pass (2 of 2), B 4/5 (0.75 of 1), C 7 outside [0, 5] (0 of 1), critical pass (1 of 1)
    answers = {1: AnswerValue(is_pass=True), 2: AnswerValue(score=4), 3: AnswerValue(number=D(7)),
               4: AnswerValue(is_pass=True)}
    # when
    result = score_run(ITEMS, answers, D(80))
    # then: 3.75 / 5 = 75.0 %
    assert result.score == D("75.0")
    assert result.earned_weight == D("3.75")
    assert result.possible_weight == D(5)
    assert result.failed_item_ids == (3,)
    assert result.is_passed is False
    assert result.has_critical_failure is False


def test_critical_failure_fails_a_high_score():
    # given: everything perfect except the critical item (weight 1 of 5)
    answers = {1: AnswerValue(is_pass=True), 2: AnswerValue(score=5), 3: AnswerValue(number=D(3)),
               4: AnswerValue(is_pass=False)}
    # when
    result = score_run(ITEMS, answers, D(80))
    # then: 4 / 5 = 80.0 would pass the threshold, but the critical item fails the run
    assert result.score == D("80.0")
    assert result.has_critical_failure is True
    assert result.is_passed is False
    assert result.failed_item_ids == (4,)


def test_not_applicable_leaves_the_denominator():
    # given: A not applicable; B 3/5 (0.5), C inside, critical pass
    answers = {1: AnswerValue(is_not_applicable=True), 2: AnswerValue(score=3), 3: AnswerValue(number=D(5)),
               4: AnswerValue(is_pass=True)}
    # when
    result = score_run(ITEMS, answers, D(80))
    # then: 2.5 / 3 = 83.333... -> 83.3, passes
    assert result.score == D("83.3")
    assert result.is_passed is True
    assert result.failed_item_ids == ()


def test_rounding_is_half_up():
    # given: score 4 with weight 3 (2.25) and a pass with weight 1 -> 3.25 / 4 = 81.25 %
    items = [ItemSpec(id=1, kind="score", weight=D(3)), ItemSpec(id=2, kind="pass_fail", weight=D(1))]
    answers = {1: AnswerValue(score=4), 2: AnswerValue(is_pass=True)}
    # when
    result = score_run(items, answers, D("81.3"))
    # then: half-up gives 81.3 (banker's rounding would give 81.2)
    assert result.score == D("81.3")
    assert result.is_passed is True


def test_choice_and_photo_items():
    # given
    choice = ItemSpec(id=1, kind="choice", weight=D(1), options=(("无", True), ("严重", False)))
    photo = ItemSpec(id=2, kind="photo", weight=D(1))
    # when
    bad = score_run([choice, photo], {1: AnswerValue(choice="严重"), 2: AnswerValue(photo_count=1)}, D(50))
    good = score_run([choice, photo], {1: AnswerValue(choice="无"), 2: AnswerValue(photo_count=2)}, D(50))
    # then
    assert (bad.score, bad.failed_item_ids, bad.is_passed) == (D("50.0"), (1,), True)
    assert (good.score, good.failed_item_ids) == (D("100.0"), ())
    assert is_answered(photo, AnswerValue()) is False
    assert is_answered(NOTE, None) is True


def test_score_below_pass_score_fails_the_item():
    # given / when / then: pass score 3 -> 2 fails, 3 passes
    assert item_fails(B, AnswerValue(score=2)) is True
    assert item_fails(B, AnswerValue(score=3)) is False
    assert item_fails(B, None) is False


def test_nothing_weighted_scores_100():
    # given / when
    result = score_run([NOTE], {}, D(80))
    # then
    assert (result.score, result.is_passed) == (D("100.0"), True)


@given(
    st.lists(
        st.tuples(st.sampled_from(["pass_fail", "score", "number"]), st.integers(0, 5), st.booleans(),
                  st.integers(1, 5), st.booleans()),
        min_size=1, max_size=12,
    )
)
def test_score_is_between_0_and_100_and_passing_means_no_critical_failure(rows):
    # given: random items and answers
    items, answers = [], {}
    for index, (kind, weight, critical, value, flag) in enumerate(rows):
        items.append(ItemSpec(id=index, kind=kind, weight=D(weight), is_critical=critical, min_value=D(0),
                              max_value=D(3)))
        answers[index] = AnswerValue(is_pass=flag, score=value, number=D(value))
    # when
    result = score_run(items, answers, D(80))
    # then
    assert D(0) <= result.score <= D(100)
    assert not (result.is_passed and result.has_critical_failure)
    assert set(result.failed_item_ids) <= {item.id for item in items}
