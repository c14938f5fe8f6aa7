"""Import benchmark: N daily store x SKU sales lines (generated CSV) with full validation, on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py                 # 1,000,000 rows on SQLite, 250,000 to check memory, PostgreSQL
    .venv/bin/python bench/import.py --rows 200000   # quicker

Each measurement runs in a fresh subprocess (its own temporary var/ directory and database), so the peak memory
is that import's alone. PostgreSQL: a throwaway cluster is started from /usr/lib/postgresql/*/bin when initdb
exists (as an unprivileged user when run as root); otherwise its figure is null.
The last line printed is one JSON object: {"rows", "sqlite_rows_per_s", "postgres_rows_per_s", "peak_mib"}.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORES, SKUS = 20, 500


def generate_csv(path: Path, rows: int) -> None:
    """store x SKU x day lines, days as needed for `rows` (STORES * SKUS rows per day)."""
    days = max(1, rows // (STORES * SKUS))
    start = date(2023, 1, 1)
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("门店编号,商品编码,日期,数量,单价,促销\n")
        for day in range(days):
            text = (start + timedelta(days=day)).isoformat()
            for store in range(STORES):
                for sku in range(SKUS):
                    quantity = (store * 7 + sku * 3 + day) % 13
                    handle.write(f"S{store:03d},SKU{sku:05d},{text},{quantity},{(sku % 50) + 1.5},{day % 7 == 5:d}\n")
                    written += 1
                    if written >= rows:
                        return


def worker(rows: int) -> dict:
    """Run inside a subprocess whose environment points at a fresh database: migrate, seed, import, measure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from opsdesk.catalog.models import Product
    from opsdesk.core.models import Company, Region, Store
    from opsdesk.imports.services import import_run
    from opsdesk.sales.models import SkuDaySales

    company = Company.objects.create(code="BENCH", name="Bench")
    region = Region.objects.create(company=company, code="R", name="R")
    Store.objects.bulk_create(
        [Store(company=company, region=region, code=f"S{i:03d}", name=f"S{i}", city="上海") for i in range(STORES)]
    )
    Product.objects.bulk_create(
        [Product(company=company, sku=f"SKU{i:05d}", name=f"SKU {i}", cost=1, price=2) for i in range(SKUS)]
    )
    path = Path(os.environ["OPSDESK_VAR_DIR"]) / "lines.csv"
    generate_csv(path, rows)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    phases: dict[str, float] = {}

    def on_progress(report: dict) -> None:
        phases.setdefault(report["phase"], time.perf_counter())

    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    batch = import_run(actor=None, company=company, kind="sku_day_sales", path=path, callback=on_progress)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    validate_seconds = phases.get("write", started + seconds) - started
    assert batch.status == "committed", batch.message
    assert batch.rows_committed == rows == SkuDaySales.objects.count(), (batch.rows_committed, rows)
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "cpu_seconds": round(cpu, 2),
        "writer_cpu_seconds": round(children.ru_utime + children.ru_stime, 2),
        "writer_peak_mib": round(children.ru_maxrss / 1024, 1),
        "validate_seconds": round(validate_seconds, 2),
        # importer + its forked writer, added (an overestimate: they share the pages present at the fork)
        "peak_mib": round(
            (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            )
            / 1024,
            1,
        ),
        "baseline_mib": round(baseline, 1),
        "balanced": batch.is_balanced,
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_worker(rows: int, database_url: str | None, var_dir: Path) -> dict:
    env = {**os.environ, "OPSDESK_VAR_DIR": str(var_dir), "PYTHONPATH": str(ROOT)}
    env.pop("OPSDESK_DATABASE_URL", None)
    if database_url:
        env["OPSDESK_DATABASE_URL"] = database_url
    output = subprocess.run(
        [sys.executable, __file__, "--worker", str(rows)], env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def start_postgres(base: Path) -> tuple[str, callable] | None:
    """A throwaway cluster on a Unix socket; None when PostgreSQL is not installed."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not binaries:
        return None
    bin_dir = Path(binaries[-1]).parent
    data, socket_dir = base / "pgdata", base / "pgsock"
    socket_dir.mkdir(parents=True)
    os.chmod(base.parent, 0o755)  # the cluster's OS user must reach its directory
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "opsdesk-test" if _user_exists("opsdesk-test") else "nobody"
        record = pwd.getpwnam(user)
        os.chown(base, record.pw_uid, record.pw_gid)
        os.chown(socket_dir, record.pw_uid, record.pw_gid)
        prefix = ["runuser", "-u", user, "--"]
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(
        [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "bench", "--auth=trust", "-E", "UTF8"], **quiet
    )
    options = f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(base / "pg.log"), "start"],
        **quiet,
    )

    def stop() -> None:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return f"postgres://bench@/postgres?host={socket_dir}", stop


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=250_000, help="second size, to show memory stays flat")
    parser.add_argument("--postgres-rows", type=int, default=None, help="rows for PostgreSQL (default: --rows)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return
    results: dict[str, dict | None] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="opsdesk-bench-import-") as base:
        base_path = Path(base)
        for label, rows in (("sqlite-small", args.small), ("sqlite", args.rows)):
            folder = base_path / label
            folder.mkdir()
            results[label] = run_worker(rows, None, folder)
            shutil.rmtree(folder)
        results["postgres"] = None
        started = None if args.no_postgres else start_postgres(base_path / "pg")
        if started is not None:
            url, stop = started
            try:
                folder = base_path / "postgres"
                folder.mkdir()
                results["postgres"] = run_worker(args.postgres_rows or args.rows, url, folder)
            finally:
                stop()
    print(
        f"{'run':<14}{'rows':>10}{'seconds':>10}{'1st write s':>12}{'CPU s':>8}{'writer CPU':>11}{'rows/s':>10}"
        f"{'peak MiB':>10}{'writer MiB':>11}{'baseline':>10}"
    )
    for label, result in results.items():
        if result is None:
            print(f"{label:<14}{'  not run (--no-postgres, or no initdb)'}")
            continue
        print(
            f"{label:<14}{result['rows']:>10}{result['seconds']:>10}{result['validate_seconds']:>12}"
            f"{result['cpu_seconds']:>8}{result['writer_cpu_seconds']:>11}{result['rows_per_s']:>10}"
            f"{result['peak_mib']:>10}{result['writer_peak_mib']:>11}{result['baseline_mib']:>10}"
        )
    print(f"load average (1 min) before/after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        "seconds: wall clock of the import (file kept, validated, written, committed); CPU s: the importer "
        "(read + validate); writer CPU: its forked writer process (upserts); peak MiB: both processes added"
    )
    print(f"reproduce: .venv/bin/python bench/import.py --rows {args.rows} --small {args.small}")
    postgres = results["postgres"]
    print(
        json.dumps(
            {
                "rows": args.rows,
                "sqlite_rows_per_s": results["sqlite"]["rows_per_s"],
                "postgres_rows_per_s": postgres["rows_per_s"] if postgres else None,
                "peak_mib": results["sqlite"]["peak_mib"],
            }
        )
    )


if __name__ == "__main__":
    main()
