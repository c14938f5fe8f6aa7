"""INSERT ... ON CONFLICT (natural key) DO UPDATE, the one statement SQLite (>= 3.24) and PostgreSQL share."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def upsert_statement(model: type[models.Model], fields: Sequence[str], key: Sequence[str], update: Sequence[str]) -> str:
    """The parametrised upsert of `fields` into the model's table, conflicting on the unique `key`."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [quote(meta.get_field(name).column) for name in fields]
    key_columns = [quote(meta.get_field(name).column) for name in key]
    update_columns = [quote(meta.get_field(name).column) for name in update]
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(key_columns)}) "
    )
    if not update_columns:
        return statement + "DO NOTHING"
    return statement + "DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in update_columns)
