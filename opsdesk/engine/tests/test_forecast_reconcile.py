"""Reconciliation of store x SKU forecasts with store totals."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from opsdesk.engine.forecast import reconcile

PARENT = np.array([0, 0, 1, 1, 1])
BOTTOM = np.array([[1.0, 2.0], [3.0, 2.0], [1.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
TOP = np.array([[8.0, 8.0], [4.0, 3.0]])


def test_top_down_scales_children_proportionally_and_splits_zero_families_equally():
    # when
    bottom, top = reconcile(BOTTOM, TOP, PARENT, method="top_down")
    # then
    np.testing.assert_allclose(bottom, [[2, 4], [6, 4], [1, 1], [1, 1], [2, 1]])
    np.testing.assert_array_equal(top, TOP)


def test_bottom_up_sums_children():
    # when
    bottom, top = reconcile(BOTTOM, TOP, PARENT, method="bottom_up")
    # then
    np.testing.assert_array_equal(bottom, BOTTOM)
    np.testing.assert_array_equal(top, [[4, 4], [4, 0]])


def test_wls_shares_the_gap_by_variance():
    # given store 0 has gap 4 on day 0; variances: children 1 and 3, store 4 (total 8)
    # when
    bottom, top = reconcile(BOTTOM, TOP, PARENT, method="wls", bottom_variance=np.array([1.0, 3.0, 1, 1, 1]),
                            top_variance=np.array([4.0, 1.0]))
    # then: child 0 gets 1/8 of the gap, child 1 3/8, the store gives back 4/8
    np.testing.assert_allclose(bottom[:2, 0], [1.5, 4.5])
    np.testing.assert_allclose(top[0, 0], 6.0)


def test_unknown_method_is_rejected():
    with pytest.raises(ValueError, match="method"):
        reconcile(BOTTOM, TOP, PARENT, method="magic")


@settings(max_examples=50, deadline=None)
@given(bottom=arrays(np.float64, (6, 3), elements=st.floats(0, 1e4)),
       top=arrays(np.float64, (2, 3), elements=st.floats(0, 1e4)),
       variance=arrays(np.float64, 8, elements=st.floats(0.01, 100)),
       method=st.sampled_from(["top_down", "bottom_up", "wls"]))
def test_reconciled_children_sum_to_their_store_and_stay_non_negative(bottom, top, variance, method):
    # given
    parent = np.array([0, 0, 0, 1, 1, 1])
    # when
    new_bottom, new_top = reconcile(bottom, top, parent, method=method, bottom_variance=variance[:6],
                                    top_variance=variance[6:])
    # then
    sums = np.stack([new_bottom[parent == j].sum(0) for j in range(2)])
    np.testing.assert_allclose(sums, new_top, rtol=1e-9, atol=1e-6)
    assert (new_bottom >= 0).all()
