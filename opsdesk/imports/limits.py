"""Limits an import file must respect (decompression bombs, huge lines, huge sheets, retention), and the size of
an import's write transactions.

Each value is read when used: Django settings (`IMPORT_MAX_LINE_BYTES = ...`), else the environment
(`OPSDESK_IMPORT_MAX_LINE_BYTES=...`; the settings module belongs to config/, so the environment is the way to
set a limit without touching it), else the default here. The defaults suit a chain's exports (a million rows of
a few dozen columns) with a wide margin.
"""

from __future__ import annotations

import os

from django.conf import settings

MiB = 1024 * 1024

DEFAULTS = {
    # gzip: bytes after decompression, and decompressed/compressed ratio (checked once past RATIO_FLOOR bytes).
    "IMPORT_GZIP_MAX_DECOMPRESSED": 4096 * MiB,
    "IMPORT_GZIP_MAX_RATIO": 100,
    "IMPORT_RATIO_FLOOR": 16 * MiB,
    # text files: one physical line, one CSV field, cells in one row, cells in the whole file.
    "IMPORT_MAX_LINE_BYTES": 1 * MiB,
    "IMPORT_MAX_FIELD_BYTES": 1 * MiB,
    "IMPORT_MAX_ROW_CELLS": 2000,
    "IMPORT_MAX_HEADER_CHARS": 200,
    "IMPORT_MAX_CELLS": 200_000_000,
    # xlsx: the shared strings part and each worksheet part, uncompressed, read from the zip's directory.
    "IMPORT_XLSX_MAX_SHARED_STRINGS": 128 * MiB,
    "IMPORT_XLSX_MAX_SHEET": 1024 * MiB,
    # retention: stored files of refused/failed batches and of draft batches older than this are deleted.
    "IMPORT_RETENTION_DAYS": 30,
    # rows per write transaction: short enough that the web and a second import wait a fraction of a second for
    # SQLite's single writer lock, long enough that commits cost nothing next to the upserts.
    "IMPORT_CHUNK_ROWS": 10_000,
}


def limit(name: str) -> int:
    """The configured value of one limit (settings.<name>, else $OPSDESK_<name>, else the default)."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(f"OPSDESK_{name}") or DEFAULTS[name]
    return int(value)


def mib(value: int) -> str:
    """A byte count for a message: '1 MiB', '1.5 MiB', '4,096 B'."""
    if value >= MiB:
        return f"{value / MiB:.1f}".removesuffix(".0") + " MiB"
    return f"{value:,} B"
