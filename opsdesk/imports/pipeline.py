"""Running a batch. Facts: validate the stream in chunks (IMPORT_CHUNK_ROWS, 10,000 rows) and write each chunk in
its own short transaction together with the batch's counts so far: SQLite's single writer lock is held a fraction of
a second at a time, so the web and a second import keep writing meanwhile. A killed process leaves whole chunks and
counts that match them; the next run of the batch resumes after the last committed chunk, and the batch is
COMMITTED only in the transaction after the last chunk. Master data: validate all rows, then write all or none.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.apps import apps
from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsdesk.imports.choices import BatchStatusChoices, QuarantineKindChoices
from opsdesk.imports.kinds import KindSpec, creates_missing, db_columns
from opsdesk.imports.limits import limit
from opsdesk.imports.models import ImportBatch, QuarantineRow
from opsdesk.imports.sources import Source
from opsdesk.imports.upsert import ChangeCounts, Upserter
from opsdesk.imports.validation import KeySet, RowValidator

logger = logging.getLogger(__name__)
CHUNK_ROWS = 10_000  # master data: progress is reported every this many rows
SALES_LINE_CONTENT_KEY = ("store", "invoice", "product", "sold_at", "quantity", "unit_price", "customer_id")


@dataclass
class Counts:
    """The row accounting of a batch: rows_read = committed + quarantined + duplicates."""

    rows_read: int = 0
    committed: int = 0
    quarantined: int = 0
    duplicates: int = 0
    invalid: int = 0
    # committed = inserted + updated + unchanged (counted by the writer, against the table)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add_changes(self, changes: ChangeCounts) -> None:
        self.inserted += changes.inserted
        self.updated += changes.updated
        self.unchanged += changes.unchanged

    @classmethod
    def of_batch(cls, batch: ImportBatch) -> Counts:
        """The counts a batch recorded with its last committed chunk (where a resumed run starts)."""
        return cls(**{name: getattr(batch, column) for name, column in BATCH_COLUMNS.items()})

    def source_part(self) -> dict:
        """The counts the validating side keeps (the writer adds inserted / updated / unchanged itself)."""
        return {name: getattr(self, name) for name in SOURCE_COUNTS}


BATCH_COLUMNS = {
    "rows_read": "rows_read",
    "committed": "rows_committed",
    "quarantined": "rows_quarantined",
    "duplicates": "rows_skipped_duplicates",
    "invalid": "rows_invalid",
    "inserted": "rows_inserted",
    "updated": "rows_updated",
    "unchanged": "rows_unchanged",
}
SOURCE_COUNTS = tuple(field.name for field in fields(Counts) if field.name not in {"inserted", "updated", "unchanged"})


class BatchMovedOn(Exception):
    """Another run of the same batch committed a chunk first: this run stops and leaves the batch to it."""


# ---------------------------------------------------------------- progress (a file, readable during the transaction)


def progress_path(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{batch_id}.json"


def read_progress(batch_id: int) -> dict | None:
    """The last progress report of a running batch, or None."""
    try:
        return json.loads(progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return None


class Progress:
    """Reports progress to a JSON file (the batch page polls it) and to an optional callback (the CLI bar)."""

    def __init__(self, batch_id: int, size: int, callback: Callable[[dict], None] | None = None):
        self.path = progress_path(batch_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.callback = callback

    def update(self, counts: Counts, position: int, phase: str) -> None:
        report = {
            **asdict(counts),
            "bytes_read": position,
            "bytes_total": self.size,
            "phase": phase,
            "percent": round(100 * position / self.size, 1) if self.size else 100.0,
        }
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(report))
        os.replace(temporary, self.path)
        if self.callback is not None:
            self.callback(report)

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


# ---------------------------------------------------------------- facts


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def quarantine_entry(number: int, cells, problems, kind=QuarantineKindChoices.ERROR) -> dict:
    column, value, reason = problems[0]
    return {
        "kind": kind,
        "row_number": number,
        "column": column[:200],
        "value": value[:2000],
        "reason": reason[:300],
        "errors": [{"column": c, "value": v, "reason": r} for c, v, r in problems],
        "raw": list(cells),
    }


class RowBuilder:
    """Turns a record into the tuple of database values for the upsert (dates as text on SQLite, aware datetimes).
    Decimal columns take floats: PostgreSQL rounds to the column's scale, Django quantizes SQLite's REAL on read."""

    def __init__(self, spec: KindSpec):
        model = apps.get_model(spec.model)
        is_sqlite = connection.vendor == "sqlite"
        self.names = db_columns(spec)
        self.converters = [_converter(model._meta.get_field(name), is_sqlite) for name in self.names]
        # One generated function per kind: ~3x faster than a generic loop over the columns (1M rows per run).
        parts = [
            f"c{index}(r[{name!r}])" if converter else f"r[{name!r}]"
            for index, (name, converter) in enumerate(zip(self.names, self.converters, strict=True))
        ]
        namespace = {f"c{index}": converter for index, converter in enumerate(self.converters) if converter}
        self.build = eval(f"lambda r: ({', '.join(parts)},)", namespace)  # noqa: S307 - built from field names


class _RecordBuilder:
    """The records themselves, for kinds whose writer is not a table upsert (`KindSpec.writer`)."""

    build = staticmethod(dict)


def _converter(field, is_sqlite: bool):
    """How one column's Python value becomes a database parameter (None: as it is)."""
    if isinstance(field, models.DateTimeField):
        return _aware_datetime
    if isinstance(field, models.DateField) and is_sqlite:
        return _isoformat
    if isinstance(field, models.DecimalField) and is_sqlite:
        # Stored at the column's scale, as PostgreSQL does, so an unchanged row compares equal when imported again.
        places = field.decimal_places
        return lambda value: value if value is None else round(value, places)
    return None


def _aware_datetime(value):
    return connection.ops.adapt_datetimefield_value(timezone.make_aware(value))


@lru_cache(maxsize=65536)
def _isoformat(value) -> str:
    return value.isoformat()


def key_function(fields: tuple[str, ...]):
    """record -> 64-bit hash of its natural key (generated, like RowBuilder.build)."""
    return eval(f"lambda r: hash(({', '.join(f'r[{name!r}]' for name in fields)},))")  # noqa: S307


def _update_columns(spec: KindSpec, mapping: dict, defaults: dict) -> list[str]:
    """Columns an overlapping row overwrites: those the file (or a fixed value) supplies, never the key."""
    supplied = {name for name in mapping if mapping[name]} | {
        name for name in defaults if defaults[name] not in ("", None)
    }
    supplied |= {"date", "is_monthly", "is_return", "source"}
    if "unit_price" in supplied:
        supplied.add("revenue")
    if supplied & {"line_total", "discount"}:  # a sales line's net unit price comes from them (kinds._line_amounts)
        supplied.add("unit_price")
    if "unit_price" in supplied:  # and its amount, set or cleared with the price
        supplied.add("amount")
    if "profit" in supplied:  # and its cost from the profit
        supplied.add("cost")
    return [name for name in db_columns(spec) if name in supplied and name not in spec.key]


def _duplicate_key(spec: KindSpec, validator: RowValidator) -> tuple[str, ...]:
    return SALES_LINE_CONTENT_KEY if validator.derive_line_no else spec.key


def _validate_chunk(chunk, validator: RowValidator, builder: RowBuilder, key_fields, key_set: KeySet, counts: Counts,
                    touched: dict | None = None):
    rows, quarantine, keyed = [], [], []
    validate, key_of = validator.validate, key_function(key_fields)
    for number, cells in chunk:
        record, problems = validate(cells)
        if problems:
            quarantine.append(quarantine_entry(number, _with_line_no(cells, record, validator), problems))
            continue
        keyed.append((number, cells, record, key_of(record)))
    counts.rows_read += len(chunk)
    counts.invalid += len(quarantine)
    counts.quarantined += len(quarantine)
    seen = key_set.add(np.fromiter((item[3] for item in keyed), dtype=np.int64, count=len(keyed)))
    for (number, cells, record, _key), is_duplicate in zip(keyed, seen, strict=True):
        if is_duplicate:
            reason = _("文件内重复（与前面的行键相同：%(key)s）") % {"key": ", ".join(key_fields)}
            quarantine.append(
                quarantine_entry(
                    number, _with_line_no(cells, record, validator), [("", "", reason)], QuarantineKindChoices.DUPLICATE
                )
            )
            counts.duplicates += 1
        else:
            rows.append(builder.build(record))
            if touched is not None:
                _touch(touched, record)
    counts.committed += len(rows)
    return rows, quarantine


def _touch(touched: dict, record: dict) -> None:
    """Widen the store's (first, last) date to the record's (the days a rollup refreshes after the batch)."""
    store_id, day = record["store"], record["date"]
    span = touched.get(store_id)
    if span is None:
        touched[store_id] = (day, day)
    elif day < span[0] or day > span[1]:
        touched[store_id] = (min(span[0], day), max(span[1], day))


def _with_line_no(cells, record: dict, validator: RowValidator) -> list:
    """Rows of a file without line numbers carry their derived number, so a fixed re-import hits the same line."""
    if validator.derive_line_no:
        return [*cells, str(record.get("line_no", ""))]
    return list(cells)


def run_facts(
    batch: ImportBatch,
    spec: KindSpec,
    source: Source,
    validator: RowValidator,
    progress: Progress,
    touched: dict | None = None,
) -> Counts:
    """Validate chunk by chunk while a writer commits each chunk (rows, quarantine, the batch's counts so far) in
    its own transaction, then marks the batch finished. A batch that already has chunks in resumes after them: the
    rows before are validated again only to know their keys (a later duplicate of one is still a duplicate).

    Outside a surrounding transaction (command line, worker) the writer is a forked child process with its own
    database connection, so validation and writing use both cores (a thread would not: the GIL hand-offs of
    executemany starve it). Inside one (tests, callers that want the import in their transaction) everything runs
    in the calling process. `touched` (when given) gets store id -> (first, last) date of the rows written."""
    counts, key_set = Counts.of_batch(batch), KeySet()
    if touched is not None and (spec.writer is not None or not spec.rollup):
        touched = None  # only kinds with a rollup need them
    key_fields = _duplicate_key(spec, validator)
    if spec.writer is not None:  # a kind of another app: its writer takes the parsed records
        builder, upserter = _RecordBuilder(), spec.writer(batch)
    else:
        builder = RowBuilder(spec)
        upserter = Upserter(
            apps.get_model(spec.model),
            db_columns(spec),
            spec.key,
            _update_columns(spec, batch.mapping, batch.defaults),
            actor=batch.created_by,
            company_id=batch.company_id,
            batch_id=batch.pk,
        )
    writer = _ChunkWriter(batch, upserter, counts)
    size = limit("IMPORT_CHUNK_ROWS")

    def produce() -> Iterator[tuple[list, list, dict]]:
        rows = iter(source.rows)
        for chunk in _chunks(itertools.islice(rows, counts.rows_read), size):
            _validate_chunk(chunk, validator, builder, key_fields, key_set, Counts(), touched)
        for chunk in _chunks(rows, size):
            valid, quarantine = _validate_chunk(chunk, validator, builder, key_fields, key_set, counts, touched)
            yield valid, quarantine, counts.source_part()
            progress.update(counts, source.position(), "write" if writer.chunks_written else "validate")

    if connection.in_atomic_block or os.environ.get("OPSDESK_IMPORT_PROCESSES") == "0":
        writer.run(produce())
    else:
        _run_in_writer_process(writer, produce())
    return counts


LOCKED_RETRIES = 10  # a chunk whose transaction found SQLite locked past the busy timeout is tried again


class _ChunkWriter:
    """Commits validated chunks one transaction each: upsert rows, store quarantine rows and record the batch's
    counts so far; a last short transaction finishes the batch."""

    def __init__(self, batch: ImportBatch, upserter: Upserter, counts: Counts):
        self.batch, self.upserter, self.counts = batch, upserter, counts
        self.recorded_rows = counts.rows_read  # the batch's rows_read as this run last committed it
        self.chunks_written = 0

    def run(self, chunks: Iterable[tuple[list, list, dict]], on_chunk: Callable[[], None] | None = None) -> None:
        """Write every chunk, then mark the batch DRY_RUN or COMMITTED."""
        if not self.recorded_rows:  # a fresh start: nothing of an earlier attempt is kept
            QuarantineRow.objects.filter(batch=self.batch).delete()
        for rows, quarantine, source_counts in chunks:
            for attempt in itertools.count(1):
                try:
                    self._commit(rows, quarantine, source_counts)
                    break
                except OperationalError as error:
                    if "locked" not in str(error) or attempt == LOCKED_RETRIES:
                        raise
                    logger.warning("import batch %s: %s, chunk tried again", self.batch.pk, error)
                    time.sleep(attempt)
            self.chunks_written += 1
            if on_chunk is not None:
                on_chunk()
        with transaction.atomic():
            self._record(self.counts)
            status = BatchStatusChoices.DRY_RUN if self.batch.is_dry_run else BatchStatusChoices.COMMITTED
            finish_batch(self.batch, self.counts, status)

    def _commit(self, rows: list, quarantine: list, source_counts: dict) -> None:
        """One chunk in one transaction; the counts change only once it is in."""
        is_outside = not connection.in_atomic_block and connection.vendor == "sqlite"
        if is_outside and rows and isinstance(self.upserter, Upserter) and not self.upserter.is_staged:
            self.upserter.stage(rows)  # before taking the writer lock (kept if the transaction is tried again)
        with transaction.atomic():
            after = replace(self.counts, **source_counts)
            changes = self._write(rows)
            if changes is not None:
                after.add_changes(changes)
            QuarantineRow.objects.bulk_create(
                [QuarantineRow(batch_id=self.batch.pk, **entry) for entry in quarantine], batch_size=2000
            )
            self._record(after)
        for name in BATCH_COLUMNS:  # in place: in one process the validating side shares this object
            setattr(self.counts, name, getattr(after, name))
        self.recorded_rows = after.rows_read

    def _record(self, counts: Counts) -> None:
        """Store the counts on the batch, unless another run of it committed a chunk since this run's last one."""
        columns = {column: getattr(counts, name) for name, column in BATCH_COLUMNS.items()}
        if not ImportBatch.objects.filter(pk=self.batch.pk, rows_read=self.recorded_rows).update(**columns):
            raise BatchMovedOn(f"import batch {self.batch.pk} was moved on by another run")

    def _write(self, rows: list) -> ChangeCounts | None:
        """Upsert a chunk (a dry run only counts what it would change); a kind's own writer may report the split
        by returning ChangeCounts."""
        if isinstance(self.upserter, Upserter):
            return self.upserter.write(rows, apply=not self.batch.is_dry_run)
        if not self.batch.is_dry_run:
            changes = self.upserter.write(rows)
            if isinstance(changes, ChangeCounts):
                return changes
        return None


IN_FLIGHT = 3  # chunks sent but not yet written: memory stays flat however large the file


def _run_in_writer_process(writer: _ChunkWriter, produced: Iterator) -> None:
    """Feed chunks to a forked writer through a pipe; it acknowledges each committed chunk and reports done or its
    error. If this process dies, the writer reads end-of-file and rolls back the chunk it was writing."""
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    connection.close()  # the child must not share this process's database connection
    child = context.Process(target=_writer_main, args=(theirs, ours, writer), name="opsdesk-import-writer", daemon=True)
    child.start()
    theirs.close()
    outcome: dict = {}
    try:
        for item in produced:
            while writer.chunks_written + IN_FLIGHT <= _sent(outcome) and _receive(ours, writer, outcome):
                pass
            ours.send(("chunk", item))
            outcome["sent"] = _sent(outcome) + 1
            while ours.poll() and _receive(ours, writer, outcome):
                pass
        ours.send(("end", None))
        while "done" not in outcome and _receive(ours, writer, outcome):
            pass
    finally:
        ours.close()
        child.join()
    if "done" not in outcome:
        raise RuntimeError(f"the import writer stopped (exit code {child.exitcode})")
    for name, number in outcome["done"].items():  # inserted / updated / unchanged were counted by the writer
        setattr(writer.counts, name, number)


def _sent(outcome: dict) -> int:
    return outcome.get("sent", 0)


def _receive(pipe, writer: _ChunkWriter, outcome: dict) -> bool:
    """Read one message from the writer; False when there is nothing more to wait for."""
    try:
        kind, value = pipe.recv()
    except EOFError:
        return False
    if kind == "ack":
        writer.chunks_written = value
        return True
    if kind == "moved_on":
        raise BatchMovedOn(value)
    if kind == "error":
        raise RuntimeError(value)
    outcome[kind] = value
    return False


def _writer_main(pipe, importer_end, writer: _ChunkWriter) -> None:
    """The writer process: one transaction per chunk received; end-of-file before 'end' rolls back the open one."""
    importer_end.close()  # else this process holds the pipe open itself and never sees the importer die
    status = 1
    try:

        def chunks() -> Iterator:
            while True:
                kind, value = pipe.recv()  # EOFError when the importer died
                if kind == "end":
                    return
                yield value

        writer.run(chunks(), on_chunk=lambda: pipe.send(("ack", writer.chunks_written)))
        pipe.send(("done", asdict(writer.counts)))
        status = 0
    except EOFError:
        pass
    except BatchMovedOn as error:
        with contextlib.suppress(OSError):
            pipe.send(("moved_on", str(error)))
    except BaseException as error:  # reported to the importer, which marks the batch failed
        with contextlib.suppress(OSError):
            pipe.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()
        os._exit(status)


def finish_batch(batch: ImportBatch, counts: Counts, status: str, message: str = "") -> None:
    """Record the outcome (inside the caller's transaction, so rows and status commit together)."""
    for name, column in BATCH_COLUMNS.items():
        setattr(batch, column, getattr(counts, name))
    batch.status = status
    batch.message = message
    batch.finished_at = timezone.now()
    batch.save()


# ---------------------------------------------------------------- master data (all or nothing)


def run_master(
    batch: ImportBatch, spec: KindSpec, source: Source, validator: RowValidator, actor, progress: Progress
) -> Counts:
    """Validate every row; write all rows with an audit entry each, or none when any row has a problem."""
    from opsdesk.imports import masters

    counts = Counts()
    accepted, quarantine, seen = [], [], {}
    key = spec.key[0]
    for number, cells in source.rows:
        counts.rows_read += 1
        record, problems = validator.validate(cells)
        if not problems and record[key] in seen:
            first_number, first_cells = seen[record[key]]
            if first_cells == cells:
                reason = _("文件内重复（与第 %(row)s 行完全相同）") % {"row": first_number}
                quarantine.append(quarantine_entry(number, cells, [("", "", reason)], QuarantineKindChoices.DUPLICATE))
                counts.duplicates += 1
                continue
            column = validator.column_of(key)
            problems = [(column, record[key], _("与第 %(row)s 行编码相同但内容不同") % {"row": first_number})]
        if problems:
            quarantine.append(quarantine_entry(number, cells, problems))
            continue
        seen[record[key]] = (number, list(cells))
        accepted.append((number, cells, record))
        if counts.rows_read % CHUNK_ROWS == 0:
            progress.update(counts, source.position(), "validate")
    writer = masters.writer_for(spec.code, batch.company, actor, creates_missing(batch.defaults))
    writer.unset = frozenset(validator.unset)
    for index, problems in writer.resolve([record for _n, _c, record in accepted]).items():
        number, cells, _record = accepted[index]
        quarantine.append(quarantine_entry(number, cells, [(validator.column_of(n), v, r) for n, v, r in problems]))
    counts.invalid = sum(1 for entry in quarantine if entry["kind"] == QuarantineKindChoices.ERROR)
    with transaction.atomic():
        QuarantineRow.objects.filter(batch=batch).delete()
        if counts.invalid:
            _reject_master(batch, accepted, quarantine, counts)
        else:
            QuarantineRow.objects.bulk_create([QuarantineRow(batch_id=batch.pk, **entry) for entry in quarantine])
            if not batch.is_dry_run:
                writer.write([record for _n, _c, record in accepted])
                counts.add_changes(writer.changes)
                if writer.created_references:
                    batch.report = {**batch.report, "masters": {"created": writer.created_references}}
            elif writer.missing:
                batch.report = {**batch.report, "masters": {
                    "would_create": {kind: sorted(codes) for kind, codes in writer.missing.items()}}}
            counts.committed = len(accepted)
            finish_batch(
                batch, counts, BatchStatusChoices.DRY_RUN if batch.is_dry_run else BatchStatusChoices.COMMITTED
            )
    return counts


def _reject_master(batch: ImportBatch, accepted: list, quarantine: list, counts: Counts) -> None:
    """Nothing is written: every row lands in the quarantine (bad ones with their reasons), ready to fix and retry."""
    bad_numbers = {entry["row_number"] for entry in quarantine}
    note = _("未导入：本文件其他行有错误（主数据全部导入或全部不导入）")
    for number, cells, _record in accepted:
        if number not in bad_numbers:
            quarantine.append(quarantine_entry(number, cells, [("", "", note)], QuarantineKindChoices.ERROR))
    QuarantineRow.objects.bulk_create(
        [QuarantineRow(batch_id=batch.pk, **entry) for entry in quarantine], batch_size=2000
    )
    counts.committed = 0
    counts.quarantined = counts.rows_read - counts.duplicates
    status = BatchStatusChoices.DRY_RUN if batch.is_dry_run else BatchStatusChoices.REJECTED
    message = (
        ""
        if status == BatchStatusChoices.DRY_RUN
        else _("主数据导入要求全部行正确：%(n)s 行有错误，本批未写入任何数据。") % {"n": counts.invalid}
    )
    finish_batch(batch, counts, status, message)
