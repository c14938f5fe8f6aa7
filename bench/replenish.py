"""Replenishment benchmark: policy simulation on the demo company and Online Retail, and the 1,000,000-pair plan.

Run: .venv/bin/python bench/replenish.py [--quick] [--data-dir ../shared/data] [--demo-var-dir DIR]

Data sets (worlds built by opsdesk/replenishment/simulation.py, the same code as `opsdesk simulate`)
- ``demo``: the demo company database (``opsdesk demo``): store x SKU daily sales (SkuDaySales) of the last
  180 + 28 + 60 days, packs, costs and supplier lead times from the catalog, the planned promotion calendar
  (Promotion) as known events. ``--demo-var-dir`` (default ``$OPSDESK_BENCH_DEMO_DIR`` or
  ``/tmp/opsdesk-bench-demo``) is the OPSDESK_VAR_DIR holding it; when it has no database the bench runs
  ``opsdesk demo --no-serve`` there first (about 80 s, 380 MB). Django runs in a child process only, which writes
  the extracted world next to the database (``bench-world-*.npz``).
  Every pair with a sale in the 180 history days (10,555 on the demo of 2026-12-04); ``--quick`` samples 2,000.
- ``online_retail``: UCI Online Retail daily units per product StockCode up to 2011-10-31 (cleaning in
  ``simulation.online_retail_world``); products with >= 20 selling days in the 180 history days and a sale in
  their last 90. Pack 1, MOQ 1, no event calendar.
Both: holdout 60 days after 28 burn-in days; realised lead time ``max(1, round(stated + N(0.5, 0.25 stated)))``
per order; OpsDesk estimates lead-time mean/std from 10 receipts drawn from the same law; review period 7 days.

Policies (opsdesk/engine/replenish/policies.py, knobs and ranges in ``simulation.policy_makers``) all check daily,
order on the same position and obey the same pack/MOQ rounding; the static ones are derived from the 90 days before
the simulation and stay fixed. ``opsdesk`` is the nightly plan's policy on the product's forecast: the forecast
engine (``opsdesk.engine.forecast.forecast``, called as ``opsdesk forecast`` calls it: up to 1,100 days of history,
closed days and recorded stockouts unavailable, recorded promotions, the planned promotion calendar and the usual
closing weekdays as known future, the country - CN for the demo company, GB for Online Retail -, horizon 28,
10/50/90 % quantiles) re-run every 7 simulated days (the product forecasts nightly; in between the latest forecast
is shifted by the days elapsed), its output turned into (mean, sigma) by ``plan_forecast`` exactly as the nightly
plan reads a stored run (``EngineForecastCache``); cycle service targets A 0.98 / B 0.95 / C 0.90. The worlds
carry up to 919 days before the 180 history days for it (Online Retail from ``online_retail_2009_2010.csv`` next
to the file: from 2009-12-01; the demo from its first sale); nothing else reads them.
Each policy runs (1) as configured and (2) calibrated on the holdout by bisection to the smallest buffer reaching
98% fill (Odoo: extra days in min, up to 180; ERPNext: z multiplier up to 40; OpsDesk: z multiplier up to 12; 14
bisection steps for the static policies, 10 (``--quick``: 7) for OpsDesk's, so any overshoot of 98% counts against
OpsDesk); (2) is the like-for-like comparison at equal fill, an oracle for all policies alike.
Ablation rows (not part of the goal): ``opsdesk_tsb`` (the plan on the replenishment module's own forecaster, TSB +
weekday profile adjusted by the planned promotion calendar, re-forecast daily on the history from the 180 days
before the simulation on: the ``opsdesk`` row before issue 20 moved it to the forecast engine, figures unchanged),
``opsdesk_tsb_history_only`` (the same without the calendar) and ``opsdesk_fill_pooled`` (the engine's forecast,
class fill targets allocated over pairs at the least safety-stock value; unit fill is what it targets, so its
value-weighted fill is shown too). ``bound_perfect_forecast`` is OpsDesk's plan fed the
actual demand of the coming days instead of a forecast: how far any forecast could take the plan (not a policy).
It knows the draws too (each day's luck), which no forecast can: on the demo company ``bound_expected_demand`` is
the plan as configured fed the demo generator's own demand law instead (``generate.expected_demand``: the expected
units of each pair and day - growth, season, weekday, holidays, festivals, promotions and the dip after them, even
the store's daily shocks - and the spread of the draws around them as its sigma), the best any forecast could do;
``gap_closed`` reports it next to the OpsDesk rows (the demo database must be ``opsdesk demo``'s with the default
seed, ``DEMO_SEED``: otherwise the row is left out).
The segment table splits each data set's pairs by the days one order covers (``max(case, MOQ, R x demand)``) and
shows every policy's inventory value at 98% fill per segment (``simulation.order_cover_segments``).
The goal report adds ``configured_fill`` (each OpsDesk row's fill at its configured targets; issue 20: 0.98 on
Online Retail) and ``gap_closed`` (the share of the inventory gap between the best static policy and
``bound_perfect_forecast`` at 98% fill each OpsDesk row closes; issue 20: 0.5 on the demo). "where the units short
fall" splits each policy's lost units between bulk days (``simulation.bulk_days``: demand above 10 x the pair's
average day of the 180 history days) and the others, as configured and at 98% fill. Fifth run of 2026-12-05, issue
20's fourteenth pass (the country's unusual days out of the per-series models, the global model alone on promoted
days in the ensemble, the history's promotions from the plan too; next to a CI run): demo: 2,399,426 at 98% fill,
gap closed 0.182 (opsdesk_fill_pooled 0.313; ``bound_expected_demand`` 2,271,797, 0.374), configured 3,285,644 at
fill 0.9981; Online Retail unchanged (configured fill 0.8996, 2,211,669 at 98% fill). Fourth run of 2026-12-05, issue
20's thirteenth pass (the plan's sigma is the engine's week error; 800 s in all, the demo's engine refreshes 484 s):
Online Retail: configured fill 0.8996, 2,211,669 at 98% fill (48.5 % less than Odoo, 53.1 % less than ERPNext),
34.7 % of the holdout's units on bulk days, configured fill 0.977 on the other days and 0.755 on bulk days; demo:
2,456,684 at 98% fill, gap closed 0.096 (opsdesk_fill_pooled 0.245), 2.7 % of the units on bulk days. Third run of
2026-12-05
with the engine of issue 20's tenth pass (the global model trained on two years of origins; the demo part next to a
CI run, its engine refreshes 1,730 s; Online Retail's 211 s alone): Online Retail: configured fill 0.8932, 2,378,191
at 98% fill; demo: 2,464,178 at 98% fill, gap closed 0.084 (opsdesk_fill_pooled 0.260). Second run of 2026-12-05
with the engine of issue 20's ninth pass (launches scaled by the panel's past launches; next to a CI run, the demo's
engine refreshes 2,186 s): Online Retail: configured fill 0.8942, 2,362,889 at 98% fill; demo: 2,465,573 at 98%
fill, gap closed 0.082 (opsdesk_fill_pooled 0.260). Run of 2026-12-05 with
the engine of issue 20's eighth pass (2,304 s next to a CI run; the weekday-spread moving average): Online Retail:
configured fill 0.8942, 2,363,253 at 98% fill; demo: 2,465,519 at 98% fill, gap closed 0.082 (opsdesk_fill_pooled
0.260). Run of 2026-12-04
with the engine of issue 20's sixth pass (2,431 s in all, under nice next to a CI run; the fifth pass's 955 s): Online
Retail: configured fill 0.8967 (opsdesk_tsb 0.8838), 2,422,389 at 98% fill (opsdesk_tsb 2,642,734, Odoo
4,290,953). Demo: 2,459,335 at 98% fill (opsdesk_tsb 2,427,616, Odoo 2,520,054, ERPNext 2,556,856, bound
1,856,371): gap closed 0.092 (opsdesk_tsb 0.139, opsdesk_fill_pooled 0.267). The fifth pass gave 0.8963 and 0.114
(the engine refreshes then took 42.4 s each on the demo, 14 per world, the first one for the starting stock, and
16.4 s on Online Retail), the pass before 0.8961 and 0.068.
``reference`` gives clairvoyant figures per data set:
perfect foresight of demand, an order whenever stock would run short, sized to the next 7 days' demand in packs
(as the policies' review period), at 100% fill and, losing the cheapest-to-lose 2% of units, at 98% fill.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opsdesk.engine.replenish import (  # noqa: E402
    EngineForecastCache,
    PlanInputs,
    SimulationInputs,
    calibrate,
    plan,
    simulate,
)
from opsdesk.replenishment import simulation  # noqa: E402

POLICIES = ("opsdesk", "odoo_minmax", "erpnext_reorder")
TARGET = 0.98
QUICK_DEMO_PAIRS = 2000


def demo_world(var_dir: Path, max_pairs: int | None) -> SimulationInputs:
    """The demo company's simulation world, built (and the demo generated if missing) in child processes."""
    var_dir.mkdir(parents=True, exist_ok=True)
    database = var_dir / "opsdesk.sqlite3"
    env = {**os.environ, "OPSDESK_VAR_DIR": str(var_dir), "OPSDESK_DATABASE_URL": f"sqlite:///{database}",
           "DJANGO_SETTINGS_MODULE": "opsdesk.config.settings"}
    root = str(Path(__file__).resolve().parents[1])
    if not database.exists():
        print(f"building the demo company in {var_dir} (opsdesk demo --no-serve) ...", file=sys.stderr)  # noqa: T201
        subprocess.run([sys.executable, "-m", "opsdesk.cli", "demo", "--no-serve"], env=env, cwd=root, check=True,
                       stdout=subprocess.DEVNULL)
    target = var_dir / f"bench-world-{max_pairs or 'all'}.npz"
    subprocess.run([sys.executable, __file__, "--demo-world-child", str(target), "--max-pairs", str(max_pairs or 0)],
                   env=env, cwd=root, check=True)
    with np.load(target) as stored:
        arrays = {key: stored[key] for key in stored.files}
    scalars = {key: int(arrays.pop(key)) for key in ("start", "measure_from")}
    if "country" in arrays:
        scalars["country"] = str(arrays.pop("country"))
    return SimulationInputs(**arrays, **scalars)


def load_expected(var_dir: Path, max_pairs: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The demo world's expected demand written by ``demo_world_child`` (None when it could not be derived)."""
    path = var_dir / f"expected-bench-world-{max_pairs or 'all'}.npz"
    if not path.exists():
        return None
    with np.load(path) as stored:
        return stored["mean"], stored["variance"]


def demo_world_child(target: str, max_pairs: int) -> None:
    """(Child, Django) extract the demo company's world into an .npz file, and the demo generator's expected demand
    of its pairs into ``expected-<name>`` next to it (``demo_expected``)."""
    import django

    django.setup()
    from opsdesk.core.models import Company

    inputs = simulation.company_world(Company.objects.order_by("pk").first(), max_pairs=max_pairs or None)
    arrays = {key: getattr(inputs, key) for key in inputs.__dataclass_fields__ if getattr(inputs, key) is not None}
    np.savez(target, **arrays)
    expected = demo_expected(inputs)
    if expected is not None:
        np.savez(Path(target).with_name("expected-" + Path(target).name), mean=expected[0], variance=expected[1])


DEMO_SEED = 20240101  # ``opsdesk demo``'s default seed, with which the bench builds its demo company


def demo_expected(inputs: SimulationInputs) -> tuple[np.ndarray, np.ndarray] | None:
    """(Child, Django) the demo generator's demand law of each pair of the world, ``(mean, variance)`` per (pair,
    day) in the world's units (kg for loose produce): what a perfect forecaster could know, short of the draws
    themselves (``generate.expected_demand``). None when the database is not ``opsdesk demo``'s with the default
    seed (the law's volume over the history would not match the sales)."""
    from opsdesk.catalog.models import Product
    from opsdesk.core.demo.generate import expected_demand, plan_company
    from opsdesk.core.models import Store

    code = dict(Store.objects.values_list("pk", "code"))
    sku = dict(Product.objects.values_list("pk", "sku"))
    plan = plan_company(seed=DEMO_SEED, end_date=inputs.dates[-1].astype(object), scale=1.0)
    store_index = {store.code: i for i, store in enumerate(plan.stores)}
    product_index = {product.sku: i for i, product in enumerate(plan.products)}
    columns = np.searchsorted(np.asarray(plan.calendar.dates, dtype="datetime64[D]"), inputs.dates)
    weight = np.where(plan.product_portion > 0, plan.product_portion, 1.0)  # kg per unit for loose produce
    mean, variance = np.zeros(inputs.demand.shape), np.zeros(inputs.demand.shape)
    for store_pk in np.unique(inputs.pairs[:, 0]):
        index = store_index.get(code[int(store_pk)])
        if index is None:
            return None
        law = expected_demand(plan, index)
        row_of = {int(product): row for row, product in enumerate(law.assortment)}
        for pair in np.flatnonzero(inputs.pairs[:, 0] == store_pk):
            product = product_index.get(sku[int(inputs.pairs[pair, 1])])
            if product not in row_of:
                return None
            units = law.mean[row_of[product], columns]
            mean[pair] = units * weight[product]
            variance[pair] = (units + units ** 2 / law.dispersion[row_of[product]]) * weight[product] ** 2
    history = slice(inputs.start - simulation.HISTORY_DAYS, inputs.start)
    sold, expected = inputs.demand[:, history].sum(), mean[:, history].sum()
    return (mean, variance) if abs(expected / sold - 1) < 0.1 else None


class ExpectedDemandCache:
    """The plan's forecaster that knows the demand law: the expected demand of the coming days and the daily
    standard deviation of the draws around it (``demo_expected``), refreshed daily. Not a policy anyone can run:
    it shows how far the best possible forecast could take the plan, short of knowing the draws."""

    def __init__(self, mean: np.ndarray, variance: np.ndarray, horizon: int = 28) -> None:
        self.mean, self.variance, self.horizon = mean, variance, horizon

    def get(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        n, days = self.mean.shape
        mean, variance = np.zeros((n, self.horizon), dtype=np.float32), np.zeros((n, self.horizon))
        ahead = self.mean[:, day + 1:day + 1 + self.horizon]
        mean[:, :ahead.shape[1]] = ahead
        spread = self.variance[:, day + 1:day + 1 + self.horizon]
        variance[:, :spread.shape[1]] = spread
        return mean, np.sqrt(variance.mean(axis=1))


def expected_demand_makers(inputs: SimulationInputs, expected: tuple[np.ndarray, np.ndarray] | None) -> dict:
    """``bound_expected_demand``: OpsDesk's plan as configured on ``ExpectedDemandCache``, its knob scaling z."""
    if expected is None:
        return {}
    from opsdesk.engine.replenish.plan import PlanParams
    from opsdesk.engine.replenish.policies import OpsdeskForecast

    cache = ExpectedDemandCache(*expected)
    params = simulation.PLAN_PARAMS
    daily = {"check_interval_days": params["check_interval_days"], "service_levels": tuple(params["service_levels"]),
             "service_measure": params["service_measure"], "min_pair_fill_rate": params["min_pair_fill_rate"]}
    return {"bound_expected_demand": (
        lambda knob: OpsdeskForecast(inputs, cache, PlanParams(**daily, z_scale=knob)), 1.0, (0.0, 12.0))}


def clairvoyant(inputs: SimulationInputs, delay: int, review: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Perfect foresight: when stock would run short on day t, receive on day t + delay packs for ``review`` days.

    Returns:
        ``(average inventory value, units lost)`` per pair over the measured days.
    """
    demand = inputs.demand[:, inputs.measure_from:]
    n, days = demand.shape
    cumulative = np.zeros((n, days + 1))
    np.cumsum(demand, axis=1, out=cumulative[:, 1:])
    stock, total, lost, due = np.zeros(n), np.zeros(n), np.zeros(n), np.full(n, -1)
    for day in range(days):
        if delay == 0:
            due = np.where(demand[:, day] > stock, day, due)
        need = cumulative[:, min(day + review, days)] - cumulative[:, day] - stock
        stock += np.where(due == day, np.ceil(np.maximum(need, 0) / inputs.pack_size - 1e-9) * inputs.pack_size, 0)
        due = np.where(due == day, -1, due)
        if delay > 0:
            due = np.where((demand[:, day] > stock) & (due < 0), day + delay, due)
        sold = np.minimum(stock, demand[:, day])
        lost += demand[:, day] - sold
        stock -= sold
        total += stock
    return total / days * inputs.unit_value, lost


def reference(inputs: SimulationInputs, target: float = TARGET, delays: int = 8) -> dict:
    """Clairvoyant inventory value at 100% fill and at ``target`` fill (greedy: lose the units that save most)."""
    runs = [clairvoyant(inputs, delay) for delay in range(delays)]
    value = np.stack([run[0] for run in runs], axis=1)
    lost = np.stack([run[1] for run in runs], axis=1)
    demanded = float(inputs.demand[:, inputs.measure_from:].sum())
    choice = np.zeros(len(value), dtype=np.intp)
    heap: list = []

    def push(row: int) -> None:
        saved = value[row, choice[row]] - value[row, choice[row] + 1:]
        extra = np.maximum(lost[row, choice[row] + 1:] - lost[row, choice[row]], 1e-9)
        if saved.size and saved.max() > 0:
            best = int(np.argmax(saved / extra))
            heapq.heappush(heap, (-saved[best] / extra[best], row, choice[row] + 1 + best, extra[best]))

    for row in range(len(value)):
        push(row)
    used, budget = float(lost[:, 0].sum()), (1 - target) * demanded
    while heap:
        _, row, column, extra = heapq.heappop(heap)
        if used + extra <= budget:
            used += extra
            choice[row] = column
            push(row)
    rows = np.arange(len(value))
    return {"value_at_100": round(float(value[:, 0].sum()), 1),
            "value_at_target": round(float(value[rows, choice].sum()), 1),
            "fill_at_target": round(1 - used / demanded, 4)}


def run_panel(inputs: SimulationInputs, expected: tuple[np.ndarray, np.ndarray] | None = None, *, quick: bool = False
              ) -> dict:
    """Simulate the policies (and ablations) as configured and calibrated to 98% fill; with ``expected`` (the demo
    generator's demand law) also ``bound_expected_demand``."""
    iterations = 7 if quick else 10
    configured, matched, results, configured_results = {}, {}, {}, {}
    seconds: list[float] = []
    cache = EngineForecastCache(inputs, on_refresh=lambda day, spent: seconds.append(spent))
    makers = {**simulation.policy_makers(inputs, ablations=True, bound=True, cache=cache),
              **expected_demand_makers(inputs, expected)}
    for name, (make, knob, (low, high)) in makers.items():
        began = time.perf_counter()
        result = simulate(inputs, make(knob))
        assert np.allclose(result.initial + result.received - result.sold, result.final), "stock not conserved"
        configured[name] = rounded(result.summary())
        configured_results[name] = result
        knob, best, is_reached = calibrate(make, inputs, low, high, TARGET,
                                           simulation.calibration_iterations(name, iterations))
        matched[name] = rounded({**best.summary(), "knob": knob, "reached": is_reached})
        results[name] = best
        print(f"  {name}: {time.perf_counter() - began:.0f} s", file=sys.stderr)  # noqa: T201
    engine = {"refreshes": len(seconds), "seconds": round(sum(seconds), 1),
              "seconds_per_refresh": round(sum(seconds) / max(len(seconds), 1), 1)}
    print(f"  engine forecast: {engine}", file=sys.stderr)  # noqa: T201
    return {"pairs": int(inputs.demand.shape[0]), "configured": configured, "matched": matched,
            "reference": reference(inputs), "segments": simulation.order_cover_segments(inputs, results),
            "shortfall": {"configured": simulation.shortfall_split(inputs, configured_results),
                          "matched": simulation.shortfall_split(inputs, results)},
            "engine_forecast": engine}



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
    """Readable table of one data set."""
    print(f"\n{name}: {figures['pairs']} pairs, holdout {simulation.HOLDOUT_DAYS} days after "  # noqa: T201
          f"{simulation.BURN_IN_DAYS} burn-in days")
    print(f"{'policy':<24}{'mode':<12}{'fill':>8}{'vfill':>8}{'CSL':>8}{'SO days':>9}{'avg units':>11}"  # noqa: T201
          f"{'avg value':>12}{'orders':>8}{'knob':>10}")
    for mode, policies in (("configured", figures["configured"]), (f"fill>={TARGET}", figures["matched"])):
        for policy, row in policies.items():
            knob = f"{row['knob']:.3f}{'' if row['reached'] else ' !'}" if "knob" in row else ""
            print(f"{policy:<24}{mode:<12}{row['fill_rate']:>8.4f}{row['value_fill_rate']:>8.4f}"  # noqa: T201
                  f"{row['cycle_service_level']:>8.4f}{row['stockout_days']:>9}{row['avg_inventory_units']:>11.0f}"
                  f"{row['avg_inventory_value']:>12.0f}{row['orders']:>8}{knob:>10}")
    reference_row = figures["reference"]
    print(f"clairvoyant (perfect foresight, 7-day orders): value {reference_row['value_at_100']:,.0f} at 100% fill, "  # noqa: T201
          f"{reference_row['value_at_target']:,.0f} at {reference_row['fill_at_target']:.2%}")
    print("knob: opsdesk/erpnext z multiplier, odoo extra days in min, opsdesk_fill_pooled class fill target, "  # noqa: T201
          "bound_perfect_forecast lead-time safety-stock multiplier; '!' = 98% not reached at the bound; "
          "vfill = value-weighted fill rate")
    print(f"\naverage inventory value at {TARGET:.0%} fill by segment (days one order covers)")  # noqa: T201
    print(simulation.format_segments(figures["segments"]))  # noqa: T201
    for mode, label in (("configured", "as configured"), ("matched", f"at {TARGET:.0%} fill")):
        print(f"\nwhere the units short fall, {label} (bulk day: demand above {simulation.BULK_MULTIPLE:g} x the "  # noqa: T201
              f"pair's average day of the {simulation.HISTORY_DAYS} days before the simulation)")
        print(simulation.format_shortfall(figures["shortfall"][mode]))  # noqa: T201


def goal(figures: dict) -> dict:
    """Inventory value saving of each OpsDesk row vs each static policy, both calibrated to 98% fill."""
    matched, report = figures["matched"], {}
    for ours in (name for name in matched if name.startswith("opsdesk")):
        if not matched[ours]["reached"]:
            report[ours] = {"reached": False}
            continue
        savings = {name: (round(1 - matched[ours]["avg_inventory_value"] / matched[name]["avg_inventory_value"], 4)
                          if matched[name]["reached"] else "static policy cannot reach 98%") for name in POLICIES[1:]}
        # Not comparable (None) when a static policy cannot reach the target at all.
        is_met = None if any(isinstance(value, str) for value in savings.values()) else min(savings.values()) >= 0.25
        report[ours] = {"reached": True, "saving_vs": savings, "is_met": is_met}
    bound = matched.get("bound_perfect_forecast")
    if bound is not None and bound["reached"]:
        report["bound_perfect_forecast"] = {
            name: round(1 - bound["avg_inventory_value"] / matched[name]["avg_inventory_value"], 4)
            for name in POLICIES[1:] if matched[name]["reached"]}
        static = [matched[name]["avg_inventory_value"] for name in POLICIES[1:] if matched[name]["reached"]]
        if static:
            best, floor = min(static), bound["avg_inventory_value"]
            # share of the gap between the best static policy and the bound each OpsDesk row closes (issue 20: >= 0.5)
            report["gap_closed"] = {ours: round((best - matched[ours]["avg_inventory_value"]) / (best - floor), 4)
                                    for ours in matched if ours.startswith(("opsdesk", "bound_expected"))
                                    and matched[ours]["reached"] and best > floor}
    # issue 20: at its configured targets OpsDesk reaches the target fill
    report["configured_fill"] = {ours: row["fill_rate"] for ours, row in figures["configured"].items()
                                 if ours.startswith("opsdesk")}
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
    parser.add_argument("--demo-var-dir", default=os.environ.get("OPSDESK_BENCH_DEMO_DIR", "/tmp/opsdesk-bench-demo"))
    parser.add_argument("--scale-child", type=int, default=0)
    parser.add_argument("--demo-world-child", default="")
    parser.add_argument("--max-pairs", type=int, default=0)
    args = parser.parse_args()
    if args.scale_child:
        scale_child(args.scale_child)
        return
    if args.demo_world_child:
        demo_world_child(args.demo_world_child, args.max_pairs)
        return
    began = time.perf_counter()
    output: dict = {}
    details: dict = {}
    demo_pairs = QUICK_DEMO_PAIRS if args.quick else None
    worlds = {
        "demo": lambda: (demo_world(Path(args.demo_var_dir), demo_pairs),
                         load_expected(Path(args.demo_var_dir), demo_pairs)),
        "online_retail": lambda: (simulation.online_retail_world(
            Path(args.data_dir) / "online_retail" / "online_retail.csv"), None),
    }
    for name, build in worlds.items():
        figures = run_panel(*build(), quick=args.quick)
        print_table(name, figures)
        output[name] = {policy: {key: figures["configured"][policy][key] for key in
                                 ("fill_rate", "cycle_service_level", "stockout_days", "avg_inventory_value",
                                  "orders")} for policy in POLICIES}
        details[name] = figures
        figures["goal"] = goal(figures)
        print(f"goal (>= 25% less inventory value than both static policies at 98% fill): {figures['goal']}")  # noqa: T201
    output["scale"] = run_scale(100_000 if args.quick else 1_000_000)
    print(f"\nscale: {output['scale']}")  # noqa: T201
    output["page_ms"] = run_page(50_000 if args.quick else 1_000_000)
    output["extra_policies"] = {name: {policy: row for policy, row in figures["configured"].items()
                                       if policy not in POLICIES} for name, figures in details.items()}
    keys = ("fill_rate", "value_fill_rate", "cycle_service_level", "stockout_days", "avg_inventory_value", "orders",
            "knob", "reached")
    output["matched"] = {name: {str(TARGET): {policy: {key: row[key] for key in keys}
                                               for policy, row in figures["matched"].items()}}
                         for name, figures in details.items()}
    output["reference"] = {name: figures["reference"] for name, figures in details.items()}
    output["goal"] = {name: figures["goal"] for name, figures in details.items()}
    output["segments"] = {name: figures["segments"] for name, figures in details.items()}
    output["shortfall"] = {name: figures["shortfall"] for name, figures in details.items()}
    output["engine_forecast"] = {name: figures["engine_forecast"] for name, figures in details.items()}
    output["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(output))  # noqa: T201


if __name__ == "__main__":
    main()
