"""A database behind this OpsDesk's schema: the data commands migrate it first, the worker refuses to start."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from opsdesk import cli

pytestmark = pytest.mark.django_db


class Migrated(Exception):
    """Raised by the stand-in for ``cli._migrate``: the command asked for the migrations first."""


@pytest.mark.parametrize("argv", [
    ["forecast"], ["export", "forecasts", "--output", "/tmp/never-written.csv"], ["plan"],
    ["simulate", "--data", "demo"], ["brief"], ["report-pack"],
], ids=lambda argv: argv[0])
def test_every_data_command_brings_the_database_to_this_opsdesks_schema_before_anything_else(monkeypatch, argv):
    # given: migrating raises, so nothing after it runs
    monkeypatch.setattr(cli, "_setup_django", lambda: None)

    def migrate():
        raise Migrated

    monkeypatch.setattr(cli, "_migrate", migrate)
    # when / then
    with pytest.raises(Migrated):
        cli.main(argv)


def test_the_worker_refuses_a_database_behind_this_opsdesk_and_names_what_is_missing(monkeypatch):
    # given: one migration of this OpsDesk not applied
    monkeypatch.setattr(cli, "_setup_django", lambda: None)
    monkeypatch.setattr(cli, "_pending_migrations", lambda: ["forecasting.0003_series_week_error"])
    # when
    with pytest.raises(SystemExit) as stopped:
        cli.main(["worker", "--batch"])
    # then
    assert str(stopped.value) == (
        "the database is behind this OpsDesk (1 migration(s) not applied: forecasting.0003_series_week_error); "
        "run `opsdesk manage migrate` (or `opsdesk serve --migrate`) first")


@pytest.mark.django_db(transaction=True)  # the record table may have to be created (a database built without them)
def test_pending_migrations_are_the_ones_the_database_has_not_recorded():
    # given: every migration recorded as applied but one
    graph = MigrationExecutor(connection).loader.graph
    if ("forecasting", "0003_series_week_error") not in graph.nodes:
        pytest.skip("pytest --no-migrations: the project's migrations are switched off")
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    kept = set(recorder.applied_migrations())
    recorder.migration_qs.all().delete()
    try:
        for app, name in graph.nodes:
            if (app, name) != ("forecasting", "0003_series_week_error"):
                recorder.record_applied(app, name)
        # when / then
        assert cli._pending_migrations() == ["forecasting.0003_series_week_error"]
        recorder.record_applied("forecasting", "0003_series_week_error")
        assert cli._pending_migrations() == []
    finally:  # the records as they were
        recorder.migration_qs.all().delete()
        for app, name in kept:
            recorder.record_applied(app, name)
