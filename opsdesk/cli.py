"""The `opsdesk` command: demo | serve | worker | backup | restore | manage | ... (thin: it calls services)."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _setup_database() -> None:
    """Django set up and the database brought to this OpsDesk's schema: the commands that read or write data apply
    the migrations of a newer OpsDesk first, as the import commands and ``opsdesk demo`` always have (a forecast of
    an older database otherwise failed only when it stored its results)."""
    _setup_django()
    _migrate()


def _pending_migrations() -> list[str]:
    """Migrations of this OpsDesk not applied to the database yet, as "app.name"."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if gunicorn is None:
        raise SystemExit("gunicorn is not installed; reinstall opsdesk")
    return [
        gunicorn,
        "opsdesk.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "2",
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]


def _worker_command() -> list[str]:
    """The background task worker (django-tasks database backend): imports, forecasts, plans."""
    return [sys.executable, "-m", "opsdesk", "worker"]


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class ChildProcesses:
    """The processes a command runs and owns (`opsdesk demo`: the worker and gunicorn): none outlives it.

    Use as a context manager. Inside it SIGTERM, SIGINT (Ctrl+C) and SIGHUP are requests to stop: `wait()` returns
    when one arrives or when a child exits, and leaving the block stops every child. Each child leads its own
    process group so that stopping it reaches its children too (gunicorn's workers): SIGTERM to the group, SIGKILL
    after `timeout` seconds or at once on another stop signal. On Linux a child also gets SIGTERM if this process
    dies without stopping it (SIGKILL), so not even that leaves an orphan serving.
    """

    def __init__(self, timeout: float = 10.0, poll_interval: float = 0.2) -> None:
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.processes: dict[str, subprocess.Popen] = {}
        self.signals: list[int] = []
        self._previous_handlers: dict[int, Any] = {}

    def __enter__(self) -> ChildProcesses:
        for signum in STOP_SIGNALS:
            self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.stop()
        finally:
            for signum, handler in self._previous_handlers.items():
                signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame) -> None:
        self.signals.append(signum)

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        """Start `command` as the child `name`: a new process group, no terminal input."""
        process = subprocess.Popen(command, env=os.environ.copy(), stdin=subprocess.DEVNULL, process_group=0,
                                   preexec_fn=_terminate_with_parent())
        self.processes[name] = process
        return process

    def wait(self) -> int:
        """Block until a stop signal (exit status 0) or until a child exits (its status; 128 + N if killed by
        signal N), then stop every child."""
        while not self.signals:
            exited = next((name for name, process in self.processes.items() if not _is_running(process)), None)
            if exited is not None:
                print(f"opsdesk: the {exited} stopped; stopping the rest.", file=sys.stderr, flush=True)
                self.stop()
                code = self.processes[exited].returncode
                return 128 - code if code < 0 else code
            time.sleep(self.poll_interval)
        names = " and ".join(self.processes) or "nothing"
        print(f"\nopsdesk: {signal.Signals(self.signals[0]).name}, stopping the {names}.", file=sys.stderr, flush=True)
        self.stop()
        return 0

    def stop(self) -> None:
        """SIGTERM to each running child's group; after `timeout` seconds (or another stop signal) SIGKILL to every
        group, so stragglers die too; then reap the children."""
        waiting = [process for process in self.processes.values() if process.returncode is None]
        running = [process for process in waiting if _is_running(process)]
        signals_seen = len(self.signals)
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + self.timeout
        while any(_is_running(process) for process in running):
            if time.monotonic() >= deadline or len(self.signals) > signals_seen:
                break
            time.sleep(0.05)
        # Exited leaders are not reaped yet, so their pids still name their groups (no pid reuse can intervene).
        for process in waiting:
            _signal_group(process, signal.SIGKILL)
        for process in waiting:
            process.wait()


def _is_running(process: subprocess.Popen) -> bool:
    """Whether the child has not exited, without reaping it: until reaped its pid keeps naming its process group."""
    if process.returncode is not None:
        return False
    return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:  # the group is empty: the leader exited and so did everything it started
        pass


def _terminate_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to send the child SIGTERM when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it
    parent, pr_set_pdeathsig, sigterm = os.getpid(), 1, int(signal.SIGTERM)

    def preexec() -> None:
        prctl(pr_set_pdeathsig, sigterm)
        if os.getppid() != parent:  # the parent died before the call
            os._exit(1)

    return preexec


def _print_logins(logins, url: str, *, serving: bool = True) -> None:
    print()
    print("=" * 72)
    if serving:
        print(f"  OpsDesk 营运台 is running at {url}")
    else:
        print("  OpsDesk 营运台 demo data is ready; `opsdesk demo` serves it at " + url)
    print("  Demo logins (角色 / username / password / scope):")
    for role, username, password, scope in logins:
        print(f"    {role:<22} {username:<16} {password:<20} {scope}")
    if serving:
        print("  Stop with Ctrl+C.")
    print("=" * 72, flush=True)


def cmd_demo(args: argparse.Namespace) -> int:
    """Create var/, migrate, generate the demo company if absent, start a worker and the server."""
    os.environ.setdefault("OPSDESK_VAR_DIR", str(Path.cwd() / "var"))
    _setup_django()
    _migrate()
    from opsdesk.core.demo import build_demo, demo_exists, demo_logins

    if args.reset or not demo_exists():
        summary = build_demo(reset=args.reset, progress=True)
        print(f"Demo company generated in {summary.seconds:.1f} s.", flush=True)
        _queue_demo_analytics()
    logins = demo_logins()
    url = f"http://{args.host}:{args.port}/"
    if args.no_serve:
        _print_logins(logins, url, serving=False)
        return 0
    server_command = _gunicorn_command(args.host, args.port, args.workers)
    # Stopping the demo (Ctrl+C, SIGTERM, SIGHUP) stops the worker and the server with it.
    with ChildProcesses() as children:
        children.start("worker", _worker_command())
        _print_logins(logins, url)
        print("  The worker is computing the forecast and the replenishment plan now (see 预测 / 补货).", flush=True)
        children.start("server", server_command)
        return children.wait()


def _queue_demo_analytics() -> None:
    """Queue the first forecast and replenishment plan of the demo (the worker runs them; the plan waits)."""
    from opsdesk.core import hooks
    from opsdesk.core.models import Company
    from opsdesk.forecasting.services import forecast_run_request
    from opsdesk.replenishment.services import plan_run_request

    for company in Company.objects.filter(stores__isnull=False).distinct():
        forecast_run_request(actor=None, company=company, kind="demo")
        plan_run_request(actor=None, company=company, kind="demo")
        hooks.facts_changed(company.pk)  # the apps that keep derived data (rollups, goals, extracts) queue it


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve with gunicorn (loopback by default); collects static files first in production."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    if args.migrate:
        _migrate()
    command = _gunicorn_command(args.host, args.port, args.workers)
    os.execv(command[0], command)
    return 0  # pragma: no cover


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background task worker (and the daily scheduler) until stopped."""
    _setup_django()
    pending = _pending_migrations()
    if pending:  # the server migrates (`serve --migrate`, `demo`); a worker on an older schema fails every task
        raise SystemExit(f"the database is behind this OpsDesk ({len(pending)} migration(s) not applied: "
                         f"{', '.join(pending[:5])}{' ...' if len(pending) > 5 else ''}); run `opsdesk manage migrate` "
                         "(or `opsdesk serve --migrate`) first")
    import threading

    from django.core.management import call_command

    from opsdesk.core import scheduler

    _recover_runs()  # runs left "running" by a worker that was killed: fail them and queue their retry
    if args.batch:
        scheduler.tick()
        call_command("db_worker", "--batch")
        return 0
    stop = threading.Event()

    def schedule_loop() -> None:
        from django.db import close_old_connections

        while not stop.is_set():
            try:
                _recover_runs()  # another worker of the same database may have died since
                scheduler.tick()
            finally:
                close_old_connections()
            stop.wait(30)

    threading.Thread(target=schedule_loop, name="opsdesk-scheduler", daemon=True).start()
    try:
        call_command("db_worker")
    finally:
        stop.set()
    return 0


def _recover_runs() -> None:
    """Fail the forecast and plan runs whose worker stopped sending heartbeats, and queue one retry of each."""
    import logging

    from opsdesk.forecasting.services import forecast_runs_recover
    from opsdesk.replenishment.services import plan_runs_recover

    try:
        retries = [*forecast_runs_recover(), *plan_runs_recover()]
    except Exception:  # the sweep must never stop the worker; the next tick tries again
        logging.getLogger(__name__).exception("recovering abandoned runs failed")
        return
    for run in retries:
        print(f"worker: {type(run).__name__} #{run.retry_of_id} had no heartbeat; retrying as #{run.pk}", flush=True)


def cmd_manage(args: argparse.Namespace) -> int:
    """Any Django management command: `opsdesk manage migrate`, `opsdesk manage check --deploy`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["opsdesk manage", *args.rest])
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Create your own company and its first administrator (the first step with your own data)."""
    import getpass

    _setup_django()
    _migrate()
    from django.core.exceptions import ValidationError

    from opsdesk.core import services

    password = os.environ.get("OPSDESK_ADMIN_PASSWORD") or ""
    if not password:
        if not sys.stdin.isatty():
            raise SystemExit("set OPSDESK_ADMIN_PASSWORD (no terminal to ask for the administrator's password)")
        password = getpass.getpass(f"password for {args.admin}: ")
        if password != getpass.getpass("again: "):
            raise SystemExit("the two passwords differ")
    try:
        company, admin = services.company_setup(
            name=args.name, code=args.code, country=args.country, currency=args.currency, time_zone=args.time_zone,
            language=args.language, admin_username=args.admin, admin_password=password, admin_email=args.email)
    except ValidationError as error:
        for field, messages in sorted(error.message_dict.items()):
            for message in messages:
                print(f"{field}: {message}", file=sys.stderr)
        return 2
    print(f"company {company.code} ({company.name}, {company.country}, {company.currency}, {company.time_zone}) "
          f"created; sign in as {admin.username} (administrator, whole company)")
    print("next: opsdesk import stores FILE --company " + company.code + "  (see README, 'Your own data')")
    return 0


def _company(code: str | None):
    from opsdesk.core.models import Company

    companies = Company.objects.all()
    if code:
        companies = companies.filter(code=code)
    found = list(companies[:2])
    if len(found) != 1:
        raise SystemExit("name the company with --company CODE" if found else "no such company")
    return found[0]


def _refresh_cockpit(company) -> None:
    """Bring the cockpit's rollups up to date now (a command-line run needs no worker to show its result); the job
    the run queued does the same again, harmlessly, when a worker runs."""
    from opsdesk.cockpit.rollups import rollup_refresh

    rollup_refresh(company)


def cmd_forecast(args: argparse.Namespace) -> int:
    """Run a forecast now (in this process) and print its accuracy."""
    _setup_database()
    from tqdm import tqdm

    from opsdesk.forecasting import services
    from opsdesk.forecasting.models import ForecastRun

    company = _company(args.company)
    run = services.forecast_run_request(actor=None, company=company, horizon=args.horizon, enqueue=False)
    bar = tqdm(total=100, desc="forecast", unit="%", file=sys.stderr)

    def progress(percent: int, stage: str) -> None:
        bar.set_postfix_str(stage)
        bar.update(max(0, percent - bar.n))

    try:
        run = services.forecast_run_execute(run.pk, on_progress=progress)
    finally:
        bar.update(100 - bar.n)
        bar.close()
    run = ForecastRun.objects.get(pk=run.pk)
    _refresh_cockpit(company)
    print(f"run #{run.pk}: {run.series_count} series, origin {run.origin}, {run.horizon} days, {run.seconds} s")
    for measure, item in run.accuracy.items():
        print(f"  {measure:<10} series={item['series']:<7} relative_rmse={item['relative_rmse']}", end=" ")
        print(f"models={item['models']}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export data sets to a file: `opsdesk export forecasts --format csv --output FILE`."""
    _setup_database()
    from opsdesk.core.exports import xlsx_bytes
    from opsdesk.forecasting import selectors
    from opsdesk.forecasting.models import ForecastRun

    company = _company(args.company)
    runs = ForecastRun.objects.filter(company=company, status="done").order_by("-finished_at", "-pk")
    run = runs.filter(pk=args.run).first() if args.run else runs.first()
    if run is None:
        raise SystemExit("no finished forecast run; run `opsdesk forecast` first")
    rows = selectors.export_rows(user=None, run=run)
    output = Path(args.output)
    if args.format == "xlsx":
        output.write_bytes(xlsx_bytes(selectors.EXPORT_HEADER, rows, sheet_title="forecasts"))
    else:
        import csv

        with output.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(selectors.EXPORT_HEADER)
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        print(f"{count} rows written to {output} (run #{run.pk})")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """Compute the replenishment plan now (in this process) from the latest forecast, with a progress bar."""
    _setup_database()
    from tqdm import tqdm

    from opsdesk.replenishment import services
    from opsdesk.replenishment.models import PlanRun

    company = _company(args.company)
    run = services.plan_run_request(actor=None, company=company, enqueue=False)
    bar = tqdm(total=100, desc="plan", unit="%", file=sys.stderr)

    def progress(percent: int, stage: str) -> None:
        bar.set_postfix_str(stage)
        bar.update(max(0, percent - bar.n))

    try:
        run = services.plan_run_execute(run.pk, on_progress=progress)
    finally:
        bar.update(100 - bar.n)
        bar.close()
    run = PlanRun.objects.get(pk=run.pk)
    _refresh_cockpit(company)
    print(f"plan #{run.pk} for {run.plan_date}: {run.pair_count} store x SKU pairs, {run.order_count} lines to "
          f"order worth {run.order_value:,.2f}, forecast run #{run.forecast_run_id}, {run.seconds} s")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """Replay a holdout under Odoo min/max, ERPNext reorder level and the OpsDesk plan; print the table."""
    import itertools
    import json

    from opsdesk.replenishment import simulation

    plan_params = None
    if args.data == "online_retail":
        path = Path(args.data_dir) / "online_retail" / "online_retail.csv"
        if not path.exists():
            raise SystemExit(f"{path} not found; pass --data-dir DIR (the folder holding online_retail/)")
        inputs = simulation.online_retail_world(path)
    else:
        _setup_database()
        from opsdesk.replenishment.selectors import plan_params as company_plan_params

        company = _company(args.company)
        plan_params = company_plan_params(company)  # the company's replenishment settings, as the nightly plan
        inputs = simulation.company_world(company, max_pairs=args.max_pairs, review_days=plan_params["review_days"])
        if inputs is None:
            raise SystemExit("the company has no store x SKU sales; run `opsdesk demo --no-serve` first")
    results: dict = {}
    refreshes = (inputs.demand.shape[1] - inputs.start + 6) // 7 + 1  # the starting stock's, then one a week
    runs = itertools.count(1)

    def refreshed(day: int, seconds: float) -> None:
        print(f"  forecast engine: run {next(runs)} of about {refreshes} (simulated day {day}) in {seconds:.1f} s",
              file=sys.stderr)

    figures = simulation.run_policies(inputs, target_fill=args.fill_rate, bound=args.bound, plan_params=plan_params,
                                      on_policy=lambda name: print(f"simulating {name} ...", file=sys.stderr),
                                      results=results, on_refresh=refreshed)
    print(simulation.format_table(args.data, inputs.demand.shape[0], figures))
    if args.bound:
        print("\naverage inventory value by segment (days one order covers)")
        print(simulation.format_segments(simulation.order_cover_segments(inputs, results)))
    split = simulation.shortfall_split(inputs, results)
    print(f"\nwhere the units short fall (bulk day: demand above {simulation.BULK_MULTIPLE:g} x the pair's average day "
          f"of the {simulation.HISTORY_DAYS} days before)")
    print(simulation.format_shortfall(split))
    print(json.dumps({args.data: {name: {**{key: round(value, 4) if isinstance(value, float) else value
                                            for key, value in row.items()}, **split[name]}
                                  for name, row in figures.items()}}))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database, the uploads and the secret key into one archive with SHA-256 checksums."""
    _setup_django()
    from opsdesk.core.backup import BackupError, backup_create

    try:
        summary = backup_create(args.output)
    except BackupError as error:
        raise SystemExit(f"backup failed: {error}") from error
    key = ", the secret key" if summary.has_secret_key else ""
    print(f"{summary.path}: {summary.engine} database, {summary.media_files} uploaded files{key} "
          f"({summary.size / 1e6:,.1f} MB)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore database, uploads and secret key from an `opsdesk backup` archive (verified before anything)."""
    _setup_django()
    from opsdesk.core.backup import BackupError, backup_restore

    try:
        summary = backup_restore(args.archive)
    except BackupError as error:
        raise SystemExit(f"restore refused: {error}") from error
    key = ", the secret key" if summary.has_secret_key else ""
    print(f"restored from {summary.path}: {summary.engine} database, {summary.media_files} uploaded files{key}. "
          "Run `opsdesk manage migrate` if the backup comes from an older OpsDesk, then start the server.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opsdesk", description="OpsDesk 营运台: operations for multi-store chains")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the demo company on SQLite at http://127.0.0.1:8000")
    demo.add_argument("--host", default=DEFAULT_HOST)
    demo.add_argument("--port", type=int, default=DEFAULT_PORT)
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--reset", action="store_true", help="regenerate the demo data")
    demo.add_argument("--no-serve", action="store_true", help="prepare the data and print the logins, then exit")
    demo.set_defaults(func=cmd_demo)

    init = commands.add_parser("init", help="create your company and its first administrator")
    init.add_argument("--name", required=True, help="company name, e.g. 华联超市")
    init.add_argument("--code", required=True, help="short company code, e.g. HL")
    init.add_argument("--country", default="CN", help="ISO 3166 code for public holidays (CN, US, GB, DE, ...)")
    init.add_argument("--currency", default="CNY", help="ISO 4217 code (CNY, USD, GBP, EUR, ...)")
    init.add_argument("--time-zone", default="Asia/Shanghai", help="IANA time zone, e.g. Europe/London")
    init.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"], help="default interface language")
    init.add_argument("--admin", default="admin", help="the administrator's user name")
    init.add_argument("--email", default="", help="the administrator's e-mail")
    init.set_defaults(func=cmd_init)

    serve = commands.add_parser("serve", help="run the production server (gunicorn)")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--migrate", action="store_true", help="apply database migrations first")
    serve.set_defaults(func=cmd_serve)

    worker = commands.add_parser("worker", help="run the background task worker")
    worker.add_argument("--batch", action="store_true", help="run the queued tasks, then exit")
    worker.set_defaults(func=cmd_worker)

    backup = commands.add_parser("backup", help="back up database, uploads and secret key into one archive")
    backup.add_argument("--output", required=True, help="archive to write (e.g. opsdesk-2026-03-02.tar.gz)")
    backup.set_defaults(func=cmd_backup)

    restore = commands.add_parser("restore", help="restore an `opsdesk backup` archive (stop serve/worker first)")
    restore.add_argument("archive")
    restore.set_defaults(func=cmd_restore)

    forecast = commands.add_parser("forecast", help="forecast every store and store x SKU now")
    forecast.add_argument("--horizon", type=int, default=28)
    forecast.add_argument("--company", help="company code (needed when there are several)")
    forecast.set_defaults(func=cmd_forecast)

    export = commands.add_parser("export", help="export a data set to a file")
    export.add_argument("dataset", choices=["forecasts"])
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--output", required=True)
    export.add_argument("--company")
    export.add_argument("--run", type=int, help="run id (default: the latest finished run)")
    export.set_defaults(func=cmd_export)

    plan = commands.add_parser("plan", help="compute the replenishment plan now (after `opsdesk forecast`)")
    plan.add_argument("--company", help="company code (needed when there are several)")
    plan.set_defaults(func=cmd_plan)

    simulate = commands.add_parser("simulate", help="compare replenishment policies on a replayed holdout")
    simulate.add_argument("--data", choices=["demo", "online_retail"], default="demo",
                          help="demo: the company in the database; online_retail: the UCI Online Retail CSV")
    simulate.add_argument("--data-dir", default=os.environ.get("OPSDESK_SHARED_DATA", "../shared/data"))
    simulate.add_argument("--company", help="company code (demo data; needed when there are several)")
    simulate.add_argument("--max-pairs", type=int, default=5000, help="sample at most this many store x SKUs")
    simulate.add_argument("--fill-rate", type=float, default=None,
                          help="calibrate each policy to this fill rate (e.g. 0.98) instead of its defaults")
    simulate.add_argument("--bound", action="store_true",
                          help="add the plan fed the actual future demand (how far any forecast could go) and the "
                               "inventory by segment of days one order covers")
    simulate.set_defaults(func=cmd_simulate)

    from opsdesk.imports.cli import add_commands as add_import_commands  # import, imports, realdata

    add_import_commands(commands)

    from opsdesk.cockpit.cli import add_commands as add_cockpit_commands  # brief

    add_cockpit_commands(commands)

    from opsdesk.reports.cli import add_commands as add_report_commands  # report-pack

    add_report_commands(commands)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
