"""Fast bulk writes of fact tables: `executemany` on SQLite, `COPY ... FROM STDIN` on PostgreSQL.

The ORM's `bulk_create` builds a model instance per row and one large INSERT per batch; for millions of fact rows
(sales, stock snapshots, imports) that costs more than the database work. `bulk_insert` writes plain tuples
straight through the driver instead. Values must already be DB-ready Python values: int/float/str/bool/None,
dates as ISO strings (or `date`), decimals as float rounded to the column's places (or str). Nothing is validated
here: callers validate first, and rows bypass model signals and the audit trail (facts are not audited row by row).

`deferred_indexes` drops a table's secondary indexes (and on PostgreSQL optionally its unique and foreign-key
constraints) for the duration of a load and rebuilds them in one pass at the end, which is much cheaper than
maintaining them row by row. Both must run inside `transaction.atomic()`, so a failed load restores everything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.transaction import TransactionManagementError

ProgressCallback = Callable[[int], None]
SQLITE_LOAD_CACHE_KIB = 512 * 1024  # page cache while indexes are deferred (restored afterwards)


def column_names(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    """Database column names of model fields given by name or attname (`store` and `store_id` both work)."""
    return [model._meta.get_field(name).column for name in fields]


def bulk_insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    chunk: int = 50_000,
    progress: ProgressCallback | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Insert `rows` (tuples in the order of `columns`) into the model's table; returns the number of rows.

    `progress` is called with the number of rows written after every chunk.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(name) for name in column_names(model, columns))
    with transaction.atomic(using=using, savepoint=False), connection.wrap_database_errors:
        connection.ensure_connection()
        raw = connection.connection
        if connection.vendor == "postgresql":
            return _copy_rows(raw, f"COPY {table} ({column_list}) FROM STDIN", rows, chunk, progress)
        placeholder = "?" if connection.vendor == "sqlite" else "%s"
        one_row = f"({', '.join([placeholder] * len(columns))})"
        # Several rows per statement: a third less CPU per row on SQLite than one row per statement.
        per_statement = max(1, min(100, 999 // len(columns)))
        insert = f"INSERT INTO {table} ({column_list}) VALUES "
        cursor = raw.cursor()
        try:
            return _execute_many(cursor, insert, one_row, per_statement, rows, chunk, progress)
        finally:
            cursor.close()


def _execute_many(cursor, insert: str, one_row: str, per_statement: int, rows: Iterable[tuple], chunk: int,
                  progress: ProgressCallback | None) -> int:
    """`executemany` of multi-row INSERTs (`per_statement` rows each), the remainder one row at a time."""
    many_sql = insert + ", ".join([one_row] * per_statement)
    total = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, chunk)):
        full = len(batch) - len(batch) % per_statement
        if full:
            width = len(batch[0]) * per_statement
            values = list(chain.from_iterable(batch[:full]))
            cursor.executemany(many_sql, [values[i : i + width] for i in range(0, len(values), width)])
        if full < len(batch):
            cursor.executemany(insert + one_row, batch[full:])
        total += len(batch)
        if progress is not None:
            progress(len(batch))
    return total


def _copy_rows(raw, sql: str, rows: Iterable[tuple], chunk: int, progress: ProgressCallback | None) -> int:
    total = 0
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        iterator = iter(rows)
        while batch := list(islice(iterator, chunk)):
            for row in batch:
                copy.write_row(row)
            total += len(batch)
            if progress is not None:
                progress(len(batch))
    return total


@contextlib.contextmanager
def deferred_indexes(
    *model_classes: type[models.Model], constraints: bool = False, using: str = DEFAULT_DB_ALIAS
) -> Iterator[list[str]]:
    """Drop the tables' secondary indexes inside the block and rebuild them at its end.

    With `constraints=True` PostgreSQL also drops the unique and foreign-key constraints and adds them back
    (one validating pass instead of a check per row). SQLite keeps constraints declared in the table itself.
    Yields the statements that will rebuild what was dropped.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError("deferred_indexes() must run inside transaction.atomic()")
    rebuild: list[str] = []
    cache_size = None
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A larger page cache lets CREATE INDEX sort in fewer passes (measured: about a fifth faster).
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA cache_size = {min(cache_size, -SQLITE_LOAD_CACHE_KIB)}")
        for model in model_classes:
            table = model._meta.db_table
            if connection.vendor == "sqlite":
                rebuild += _drop_sqlite_indexes(cursor, table)
            elif connection.vendor == "postgresql":
                rebuild += _drop_postgresql_indexes(cursor, connection.ops.quote_name, table, constraints)
    try:
        yield rebuild
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for statement in rebuild:
                cursor.execute(statement)
            if connection.vendor == "postgresql":
                for model in model_classes:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    finally:
        if cache_size is not None:  # also after an error, when Django refuses queries until the rollback
            connection.connection.execute(f"PRAGMA cache_size = {cache_size}")


def _drop_sqlite_indexes(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL ORDER BY name",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]


def _drop_postgresql_indexes(cursor, quote, table: str, constraints: bool) -> list[str]:
    rebuild: list[str] = []
    if constraints:
        # Altering a foreign key touches the referenced table too, which must have no pending deferred checks:
        # run them now (Django's check_constraints() does the same), then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            [table],
        )
        for name, definition, _kind in cursor.fetchall():  # unique ('u') first: rebuilt before the foreign keys
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            rebuild.append(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) "
        "ORDER BY c.relname",
        [table],
    )
    for name, definition in cursor.fetchall():
        cursor.execute(f"DROP INDEX {quote(name)}")
        rebuild.append(definition)
    return rebuild


def truncate_tables(tables: Sequence[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty the tables and restart their id sequences, fast: TRUNCATE on PostgreSQL.

    SQLite has no TRUNCATE, and with foreign keys enforced `DELETE FROM` visits every row and every index
    (about 20 s for three million sales rows). Tables no other table refers to are therefore dropped and
    re-created from their stored schema (about 1 s); the others are emptied with `DELETE`. Run it inside
    `transaction.atomic()`; the caller lists every table that refers to an emptied one.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses tables with pending checks
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        if connection.vendor != "sqlite":
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            return
        referenced = _sqlite_referenced_tables(cursor)
        # Leaves first: dropping a child table whose parent rows are already gone is a slow row-by-row delete.
        for table in [t for t in tables if t not in referenced]:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL ORDER BY type != 'table', name",
                [table],
            )
            schema = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"DROP TABLE {quote(table)}")
            for statement in schema:
                cursor.execute(statement)
        for table in [t for t in tables if t in referenced]:
            cursor.execute(f"DELETE FROM {quote(table)}")
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'")
        if cursor.fetchone():
            placeholders = ", ".join(["%s"] * len(tables))
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({placeholders})", list(tables))


def _sqlite_referenced_tables(cursor) -> set[str]:
    """Tables that some other table's foreign key points at."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    referenced: set[str] = set()
    for (table,) in cursor.fetchall():
        cursor.execute(f'PRAGMA foreign_key_list("{table}")')
        referenced |= {row[2] for row in cursor.fetchall() if row[2] != table}
    return referenced
