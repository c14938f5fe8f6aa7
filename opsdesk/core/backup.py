"""Backup and restore of a whole instance: the database, the uploads (MEDIA_ROOT) and the local secret key, in one
tar archive with a manifest of SHA-256 checksums (`opsdesk backup` / `opsdesk restore`).

SQLite is copied with the online backup API in pages, inside one read transaction: in WAL mode that is a consistent
snapshot that writers never block nor restart, so a backup completes while the server and the worker keep writing.
PostgreSQL is dumped with pg_dump in custom format and restored with pg_restore. Restore extracts into a staging
directory and checks every checksum before it touches the database, the uploads or the key.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections

FORMAT = "opsdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
SECRET_KEY_MEMBER = "secret_key"
PAGES_PER_STEP = 1024  # 4 MB with SQLite's default page size: each step is short, the copy stays one snapshot


class BackupError(Exception):
    """A backup that could not be taken, or an archive that restore refuses (nothing was changed)."""


@dataclass(frozen=True)
class BackupSummary:
    """What an archive holds: the database engine, the number of uploads and whether the key is in it."""

    path: Path
    engine: str
    media_files: int
    has_secret_key: bool
    size: int


# ---------------------------------------------------------------------------------------------------- backup


def backup_create(output: Path | str, *, database: str = "default") -> BackupSummary:
    """Write the database, the uploads and the secret key file into one archive at `output` (mode 0600: it holds
    the key). The archive appears only when complete."""
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    settings_dict = connections[database].settings_dict
    engine = _engine(settings_dict)
    with tempfile.TemporaryDirectory(prefix=".opsdesk-backup-", dir=output.parent) as work:
        dump = Path(work) / "database"
        if engine == "sqlite":
            sqlite_snapshot(settings_dict["NAME"], dump)
        else:
            _pg_dump(settings_dict, dump)
        partial = Path(work) / "archive.tar.gz"
        checksums: dict[str, str] = {}
        media_files = 0
        with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
            member = SQLITE_MEMBER if engine == "sqlite" else POSTGRES_MEMBER
            checksums[member] = _add_file(archive, dump, member)
            for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                checksums[name] = _add_file(archive, path, name)
                media_files += 1
            key_file = secret_key_file()
            if key_file.is_file():
                checksums[SECRET_KEY_MEMBER] = _add_file(archive, key_file, SECRET_KEY_MEMBER)
            manifest = {"format": FORMAT, "version": FORMAT_VERSION, "engine": engine,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": checksums}
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        partial.chmod(0o600)
        os.replace(partial, output)
    return BackupSummary(output, engine, media_files, SECRET_KEY_MEMBER in checksums, output.stat().st_size)


def secret_key_file() -> Path:
    """The local secret key file (settings read it when OPSDESK_SECRET_KEY is not set)."""
    return Path(settings.VAR_DIR) / "secret_key"


def sqlite_snapshot(name: str | Path, target: Path, *, pages: int = PAGES_PER_STEP) -> None:
    """Copy a live SQLite database to `target` with the online backup API, `pages` pages per step.

    The source connection holds one read transaction around the whole copy: in WAL mode writers go on committing
    (they never wait for the backup) and the copy is the snapshot the transaction began with, so the backup is
    never restarted by their writes and always completes.
    """
    source = _sqlite_connect(name)
    copy = sqlite3.connect(target)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # starts the read snapshot
        source.backup(copy, pages=pages)
        source.execute("COMMIT")
        result = copy.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if result != "ok":
        raise BackupError(f"the database copy failed its integrity check: {result}")


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for directory, _subdirectories, files in os.walk(root):
        for file in sorted(files):
            path = Path(directory) / file
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(root).as_posix()


class _HashingReader(io.RawIOBase):
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> str:
    info = tarfile.TarInfo(name)
    stat = path.stat()
    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)  # reads exactly info.size bytes (a file growing meanwhile is cut there)
    return reader.digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------------------------------------------- restore


def backup_restore(archive_path: Path | str, *, database: str = "default") -> BackupSummary:
    """Restore the database, the uploads and the secret key from an archive of `backup_create`.

    Every member is extracted to a staging directory and checked against the manifest first; a damaged,
    incomplete or foreign archive raises BackupError with nothing changed. Stop the server and the worker first.
    """
    archive_path = Path(archive_path).resolve()
    if not archive_path.is_file():
        raise BackupError(f"{archive_path}: no such file")
    settings_dict = connections[database].settings_dict
    engine = _engine(settings_dict)
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Staged next to MEDIA_ROOT so that the uploads are swapped in by renames on one file system.
    with tempfile.TemporaryDirectory(prefix=".opsdesk-restore-", dir=media_root.parent) as work:
        staging = Path(work)
        manifest = _extract_verified(archive_path, staging)
        if manifest["engine"] != engine:
            raise BackupError(f"the archive holds a {manifest['engine']} database; this instance uses {engine}")
        files = manifest["files"]
        media_files = sum(1 for name in files if name.startswith(MEDIA_PREFIX))
        if engine == "sqlite":
            _sqlite_restore(staging / SQLITE_MEMBER, settings_dict["NAME"])
        else:
            _pg_restore(settings_dict, staging / POSTGRES_MEMBER)
        _swap_media(staging / "media", media_root)
        if SECRET_KEY_MEMBER in files:
            _replace_file(staging / SECRET_KEY_MEMBER, secret_key_file())
    return BackupSummary(archive_path, engine, media_files, SECRET_KEY_MEMBER in files, archive_path.stat().st_size)


def _extract_verified(archive_path: Path, staging: Path) -> dict:
    """Extract every member into `staging`, hashing it; return the manifest once all checksums match."""
    digests: dict[str, str] = {}
    manifest_bytes = None
    damaged = f"{archive_path.name} is damaged or not an OpsDesk backup; nothing was restored"
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            for member in archive:
                name = _safe_name(member, damaged)
                if name is None:
                    continue
                handle = archive.extractfile(member)
                if name == MANIFEST:
                    manifest_bytes = handle.read()
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                digests[name] = digest.hexdigest()
            # Read the compressed stream to its end: that checks gzip's CRC and refuses trailing garbage.
            while archive.fileobj.read(1 << 20):
                pass
        manifest = json.loads(manifest_bytes) if manifest_bytes is not None else None
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as error:
        raise BackupError(f"{damaged} ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"),
                                                                                          dict):
        raise BackupError(f"{damaged} (no valid manifest)")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"backup format version {manifest.get('version')} is not supported by this OpsDesk")
    expected = manifest["files"]
    bad = sorted(name for name in set(expected) | set(digests) if expected.get(name) != digests.get(name))
    if bad:
        raise BackupError(f"{damaged} (checksum mismatch or missing: {', '.join(bad[:5])})")
    if SQLITE_MEMBER not in expected and POSTGRES_MEMBER not in expected:
        raise BackupError(f"{damaged} (no database in it)")
    return manifest


def _safe_name(member: tarfile.TarInfo, damaged: str) -> str | None:
    """The member's relative path; directories are skipped; links and escaping paths are refused."""
    if member.isdir():
        return None
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"{damaged} (unexpected member {member.name!r})")
    return path.as_posix()


def _sqlite_restore(staged: Path, name: str | Path) -> None:
    """Copy the staged database over the live one with the backup API (which respects the live WAL file)."""
    copy = sqlite3.connect(staged)
    try:
        result = copy.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the database in the archive failed its integrity check: {result}")
        connections.close_all()  # Django's own connections must not hold the old pages
        target = _sqlite_connect(name)
        try:
            copy.backup(target)
        finally:
            target.close()
    finally:
        copy.close()


def _swap_media(staged: Path, media_root: Path) -> None:
    """Put the restored uploads in place of the current ones (renames: the old tree is removed only after)."""
    staged.mkdir(parents=True, exist_ok=True)
    previous = media_root.with_name(f".{media_root.name}-before-restore")
    if previous.exists():
        shutil.rmtree(previous)
    if media_root.exists():
        os.replace(media_root, previous)
    os.replace(staged, media_root)
    if previous.exists():
        shutil.rmtree(previous)


def _replace_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, temporary)
    temporary.chmod(0o600)
    os.replace(temporary, target)


# ---------------------------------------------------------------------------------------------------- engines


def _engine(settings_dict: dict) -> str:
    backend = settings_dict["ENGINE"]
    if backend.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in backend:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")


def _sqlite_connect(name: str | Path) -> sqlite3.Connection:
    # Django's test databases are shared in-memory URIs ("file:memorydb_default?mode=memory&cache=shared").
    return sqlite3.connect(str(name), uri=str(name).startswith("file:"), timeout=30, isolation_level=None)


def postgres_binary(name: str) -> str:
    """pg_dump/pg_restore as scripts/test finds the server: OPSDESK_PG_BIN, else the newest
    /usr/lib/postgresql/*/bin, else the PATH (a pg_dump at least as new as the server is needed)."""
    candidates = []
    if os.environ.get("OPSDESK_PG_BIN"):
        candidates.append(Path(os.environ["OPSDESK_PG_BIN"]))
    else:
        def version(directory: Path) -> tuple:
            return tuple(int(part) if part.isdigit() else 0 for part in directory.parent.name.split("."))

        candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for directory in candidates:
        if os.access(directory / name, os.X_OK):
            return str(directory / name)
    found = None if os.environ.get("OPSDESK_PG_BIN") else shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found (install the PostgreSQL client or set OPSDESK_PG_BIN)")
    return found


def _pg_environment(settings_dict: dict) -> dict:
    """Connection parameters as libpq variables: the password never appears on a command line."""
    environment = os.environ.copy()
    values = {"PGHOST": settings_dict.get("HOST"), "PGPORT": settings_dict.get("PORT"),
              "PGUSER": settings_dict.get("USER"), "PGPASSWORD": settings_dict.get("PASSWORD"),
              "PGDATABASE": settings_dict.get("NAME")}
    environment.update({key: str(value) for key, value in values.items() if value})
    return environment


def _run(command: list[str], settings_dict: dict) -> None:
    result = subprocess.run(command, env=_pg_environment(settings_dict), capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _pg_dump(settings_dict: dict, target: Path) -> None:
    _run([postgres_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
         settings_dict)


def _pg_restore(settings_dict: dict, dump: Path) -> None:
    connections.close_all()
    # One transaction: a restore that fails half-way leaves the database as it was.
    _run([postgres_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={settings_dict['NAME']}", str(dump)],
         settings_dict)
