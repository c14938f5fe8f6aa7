"""Fact imports commit chunk by chunk: a run that stops after chunk k leaves exactly k chunks and says so, a retry
resumes after them with exact counts (in-file duplicates of earlier rows still found, updates still audited), and
a run overtaken by another run of the same batch stops without touching it."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from opsdesk.imports.models import ImportBatch
from opsdesk.imports.pipeline import Progress
from opsdesk.imports.services import import_batch_configure, import_run
from opsdesk.imports.upsert import Upserter
from opsdesk.sales.models import SkuDaySales

HEADER = "门店编号,商品编码,日期,数量,单价\n"
# 14 rows in chunks of 4: rows 1-3 overlap the first file (2 changed, 1 the same), row 4 has an unknown store,
# row 10 repeats row 5's key (a duplicate found only if the rows before the resume point are known).
ROWS = [
    "S1,P1,2024-05-01,5,2",
    "S1,P1,2024-05-02,1,2",
    "S1,P1,2024-05-03,7,2",
    "S9,P1,2024-05-04,1,2",
    *(f"S1,P2,2024-05-{day:02d},{day},2" for day in range(1, 6)),
    "S1,P2,2024-05-01,9,2",
    *(f"S2,P3,2024-05-{day:02d},{day},2" for day in range(1, 5)),
]


@pytest.fixture
def overlapping(chain, write_file, settings):
    """The first file (P1 on May 1-3, quantity 1) imported, and the second file written; chunks of 4 rows."""
    settings.IMPORT_CHUNK_ROWS = 4
    first = write_file("first.csv", (HEADER + "".join(f"S1,P1,2024-05-0{day},1,2\n" for day in (1, 2, 3))).encode())
    _run(chain, first)
    return write_file("second.csv", (HEADER + "\n".join(ROWS) + "\n").encode())


def _run(chain, path) -> ImportBatch:
    return import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path)


def _crash_on_write(monkeypatch, call: int) -> None:
    """Upserter.write raises on its `call`-th call (inside that chunk's transaction)."""
    original, calls = Upserter.write, []

    def write(self, rows, **options):
        calls.append(1)
        if len(calls) == call:
            raise RuntimeError("simulated crash")
        return original(self, rows, **options)

    monkeypatch.setattr(Upserter, "write", write)


def _counts(batch) -> tuple:
    return (
        batch.status,
        batch.rows_read,
        batch.rows_committed,
        batch.rows_inserted,
        batch.rows_updated,
        batch.rows_unchanged,
        batch.rows_quarantined,
        batch.rows_skipped_duplicates,
        batch.rows_invalid,
    )


def test_crash_after_chunk_two_leaves_two_chunks_and_the_retry_resumes_exactly(chain, overlapping, monkeypatch):
    # given: the third chunk's write fails
    _crash_on_write(monkeypatch, 3)
    # when
    failed = _run(chain, overlapping)
    # then: chunks 1 and 2 (rows 1-8) are in, recorded on the batch, and the message says where a retry resumes
    assert _counts(failed) == ("failed", 8, 7, 4, 2, 1, 1, 0, 1)
    assert failed.message == "导入失败：simulated crash 已处理 8 行，其中 7 行已写入；重试将从此处继续。"
    assert SkuDaySales.objects.count() == 3 + 4
    # when: the same file is imported again without the fault
    monkeypatch.undo()
    batch = _run(chain, overlapping)
    # then: the same batch completed, every count exact, no row twice
    assert batch.pk == failed.pk
    assert ImportBatch.objects.count() == 2
    assert _counts(batch) == ("committed", 14, 12, 9, 2, 1, 1, 1, 1)
    assert batch.message == ""
    assert SkuDaySales.objects.count() == 3 + 9
    assert SkuDaySales.objects.get(product__sku="P2", date="2024-05-01").quantity == Decimal("1.000")
    assert list(batch.quarantine.order_by("row_number").values_list("row_number", "kind")) == [
        (5, "error"),
        (11, "duplicate"),
    ]
    audit = LogEntry.objects.filter(additional_data__import_batch_id=batch.pk).order_by("object_id")
    assert [entry.changes["quantity"] for entry in audit] == [["1.000", "5.000"], ["1.000", "7.000"]]


def test_run_overtaken_by_another_run_of_the_batch_stops_and_leaves_it(chain, overlapping, monkeypatch):
    # given: once this run has committed its first chunk, another run of the batch commits the second one first
    original = Progress.update

    def update(self, counts, position, phase):
        if counts.rows_read == 4:
            ImportBatch.objects.filter(status="running").update(rows_read=8, rows_committed=7)
        original(self, counts, position, phase)

    monkeypatch.setattr(Progress, "update", update)
    # when
    batch = _run(chain, overlapping)
    # then: this run's second chunk rolled back, and the batch is left running with the other run's counts
    assert (batch.status, batch.rows_read, batch.rows_committed, batch.message) == ("running", 8, 7, "")
    assert SkuDaySales.objects.count() == 3


def test_mapping_of_a_batch_with_committed_chunks_cannot_change(chain, overlapping, monkeypatch):
    # given: a batch that failed after two chunks
    _crash_on_write(monkeypatch, 3)
    failed = _run(chain, overlapping)
    # when / then
    with pytest.raises(ValidationError, match="该批次已按原映射写入 7 行"):
        import_batch_configure(
            actor=None,
            batch=failed,
            defaults={"unit_price": "3"},
            mapping={name: column for name, column in failed.mapping.items() if name != "unit_price"},
        )
    assert ImportBatch.objects.get(pk=failed.pk).status == "failed"
