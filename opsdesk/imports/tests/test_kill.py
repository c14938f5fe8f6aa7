"""Killing the importer with SIGKILL mid-write leaves no partial batch; running the same command again completes it.

Runs real processes against a throwaway SQLite file (never the test database), so it needs no fixtures.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROWS = 120_000
SEED = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "opsdesk.config.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from opsdesk.catalog.models import Product
from opsdesk.core.models import Company, Region, Store
company = Company.objects.create(code="KILL", name="kill")
region = Region.objects.create(company=company, code="R", name="R")
stores = [Store(company=company, region=region, code=f"S{i}", name=f"S{i}", city="c") for i in range(20)]
Store.objects.bulk_create(stores)
Product.objects.bulk_create([Product(company=company, sku=f"P{i}", name=f"P{i}", cost=1, price=2) for i in range(60)])
"""


def _env(var_dir: Path) -> dict:
    env = {**os.environ, "OPSDESK_VAR_DIR": str(var_dir), "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    env.pop("OPSDESK_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _write_sales(path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("store,sku,date,qty,price\n")
        for index in range(ROWS):
            day = 1 + (index // 1200) % 28
            month = 1 + index // (1200 * 28)
            handle.write(f"S{index % 20},P{(index // 20) % 60},2023-{month:02d}-{day:02d},{index % 7},2.5\n")


def _progress_phase(var_dir: Path) -> str | None:
    for path in (var_dir / "media" / "imports" / "progress").glob("*.json"):
        try:
            return json.loads(path.read_text())["phase"]
        except (OSError, ValueError, KeyError):
            return None
    return None


def _counts(var_dir: Path) -> tuple[int, list]:
    with sqlite3.connect(var_dir / "opsdesk.sqlite3") as connection:
        facts = connection.execute("SELECT count(*) FROM sales_skudaysales").fetchone()[0]
        batches = connection.execute(
            "SELECT id, status, rows_committed FROM imports_importbatch ORDER BY id"
        ).fetchall()
    return facts, batches


def test_kill_9_mid_import_leaves_no_partial_batch_and_rerun_completes(tmp_path):
    # given: a migrated SQLite database with stores and products, and a sales file
    var_dir = tmp_path / "var"
    env = _env(var_dir)
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True, timeout=300)
    sales = tmp_path / "sales.csv"
    _write_sales(sales)
    command = [sys.executable, "-m", "opsdesk", "import", "sku_day_sales", str(sales), "--company", "KILL", "--quiet"]
    # when: the importer is killed once it has started writing
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _progress_phase(var_dir) != "write":
        assert process.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    # then: no fact row and no committed batch
    facts, batches = _counts(var_dir)
    assert process.returncode == -signal.SIGKILL
    assert facts == 0
    assert [(status, committed) for _pk, status, committed in batches] == [("running", 0)]
    # when: the same command runs again
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    # then: the interrupted batch is completed, every row exactly once
    facts, batches_after = _counts(var_dir)
    assert rerun.returncode == 0, rerun.stderr
    assert facts == ROWS
    assert batches_after == [(batches[0][0], "committed", ROWS)]
    assert "read = committed + quarantined + skipped duplicates: OK" in rerun.stdout
