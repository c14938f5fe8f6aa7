"""Hypothesis properties: the row-accounting identity, and idempotency (import, import again, same database)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsdesk.imports.services import import_run
from opsdesk.sales.models import SkuDaySales

STORES = st.sampled_from(["S1", "S2", "S9", ""])
SKUS = st.sampled_from(["P1", "P2", "POST", "X"])
DATES = st.sampled_from(["2024-05-01", "2024/5/2", "20240503", "45417", "1999-01-01", "bad"])
QUANTITIES = st.sampled_from(["1", "2.5", "-3", "0", "1,000", "x", ""])
PRICES = st.sampled_from(["2", "¥3.5", "0", "-1", ""])
ROWS = st.lists(st.tuples(STORES, SKUS, DATES, QUANTITIES, PRICES), min_size=1, max_size=25)
PROPERTY = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@PROPERTY
@given(rows=ROWS)
def test_rows_read_equal_committed_plus_quarantined_plus_duplicates(chain, write_file, rows):
    # given
    path = write_file("sales.csv", [["门店编号", "商品编码", "日期", "数量", "单价"], *map(list, rows)])
    before = SkuDaySales.objects.count()
    # when
    batch = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    # then
    assert batch.rows_read == len(rows)
    assert batch.rows_read == batch.rows_committed + batch.rows_quarantined + batch.rows_skipped_duplicates
    assert batch.quarantine.count() == batch.rows_quarantined + batch.rows_skipped_duplicates
    assert SkuDaySales.objects.count() - before <= batch.rows_committed


@PROPERTY
@given(rows=ROWS, extra=st.sampled_from(["1", "2"]))
def test_importing_again_changes_nothing(chain, write_file, rows, extra):
    # given: a file imported once
    path = write_file("sales.csv", [["门店编号", "商品编码", "日期", "数量", "单价"], *map(list, rows)])
    import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    snapshot = sorted(SkuDaySales.objects.values_list("store_id", "product_id", "date", "quantity", "revenue"))
    # when: the same file again, and the same rows in a different file (a new SHA-256)
    again = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)
    copy = write_file(
        "copy.csv", [["门店编号", "商品编码", "日期", "数量", "单价"], *map(list, rows), ["S9", "P1", "", extra, ""]]
    )
    overlapping = import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=copy)
    # then
    assert again.status == "duplicate"
    assert overlapping.status == "committed"
    assert sorted(SkuDaySales.objects.values_list("store_id", "product_id", "date", "quantity", "revenue")) == snapshot


@settings(max_examples=50, deadline=None)
@given(chunks=st.lists(st.lists(st.integers(-50, 50), max_size=40), max_size=12))
def test_key_set_flags_exactly_the_keys_seen_before(chunks):
    # given
    import numpy as np

    from opsdesk.imports.validation import KeySet

    key_set, seen, flagged, expected = KeySet(), set(), [], []
    # when
    for chunk in chunks:
        flagged += key_set.add(np.array(chunk, dtype=np.int64)).tolist()
        for key in chunk:
            expected.append(key in seen)
            seen.add(key)
    # then
    assert flagged == expected
