"""Two big imports at once on one SQLite file both commit: each writes in short transactions, so the other (and
the web) waits a moment for the writer lock instead of failing with "database is locked".

Runs two `opsdesk import` processes against a throwaway SQLite file (never the test database)."""

import subprocess

from opsdesk.imports.tests.drills import drill_env, import_command, query, seed, write_sales

ROWS = 40_000


def test_two_big_imports_at_once_both_commit_every_row(tmp_path):
    # given: two files of different years (no key in common), chunks of 4,000 rows
    var_dir = tmp_path / "var"
    env = drill_env(var_dir, OPSDESK_IMPORT_CHUNK_ROWS="4000")
    seed(var_dir)
    files = [tmp_path / "2023.csv", tmp_path / "2024.csv"]
    write_sales(files[0], ROWS, year=2023)
    write_sales(files[1], ROWS, year=2024)
    # when: both imports run at the same time
    processes = [
        subprocess.Popen(import_command(path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in files
    ]
    outputs = [process.communicate(timeout=600) for process in processes]
    # then: both committed every row exactly once, and their chunks interleaved (neither held the lock throughout)
    assert [process.returncode for process in processes] == [0, 0], [stderr for _out, stderr in outputs]
    batches = query(
        var_dir, "SELECT status, rows_read, rows_committed, rows_inserted, message FROM imports_importbatch ORDER BY id"
    )
    assert batches == [
        ("committed", ROWS, ROWS, ROWS, ""),
        ("committed", ROWS, ROWS, ROWS, ""),
    ]
    assert query(var_dir, "SELECT strftime('%Y', date), count(*) FROM sales_skudaysales GROUP BY 1 ORDER BY 1") == [
        ("2023", ROWS),
        ("2024", ROWS),
    ]
    first, second = query(
        var_dir, "SELECT min(id), max(id) FROM sales_skudaysales GROUP BY strftime('%Y', date) ORDER BY 1"
    )
    assert first[1] > second[0]
