"""Web benchmark of the cockpit, the action inbox and the monthly report pack: 200 stores, 2 years of store x day
rollups, 1,000 SKUs.

Reproduce from the repository root (uses a throwaway database in a temporary directory):
    .venv/bin/python bench/web.py                  # wrk if installed (apt-get install -y wrk), else a Python client
    .venv/bin/python bench/web.py --seconds 20 --connections 4

What it does: builds a company of 4 regions x 50 stores with 730 days of store sales facts and monthly targets,
runs the real rollup refresh (timed), adds 200 x 1,000 store x SKU rollups, a finished plan with 20 proposals per
store (stockout and overstock items) and 2 corrective actions per store (inbox items), then starts gunicorn with
2 worker processes on loopback and loads, as the COO (the whole company: the largest league table, inbox and pack),
GET /cockpit/, GET /cockpit/inbox/ and the company's monthly report pack of the last month,
GET /reports/pack/?scope=company&kind=monthly&period=2026-10 (every registered KPI over the month, the month before
and the same month last year; goals; the inbox's top items; actions taken; the forecast section, here without a
forecast run). Each page is first timed alone (5 requests one after the other), then under load. Latency is
measured by the load generator on loopback, so it includes the (negligible) loopback transfer on top of server
time. Each request opens its own connection ("Connection: close"): with keep-alive, wrk's 4 connections stay on
whichever gunicorn worker accepted them, and an unlucky 3-to-1 split
halves the capacity of the run (measured: 44 vs 80 req/s for the same page), while many browsers spread evenly.
The browser's cookies are a session and a CSRF cookie. The last line printed is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from http.client import HTTPConnection
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

N_REGIONS, STORES_PER_REGION, N_DAYS, N_SKUS, PROPOSALS_PER_STORE = 4, 50, 730, 1000, 20
LAST_DAY = date(2026, 10, 31)
PAGES = (("cockpit", "/cockpit/"), ("inbox", "/cockpit/inbox/"),
         ("pack", f"/reports/pack/?scope=company&kind=monthly&period={LAST_DAY:%Y-%m}"))
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("JSON {\\"p50_ms\\": %.2f, \\"p95_ms\\": %.2f, \\"rps\\": %.1f, \\"requests\\": %d, "
    .. "\\"errors\\": %d}\\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def _setup_django(var_dir: Path) -> None:
    os.environ["OPSDESK_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def _organisation():
    from opsdesk.core.models import Company, Region, Store, User

    company = Company.objects.create(code="BENCH", name="基准连锁")
    stores = []
    for r in range(N_REGIONS):
        region = Region.objects.create(company=company, code=f"R{r}", name=f"区域{r}")
        stores += Store.objects.bulk_create([Store(company=company, region=region, code=f"S{r}{i:02d}",
                                                   name=f"门店{r}{i:02d}", city="上海")
                                             for i in range(STORES_PER_REGION)])
    coo = User.objects.create_user("bench_coo", role="coo", company=company, has_company_scope=True)
    for role, name in (("store_manager", "bench_sm"), ("supervisor", "bench_sv"), ("regional_manager", "bench_rm")):
        user = User.objects.create_user(name, role=role, company=company)
        user.scope_regions.set(Region.objects.filter(company=company))
    return company, stores, coo


def _facts(company, stores, rng: random.Random) -> None:
    from opsdesk.cockpit.models import SalesTarget
    from opsdesk.sales.models import StoreDaySales

    rows, targets = [], []
    for store in stores:
        base = rng.uniform(8_000, 40_000)
        for offset in range(N_DAYS):
            day = LAST_DAY - timedelta(days=offset)
            sales = Decimal(round(base * rng.uniform(0.7, 1.3), 2)).quantize(Decimal("0.01"))
            rows.append(StoreDaySales(store=store, date=day, sales_amount=sales,
                                      cost_amount=(sales * Decimal("0.72")).quantize(Decimal("0.01")),
                                      customers=int(base / 40), transactions=int(base / 45)))
        month = (LAST_DAY - timedelta(days=N_DAYS)).replace(day=1)
        while month <= LAST_DAY.replace(month=12, day=1):
            targets.append(SalesTarget(store=store, month=month, amount=Decimal(round(base * 31, 2))))
            month = (month + timedelta(days=32)).replace(day=1)
    StoreDaySales.objects.bulk_create(rows, batch_size=10_000)
    SalesTarget.objects.bulk_create(targets, batch_size=10_000)


def _skus_and_plan(company, stores, rng: random.Random) -> None:
    from opsdesk.catalog.models import Product
    from opsdesk.cockpit.models import StoreSkuRollup
    from opsdesk.replenishment.models import PlanRun, Proposal
    from opsdesk.storeops.models import CorrectiveAction

    products = Product.objects.bulk_create([Product(company=company, sku=f"P{i:04d}", name=f"商品{i}",
                                                    cost=Decimal("5.00"), price=Decimal("9.00"))
                                            for i in range(N_SKUS)])
    StoreSkuRollup.objects.bulk_create([
        StoreSkuRollup(store=store, product=product, period_end=LAST_DAY, units=Decimal(rng.randint(0, 500)),
                       sales=Decimal(rng.randint(0, 50_000)), cost=Decimal(rng.randint(0, 30_000)),
                       previous_sales=Decimal(rng.randint(0, 50_000)), stockout_days=rng.randint(0, 3))
        for store in stores for product in products], batch_size=10_000)
    run = PlanRun.objects.create(company=company, status="done", plan_date=LAST_DAY, progress=100)
    floats = [f.name for f in Proposal._meta.fields if f.get_internal_type() == "FloatField"]
    proposals = []
    for store in stores:
        for product in rng.sample(products, PROPOSALS_PER_STORE):
            values = dict.fromkeys(floats, 0.0)
            values.update(urgency=rng.uniform(-3, 10), days_until_stockout=rng.uniform(0, 20),
                          overstock_value=rng.choice([0.0, rng.uniform(100, 9000)]), unit_cost=5.0,
                          stockout_probability=rng.random())
            proposals.append(Proposal(run=run, store=store, product=product, reason="reorder", abc_class="A",
                                      xyz_class="X", pack_size=1, min_order_qty=1, proposed_quantity=12,
                                      quantity=12, expected_date=LAST_DAY, is_at_risk=values["urgency"] < 2,
                                      **{**values, "stock_age_days": None}))
    Proposal.objects.bulk_create(proposals, batch_size=5_000)
    today = date.today()
    CorrectiveAction.objects.bulk_create([
        CorrectiveAction(store=store, title=f"整改 {store.code}-{k}",
                         due_date=today - timedelta(days=rng.randint(-1, 9)),
                         priority=rng.choice(["low", "medium", "high", "critical"]))
        for store in stores for k in range(2)])


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # A signed-in browser also carries the CSRF cookie it got with its first page (wrk sends fixed headers only).
    csrf_secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf_secret}"


def _one_at_a_time(url: str, cookie: str, count: int = 5) -> float:
    """The median of `count` requests sent one after the other (no queueing behind other requests), in ms."""
    timings = []
    for _request in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=120) as answer:
            answer.read()
        timings.append((time.perf_counter() - started) * 1000)
    return round(sorted(timings)[count // 2], 2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, cookie: str) -> None:
    for _attempt in range(120):
        try:
            request = urllib.request.Request(url, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=30) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer {url}")


def _wrk(url: str, cookie: str, seconds: int, connections: int, workdir: Path) -> dict:
    script = workdir / "p95.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                          "-H", f"Cookie: {cookie}", "-H", "Connection: close", url],
                         capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("JSON "))
    return json.loads(line[5:])


def _python_client(url: str, cookie: str, seconds: int, connections: int) -> dict:
    """A bounded client: `connections` threads for `seconds`, one connection per request (as wrk is run)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection = HTTPConnection(parts.hostname, parts.port, timeout=60)
            path = f"{parts.path}?{parts.query}" if parts.query else parts.path
            connection.request("GET", path, headers={"Cookie": cookie, "Connection": "close"})
            response = connection.getresponse()
            response.read()
            connection.close()
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += response.status != 200

    threads = [threading.Thread(target=worker) for _i in range(connections)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begun
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return {"p50_ms": round(pick(0.50), 2), "p95_ms": round(pick(0.95), 2), "rps": round(len(latencies) / elapsed, 1),
            "requests": len(latencies), "errors": errors[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="opsdesk-web-bench-"))
    server = None
    try:
        _setup_django(workdir)
        from django.db import connection

        from opsdesk.cli import _gunicorn_command
        from opsdesk.cockpit.rollups import rollup_refresh

        rng = random.Random(20261121)
        started = time.perf_counter()
        company, stores, coo = _organisation()
        _facts(company, stores, rng)
        facts_s = time.perf_counter() - started
        started = time.perf_counter()
        counts = rollup_refresh(company)
        refresh_s = time.perf_counter() - started
        _skus_and_plan(company, stores, rng)
        cookie = _session_cookie(coo)
        connection.close()
        port = _free_port()
        env = {**os.environ, "OPSDESK_VAR_DIR": str(workdir), "OPSDESK_DEBUG": "0"}
        server = subprocess.Popen(_gunicorn_command("127.0.0.1", port, 2), env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, cwd=REPO)
        base = f"http://127.0.0.1:{port}"
        client = args.client if args.client != "auto" else ("wrk" if shutil.which("wrk") else "python")
        results = {}
        for name, path in PAGES:
            _wait(base + path, cookie)
            for _warm in range(5):
                _wait(base + path, cookie)
            alone_ms = _one_at_a_time(base + path, cookie)
            if client == "wrk":
                results[name] = _wrk(base + path, cookie, args.seconds, args.connections, workdir)
            else:
                results[name] = _python_client(base + path, cookie, args.seconds, args.connections)
            results[name]["alone_ms"] = alone_ms
        print(f"data: {len(stores)} stores, {N_DAYS} days, {N_SKUS} SKUs; facts written in {facts_s:.1f} s; "
              f"rollup refresh {refresh_s:.1f} s ({counts['day_rows']} day rows)")
        print(f"load: {client}, {args.connections} connections, {args.seconds} s per page, gunicorn 2 workers x 2 "
              f"threads on loopback, SQLite, signed in as the COO (200 stores)")
        print("alone ms: the median of 5 requests one after the other, before the load")
        print(f"{'page':<10}{'alone ms':>10}{'p50 ms':>10}{'p95 ms':>10}{'req/s':>10}{'requests':>10}{'errors':>8}")
        for name, row in results.items():
            print(f"{name:<10}{row['alone_ms']:>10.1f}{row['p50_ms']:>10.1f}{row['p95_ms']:>10.1f}{row['rps']:>10.1f}"
                  f"{row['requests']:>10}{row['errors']:>8}")
        print(json.dumps({name: {key: row[key] for key in ("alone_ms", "p50_ms", "p95_ms", "rps")}
                          for name, row in results.items()}))
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
