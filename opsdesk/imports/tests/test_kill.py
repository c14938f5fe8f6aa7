"""Killing the importer with SIGKILL mid-write leaves whole chunks only, and the batch's recorded counts match them;
running the same command again resumes after the last chunk and completes the batch, every row exactly once.

Runs real processes against a throwaway SQLite file (never the test database), so it needs no fixtures.
"""

import json
import signal
import subprocess
import time
from pathlib import Path

from opsdesk.imports.tests.drills import drill_env, import_command, query, seed, write_sales

ROWS, CHUNK_ROWS = 120_000, 10_000


def _progress_phase(var_dir: Path) -> str | None:
    for path in (var_dir / "media" / "imports" / "progress").glob("*.json"):
        try:
            return json.loads(path.read_text())["phase"]
        except (OSError, ValueError, KeyError):
            return None
    return None


def _counts(var_dir: Path) -> tuple[int, list]:
    facts = query(var_dir, "SELECT count(*) FROM sales_skudaysales")[0][0]
    batches = query(var_dir, "SELECT id, status, rows_read, rows_committed, rows_inserted FROM imports_importbatch")
    return facts, batches


def test_kill_9_mid_import_leaves_whole_chunks_and_rerun_completes(tmp_path):
    # given: a migrated SQLite database with stores and products, and a sales file
    var_dir = tmp_path / "var"
    env = drill_env(var_dir, OPSDESK_IMPORT_CHUNK_ROWS=str(CHUNK_ROWS))
    seed(var_dir)
    sales = tmp_path / "sales.csv"
    write_sales(sales, ROWS)
    command = import_command(sales)
    # when: the importer is killed once it has started writing
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _progress_phase(var_dir) != "write":
        assert process.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    # then: whole chunks are in, the batch is still running and its counts are exactly the rows in the table
    facts, batches = _counts(var_dir)
    assert process.returncode == -signal.SIGKILL
    assert facts > 0
    assert facts % CHUNK_ROWS == 0
    assert [(status, read, committed, inserted) for _pk, status, read, committed, inserted in batches] == [
        ("running", facts, facts, facts)
    ]
    # when: the same command runs again
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    # then: the interrupted batch resumes and completes, every row exactly once
    facts, batches_after = _counts(var_dir)
    assert rerun.returncode == 0, rerun.stderr
    assert facts == ROWS
    assert batches_after == [(batches[0][0], "committed", ROWS, ROWS, ROWS)]
    assert "read = committed + quarantined + skipped duplicates: OK" in rerun.stdout
