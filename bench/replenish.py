"""Replenishment benchmark: policy simulation on two panels and the 1,000,000-pair plan at scale.

Run: .venv/bin/python bench/replenish.py [--quick] [--data-dir ../shared/data]

Panels
- ``online_retail``: UCI Online Retail daily units per product StockCode (codes matching 5 digits + optional
  letters, which drops POST, D, M, C2, DOT, BANK CHARGES, AMAZONFEE, CRUK, PADS, S, B, gift vouchers, ...;
  cancellations ``C...``, non-positive quantities and prices dropped). Unit value = median UnitPrice. Holdout =
  the last 60 days (2011-09-01 .. 2011-10-31), preceded by 28 burn-in days; products with >= 20 selling days
  before the burn-in and a sale in its 90 days before it. Stated lead time 7 days; realised lead time per order
  ``clip(round(N(7, 1.5)), 4, 12)``; 8 past receipts drawn from the same law estimate mean/std for OpsDesk.
  Pack 1, MOQ 1 (supplier packs are not in the data). Review period 7 days. ABC by value (company-wide).
- ``demo``: a deterministic synthetic demo-like chain (``load_demo_panel``): 24 stores x 200 SKUs, weekly
  profile, yearly season, trends, phase-outs, chain-wide promotions, gamma-Poisson noise and slow movers;
  8 suppliers with stated lead times 2..10 days, realised ``stated + round(N(0.5, 0.25 stated))`` (>= 1);
  packs 1/6/12 by velocity, MOQ = one pack; ABC by value per store. Swap the loader for the demo DB later.

Policies (opsdesk/engine/replenish/policies.py) all check daily, order on the same position and obey the same
pack/MOQ rounding; the static ones are derived from the 90 days before the simulation and stay fixed. OpsDesk
uses the built-in forecaster (TSB + weekday profile, alpha = beta = 0.05: chosen between 0.05 and 0.1 after
looking at the demo results) on the demand history only. Each policy is run (1) as configured (cycle service
targets A 0.98, B 0.95, C 0.90 for ERPNext's z and OpsDesk's z; Odoo has no safety parameter) and (2) calibrated
on the holdout, by bisection, to the smallest buffer reaching 98% and 95% fill rate (Odoo: extra days of cover in
min, up to 60; ERPNext: multiplier on z, up to 12; OpsDesk: multiplier on z, up to 4). (2) is the like-for-like
comparison of inventory at equal fill rate; the calibration is an oracle for all policies alike. On ``demo`` a
fourth row, ``opsdesk_promo``, is the same OpsDesk policy whose forecaster also knows the planned promotion
calendar (``event_adjusted``), which static min/max rules cannot use; it is reported apart from ``opsdesk``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opsdesk.engine.replenish import (  # noqa: E402
    ErpnextReorder,
    ForecastCache,
    OdooMinMax,
    OpsdeskForecast,
    PlanInputs,
    PlanParams,
    SimulationInputs,
    abc_classify,
    calibrate,
    event_adjusted,
    lead_time_from_receipts,
    plan,
    simulate,
    tsb_weekly_forecast,
)

POLICIES = ("opsdesk", "odoo_minmax", "erpnext_reorder")
HOLDOUT_DAYS = 60
BURN_IN_DAYS = 28
TARGETS = (0.98, 0.95)


def load_online_retail(data_dir: Path) -> dict:
    """Daily product demand from the UCI Online Retail CSV (see module docstring)."""
    import duckdb

    path = data_dir / "online_retail" / "online_retail.csv"
    lines = f"""
        SELECT StockCode AS code, CAST(InvoiceDate AS DATE) AS day, Quantity AS qty, UnitPrice AS price
        FROM read_csv('{path}', header=true, types={{'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR'}})
        WHERE NOT starts_with(InvoiceNo, 'C') AND Quantity > 0 AND UnitPrice > 0
          AND regexp_full_match(StockCode, '[0-9]{{5}}[A-Za-z]*')"""
    frame = duckdb.sql(f"""
        WITH lines AS ({lines}), prices AS (SELECT code, median(price) AS value FROM lines GROUP BY code)
        SELECT l.code, l.day, CAST(SUM(l.qty) AS DOUBLE) AS qty, CAST(any_value(p.value) AS DOUBLE) AS value
        FROM lines l JOIN prices p USING (code) GROUP BY l.code, l.day""").to_arrow_table()
    codes, code_index = np.unique(np.asarray(frame["code"].to_pylist()), return_inverse=True)
    days = frame["day"].to_numpy().astype("datetime64[D]")
    first = days.min()
    day_index = (days - first).astype(np.int64)
    demand = np.zeros((len(codes), int(day_index.max()) + 1))
    np.add.at(demand, (code_index, day_index), frame["qty"].to_numpy())
    value = np.zeros(len(codes))
    value[code_index] = frame["value"].to_numpy()
    horizon = demand.shape[1]
    start = horizon - HOLDOUT_DAYS - BURN_IN_DAYS
    is_kept = ((demand[:, :start] > 0).sum(axis=1) >= 20) & (demand[:, start - 90:start].sum(axis=1) > 0)
    demand, value = demand[is_kept], value[is_kept]
    n = len(demand)
    rng = np.random.default_rng(352)
    stated = np.full(n, 7.0)
    actual = np.clip(np.round(rng.normal(7, 1.5, size=(n, horizon))), 4, 12).astype(np.int64)
    observed = np.clip(np.round(rng.normal(7, 1.5, size=n * 8)), 4, 12)
    mean, std = lead_time_from_receipts(np.arange(n + 1) * 8, observed, stated)
    abc = abc_classify(demand[:, start - 90:start].sum(axis=1) * value)
    return {"name": "online_retail", "demand": demand, "start": start, "unit_value": value, "stated": stated,
            "actual": actual, "lt_mean": mean, "lt_std": std, "pack": np.ones(n), "moq": np.ones(n),
            "abc": abc, "first_day": str(first), "codes": codes[is_kept]}


def load_demo_panel(stores: int = 24, skus: int = 200, days: int = 364 + HOLDOUT_DAYS + BURN_IN_DAYS) -> dict:
    """Deterministic synthetic demo-like chain (see module docstring); the lead swaps this for the demo DB."""
    rng = np.random.default_rng(20240601)
    t = np.arange(days)
    base = np.exp(rng.normal(0.3, 1.1, skus))
    slow = rng.random(skus) < 0.25
    base[slow] = rng.uniform(0.03, 0.3, slow.sum())
    weekday = np.array([0.85, 0.85, 0.9, 0.95, 1.1, 1.45, 0.9])[None, :] * rng.uniform(0.9, 1.1, (skus, 7))
    season = 1 + rng.uniform(0, 0.35, skus)[:, None] * (rng.random(skus) < 0.4)[:, None] * np.sin(
        2 * np.pi * (t[None, :] / 365.0) + rng.uniform(0, 2 * np.pi, skus)[:, None])
    trend = np.exp(rng.normal(0, 0.35, skus)[:, None] * t[None, :] / 365.0)
    fading = rng.random(skus) < 0.1
    phase_out = np.where(fading[:, None], np.clip(1 - np.maximum(t[None, :] - (days - 150), 0) / 150, 0.15, 1), 1.0)
    promo = np.ones((skus, days))
    for sku in range(skus):
        for begin in rng.choice(days - 7, size=rng.integers(3, 7), replace=False):
            promo[sku, begin:begin + 7] = rng.uniform(1.5, 3.0)
    promo_calendar = np.tile(promo > 1, (stores, 1))
    sku_rate = base[:, None] * weekday[:, t % 7] * season * trend * phase_out * promo
    store_factor = np.exp(rng.normal(0, 0.4, stores))
    rate = (store_factor[:, None, None] * sku_rate[None, :, :]).reshape(stores * skus, days)
    demand = rng.poisson(rate * rng.gamma(5.0, 1 / 5.0, rate.shape)).astype(np.float64)
    n = stores * skus
    sku_of = np.tile(np.arange(skus), stores)
    store_of = np.repeat(np.arange(stores), skus)
    supplier = sku_of % 8
    stated = np.array([2, 3, 4, 5, 6, 7, 8, 10], dtype=np.float64)[supplier]
    actual = np.maximum(np.round(stated[:, None] + rng.normal(0.5, 0.25 * stated[:, None], (n, days))), 1)
    receipts = np.maximum(np.round(stated[:, None] + rng.normal(0.5, 0.25 * stated[:, None], (n, 10))), 1)
    mean, std = lead_time_from_receipts(np.arange(n + 1) * 10, receipts.reshape(-1), stated)
    velocity = base[sku_of] * store_factor[store_of]
    pack = np.where(velocity > 5, 12.0, np.where(velocity > 1, 6.0, 1.0))
    value = np.round(np.exp(rng.normal(1.5, 0.7, skus)), 2)[sku_of]
    start = days - HOLDOUT_DAYS - BURN_IN_DAYS
    abc = abc_classify(demand[:, start - 90:start].sum(axis=1) * value, groups=store_of)
    return {"name": "demo", "demand": demand, "start": start, "unit_value": value, "stated": stated,
            "actual": actual.astype(np.int64), "lt_mean": mean, "lt_std": std, "pack": pack, "moq": pack.copy(),
            "abc": abc, "promo_calendar": promo_calendar, "sku": sku_of}


def simulation_inputs(panel: dict, review_days: float = 7.0) -> SimulationInputs:
    """Build the simulation world of a panel."""
    n = panel["demand"].shape[0]
    return SimulationInputs(
        demand=panel["demand"], start=panel["start"], measure_from=panel["start"] + BURN_IN_DAYS,
        lead_time_actual=panel["actual"], stated_lead_time=panel["stated"], lead_time_mean=panel["lt_mean"],
        lead_time_std=panel["lt_std"], review_days=np.full(n, review_days), abc_class=panel["abc"],
        pack_size=panel["pack"], min_order_qty=panel["moq"], unit_value=panel["unit_value"])


def run_panel(panel: dict, quick: bool) -> dict:
    """Simulate the policies as configured and calibrated to each fill-rate target."""
    inputs = simulation_inputs(panel)
    cache = ForecastCache(inputs)
    makers = {
        "opsdesk": lambda knob: OpsdeskForecast(inputs, cache, PlanParams(z_scale=knob, check_interval_days=1.0)),
        "odoo_minmax": lambda knob: OdooMinMax(inputs, buffer_days=knob),
        "erpnext_reorder": lambda knob: ErpnextReorder(inputs, z_scale=knob),
    }
    configured_knob = {"opsdesk": 1.0, "odoo_minmax": 0.0, "erpnext_reorder": 1.0}
    ranges = {"opsdesk": (0.0, 4.0), "odoo_minmax": (0.0, 60.0), "erpnext_reorder": (0.0, 12.0)}
    if "promo_calendar" in panel:
        # Same policy, with a forecaster that knows the planned promotion calendar (static min/max cannot use it).
        promo_cache = ForecastCache(inputs, event_adjusted(tsb_weekly_forecast, panel["promo_calendar"], panel["sku"]))
        makers["opsdesk_promo"] = lambda knob: OpsdeskForecast(
            inputs, promo_cache, PlanParams(z_scale=knob, check_interval_days=1.0))
        configured_knob["opsdesk_promo"], ranges["opsdesk_promo"] = 1.0, (0.0, 4.0)
    iterations = 7 if quick else 12
    configured, matched = {}, {str(target): {} for target in TARGETS}
    for name, make in makers.items():
        result = simulate(inputs, make(configured_knob[name]))
        assert np.allclose(result.initial + result.received - result.sold, result.final), "stock not conserved"
        configured[name] = rounded(result.summary())
        for target in TARGETS:
            knob, best, is_reached = calibrate(make, inputs, *ranges[name], target, iterations)
            matched[str(target)][name] = rounded({**best.summary(), "knob": knob, "reached": is_reached})
    return {"pairs": int(inputs.demand.shape[0]), "configured": configured, "matched": matched}


def rounded(summary: dict) -> dict:
    """Round floats for the report."""
    return {key: round(value, 4) if isinstance(value, float) else value for key, value in summary.items()}


def scale_child(pairs: int) -> None:
    """Plan ``pairs`` random pairs with a 28-day forecast; print seconds and peak RSS as JSON."""
    rng = np.random.default_rng(7)
    h = 28
    rate = rng.gamma(0.6, 3.0, pairs).astype(np.float32)
    forecast = rate[:, None] * rng.uniform(0.7, 1.3, (1, h)).astype(np.float32)
    inputs = PlanInputs(
        on_hand=rng.integers(0, 60, pairs).astype(np.float64), on_order=rng.integers(0, 20, pairs).astype(np.float64),
        backorders=np.zeros(pairs), lead_time_mean=rng.uniform(2, 10, pairs), lead_time_std=rng.uniform(0, 2, pairs),
        review_days=np.full(pairs, 7.0), abc_class=rng.integers(0, 3, pairs).astype(np.int8),
        pack_size=rng.choice([1.0, 6.0, 12.0], pairs), min_order_qty=rng.choice([0.0, 12.0], pairs),
        forecast_mean=forecast, forecast_sigma=np.sqrt(rate) * 1.2, unit_cost=rng.uniform(1, 20, pairs))
    began = time.perf_counter()
    result = plan(inputs)
    table = result.to_arrow()
    seconds = time.perf_counter() - began
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pairs": pairs, "seconds": round(seconds, 2), "peak_mib": round(peak_mib, 1),  # noqa: T201
                      "ordering": int((result.order_qty > 0).sum()), "rows": table.num_rows}))


def run_scale(pairs: int) -> dict:
    """Run ``scale_child`` in a subprocess so its peak RSS is its own."""
    completed = subprocess.run([sys.executable, __file__, "--scale-child", str(pairs)], capture_output=True,
                               text=True, check=True)
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    return {key: figures[key] for key in ("pairs", "seconds", "peak_mib")}


def print_table(name: str, figures: dict) -> None:
    """Readable table of one panel."""
    print(f"\n{name}: {figures['pairs']} pairs, holdout {HOLDOUT_DAYS} days after {BURN_IN_DAYS} burn-in days")  # noqa: T201
    print(f"{'policy':<17}{'mode':<12}{'fill':>8}{'CSL':>8}{'SO days':>9}{'avg units':>12}"  # noqa: T201
          f"{'avg value':>12}{'orders':>8}{'knob':>9}")
    rows = [("configured", figures["configured"])]
    rows += [(f"fill>={target}", figures["matched"][target]) for target in figures["matched"]]
    for mode, policies in rows:
        for policy, row in policies.items():
            knob = f"{row['knob']:.2f}{'' if row['reached'] else ' !'}" if "knob" in row else ""
            print(f"{policy:<17}{mode:<12}{row['fill_rate']:>8.4f}{row['cycle_service_level']:>8.4f}"  # noqa: T201
                  f"{row['stockout_days']:>9}{row['avg_inventory_units']:>12.0f}{row['avg_inventory_value']:>12.0f}"
                  f"{row['orders']:>8}{knob:>9}")
    print("knob: opsdesk/erpnext z multiplier, odoo extra days in min; '!' = target not reached at the bound")  # noqa: T201


def goal(figures: dict) -> dict:
    """Inventory value saving of each OpsDesk variant vs each static policy at each calibrated fill rate."""
    report = {}
    for target, matched in figures["matched"].items():
        for ours in (name for name in matched if name.startswith("opsdesk")):
            if not matched[ours]["reached"]:
                report[f"{ours}@{target}"] = {"reached": False}
                continue
            savings = {name: (round(1 - matched[ours]["avg_inventory_value"] / matched[name]["avg_inventory_value"], 4)
                              if matched[name]["reached"] else "static policy cannot reach target")
                       for name in POLICIES[1:]}
            # Not comparable (None) when a static policy cannot reach the target at all.
            is_met = None if any(isinstance(value, str) for value in savings.values()) else min(
                savings.values()) >= 0.25
            report[f"{ours}@{target}"] = {"reached": True, "saving_vs": savings, "is_met": is_met}
    return report


def run_page(rows: int) -> float:
    """p95 server time of the replenishment page over `rows` proposal rows (Django test client, own SQLite file)."""
    from opsdesk.replenishment.benchmark import measure_page

    figures = measure_page(n_rows=rows, requests=20)
    print(f"\npage: {rows:,} proposals, p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "  # noqa: T201
          f"max {figures['max_ms']:.1f} ms over {figures['requests']} requests")
    return round(figures["p95_ms"], 1)


def main() -> None:
    """Run everything; last line is the JSON summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--scale-child", type=int, default=0)
    args = parser.parse_args()
    if args.scale_child:
        scale_child(args.scale_child)
        return
    output: dict = {}
    goals: dict = {}
    matched: dict = {}
    panels = [("demo", lambda: load_demo_panel(stores=6 if args.quick else 24))]
    panels.append(("online_retail", lambda: load_online_retail(Path(args.data_dir))))
    for name, loader in panels:
        figures = run_panel(loader(), args.quick)
        print_table(name, figures)
        output[name] = {policy: {key: figures["configured"][policy][key] for key in
                                 ("fill_rate", "cycle_service_level", "stockout_days", "avg_inventory_value",
                                  "orders")} for policy in POLICIES}
        matched[name] = figures["matched"]
        extra = {policy: row for policy, row in figures["configured"].items() if policy not in POLICIES}
        if extra:
            output.setdefault("extra_policies", {})[name] = extra
        goals[name] = goal(figures)
        print(f"goal (>= 25% less inventory value than both static policies at equal fill): {goals[name]}")  # noqa: T201
    output["scale"] = run_scale(100_000 if args.quick else 1_000_000)
    print(f"\nscale: {output['scale']}")  # noqa: T201
    output["page_ms"] = run_page(50_000 if args.quick else 1_000_000)
    keys = ("fill_rate", "avg_inventory_value", "knob", "reached")
    output["matched"] = {name: {target: {policy: {key: row[key] for key in keys} for policy, row in rows.items()}
                                for target, rows in by_target.items()} for name, by_target in matched.items()}
    output["goal"] = goals
    print(json.dumps(output))  # noqa: T201


if __name__ == "__main__":
    main()
