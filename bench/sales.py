"""Benchmark of the sales explorer and the promotion uplift measure.

Reproduce from the repository root (build the demo first; run niced, the machine is shared):
    OPSDESK_VAR_DIR=/tmp/dsales .venv/bin/opsdesk demo --no-serve
    OPSDESK_VAR_DIR=/tmp/dsales nice -n 15 .venv/bin/python bench/sales.py [--repeat 30] [--skip-rossmann]

1. Explorer: a year (the last 365 days of facts) x all stores x category query (revenue, units, margin, margin %,
   price realised), and the same year by promotion (every fact row joined to the promotion covering it), for a
   company-scope user of the demo company, through `opsdesk.sales.explorer.sales_explore`
   (DuckDB over the cached Arrow extract; the first call pays the extract) and, side by side, the same aggregation
   through the ORM (`SkuDaySales.objects.for_user(...).values(category).annotate(Sum...)`: revenue, units, margin
   and costed revenue, from which margin % and price follow). p50/p95 over --repeat runs (the ORM: --repeat / 6,
   at least 3); the revenue totals of both are compared. Also timed: the first call of a process (reads every fact
   row) and the first call after the nightly job wrote the Parquet extract (`explorer_cache_warm`).
2. Rossmann (read in place from /work/shared/data/rossmann/train.csv): average uplift of Promo days per store,
   engine (`opsdesk.engine.uplift.store_promo_uplift`: baseline from the non-promo days' weekday profile and
   level, see its docstring) side by side with the hand computation (mean of promo days / mean of non-promo days of
   the same weekday in the same 8 weeks, minus 1).
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_explorer(repeat: int) -> dict:
    os.environ.setdefault("OPSDESK_VAR_DIR", "/tmp/dsales")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    import django

    django.setup()
    from django.db.models import F, Max, Q, Sum

    from opsdesk.core.models import User
    from opsdesk.engine.salescube import CubeQuery
    from opsdesk.sales.explorer import cache_clear, explorer_cache_warm, sales_explore
    from opsdesk.sales.models import SkuDaySales

    user = next(u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_company_scope)
    end = SkuDaySales.objects.for_user(user).aggregate(last=Max("date"))["last"]
    start = end - timedelta(days=364)
    query = CubeQuery(start, end, ("revenue", "units", "margin", "margin_percent", "price"), ("category",))
    began = time.perf_counter()
    result = sales_explore(user=user, query=query)
    cold = time.perf_counter() - began
    explorer_cache_warm(user.company_id)  # what the nightly job writes
    cache_clear()
    began = time.perf_counter()
    sales_explore(user=user, query=query)
    warm = time.perf_counter() - began
    engine_times = []
    for _run in range(repeat):
        began = time.perf_counter()
        result = sales_explore(user=user, query=query)
        engine_times.append(time.perf_counter() - began)
    promotion_query = CubeQuery(start, end, ("revenue", "units"), ("promotion",))
    promotion_times = []
    for _run in range(max(3, repeat // 3)):
        began = time.perf_counter()
        promotion_result = sales_explore(user=user, query=promotion_query)
        promotion_times.append(time.perf_counter() - began)
    orm_times = []
    orm_rows = []
    for _run in range(max(3, repeat // 6)):
        began = time.perf_counter()
        orm_rows = list(SkuDaySales.objects.for_user(user).filter(date__gte=start, date__lte=end)
                        .values("product__category").annotate(
                            sales=Sum("revenue"), quantity_sum=Sum("quantity"),
                            margin=Sum(F("revenue") - F("cost"), filter=~Q(cost=0)),
                            costed=Sum("revenue", filter=~Q(cost=0)))
                        .order_by())
        orm_times.append(time.perf_counter() - began)
    engine_total = sum(r["revenue"] for r in result.rows)
    orm_total = float(sum(r["sales"] or 0 for r in orm_rows))
    figures = {
        "explorer_rows": result.table.num_rows, "period": f"{start}..{end}", "cold_ms": round(cold * 1000, 1),
        "first_after_nightly_extract_ms": round(warm * 1000, 1),
        "engine_p50_ms": round(_p(engine_times, 0.5) * 1000, 1),
        "engine_p95_ms": round(_p(engine_times, 0.95) * 1000, 1),
        "orm_p50_ms": round(_p(orm_times, 0.5) * 1000, 1), "orm_p95_ms": round(_p(orm_times, 0.95) * 1000, 1),
        "revenue_engine": round(engine_total, 2), "revenue_orm": round(orm_total, 2),
        "promotion_p50_ms": round(_p(promotion_times, 0.5) * 1000, 1),
        "promotion_p95_ms": round(_p(promotion_times, 0.95) * 1000, 1),
        "promotion_rows": promotion_result.table.num_rows,
        "promotion_revenue": round(sum(r["revenue"] for r in promotion_result.rows), 2),
    }
    print("Explorer: year x all stores x category (demo company)")
    print(f"  {'path':<28}{'p50 ms':>10}{'p95 ms':>10}{'revenue':>18}")
    print(f"  {'engine (DuckDB/Arrow)':<28}{figures['engine_p50_ms']:>10}{figures['engine_p95_ms']:>10}"
          f"{engine_total:>18,.2f}")
    print(f"  {'ORM aggregate':<28}{figures['orm_p50_ms']:>10}{figures['orm_p95_ms']:>10}{orm_total:>18,.2f}")
    print(f"  {'engine, by promotion':<28}{figures['promotion_p50_ms']:>10}{figures['promotion_p95_ms']:>10}"
          f"{figures['promotion_revenue']:>18,.2f}  ({figures['promotion_rows']} promotions + none)")
    print(f"  first call (extract + query): {figures['cold_ms']} ms; first call reading the nightly Parquet extract: "
          f"{figures['first_after_nightly_extract_ms']} ms; rows: {figures['explorer_rows']}")
    return figures


def bench_rossmann(data_dir: Path) -> dict:
    import numpy as np
    import pyarrow.csv as pacsv

    from opsdesk.engine.uplift import hand_promo_uplift, store_promo_uplift

    table = pacsv.read_csv(data_dir / "rossmann" / "train.csv",
                           convert_options=pacsv.ConvertOptions(column_types={"StateHoliday": "string"}))
    store = table["Store"].to_numpy()
    day = table["Date"].to_numpy().astype("datetime64[D]")
    sales = table["Sales"].to_numpy().astype(np.float64)
    promo = table["Promo"].to_numpy().astype(bool)
    is_open = table["Open"].to_numpy().astype(bool) & (sales > 0)
    began = time.perf_counter()
    engine = store_promo_uplift(store, day, sales, promo, is_open)
    engine_seconds = time.perf_counter() - began
    hand = hand_promo_uplift(store, day, sales, promo, is_open)
    both = np.isfinite(engine.uplift) & np.isfinite(hand.uplift)
    difference = engine.uplift[both] - hand.uplift[both]
    figures = {
        "rossmann_stores": int(both.sum()),
        "rossmann_uplift_engine_mean_pct": round(float(np.mean(engine.uplift[both])) * 100, 2),
        "rossmann_uplift_hand_mean_pct": round(float(np.mean(hand.uplift[both])) * 100, 2),
        "rossmann_uplift_engine_median_pct": round(float(np.median(engine.uplift[both])) * 100, 2),
        "rossmann_uplift_hand_median_pct": round(float(np.median(hand.uplift[both])) * 100, 2),
        "rossmann_abs_difference_mean_pp": round(float(np.mean(np.abs(difference))) * 100, 2),
        "rossmann_engine_seconds": round(engine_seconds, 2),
    }
    print("Rossmann: average uplift of Promo days per store")
    print(f"  {'method':<40}{'mean %':>10}{'median %':>10}")
    print(f"  {'engine (no-promo baseline)':<40}{figures['rossmann_uplift_engine_mean_pct']:>10}"
          f"{figures['rossmann_uplift_engine_median_pct']:>10}")
    print(f"  {'hand (same weekday, same 8 weeks)':<40}{figures['rossmann_uplift_hand_mean_pct']:>10}"
          f"{figures['rossmann_uplift_hand_median_pct']:>10}")
    print(f"  stores: {figures['rossmann_stores']}; mean |engine - hand|: "
          f"{figures['rossmann_abs_difference_mean_pp']} pp")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--skip-rossmann", action="store_true")
    parser.add_argument("--skip-explorer", action="store_true")
    args = parser.parse_args()
    figures: dict = {}
    if not args.skip_explorer:
        figures.update(bench_explorer(args.repeat))
    if not args.skip_rossmann:
        figures.update(bench_rossmann(args.data_dir))
    print(json.dumps({"bench": "sales", **figures}))


if __name__ == "__main__":
    main()
