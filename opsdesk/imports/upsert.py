"""INSERT ... ON CONFLICT (natural key) DO UPDATE through a staging table, the statements SQLite (>= 3.24) and
PostgreSQL share, telling inserted, updated and unchanged rows apart.

Each chunk is loaded into a temporary staging table with the target's column types (PostgreSQL: COPY; SQLite:
executemany), compared with the table in SQL (so values are compared as the database stores them: numeric scale,
dates, time zones), then written with one INSERT ... SELECT ... ON CONFLICT that leaves unchanged rows alone.
The previous values of updated rows go to the audit trail. Everything runs inside the caller's transaction (the
staging table lives only as long as one write: the importer commits chunk by chunk); on SQLite the importer loads
the staging table first, outside its write transaction (`stage`), so the writer lock is held for less time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.encoding import smart_str

STAGE = "opsdesk_import_stage"
AUDIT_CHUNK = 500


@dataclass
class ChangeCounts:
    """What a chunk did to the table."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


class Upserter:
    """Writes chunks of value tuples (in `fields` order) into a model's table, upserting on `key`."""

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        key: Sequence[str],
        update: Sequence[str],
        *,
        actor=None,
        company_id: int | None = None,
        batch_id: int | None = None,
    ):
        quote = connection.ops.quote_name
        meta = model._meta
        self.model, self.actor, self.company_id, self.batch_id = model, actor, company_id, batch_id
        self.update_fields = [meta.get_field(name) for name in update]
        self._regions: dict[int, int] | None = None
        self.table = quote(meta.db_table)
        self.pk = quote(meta.pk.column)
        self.columns = [quote(meta.get_field(name).column) for name in fields]
        key_columns = [quote(meta.get_field(name).column) for name in key]
        update_columns = [quote(meta.get_field(name).column) for name in update]
        self.is_postgres = connection.vendor == "postgresql"
        distinct = "IS DISTINCT FROM" if self.is_postgres else "IS NOT"
        self.join = " AND ".join(f"t.{column} = s.{column}" for column in key_columns)
        self.changed = " OR ".join(f"t.{column} {distinct} s.{column}" for column in update_columns)
        self.conflict = f"ON CONFLICT ({', '.join(key_columns)}) "
        if update_columns:
            self.conflict += "DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in update_columns)
            # Unchanged rows are not rewritten (no dead tuples on PostgreSQL, no index churn on SQLite).
            self.conflict += " WHERE " + " OR ".join(
                f"{self.table}.{column} {distinct} excluded.{column}" for column in update_columns
            )
        else:
            self.conflict += "DO NOTHING"
        self.is_staged = False
        # Daily sales rolled up from a finer grain (sales.rollups) give way to an imported row of the same key: they
        # are deleted first, so the imported row comes in whole (its unmapped columns at their defaults, never a
        # derived cost left behind) and counts as inserted.
        self.replace_derived = ""
        if "source" in fields:
            match = " AND ".join(f"s.{column} = {self.table}.{column}" for column in key_columns)
            self.replace_derived = (
                f"DELETE FROM {self.table} WHERE {self.table}.{quote('source')} <> 'imported' "
                f"AND EXISTS (SELECT 1 FROM {STAGE} s WHERE {match})"
            )
        column_list = ", ".join(self.columns)
        self.statement = (
            f"INSERT INTO {self.table} ({column_list}) VALUES ({', '.join(['%s'] * len(self.columns))}) {self.conflict}"
        )

    def write(self, rows: list[tuple], *, apply: bool = True) -> ChangeCounts:
        """Upsert one chunk (or, with apply=False, only count what it would do)."""
        if not rows:
            return ChangeCounts()
        column_list = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if not self.is_staged:
                self._stage(cursor, rows)
            if apply and self.replace_derived:
                cursor.execute(self.replace_derived)
            cursor.execute(f"SELECT COUNT(*) FROM {STAGE} s JOIN {self.table} t ON {self.join}")
            matched = cursor.fetchone()[0]
            changed: list = []
            if self.changed:
                cursor.execute(
                    f"SELECT t.{self.pk} FROM {STAGE} s JOIN {self.table} t ON {self.join} WHERE {self.changed}"
                )
                changed = [row[0] for row in cursor.fetchall()]
            if apply:
                before = self._instances(changed)
                cursor.execute(
                    f"INSERT INTO {self.table} ({column_list}) SELECT {column_list} FROM {STAGE} WHERE true "
                    f"{self.conflict}"
                )
                if before:
                    self._audit(before, self._instances(changed), changed)
            cursor.execute(f"DROP TABLE {STAGE}")
        self.is_staged = False
        return ChangeCounts(len(rows) - matched, len(changed), matched - len(changed))

    def stage(self, rows: list[tuple]) -> None:
        """Load the chunk the next `write` upserts. SQLite only, and outside a transaction: the temporary database
        takes no lock on the main one, so other writers (the web, a second import) get the lock meanwhile."""
        with connection.cursor() as cursor:
            # One deferred transaction, which locks only the temporary database it writes: half the time of a
            # transaction per row (Django's atomic() would BEGIN IMMEDIATE, taking the main lock).
            cursor.execute("BEGIN")
            try:
                self._stage(cursor, rows)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        self.is_staged = True

    def _stage(self, cursor, rows: list[tuple]) -> None:
        column_list = ", ".join(self.columns)
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")  # one left by a write that failed midway
        if self.is_postgres:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} ON COMMIT DROP AS SELECT {column_list} FROM {self.table} WITH NO DATA"
            )
        else:  # the column affinities of the table, so stored values compare alike
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} AS SELECT {column_list} FROM {self.table} WHERE 0")
        if self.is_postgres:
            with cursor.cursor.copy(f"COPY {STAGE} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f"INSERT INTO {STAGE} ({column_list}) VALUES ({placeholders})", rows)

    def _audit(self, before: dict, after: dict, pks: list) -> None:
        """One audit entry per updated row with its previous and new values (the fact tables are not under
        auditlog's registry, so the entries are built here in `audit_bulk`'s shape)."""
        content_type = ContentType.objects.get_for_model(self.model)
        label, now, entries = str(self.model._meta.verbose_name), timezone.now(), []
        for pk in pks:
            changes = {}
            for field in self.update_fields:
                old, new = field.value_from_object(before[pk]), field.value_from_object(after[pk])
                if old != new:
                    changes[field.name] = [smart_str(old), smart_str(new)]
            if not changes:
                continue
            store_id = getattr(after[pk], "store_id", None)
            entries.append(
                LogEntry(
                    content_type=content_type,
                    object_pk=smart_str(pk),
                    object_id=pk if isinstance(pk, int) else None,
                    object_repr=f"{label} #{pk}",
                    action=LogEntry.Action.UPDATE,
                    changes=changes,
                    actor=self.actor,
                    timestamp=now,
                    additional_data={
                        "company_id": self.company_id,
                        "store_id": store_id,
                        "region_id": self._region_of(store_id),
                        "import_batch_id": self.batch_id,
                        "bulk": True,
                    },
                )
            )
        LogEntry.objects.bulk_create(entries, batch_size=2000)

    def _region_of(self, store_id: int | None) -> int | None:
        if store_id is None:
            return None
        if self._regions is None:
            from opsdesk.core.models import Store

            self._regions = dict(Store.objects.filter(company_id=self.company_id).values_list("pk", "region_id"))
        return self._regions.get(store_id)

    def _instances(self, pks: list) -> dict:
        found = {}
        for start in range(0, len(pks), AUDIT_CHUNK):
            found.update(self.model._base_manager.in_bulk(pks[start : start + AUDIT_CHUNK]))
        return found


def upsert_statement(
    model: type[models.Model], fields: Sequence[str], key: Sequence[str], update: Sequence[str]
) -> str:
    """The parametrised single-row upsert (for reading and for tests)."""
    return Upserter(model, fields, key, update).statement
