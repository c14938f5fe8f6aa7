"""Hardening of rows: mixed encodings are quarantined row by row, numbers are written as people write them,
committed rows are split into inserted / updated / unchanged (previous values in the audit trail), and the
retention job deletes stored files of refused, failed and abandoned batches."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import override_settings

from opsdesk.core import scheduler
from opsdesk.imports.cli import print_report
from opsdesk.imports.jobs import purge_expired_import_files
from opsdesk.imports.models import ImportBatch
from opsdesk.imports.parsing import CellError, parse_integer, parse_number
from opsdesk.imports.services import import_batch_create, import_file_store_path, import_files_purge, import_run
from opsdesk.imports.sources import open_source
from opsdesk.sales.models import SkuDaySales

HEADER = "门店编号,商品编码,日期,数量,单价,备注\n"


def _run(chain, path, **options) -> ImportBatch:
    return import_run(actor=None, company=chain["company"], kind="sku_day_sales", path=path, **options)


def _quarantine(batch) -> list[tuple[int, str]]:
    return list(batch.quarantine.order_by("row_number").values_list("row_number", "reason"))


# ---------------------------------------------------------------- encodings


def test_gbk_file_with_two_utf8_rows_quarantines_exactly_those_rows(chain, write_file):
    # given: a GBK export with two rows pasted from a UTF-8 source (rows 4 and 7)
    lines = [f"S1,P1,2024-05-{day:02d},1,2,门店备注{day}\n" for day in range(1, 9)]
    encoded = [HEADER.encode("gbk")] + [line.encode("gbk") for line in lines]
    encoded[3] = lines[2].encode("utf-8")
    encoded[6] = lines[5].encode("utf-8")
    content = b"".join(encoded)
    path = write_file("gbk.csv", content)
    first_byte = len(b"".join(encoded[:3])) + len(b"S1,P1,2024-05-03,1,2,")
    second_byte = len(b"".join(encoded[:6])) + len(b"S1,P1,2024-05-06,1,2,")
    # when
    batch = _run(chain, path)
    # then
    assert (batch.status, batch.encoding, batch.rows_read, batch.rows_committed) == ("committed", "gb18030", 8, 6)
    assert _quarantine(batch) == [
        (4, f"不是有效的 gb18030 编码（文件第 {first_byte} 字节），该行是 UTF-8"),
        (7, f"不是有效的 gb18030 编码（文件第 {second_byte} 字节），该行是 UTF-8"),
    ]
    assert sorted(SkuDaySales.objects.values_list("date__day", flat=True)) == [1, 2, 4, 5, 7, 8]


def test_utf8_file_with_a_gbk_row_quarantines_that_row_with_its_exact_number(chain, write_file):
    # given: 300 UTF-8 rows, row 201 (the 200th data row) in GBK, past the encoding sample
    lines = [f"S1,P1,{(datetime(2024, 1, 1) + timedelta(days=n)).date()},1,2,备注\n" for n in range(300)]
    encoded = [HEADER.encode()] + [line.encode() for line in lines]
    encoded[200] = lines[199].encode("gbk")
    path = write_file("utf8.csv", b"".join(encoded))
    byte = len(b"".join(encoded[:200])) + len(lines[199].split("备注")[0].encode())
    # when
    batch = _run(chain, path)
    # then
    assert (batch.status, batch.encoding, batch.rows_read, batch.rows_committed) == ("committed", "utf-8", 300, 299)
    assert _quarantine(batch) == [(201, f"不是有效的 utf-8 编码（文件第 {byte} 字节）")]


def test_header_that_does_not_decode_refuses_the_file(chain, write_file):
    # given
    path = write_file("header.csv", HEADER.encode("gbk") + "S1,P1,2024-05-01,1,2,备注\n".encode("gbk"))
    stored = import_file_store_path(company=chain["company"], path=path)
    # when / then
    with pytest.raises(ValidationError, match=r"^\['header\.csv: 表头不是有效的 utf-8 编码（文件第 0 字节）"):
        import_batch_create(
            actor=None, company=chain["company"], kind="sku_day_sales", import_file=stored, encoding="utf-8"
        )


def test_undecodable_row_is_reported_by_the_source_with_replacement_characters(tmp_path):
    # given
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"a,b\n" + "x,好\n".encode("gbk") + b"y,z\n")
    # when
    with open_source(path, "utf-8") as source:
        rows = [(number, list(cells), getattr(cells, "reason", "")) for number, cells in source.rows]
    # then
    assert rows == [(2, ["x", "\ufffd\ufffd"], "不是有效的 utf-8 编码（文件第 6 字节）"), (3, ["y", "z"], "")]


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize("text", ["1e3", "1E3", "1_000", "1e3元", "2.5e-1"])
def test_numbers_in_exponent_or_underscore_notation_are_refused(text):
    with pytest.raises(CellError) as caught:
        parse_number(text)
    assert str(caught.value) == "不是常规写法的数字（不接受科学计数法如 1e3 或下划线如 1_000）"


@pytest.mark.parametrize("text", ["inf", "nan", "-infinity", "1,0000", "0x10"])
def test_words_and_malformed_groups_are_not_numbers(text):
    with pytest.raises(CellError) as caught:
        parse_number(text)
    assert str(caught.value) == "不是有效数字"


@pytest.mark.parametrize(
    ("text", "number"),
    [("1,000", 1000.0), ("-1,234.50", -1234.5), ("(12.00)", -12.0), ("¥88", 88.0), (".5", 0.5), ("12.", 12.0)],
)
def test_numbers_as_people_write_them_are_read(text, number):
    assert parse_number(text) == number


def test_integer_parser_refuses_exponents_too():
    with pytest.raises(CellError):
        parse_integer("1e3")


def test_exponent_quantity_row_is_quarantined(chain, write_file):
    # given
    path = write_file("n.csv", (HEADER + "S1,P1,2024-05-01,1e3,2,\nS1,P1,2024-05-02,\"1,000\",2,\n").encode())
    # when
    batch = _run(chain, path)
    # then
    assert _quarantine(batch) == [(2, "不是常规写法的数字（不接受科学计数法如 1e3 或下划线如 1_000）")]
    assert list(SkuDaySales.objects.values_list("quantity", flat=True)) == [Decimal("1000.000")]


# ---------------------------------------------------------------- inserted / updated / unchanged


def _counts(batch) -> tuple[int, int, int, int]:
    return batch.rows_committed, batch.rows_inserted, batch.rows_updated, batch.rows_unchanged


def test_crlf_copy_reports_every_row_unchanged_and_writes_no_audit_entry(chain, write_file):
    # given
    rows = [f"S1,P1,2024-05-{day:02d},{day},2.5,\n" for day in range(1, 6)]
    first = write_file("may.csv", (HEADER + "".join(rows)).encode())
    crlf = write_file("may-crlf.csv", (HEADER + "".join(rows)).replace("\n", "\r\n").encode())
    _run(chain, first)
    # when
    batch = _run(chain, crlf)
    # then
    assert batch.status == "committed"
    assert _counts(batch) == (5, 0, 0, 5)
    assert LogEntry.objects.filter(additional_data__import_batch_id=batch.pk).count() == 0


def test_overlapping_file_splits_counts_and_keeps_previous_values_in_the_audit_trail(chain, write_file):
    # given
    first = write_file(
        "may.csv", (HEADER + "S1,P1,2024-05-01,3,2,\nS1,P1,2024-05-02,4,2,\nS1,P2,2024-05-02,1,2,\n").encode()
    )
    overlap = write_file(
        "may2.csv", (HEADER + "S1,P1,2024-05-01,3,2,\nS1,P1,2024-05-02,5,2,\nS1,P1,2024-05-03,6,2,\n").encode()
    )
    initial = _run(chain, first)
    # when
    batch = _run(chain, overlap)
    # then
    assert _counts(initial) == (3, 3, 0, 0)
    assert _counts(batch) == (3, 1, 1, 1)
    changed = SkuDaySales.objects.get(store=chain["stores"]["S1"], product=chain["products"]["P1"], date="2024-05-02")
    entry = LogEntry.objects.get(additional_data__import_batch_id=batch.pk)
    assert (entry.action, entry.object_id, entry.content_type.model) == (
        LogEntry.Action.UPDATE,
        changed.pk,
        "skudaysales",
    )
    assert entry.changes == {"quantity": ["4.000", "5.000"], "revenue": ["8.00", "10.00"]}
    assert entry.additional_data == {
        "company_id": chain["company"].pk,
        "store_id": chain["stores"]["S1"].pk,
        "region_id": chain["regions"]["R1"].pk,
        "import_batch_id": batch.pk,
        "bulk": True,
    }
    assert (changed.quantity, changed.revenue) == (Decimal("5.000"), Decimal("10.00"))


def test_dry_run_counts_what_it_would_change_and_writes_nothing(chain, write_file):
    # given
    _run(chain, write_file("a.csv", (HEADER + "S1,P1,2024-05-01,3,2,\n").encode()))
    path = write_file("b.csv", (HEADER + "S1,P1,2024-05-01,4,2,\nS1,P1,2024-05-02,1,2,\n").encode())
    # when
    batch = _run(chain, path, dry_run=True)
    # then
    assert (batch.status, *_counts(batch)) == ("dry_run", 2, 1, 1, 0)
    assert list(SkuDaySales.objects.values_list("quantity", flat=True)) == [Decimal("3.000")]
    assert LogEntry.objects.filter(additional_data__import_batch_id=batch.pk).count() == 0


def test_cli_report_and_batch_page_show_the_split(chain, write_file, capsys, client):
    # given
    from opsdesk.core.testing.factories import make_user

    _run(chain, write_file("a.csv", (HEADER + "S1,P1,2024-05-01,3,2,\nS1,P1,2024-05-02,3,2,\n").encode()))
    batch = _run(chain, write_file("b.csv", (HEADER + "S1,P1,2024-05-01,4,2,\nS1,P1,2024-05-02,3,2,\n"
                                             "S1,P1,2024-05-03,3,2,\n").encode()))
    client.force_login(make_user("coo", company=chain["company"]))
    # when
    print_report(batch)
    page = client.get(f"/imports/batches/{batch.pk}/progress/").content.decode()
    # then
    out = capsys.readouterr().out
    assert "    inserted         1\n" in out
    assert "    updated          1  (previous values in the audit trail)\n" in out
    assert "    unchanged        1\n" in out
    assert "其中新增</th><td class=\"text-end\">1</td>" in page
    assert "其中更新（原值已记入审计日志）</th><td class=\"text-end\">1</td>" in page
    assert "其中与已有数据相同（未改动）</th><td class=\"text-end\">1</td>" in page


# ---------------------------------------------------------------- retention

NOW = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)


def _batch_with_file(chain, write_file, name: str, status: str) -> ImportBatch:
    path = write_file(name, (HEADER + f"S1,P1,2024-05-01,1,2,{name}\n").encode())
    stored = import_file_store_path(company=chain["company"], path=path)
    batch = import_batch_create(actor=None, company=chain["company"], kind="sku_day_sales", import_file=stored)
    ImportBatch.objects.filter(pk=batch.pk).update(status=status, message="原报告", rows_read=1, rows_quarantined=1)
    return batch


def test_retention_deletes_old_refused_failed_and_draft_files_and_keeps_batches(chain, write_file):
    # given: batches made 31 days ago (one of each kind) and a failed one made 29 days ago
    with time_machine.travel(NOW - timedelta(days=31), tick=False):
        failed = _batch_with_file(chain, write_file, "failed.csv", "failed")
        rejected = _batch_with_file(chain, write_file, "rejected.csv", "rejected")
        draft = _batch_with_file(chain, write_file, "draft.csv", "draft")
        committed = _batch_with_file(chain, write_file, "committed.csv", "committed")
        orphan = import_file_store_path(company=chain["company"], path=write_file("orphan.csv", b"x\n"))
    with time_machine.travel(NOW - timedelta(days=29), tick=False):
        recent = _batch_with_file(chain, write_file, "recent.csv", "failed")
    # when
    with time_machine.travel(NOW, tick=False):
        purged = import_files_purge()
    # then
    assert sorted(item.original_name for item in purged) == ["draft.csv", "failed.csv", "orphan.csv", "rejected.csv"]
    for batch in (failed, rejected, draft):
        batch.refresh_from_db()
        assert (batch.file.purged_at, batch.file.path.exists(), batch.rows_read) == (NOW, False, 1)
    assert (failed.status, failed.message) == ("failed", "原报告")
    assert (draft.status, draft.message) == ("draft", "文件已按保留期限（30 天）删除，请重新上传。")
    orphan.refresh_from_db()
    assert (orphan.purged_at, orphan.path.exists()) == (NOW, False)
    for batch in (committed, recent):
        batch.refresh_from_db()
        assert (batch.file.purged_at, batch.file.path.exists()) == (None, True)
    assert ImportBatch.objects.count() == 5


def test_retention_keeps_a_file_another_batch_still_uses(chain, write_file, settings):
    # given: the same bytes failed long ago and were committed later
    settings.IMPORT_RETENTION_DAYS = 7
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        failed = _batch_with_file(chain, write_file, "same.csv", "failed")
        later = _batch_with_file(chain, write_file, "same.csv", "committed")
    # when
    with time_machine.travel(NOW, tick=False):
        purged = import_files_purge()
    # then
    assert purged == []
    assert failed.file_id == later.file_id
    assert failed.file.path.exists()


def test_retry_of_a_purged_batch_fails_with_a_clear_message_and_a_new_upload_keeps_the_file_again(chain, write_file):
    # given
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        failed = _batch_with_file(chain, write_file, "again.csv", "failed")
    with time_machine.travel(NOW, tick=False):
        import_files_purge()
    # when
    from opsdesk.imports.services import import_batch_run

    retried = import_batch_run(batch_id=failed.pk)
    again = _run(chain, write_file("again.csv", (HEADER + "S1,P1,2024-05-01,1,2,again.csv\n").encode()))
    # then
    assert (retried.status, retried.message) == ("failed", "again.csv：文件已按保留期限删除，请重新上传。")
    assert (again.status, again.file_id, again.file.purged_at) == ("committed", failed.file_id, None)
    assert again.file.path.exists()


def test_retention_job_is_scheduled_nightly():
    job = scheduler.jobs()["imports_retention"]
    assert (job.hour, job.minute) == (3, 30)


def test_master_data_reports_the_split_too(chain, write_file):
    # given: R1 renamed, R2 as it is, R3 new
    path = write_file("regions.csv", [["区域编码", "区域名称"], ["R1", "一区（改名）"], ["R2", "二区"], ["R3", "三区"]])
    # when
    batch = import_run(actor=None, company=chain["company"], kind="regions", path=path)
    # then
    assert (batch.status, *_counts(batch)) == ("committed", 3, 1, 1, 1)


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_retention_job_runs_the_purge(chain, write_file):
    # given
    with time_machine.travel(NOW - timedelta(days=31), tick=False):
        failed = _batch_with_file(chain, write_file, "job.csv", "failed")
    # when
    with time_machine.travel(NOW, tick=False):
        result = purge_expired_import_files.enqueue()
    # then
    failed.file.refresh_from_db()
    assert result.return_value == {"purged": 1}
    assert failed.file.purged_at == NOW
