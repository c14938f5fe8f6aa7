"""Rolling origins scored by the product's own path: import -> `opsdesk forecast` -> `opsdesk export forecasts`.

Issue 20: the engine-path figures of ``bench/forecast.py --rolling`` call ``opsdesk.engine.forecast.forecast`` on a
panel the benchmark builds itself. This script does what a new user does with the command line instead, in a fresh
``OPSDESK_VAR_DIR`` (a temporary folder; never the repository's ``var/``), and scores the exported CSV with the same
helpers (imported from ``bench/forecast.py``), at the same origins.

Reproduce from the repository root (the machine is shared: run it niced):
    nice -n 10 .venv/bin/python bench/forecast_product.py --only rossmann --stores 50
    nice -n 10 .venv/bin/python bench/forecast_product.py --only online_retail --top 300
    nice -n 10 .venv/bin/python bench/forecast_product.py                  # full: all 1,115 stores, every SKU
    ... --keep DIR                                                           # keep the var dirs (DIR/<data set>)
    ... --only online_retail --forward 39          # then the forecast past the last shared date, reported unscored
Compare with the engine path on the same subset:
    nice -n 10 .venv/bin/python bench/forecast.py --rolling --stores 50 --top 300 --no-baselines

Per data set, as a company would do it:
- ``opsdesk init`` (Rossmann: DE, EUR, Europe/Berlin; Online Retail: GB, GBP, Europe/London).
- Rossmann (stores 1..N with ``--stores N``): regions (one, DE) and ``store.csv`` (the first N rows) as masters;
  then per origin (4 windows of 42 days, the last ending at the last shared date 2015-06-19, as
  ``rolling_rossmann``): ``opsdesk import store_day_sales`` with the ``train.csv`` rows up to the origin not yet
  imported, ``opsdesk import calendar`` with the Open/Promo/StateHoliday/SchoolHoliday of the 42 days after the
  origin (no Sales; the origin stays the last store-day with sales, checked against what the run reports),
  ``opsdesk forecast --horizon 42``, ``opsdesk export forecasts --format csv``. Scored: the store sales rows
  (``sku`` empty) against the actual Sales: RMSPE over open days with Sales > 0, WAPE, bias, bias by week, 10-90 %
  band coverage (``lower``/``upper``) over those days; the promo-aware naive and the 28-day mean from the same
  history for comparison.
- Online Retail (``online_retail_2009_2010.csv`` then ``online_retail.csv``; ``--top N``: only the lines of the N
  SKUs selling most units up to the first origin, a fixed set for every origin): origins 2010-10-31 and the last
  3 windows of 28 days ending at 2011-10-31 (as ``rolling_retail``). Per origin ``opsdesk import sales_lines``
  (``--set store=WEB --return-prefix C --create-missing``) with the lines since the previous origin (both files,
  the earlier year first), ``opsdesk forecast --horizon 28``, export. Lines after the last origin are never
  imported. Scored: the SKU x day units rows against the units of ``load_retail_rows`` (product codes, no
  cancellations, Quantity > 0, UnitPrice > 0): RMSSE, WAPE, bias, bias by week, coverage over all days and over the
  days the shop traded (``covOpen``; ``coverage_80_open_active`` over the items with a sale in the 365 days before
  the origin, the engine path's population: the export also holds items unsold for a year or more), the total of
  the SKU forecasts (``totWAPE``), and the store sales row against
  the revenue of the same lines (``storeWAPE``; also against the revenue net of returns, ``store_wape_net``);
  ``closed_share`` is the share of the forecast put on days the shop did not trade (Saturdays, holidays).
- ``--forward DAYS`` (Online Retail): after the re-run, the lines after the last origin are imported and the product
  forecasts DAYS days past the last shared date, as the held-out test does (``_retail_forward``: weekly totals next
  to a year earlier, items grouped by how they moved a year earlier; no actuals, so nothing is scored).
- Per origin: seconds of the imports and of ``opsdesk forecast`` (the run's own ``seconds``), series of the run.
  After the last origin ``opsdesk forecast`` runs again: the rows of the new run and the facts are counted, to show
  a re-run adds a run and duplicates nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from forecast import (  # noqa: E402
    RETAIL_FILES,
    RETAIL_SEASON_ORIGIN,
    _dow_promo_median,
    _mean_28,
    _retail_panel,
    _rossmann_window,
    _scores,
    band_figures,
    load_retail_rows,
    load_rossmann,
    log,
)

from opsdesk.engine.forecast.panel import to_dense  # noqa: E402

OPSDESK = Path(sys.executable).parent / "opsdesk"
PASSWORD = "bench-product-path-2015"  # a throwaway company in a temporary folder
RUN_LINE = re.compile(r"run #(\d+): (\d+) series, origin (\S+), (\d+) days, ([\d.]+) s")


class Product:
    """The `opsdesk` command line against one var dir."""

    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        self.env = {k: v for k, v in os.environ.items() if k not in ("OPSDESK_DATABASE_URL", "OPSDESK_SECRET_KEY")}
        self.env["OPSDESK_VAR_DIR"] = str(var_dir)
        self.env["OPSDESK_ADMIN_PASSWORD"] = PASSWORD

    def __call__(self, *args: str) -> tuple[str, float]:
        started = time.perf_counter()
        done = subprocess.run([str(OPSDESK), *args], env=self.env, capture_output=True, text=True, cwd=REPO)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            log(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"opsdesk {' '.join(args)} exited with {done.returncode}")
        return done.stdout, seconds

    def load(self, kind: str, path: Path, *options: str) -> dict:
        """`opsdesk import KIND FILE`: seconds and the batch report's numbers."""
        out, seconds = self("import", kind, str(path), "--quiet", *options)
        numbers = {name: int(m.group(1).replace(",", "")) for name in ("rows read", "committed", "quarantined")
                   if (m := re.search(rf"{name}\s+([\d,]+)", out))}
        log(f"  import {kind} {path.name}: {numbers} in {seconds:.1f}s")
        return {"seconds": seconds, **numbers}

    def forecast(self, company: str, horizon: int) -> dict:
        out, wall = self("forecast", "--company", company, "--horizon", str(horizon))
        match = RUN_LINE.search(out)
        if match is None:
            raise SystemExit(f"unexpected `opsdesk forecast` output: {out}")
        run = {"run": int(match.group(1)), "series": int(match.group(2)), "origin": match.group(3),
               "seconds": float(match.group(5)), "wall_seconds": wall}
        log(f"  forecast: {out.strip()} (wall {wall:.1f}s)")
        return run

    def export(self, company: str, path: Path) -> list[list[str]]:
        self("export", "forecasts", "--company", company, "--format", "csv", "--output", str(path))
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        if rows[0] != ["store_code", "sku", "date", "forecast", "lower", "upper"]:
            raise SystemExit(f"unexpected export header {rows[0]}")
        return rows[1:]

    def counts(self) -> dict:
        """Rows of the facts and the forecast tables (read-only look at the SQLite file)."""
        db = sqlite3.connect(f"file:{self.var_dir / 'opsdesk.sqlite3'}?mode=ro", uri=True)
        try:
            out = {table: db.execute(f"select count(*) from {table}").fetchone()[0] for table in (  # noqa: S608
                "sales_storedaysales", "sales_skudaysales", "sales_salesline", "sales_storecalendarday",
                "forecasting_forecastrun", "forecasting_forecastseries", "forecasting_forecastpoint")
                if db.execute("select 1 from sqlite_master where name = ?", (table,)).fetchone()}
            out["series_per_run"] = dict(db.execute(
                "select run_id, count(*) from forecasting_forecastseries group by run_id order by run_id").fetchall())
        finally:
            db.close()
        return out


def code_version() -> dict:
    """The commit and a SHA-256 of the working tree's ``opsdesk/**/*.py`` (uncommitted changes show up here): taken
    at the start and the end of a run, so that a run made while the code changed says so."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((REPO / "opsdesk").rglob("*.py")):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "opsdesk"], capture_output=True, text=True,
                           cwd=REPO)
    return {"head": head.stdout.strip(), "opsdesk_sha256": digest.hexdigest()[:16],
            "uncommitted": [line[3:] for line in dirty.stdout.splitlines()]}


def _write_csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _band(mean: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> SimpleNamespace:
    """The exported forecast and band in the shape the scoring helpers read (``result.mean``, ``.quantiles``)."""
    return SimpleNamespace(mean=mean, quantiles={0.1: lower, 0.9: upper})


def _matrix(rows: list[list[str]], keys: np.ndarray, key_of, first_day, h: int) -> tuple[np.ndarray, ...]:
    """(n, h) forecast, lower and upper of the export rows whose key (``key_of(row)``, None to skip) is in keys."""
    out = np.zeros((3, len(keys), h))
    found = np.zeros(len(keys), dtype=bool)
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        i = int(np.searchsorted(keys, key))
        if i >= len(keys) or keys[i] != key:
            continue
        d = int((np.datetime64(row[2], "D") - first_day) // np.timedelta64(1, "D"))
        if 0 <= d < h:
            out[:, i, d] = [float(row[3]), float(row[4]), float(row[5])]
            found[i] = True
    return out[0], out[1], out[2], found


# ---------------------------------------------------------------- Rossmann
def product_rossmann(data_dir: Path, stores: int | None, var_dir: Path, n_origins: int = 4, h: int = 42) -> dict:
    table, store_table = load_rossmann(data_dir, stores)
    date = table["Date"].astype("datetime64[D]")
    last = date.max()
    product = Product(var_dir)
    product("init", "--name", "Rossmann", "--code", "RS", "--country", "DE", "--currency", "EUR", "--time-zone",
            "Europe/Berlin", "--language", "en", "--admin", "admin")
    files = var_dir / "files"
    files.mkdir(exist_ok=True)
    product.load("regions", _write_csv(files / "regions.csv", [["region_code", "region_name"], ["DE", "Deutschland"]]),
                 "--company", "RS")
    with (data_dir / "rossmann" / "store.csv").open(encoding="utf-8") as handle:
        store_rows = list(csv.reader(handle))
    store_rows = [store_rows[0]] + [r for r in store_rows[1:] if stores is None or int(r[0]) <= stores]
    product.load("stores", _write_csv(files / "store.csv", store_rows), "--company", "RS", "--set", "region=DE",
                 "--set", "city=Deutschland")
    with (data_dir / "rossmann" / "train.csv").open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        train = [r for r in reader if stores is None or int(r[0]) <= stores]
    train_day = np.asarray([r[2] for r in train], dtype="datetime64[D]")
    calendar_columns = [header.index(c) for c in ("Store", "Date", "Open", "Promo", "StateHoliday", "SchoolHoliday")]
    imported_to = None
    out = []
    for k in range(n_origins - 1, -1, -1):
        end = last - np.timedelta64(k * h, "D")
        cutoff = end - np.timedelta64(h, "D")
        log(f"Rossmann origin {cutoff} (product path)")
        new = (train_day <= cutoff) if imported_to is None else (train_day > imported_to) & (train_day <= cutoff)
        order = np.argsort(train_day[new], kind="stable")  # date order, as a company's daily exports arrive
        chunk = [train[i] for i in np.flatnonzero(new)[order]]
        sales = product.load("store_day_sales", _write_csv(files / f"sales-{cutoff}.csv", [header, *chunk]),
                             "--company", "RS")
        imported_to = cutoff
        ahead = np.flatnonzero((train_day > cutoff) & (train_day <= end))
        calendar = product.load("calendar", _write_csv(files / f"calendar-{cutoff}.csv", [
            [header[c] for c in calendar_columns], *([train[i][c] for c in calendar_columns] for i in ahead)]),
            "--company", "RS")
        run = product.forecast("RS", h)
        rows = product.export("RS", files / f"forecast-{cutoff}.csv")
        keep = date <= end
        data = _rossmann_window({key: v[keep] for key, v in table.items()}, date[keep], store_table, h)
        panel, future, actual, scored = (data[key] for key in ("panel", "future", "actual", "scored"))
        store_ids = np.asarray(panel.ids)
        mean, lower, upper, found = _matrix(rows, store_ids, lambda r: int(r[0]) if r[1] == "" else None,
                                            cutoff + np.timedelta64(1, "D"), h)
        band = _band(mean, lower, upper)
        figures = {"opsdesk_cli": {**_scores(actual, mean, scored=scored, result=band),
                                   **band_figures(actual, band, scored),
                                   "closed_forecast": float(mean[future.open == 0].sum()),
                                   "stores_missing": int((~found).sum())}}
        dense = to_dense(panel)
        figures["naive_dow_promo_median"] = _scores(actual, _dow_promo_median(dense, future), scored=scored)
        figures["mean_28"] = _scores(actual, _mean_28(dense)[:, None] * future.open, scored=scored)
        item = {"origin": str(cutoff), "run_origin": run["origin"], "selection": bool(k > 0),
                "series": run["series"], "forecast_seconds": run["seconds"],
                "forecast_wall_seconds": round(run["wall_seconds"], 1),
                "import_seconds": round(sales["seconds"] + calendar["seconds"], 1),
                "rows_imported": sales.get("committed"), "calendar_rows": calendar.get("committed"),
                "export_rows": len(rows), "figures": figures}
        if run["origin"] != str(cutoff):
            log(f"  WARNING: the run's origin {run['origin']} is not the last imported day {cutoff}")
        o = figures["opsdesk_cli"]
        log(f"  opsdesk (CLI) RMSPE {o['rmspe']:.4f} WAPE {o['wape']:.4f} bias {o['bias']:+.3f} cov "
            f"{o['coverage_80']:.3f}; promo naive RMSPE {figures['naive_dow_promo_median']['rmspe']:.4f}")
        out.append(item)
    out.append({"rerun": _rerun(product, "RS", h, files)})
    return {"origins": out[:-1], **out[-1]}


def _rerun(product: Product, company: str, h: int, files: Path) -> dict:
    """`opsdesk forecast` once more on the last origin: a new run with the same series, no duplicated rows."""
    before = product.counts()
    first_export = len(product.export(company, files / "rerun-before.csv"))
    run = product.forecast(company, h)
    after = product.counts()
    second_export = len(product.export(company, files / "rerun-after.csv"))
    log(f"  re-run: series {run['series']}, export rows {first_export} -> {second_export}; counts {before} -> {after}")
    return {"series": run["series"], "origin": run["origin"], "seconds": run["seconds"], "export_rows_before":
            first_export, "export_rows_after": second_export, "counts_before": before, "counts_after": after}


# ---------------------------------------------------------------- Online Retail
def _retail_lines(data_dir: Path, cutoffs: list, skus: set | None, folder: Path) -> list[Path]:
    """The invoice lines of both files (earlier year first, file order kept) split at the cutoffs: one file per
    origin with the lines since the previous cutoff, only the SKUs in ``skus`` (None: all). Lines after the last
    cutoff are left out."""
    bounds = [str(c) for c in cutoffs]
    paths = [folder / f"lines-{c}.csv" for c in bounds]
    handles = [p.open("w", encoding="utf-8", newline="") for p in paths]
    writers = [csv.writer(h) for h in handles]
    try:
        header = None
        for name in RETAIL_FILES:
            with (data_dir / "online_retail" / name).open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                this = next(reader)
                if header is None:
                    header = this
                    for writer in writers:
                        writer.writerow(header)
                elif this != header:
                    raise SystemExit(f"{name}: columns {this} differ from {header}")
                code, when = header.index("StockCode"), header.index("InvoiceDate")
                for row in reader:
                    if skus is not None and row[code].strip() not in skus:
                        continue
                    day = row[when][:10]
                    k = int(np.searchsorted(bounds, day))  # first cutoff >= day
                    if k < len(bounds):
                        writers[k].writerow(row)
    finally:
        for handle in handles:
            handle.close()
    return paths


def _retail_revenue(data_dir: Path, skus: set | None) -> dict:
    """Daily revenue of the kept product lines (Quantity x UnitPrice, as ``load_retail_rows`` keeps units) and the
    same net of returns (cancellations of product codes with a price)."""
    import duckdb

    files = [str(data_dir / "online_retail" / name) for name in RETAIL_FILES]
    source = f"read_csv({files}, all_varchar=true, union_by_name=true)"
    only = "" if skus is None else "and StockCode in (select unnest($skus))"
    table = duckdb.execute(f"""
        select InvoiceDate::TIMESTAMP::DATE as day,
               sum(case when not starts_with(InvoiceNo, 'C') and Quantity::INT > 0
                        then Quantity::INT * UnitPrice::DOUBLE else 0 end) as gross,
               sum(case when (not starts_with(InvoiceNo, 'C') and Quantity::INT > 0) or starts_with(InvoiceNo, 'C')
                        then Quantity::INT * UnitPrice::DOUBLE else 0 end) as net
        from {source}
        where UnitPrice::DOUBLE > 0 and regexp_matches(StockCode, '^[0-9]{{5}}[A-Za-z]*$') {only}
        group by 1""", {"skus": sorted(skus)} if skus is not None else {}).fetchnumpy()
    order = np.argsort(table["day"])
    return {"day": table["day"][order].astype("datetime64[D]"), "gross": table["gross"][order],
            "net": table["net"][order]}


def _retail_step(product: Product, lines_file: Path, h: int, export_file: Path) -> tuple[dict, dict, list]:
    """What the shop does at an origin: import the new order lines, `opsdesk forecast --horizon h`, export."""
    lines = product.load("sales_lines", lines_file, "--company", "GS", "--set", "store=WEB", "--return-prefix", "C",
                         "--create-missing")
    run = product.forecast("GS", h)
    return lines, run, product.export("GS", export_file)


def product_retail(data_dir: Path, top: int | None, var_dir: Path, n_origins: int = 4, h: int = 28,
                   forward: int | None = None) -> dict:
    rows, trading = load_retail_rows(data_dir)
    last = rows["day"].max()
    ends = [np.datetime64(RETAIL_SEASON_ORIGIN, "D") + np.timedelta64(h, "D")]
    ends += [last - np.timedelta64(k * h, "D") for k in range(n_origins - 2, -1, -1)]
    cutoffs = [end - np.timedelta64(h, "D") for end in ends]
    skus = None
    if top:
        before = rows["day"] <= cutoffs[0]
        names, inverse = np.unique(rows["sku"][before], return_inverse=True)
        volume = np.bincount(inverse, weights=rows["units"][before])
        skus = set(names[np.argsort(-volume)[:top]].tolist())
    product = Product(var_dir)
    product("init", "--name", "Gift Shop", "--code", "GS", "--country", "GB", "--currency", "GBP", "--time-zone",
            "Europe/London", "--language", "en", "--admin", "admin")
    files = var_dir / "files"
    files.mkdir(exist_ok=True)
    line_files = _retail_lines(data_dir, cutoffs, skus, files)
    revenue = _retail_revenue(data_dir, skus)
    out = []
    for end, cutoff, path in zip(ends, cutoffs, line_files, strict=True):
        log(f"Online Retail origin {cutoff} (product path)")
        lines, run, exported = _retail_step(product, path, h, files / f"forecast-{cutoff}.csv")
        first_day = cutoff + np.timedelta64(1, "D")
        future_dates = first_day + np.arange(h).astype("timedelta64[D]")
        day = rows["day"]
        past = day <= cutoff
        known = set(np.unique(rows["sku"][past]).tolist())
        series_skus = sorted({r[1] for r in exported if r[1]})
        scored_skus = np.asarray([s for s in series_skus if s in known])
        data = _retail_panel(rows, day, past, scored_skus, trading[trading <= end], cutoff, end, h)
        actual, history, started, is_open = (data[k] for k in ("actual", "history", "started", "is_open"))
        mean, lower, upper, _ = _matrix(exported, np.asarray(data["panel"].ids),
                                        lambda r: r[1] if r[1] else None, first_day, h)
        traded = np.broadcast_to(np.isin(future_dates, trading), actual.shape)
        band = _band(mean, lower, upper)
        o = {**_scores(actual, mean, history=history, started=started, result=band), **band_figures(actual, band,
                                                                                                       traded)}
        # the SKUs the engine path scores (a sale in the 365 days before the origin): the export also holds items
        # unsold for a year or more, whose band [0, 0] holds their zeros
        recent = past & (day > cutoff - np.timedelta64(365, "D"))
        active = np.isin(np.asarray(data["panel"].ids), np.unique(rows["sku"][recent]))
        o["active_series"] = int(active.sum())
        active_band = _band(mean[active], lower[active], upper[active])
        o["coverage_80_open_active"] = band_figures(actual[active], active_band, traded[active])["coverage_80_open"]
        o["closed_share"] = float(mean[~traded].sum() / mean.sum()) if mean.sum() > 0 else None
        o["forecast_saturday"] = float(mean[:, (future_dates.astype(np.int64) + 3) % 7 == 5].sum())
        store, store_lower, store_upper, _ = _matrix(exported, np.asarray(["WEB"]),
                                                     lambda r: r[0] if not r[1] else None, first_day, h)
        ahead = np.searchsorted(revenue["day"], future_dates)
        hit = (ahead < len(revenue["day"])) & (revenue["day"][np.minimum(ahead, len(revenue["day"]) - 1)]
                                               == future_dates)
        gross = np.where(hit, revenue["gross"][np.minimum(ahead, len(revenue["day"]) - 1)], 0.0)
        net = np.where(hit, revenue["net"][np.minimum(ahead, len(revenue["day"]) - 1)], 0.0)
        o["store_wape"] = float(np.abs(store[0] - gross).sum() / gross.sum())
        o["store_bias"] = float(store[0].sum() / gross.sum() - 1)
        o["store_wape_net"] = float(np.abs(store[0] - net).sum() / net.sum())
        o["store_bias_net"] = float(store[0].sum() / net.sum() - 1)
        o["store_closed_share"] = float(store[0][~traded[0]].sum() / store[0].sum()) if store[0].sum() > 0 else None
        store_actual = gross[None, :]
        o["store_coverage_80"] = float(((store_actual >= store_lower) & (store_actual <= store_upper))[
            traded[:1]].mean())
        figures = {"opsdesk_cli": o,
                   "mean_28": _scores(actual, _mean_28(data["dense"])[:, None] * is_open, history=history,
                                      started=started)}
        item = {"origin": str(cutoff), "run_origin": run["origin"], "selection": bool(end < last),
                "series": run["series"], "sku_series": len(series_skus), "scored_series": len(scored_skus),
                "forecast_seconds": run["seconds"], "forecast_wall_seconds": round(run["wall_seconds"], 1),
                "import_seconds": round(lines["seconds"], 1), "lines_read": lines.get("rows read"),
                "lines_committed": lines.get("committed"), "lines_quarantined": lines.get("quarantined"),
                "export_rows": len(exported), "figures": figures}
        if run["origin"] != str(cutoff):
            log(f"  note: the run's origin {run['origin']} is not the origin {cutoff} (last day with sales)")
        log(f"  opsdesk (CLI) RMSSE {o['rmsse']:.4f} WAPE {o['wape']:.4f} bias {o['bias']:+.3f} weeks "
            f"{o['bias_by_week']} cov {o['coverage_80']:.3f} (traded days {o['coverage_80_open']:.3f}; items sold "
            f"in the last year {o['coverage_80_open_active']:.3f}) "
            f"SKU total {o['total_wape']:.4f} store {o['store_wape']:.4f} closed share {o['closed_share']}")
        out.append(item)
    report = {"origins": out, "rerun": _rerun(product, "GS", h, files), "top_skus": top}
    if forward:
        report["forward"] = _retail_forward(product, data_dir, rows, cutoffs[-1], skus, files, forward)
    return report


#: Groups of ``_retail_forward``'s table: an item's units in the horizon's days a year earlier over its units in the
#: 28 days before the origin a year earlier (items with at least ``RAMP_MIN_UNITS`` units in the two together; an
#: item that sold nothing in those 28 days but sold after them falls in the last group).
RAMP_GROUPS = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.25), (1.25, 2.0), (2.0, 4.0), (4.0, np.inf))
RAMP_MIN_UNITS = 50


def _retail_forward(product: Product, data_dir: Path, rows: dict, imported_to, skus: set | None, files: Path,
                    days: int) -> dict:
    """The forecast made at the last shared date, as the held-out test makes it: the lines after the last scored
    origin imported, ``opsdesk forecast --horizon DAYS``, export. Nothing is scored (no actuals exist): per week the
    forecast units (SKU rows) and store revenue (store row) next to the same days a year earlier (364 days back)
    times the last 28 days' ratio to a year earlier; and the items grouped by how they moved last year from the 28
    days before the origin to the horizon's days (``RAMP_GROUPS``), each group's forecast next to its last 28 days
    and last year's move."""
    last = rows["day"].max()
    folder = files / "forward"
    folder.mkdir(exist_ok=True)
    _, path = _retail_lines(data_dir, [imported_to, last], skus, folder)
    log(f"Online Retail forward from {last} ({days} days, product path)")
    lines, run, exported = _retail_step(product, path, days, files / f"forecast-forward-{last}.csv")
    first_day = last + np.timedelta64(1, "D")
    dates = first_day + np.arange(days).astype("timedelta64[D]")
    codes = np.asarray(sorted({r[1] for r in exported if r[1]}))
    mean, _, _, _ = _matrix(exported, codes, lambda r: r[1] if r[1] else None, first_day, days)
    store, _, _, _ = _matrix(exported, np.asarray(["WEB"]), lambda r: r[0] if not r[1] else None, first_day, days)
    revenue = _retail_revenue(data_dir, skus)
    kept = np.ones(len(rows["sku"]), dtype=bool) if skus is None else np.isin(rows["sku"], sorted(skus))
    day, units, sku = rows["day"][kept], rows["units"][kept], rows["sku"][kept]
    year = np.timedelta64(364, "D")

    def total(values, when, lo, hi):  # sum over lo <= when <= hi
        return float(values[(when >= lo) & (when <= hi)].sum())

    recent_lo = last - np.timedelta64(27, "D")
    growth = {"units": total(units, day, recent_lo, last) / total(units, day, recent_lo - year, last - year),
              "revenue": total(revenue["gross"], revenue["day"], recent_lo, last)
              / total(revenue["gross"], revenue["day"], recent_lo - year, last - year)}
    weeks = []
    for lo in range(0, days, 7):
        span = dates[lo:lo + 7]
        weeks.append({"start": str(span[0]), "days": len(span), "units": float(mean[:, lo:lo + 7].sum()),
                      "units_year_ago": total(units, day, span[0] - year, span[-1] - year),
                      "revenue": float(store[0, lo:lo + 7].sum()),
                      "revenue_year_ago": total(revenue["gross"], revenue["day"], span[0] - year, span[-1] - year)})
    names, inverse = np.unique(sku, return_inverse=True)

    def by_item(lo, hi):
        keep = (day >= lo) & (day <= hi)
        return np.bincount(inverse[keep], weights=units[keep], minlength=len(names))

    base = by_item(recent_lo - year, last - year)
    ahead = by_item(first_day - year, dates[-1] - year)
    recent = by_item(recent_lo, last)
    at = np.searchsorted(codes, names)
    forecast = np.where((at < len(codes)) & (codes[np.minimum(at, len(codes) - 1)] == names),
                        mean.sum(1)[np.minimum(at, len(codes) - 1)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        move = ahead / base
    groups = []
    for lo, hi in RAMP_GROUPS:
        member = (base + ahead >= RAMP_MIN_UNITS) & (move >= lo) & ((move < hi) | np.isinf(hi))  # x/0 in the last
        groups.append({"last_year_move": [lo, None if np.isinf(hi) else hi], "items": int(member.sum()),
                       "last_28_days": float(recent[member].sum()), "forecast": float(forecast[member].sum()),
                       "last_year_base": float(base[member].sum()), "last_year_ahead": float(ahead[member].sum())})
    out = {"origin": str(last), "run_origin": run["origin"], "days": days, "series": run["series"],
           "forecast_seconds": run["seconds"], "import_seconds": round(lines["seconds"], 1),
           "growth_last_28_days": growth, "weeks": weeks, "ramp_groups": groups}
    _forward_table(out)
    return out


def _forward_table(out: dict) -> None:
    """Readable tables of ``_retail_forward``."""
    growth = out["growth_last_28_days"]
    lines = [f"Online Retail, forecast made at {out['origin']} for {out['days']} days (no actuals: the held-out "
             f"weeks); last 28 days against a year earlier: units x{growth['units']:.3f}, revenue "
             f"x{growth['revenue']:.3f}",
             f"{'week from':<12}{'days':>5}{'units':>10}{'year ago x growth':>19}{'revenue':>11}"
             f"{'year ago x growth':>19}"]
    for week in out["weeks"]:
        lines.append(f"{week['start']:<12}{week['days']:>5}{week['units']:>10.0f}"
                     f"{week['units_year_ago'] * growth['units']:>19.0f}{week['revenue']:>11.0f}"
                     f"{week['revenue_year_ago'] * growth['revenue']:>19.0f}")
    lines.append(f"{'last year move':<16}{'items':>6}{'last 28 days':>13}{'per day x days':>15}{'forecast':>10}"
                 f"{'x last year move':>17}")
    for group in out["ramp_groups"]:
        lo, hi = group["last_year_move"]
        move = group["last_year_ahead"] / group["last_year_base"] if group["last_year_base"] else float("nan")
        level = group["last_28_days"] / 28 * out["days"]
        lines.append(f"{lo:>5.2f} - {'' if hi is None else f'{hi:.2f}':<8}{group['items']:>6}"
                     f"{group['last_28_days']:>13.0f}{level:>15.0f}{group['forecast']:>10.0f}"
                     f"{group['last_28_days'] * move:>17.0f}")
    log("\n".join(lines))


# ---------------------------------------------------------------- report
def product_table(report: dict) -> None:
    """Per origin and method: the figures, then the timings of the product path."""
    lines = [f"{'data set':<14}{'origin':<12}{'sel':<4}{'method':<24}{'RMSPE':>8}{'RMSSE':>8}{'WAPE':>8}"
             f"{'bias':>8}{'cov80':>7}{'covOpen':>8}{'totWAPE':>8}{'storeWAPE':>10}{'closed':>7}  bias by week"]
    for data_set in ("rossmann", "online_retail"):
        for item in report.get(data_set, {}).get("origins", []):
            for method, v in item["figures"].items():
                cells = "".join(f"{v[k]:>{w}.4f}" if v.get(k) is not None else " " * w for k, w in (
                    ("rmspe", 8), ("rmsse", 8), ("wape", 8), ("bias", 8), ("coverage_80", 7),
                    ("coverage_80_open", 8), ("total_wape", 8), ("store_wape", 10), ("closed_share", 7)))
                weeks = " ".join(f"{b:+.3f}" if b is not None else "-" for b in v.get("bias_by_week", []))
                lines.append(f"{data_set:<14}{item['origin']:<12}{'y' if item['selection'] else 'n':<4}"
                             f"{method:<24}{cells}  {weeks}")
    lines.append("")
    lines.append(f"{'data set':<14}{'origin':<12}{'run origin':<12}{'series':>8}{'import s':>10}{'forecast s':>11}"
                 f"{'wall s':>8}{'export rows':>12}")
    for data_set in ("rossmann", "online_retail"):
        part = report.get(data_set, {})
        for item in part.get("origins", []):
            lines.append(f"{data_set:<14}{item['origin']:<12}{item['run_origin']:<12}{item['series']:>8}"
                         f"{item['import_seconds']:>10.1f}{item['forecast_seconds']:>11.1f}"
                         f"{item['forecast_wall_seconds']:>8.1f}{item['export_rows']:>12}")
        if "rerun" in part:
            r = part["rerun"]
            lines.append(f"{data_set:<14}re-run of the last origin: {r['series']} series in {r['seconds']} s, export "
                         f"rows {r['export_rows_before']} -> {r['export_rows_after']}, series per kept run "
                         f"{r['counts_after'].get('series_per_run')}, store days "
                         f"{r['counts_before'].get('sales_storedaysales')} -> "
                         f"{r['counts_after'].get('sales_storedaysales')}")
    print("\n".join(lines))  # noqa: T201


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--only", choices=("rossmann", "online_retail"), action="append")
    parser.add_argument("--stores", type=int, help="Rossmann: only stores 1..N")
    parser.add_argument("--top", type=int, help="Online Retail: only the lines of the N SKUs selling most units up "
                        "to the first origin (2010-10-31)")
    parser.add_argument("--keep", type=Path, help="keep the var dirs (databases, imported files, exports) here")
    parser.add_argument("--forward", type=int, metavar="DAYS", help="Online Retail: after the scored origins, import "
                        "the rest of the lines and forecast DAYS days past the last shared date (the held-out weeks: "
                        "39 reach 2011-12-09); reported, not scored")
    args = parser.parse_args()
    parts = args.only or ["rossmann", "online_retail"]
    root = Path(tempfile.mkdtemp(prefix="opsdesk-bench-product-")) if args.keep is None else args.keep
    report = {"code_start": code_version()}
    try:
        for part in parts:
            var_dir = root / part
            if var_dir.exists():
                raise SystemExit(f"{var_dir} exists: give --keep an empty or new folder")
            var_dir.mkdir(parents=True)
            log(f"{part}: OPSDESK_VAR_DIR={var_dir}")
            if part == "rossmann":
                report[part] = product_rossmann(args.data_dir, args.stores, var_dir)
            else:
                report[part] = product_retail(args.data_dir, args.top, var_dir, forward=args.forward)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    report["code_end"] = code_version()
    if report["code_end"] != report["code_start"]:
        log(f"WARNING: opsdesk/ changed during the run: {report['code_start']} -> {report['code_end']}")
    product_table(report)
    print(f"code: {report['code_start']}" + ("" if report["code_end"] == report["code_start"]  # noqa: T201
                                            else f" -> {report['code_end']} (changed during the run)"))
    print(f"command: .venv/bin/python {' '.join(sys.argv)}")  # noqa: T201
    print(json.dumps(report))  # noqa: T201


if __name__ == "__main__":
    main()
