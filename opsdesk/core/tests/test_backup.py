"""Restore drill: `opsdesk backup` then `opsdesk restore` bring the database, the uploads and the secret key back
together; a damaged archive is refused with nothing changed; a SQLite backup completes under concurrent writes."""

import io
import json
import os
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from opsdesk import cli
from opsdesk.core.backup import BackupError, backup_create, backup_restore, sqlite_snapshot
from opsdesk.core.models import Company

IS_POSTGRES = os.environ.get("OPSDESK_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.fixture
def instance(settings, tmp_path):
    """A private var/ and MEDIA_ROOT with a secret key file, so the drill never touches the project's own."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = str(tmp_path / "var" / "media")
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret_key").write_text("key-of-the-backup")
    return settings.VAR_DIR


def _state(media: Path) -> dict:
    files = {path.relative_to(media).as_posix(): path.read_bytes() for path in media.rglob("*") if path.is_file()}
    return {"companies": sorted(Company.objects.values_list("code", "name")), "files": files,
            "key": (media.parent / "secret_key").read_text()}


@pytest.mark.django_db(transaction=True)
def test_restore_drill_brings_data_uploads_and_key_back(instance, tmp_path, capsys):
    # given: data, an upload and a key, backed up with the CLI
    Company.objects.create(code="BK1", name="备份公司")
    default_storage.save("documents/contract.pdf", ContentFile(b"%PDF-1.4 the contract"))
    media = instance / "media"
    before = _state(media)
    archive = tmp_path / "backups" / "opsdesk.tar.gz"
    assert cli.main(["backup", "--output", str(archive)]) == 0
    assert "1 uploaded files, the secret key" in capsys.readouterr().out
    assert archive.stat().st_mode & 0o777 == 0o600

    # when: everything changes, then the archive is restored
    Company.objects.filter(code="BK1").update(name="改过的名字")
    Company.objects.create(code="BK2", name="备份后新建")
    default_storage.delete("documents/contract.pdf")
    default_storage.save("documents/later.txt", ContentFile(b"after the backup"))
    (instance / "secret_key").write_text("another-key")
    assert cli.main(["restore", str(archive)]) == 0

    # then: database, uploads and key are exactly as backed up
    assert _state(media) == before
    assert before["companies"] == [("BK1", "备份公司")]
    assert before["files"] == {"documents/contract.pdf": b"%PDF-1.4 the contract"}
    assert before["key"] == "key-of-the-backup"


def _damage_by_flipping(archive: Path) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))


def _damage_by_truncating(archive: Path) -> None:
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])


def _damage_the_manifest_checksum(archive: Path) -> None:
    """A well-formed archive whose upload no longer matches its manifest (rewritten with a changed upload)."""
    with tarfile.open(archive) as source:
        members = [(member, source.extractfile(member).read()) for member in source]
    with tarfile.open(archive, "w:gz") as target:
        for member, data in members:
            if member.name.startswith("media/"):
                data = data.replace(b"contract", b"forgery!")
            target.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize("damage", [_damage_by_flipping, _damage_by_truncating, _damage_the_manifest_checksum])
@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_and_nothing_changes(instance, tmp_path, damage):
    # given: a backup, then later changes, then damage to the archive
    Company.objects.create(code="BK1", name="备份公司")
    default_storage.save("documents/contract.pdf", ContentFile(b"%PDF-1.4 the contract " * 2000))
    archive = tmp_path / "opsdesk.tar.gz"
    backup_create(archive)
    Company.objects.create(code="BK2", name="备份后新建")
    (instance / "secret_key").write_text("another-key")
    after = _state(instance / "media")
    damage(archive)

    # when
    with pytest.raises(BackupError) as refused:
        backup_restore(archive)

    # then: a clear message, and the database, uploads and key are untouched
    assert "is damaged or not an OpsDesk backup; nothing was restored" in str(refused.value)
    assert _state(instance / "media") == after
    assert not any(path.name.startswith(".opsdesk-restore-") for path in instance.iterdir())


@pytest.mark.django_db(transaction=True)
def test_the_cli_refuses_a_damaged_archive_with_a_message(instance, tmp_path):
    # given
    archive = tmp_path / "not-a-backup.tar.gz"
    archive.write_bytes(b"this is not an archive")

    # when / then
    with pytest.raises(SystemExit, match="restore refused: not-a-backup.tar.gz is damaged"):
        cli.main(["restore", str(archive)])


def test_a_sqlite_backup_completes_while_another_thread_writes(tmp_path):
    # given: a 12 MB WAL database and a thread that commits rows as fast as it can
    source = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(source, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, payload BLOB)")
    setup.execute("BEGIN")
    setup.executemany("INSERT INTO item (payload) VALUES (randomblob(300))", [()] * 40_000)
    setup.execute("COMMIT")
    stop, written = threading.Event(), []

    def write() -> None:
        writer = sqlite3.connect(source, isolation_level=None, timeout=30)
        while not stop.is_set():
            writer.execute("INSERT INTO item (payload) VALUES (randomblob(300))")
            written.append(1)
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(written) < 50:  # the writer is going
            stop.wait(0.01)
        # when: copied 16 pages (64 KB) per step, about 200 steps with commits between them
        copier = threading.Thread(target=sqlite_snapshot, args=(source, tmp_path / "copy.sqlite3"),
                                  kwargs={"pages": 16})
        written_before = len(written)
        copier.start()
        copier.join(timeout=60)
        written_during = len(written) - written_before
        # then: the copy finished (an unguarded paged backup restarts on every commit and never does)
        assert not copier.is_alive()
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    rows = copy.execute("SELECT count(*) FROM item").fetchone()[0]
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert 40_000 + 50 <= rows <= 40_000 + len(written)
    assert written_during > 0


@pytest.mark.skipif(not IS_POSTGRES, reason="PostgreSQL path: runs when OPSDESK_DATABASE_URL is postgres")
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_is_a_custom_format_dump_restored_with_pg_restore(instance, tmp_path):
    # given
    Company.objects.create(code="PG1", name="PostgreSQL 公司")
    archive = tmp_path / "opsdesk.tar.gz"

    # when
    summary = backup_create(archive)
    Company.objects.filter(code="PG1").delete()
    backup_restore(archive)

    # then
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
        dump = opened.extractfile("database.pgdump").read(5)
    assert (summary.engine, manifest["engine"], dump) == ("postgresql", "postgresql", b"PGDMP")
    assert list(Company.objects.filter(code="PG1").values_list("name", flat=True)) == ["PostgreSQL 公司"]
    assert connection.vendor == "postgresql"
