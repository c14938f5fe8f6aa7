"""Load test of the main pages per demo role while a big sales import runs (locust as a library, loopback, bounded).

    .venv/bin/pip install -c constraints.txt -e ".[bench]"      # locust
    .venv/bin/python bench/load.py                              # 3,000,000 imported rows (the issue's goal)
    .venv/bin/python bench/load.py --import-rows 500000         # quicker
    .venv/bin/python bench/load.py --var-dir /tmp/demo          # build the demo there once, reuse it next time

What it does: builds the demo company (`opsdesk demo --no-serve`) in a var/ directory, unless one is given that
already holds it, and copies it for the run (the import adds rows, so every run starts from the same database).
It writes a CSV of daily store x SKU sales lines for the demo's stores and SKUs on days before the demo's history
(every row an insert), starts the production server (`opsdesk serve`: gunicorn, 2 workers x 2 threads, loopback),
signs in as one user of each demo role through the login form, finds the pages of the list below that the role may
open (the others answer 403 or 404 and are left out), then runs `--users-per-role` locust users per role, each
opening its pages at random with 1-3 s of think time. Once they are all signed in, the same load runs
`--idle-seconds` without an import (for comparison: on a shared machine the cores are the limit), then `opsdesk
import sku_day_sales` runs the file through the product's own path (validation, chunked upserts, batch report);
the per-page statistics and the JSON figures cover exactly the time the import runs. An error is any answer but
200 (a redirect to the login page too) and any failed connection. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import gevent
import locust  # noqa: F401 - imported before requests: it monkey-patches the standard library for gevent
import numpy as np
import requests
from locust import HttpUser, between, events, task
from locust.env import Environment

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "opsdesk-demo-2026"  # opsdesk.core.demo.DEMO_PASSWORD (not imported: this process runs no Django)
PAGES = {
    "cockpit": "/cockpit/",
    "inbox": "/cockpit/inbox/",
    "stores": "/stores/",
    "inventory health": "/replenishment/health/",
    "proposals": "/replenishment/",
    "purchase orders": "/purchasing/orders/",
    "inspections": "/storeops/runs/",
    "corrective actions": "/storeops/actions/",
    "service tickets": "/service/tickets/",
    "imports": "/imports/",
}
DEMO_FACTS = """
import json
from django.db.models import Min
from opsdesk.catalog.models import Product
from opsdesk.core.demo import demo_logins
from opsdesk.core.models import Store
from opsdesk.sales.models import SkuDaySales
from opsdesk.core.models import User
users = {}
for _label, username, _password, _scope in demo_logins():
    users.setdefault(User.objects.get(username=username).role, username)
print(json.dumps({
    "users": users,
    "stores": list(Store.objects.filter(company__code="DEMO").order_by("code").values_list("code", flat=True)),
    "skus": list(Product.objects.filter(company__code="DEMO").order_by("sku").values_list("sku", flat=True)),
    "first_day": SkuDaySales.objects.aggregate(day=Min("date"))["day"].isoformat(),
}))
"""


def opsdesk(var_dir: Path, *arguments: str, **options) -> subprocess.CompletedProcess | subprocess.Popen:
    """Run `opsdesk ARGUMENTS` on this var/ directory (the repository's code, whatever is installed)."""
    env = {**os.environ, "OPSDESK_VAR_DIR": str(var_dir), "PYTHONPATH": str(REPO)}
    env.pop("OPSDESK_DATABASE_URL", None)  # always the SQLite file in var/
    command = [sys.executable, "-m", "opsdesk", *arguments]
    if options.pop("background", False):
        return subprocess.Popen(command, env=env, **options)
    return subprocess.run(command, env=env, check=True, **options)


def demo_database(var_dir: Path | None, workdir: Path) -> tuple[Path, float | None]:
    """A copy of the demo database for this run, and the seconds spent building the demo (None: reused)."""
    source = var_dir or workdir / "demo"
    seconds = None
    if not (source / "opsdesk.sqlite3").exists():
        started = time.perf_counter()
        opsdesk(source, "demo", "--no-serve", stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    run_dir = workdir / "run"
    shutil.copytree(source, run_dir, ignore=shutil.ignore_patterns("media", "mail"))
    # A demo kept from an older OpsDesk gets this code's migrations (`opsdesk serve` does not migrate).
    opsdesk(run_dir, "manage", "migrate", "--no-input", stdout=subprocess.DEVNULL)
    return run_dir, seconds


def write_sales(path: Path, rows: int, stores: list[str], skus: list[str], first_day: date) -> None:
    """`rows` store x SKU x day lines on the days before `first_day`, newest day first: every key is new."""
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("门店编号,商品编码,日期,数量,单价\n")
        for offset in range(1, rows // (len(stores) * len(skus)) + 2):
            day = (first_day - timedelta(days=offset)).isoformat()
            lines = [
                f"{store},{sku},{day},{(index + offset) % 9},{(index % 40) + 1.5}\n"
                for index, (store, sku) in enumerate((store, sku) for store in stores for sku in skus)
            ]
            lines = lines[: rows - written]
            handle.writelines(lines)
            written += len(lines)
            if written >= rows:
                return


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in(session, base_url: str, username: str) -> None:
    """Sign in through the login form (CSRF cookie first), as a browser does."""
    session.get(f"{base_url}/login/")
    response = session.post(
        f"{base_url}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies.get("csrftoken")},
        headers={"Referer": f"{base_url}/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in as {username} failed: HTTP {response.status_code}")


def pages_per_role(base_url: str, users: dict[str, str]) -> dict[str, dict[str, str]]:
    """The pages each role's user may open (200); the others are left out of the load."""
    allowed = {}
    for role, username in users.items():
        with requests.Session() as session:
            sign_in(session, base_url, username)
            allowed[role] = {
                name: path
                for name, path in PAGES.items()
                if session.get(f"{base_url}{path}", allow_redirects=False).status_code == 200
            }
    return allowed


def wait_for_server(base_url: str, server: subprocess.Popen) -> None:
    """Until the login page answers (gunicorn has started its workers)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            if requests.get(f"{base_url}/login/", timeout=30).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its first answer is slow
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer within 120 s")


signed_in: list[str] = []  # usernames whose locust user has signed in


def user_class(role: str, username: str, pages: dict[str, str]) -> type[HttpUser]:
    """A locust user of one role: signs in once, then opens its pages at random with think time."""
    names = sorted(pages)

    class RoleUser(HttpUser):
        """One signed-in person of the role."""

        wait_time = between(1, 3)

        def on_start(self) -> None:
            """Sign in (not counted: recording starts once everyone is in)."""
            sign_in(self.client, "", username)
            signed_in.append(username)

        @task
        def open_page(self) -> None:
            """One page, chosen at random; anything but 200 is an error."""
            name = random.choice(names)
            # One connection per request, as bench/web.py: a kept-alive connection that gunicorn closes after its
            # 2 s keep-alive just as the next request goes out fails in requests, where a browser retries it.
            options = {"headers": {"Connection": "close"}, "allow_redirects": False, "catch_response": True}
            with self.client.get(pages[name], name=f"{role}|{name}", **options) as response:
                if response.status_code != 200:
                    response.failure(repr(response.error) if response.error else f"HTTP {response.status_code}")

    RoleUser.__name__ = f"User_{username}"
    return RoleUser


class Recorder:
    """Every request's time and outcome per phase ('idle', 'import'), role and page."""

    def __init__(self):
        self.times: dict[tuple, list[float]] = defaultdict(list)
        self.errors: dict[tuple, int] = defaultdict(int)
        self.reasons: Counter = Counter()  # (phase, page, what went wrong)
        self.phase: str | None = None  # None: not recording (signing in, shutting down)

    def __call__(self, name: str, response_time: float, exception=None, **_details) -> None:
        if self.phase is not None:
            self.times[self.phase, name].append(response_time)
            self.errors[self.phase, name] += exception is not None
            if exception is not None:
                self.reasons[self.phase, name, str(exception)[:200]] += 1

    def totals(self, phase: str) -> dict:
        """Requests, errors, p50 and p95 of one phase, all roles and pages together."""
        every = [value for (of, _name), times in self.times.items() if of == phase for value in times]
        p50, p95 = np.percentile(every, [50, 95]) if every else (0.0, 0.0)
        errors = sum(count for (of, _name), count in self.errors.items() if of == phase)
        return {
            "requests": len(every),
            "errors": errors,
            "p50_ms": round(float(p50), 1),
            "p95_ms": round(float(p95), 1),
        }


def run_load(base_url: str, users: dict[str, str], pages: dict, per_role: int, idle: float, start_import) -> tuple:
    """Sign everyone in, record `idle` seconds without an import, then while `start_import()`'s process runs;
    returns (recorder, import outcome)."""
    classes = [user_class(role, users[role], pages[role]) for role in users if pages[role]]
    environment = Environment(user_classes=classes, host=base_url, events=events)
    recorder = Recorder()
    environment.events.request.add_listener(recorder)
    runner = environment.create_local_runner()
    runner.start(per_role * len(classes), spawn_rate=per_role * len(classes))
    deadline = time.monotonic() + 120
    while len(signed_in) < per_role * len(classes) and time.monotonic() < deadline:
        gevent.sleep(0.2)
    recorder.phase = "idle"
    gevent.sleep(idle)
    recorder.phase = "import"
    started = time.perf_counter()
    process = start_import()
    while process.poll() is None:
        gevent.sleep(0.5)
    seconds = time.perf_counter() - started
    recorder.phase = None
    runner.quit()
    output = process.stdout.read()
    status = re.search(r"\[(\w+)\]", output)
    return recorder, (seconds, status.group(1) if status else f"exit {process.returncode}", output)


def server_errors_in(path: Path) -> list[str]:
    """The last line of each server error's traceback in the server's log (4xx warnings of the probe left out)."""
    errors, is_error = [], False
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("Internal Server Error") or "[ERROR]" in line or "[CRITICAL]" in line:
            errors.append(line)
            is_error = not line.startswith("[")
        elif is_error and line and not line.startswith(" ") and not line.startswith("Traceback"):
            errors[-1] += f" -> {line}"
            is_error = False
    return errors


def print_table(recorder: Recorder) -> None:
    """Requests, errors, p50 and p95 per role and page during the import, then all together in each phase."""
    print(f"{'during the import':<38}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}")
    print(f"{'role':<18}{'page':<20}")
    for phase, name in sorted(key for key in recorder.times if key[0] == "import"):
        role, page = name.split("|")
        times = recorder.times[phase, name]
        p50, p95 = np.percentile(times, [50, 95])
        print(f"{role:<18}{page:<20}{len(times):>9}{recorder.errors[phase, name]:>8}{p50:>9.0f}{p95:>9.0f}")
    for (phase, name, reason), count in sorted(recorder.reasons.items()):
        print(f"error ({phase}) {name}: {reason} x {count}")
    for phase, label in (("import", "all, during the import"), ("idle", "all, before it (no import)")):
        totals = recorder.totals(phase)
        print(
            f"{label:<38}{totals['requests']:>9}{totals['errors']:>8}{totals['p50_ms']:>9.0f}{totals['p95_ms']:>9.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--import-rows", type=int, default=3_000_000, help="sales lines imported during the load")
    parser.add_argument("--users-per-role", type=int, default=2)
    parser.add_argument("--idle-seconds", type=float, default=30, help="the same load without an import, first")
    parser.add_argument("--var-dir", type=Path, help="a var/ directory with the demo (built there when missing)")
    args = parser.parse_args()
    per_role = args.users_per_role
    with tempfile.TemporaryDirectory(prefix="opsdesk-bench-load-") as temporary:
        workdir = Path(temporary)
        run_dir, demo_seconds = demo_database(args.var_dir, workdir)
        shell = opsdesk(run_dir, "manage", "shell", "-c", DEMO_FACTS, capture_output=True, text=True)
        facts = json.loads(shell.stdout.strip().splitlines()[-1])
        sales = workdir / "sales.csv"
        write_sales(sales, args.import_rows, facts["stores"], facts["skus"], date.fromisoformat(facts["first_day"]))
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server_log = open(workdir / "server.log", "w")  # closed once the server has stopped
        server = opsdesk(run_dir, "serve", "--port", str(port), background=True, stdout=server_log, stderr=server_log)
        try:
            wait_for_server(base_url, server)
            pages = pages_per_role(base_url, facts["users"])
            command = ("import", "sku_day_sales", str(sales), "--company", "DEMO", "--quiet")
            recorder, (import_seconds, import_status, output) = run_load(
                base_url,
                facts["users"],
                pages,
                per_role,
                args.idle_seconds,
                lambda: opsdesk(run_dir, *command, background=True, stdout=subprocess.PIPE, text=True),
            )
        finally:
            server.terminate()
            server.wait(timeout=60)
            server_log.close()
            server_errors = server_errors_in(workdir / "server.log")
    for role, allowed in pages.items():
        left_out = sorted(set(PAGES) - set(allowed))
        if left_out:
            print(f"{role} ({facts['users'][role]}) may not open: {', '.join(left_out)}")
    print(output.strip())
    for line in server_errors:
        print(f"server: {line}")
    print_table(recorder)
    if demo_seconds is not None:
        print(f"demo built in {demo_seconds:.0f} s")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"reproduce: .venv/bin/python bench/load.py --import-rows {args.import_rows} --users-per-role {per_role} "
        f"--idle-seconds {args.idle_seconds:g}"
    )
    print(
        json.dumps(
            {
                "rows_importing": args.import_rows,
                **recorder.totals("import"),
                "import_seconds": round(import_seconds, 1),
                "import_status": import_status,
            }
        )
    )


if __name__ == "__main__":
    main()
