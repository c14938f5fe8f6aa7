"""INSERT ... ON CONFLICT (natural key) DO UPDATE, the one statement SQLite (>= 3.24) and PostgreSQL share.

SQLite takes the rows through `executemany` of that statement. PostgreSQL takes them through COPY into a
temporary staging table and one INSERT ... SELECT ... ON CONFLICT per chunk (several times faster than
row-by-row statements). Both run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


class Upserter:
    """Writes chunks of value tuples (in `fields` order) into a model's table, upserting on `key`."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], key: Sequence[str], update: Sequence[str]):
        quote = connection.ops.quote_name
        meta = model._meta
        self.table = quote(meta.db_table)
        self.columns = [quote(meta.get_field(name).column) for name in fields]
        key_columns = [quote(meta.get_field(name).column) for name in key]
        update_columns = [quote(meta.get_field(name).column) for name in update]
        self.conflict = f"ON CONFLICT ({', '.join(key_columns)}) "
        if update_columns:
            self.conflict += "DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in update_columns)
        else:
            self.conflict += "DO NOTHING"
        column_list = ", ".join(self.columns)
        self.statement = (
            f"INSERT INTO {self.table} ({column_list}) VALUES ({', '.join(['%s'] * len(self.columns))}) {self.conflict}"
        )
        self.use_copy = connection.vendor == "postgresql"
        self._staged = False

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.use_copy:
                self._copy(cursor, rows)
            else:
                cursor.executemany(self.statement, rows)

    def _copy(self, cursor, rows: list[tuple]) -> None:
        column_list = ", ".join(self.columns)
        if not self._staged:
            cursor.execute("DROP TABLE IF EXISTS opsdesk_import_stage")
            cursor.execute(
                f"CREATE TEMPORARY TABLE opsdesk_import_stage ON COMMIT DROP AS "
                f"SELECT {column_list} FROM {self.table} WITH NO DATA"
            )
            self._staged = True
        with cursor.cursor.copy(f"COPY opsdesk_import_stage ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {self.table} ({column_list}) SELECT {column_list} FROM opsdesk_import_stage {self.conflict}"
        )
        cursor.execute("TRUNCATE opsdesk_import_stage")


def upsert_statement(
    model: type[models.Model], fields: Sequence[str], key: Sequence[str], update: Sequence[str]
) -> str:
    """The parametrised single-row upsert (for reading and for tests)."""
    return Upserter(model, fields, key, update).statement
