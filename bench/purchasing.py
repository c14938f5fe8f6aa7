"""Supplier scorecard benchmark: 500 suppliers, 200,000 purchase-order lines, 12 monthly periods.

Run: .venv/bin/python bench/purchasing.py [--suppliers 500] [--lines 200000]

Builds a throwaway SQLite database under a temporary directory (migrate, then raw `executemany` of 50,000 sent or
received orders of 4 lines each, with one or two receipts per line: on time, early, partial-then-late, late, with
rejections, and a contract price on half of the lines), then times `purchasing.services.scorecards_compute`: the
SQL extraction of line facts, the vectorised engine (`opsdesk.engine.suppliers.compute_scorecards`) and the
persistence of every supplier x month scorecard. The engine alone is timed too. The last line is the JSON figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LINES_PER_ORDER = 4
END = date(2026, 10, 31)


def _setup(directory: str) -> None:
    os.environ.update({"OPSDESK_VAR_DIR": directory, "DJANGO_SETTINGS_MODULE": "opsdesk.config.settings",
                       "OPSDESK_DATABASE_URL": f"sqlite:///{Path(directory) / 'bench.sqlite3'}"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _load(n_suppliers: int, n_lines: int, rng: np.random.Generator) -> int:
    """Insert the company, suppliers, products, orders, lines and receipts; returns the company id."""
    from django.db import connection, transaction

    from opsdesk.catalog.models import Product
    from opsdesk.core.models import Company, Region, Store
    from opsdesk.purchasing.models import PurchaseOrder, PurchaseOrderLine, Receipt, Supplier

    company = Company.objects.create(code="BENCH", name="基准公司")
    region = Region.objects.create(company=company, code="R", name="华东区")
    store = Store.objects.create(company=company, region=region, code="S1", name="一店", city="上海")
    Supplier.objects.bulk_create([Supplier(company=company, code=f"S{i:04d}", name=f"供应商{i}")
                                  for i in range(n_suppliers)])
    supplier_ids = list(Supplier.objects.filter(company=company).values_list("pk", flat=True))
    Product.objects.bulk_create([Product(company=company, sku=f"P{i:05d}", name=f"商品{i}", cost=5, price=9)
                                 for i in range(2000)])
    product_ids = np.asarray(Product.objects.filter(company=company).values_list("pk", flat=True))
    n_orders = n_lines // LINES_PER_ORDER
    order_day = END.toordinal() - rng.integers(8, 360, n_orders)
    due = order_day + rng.integers(1, 8, n_orders)
    order_supplier = rng.choice(supplier_ids, n_orders)
    now = "2026-11-01 00:00:00"
    orders = [(i + 1, company.pk, f"PO{i:07d}", int(order_supplier[i]), store.pk, "received",
               date.fromordinal(int(order_day[i])).isoformat(), date.fromordinal(int(due[i])).isoformat(), 0, "",
               now, now, 0) for i in range(n_orders)]
    line_order = np.repeat(np.arange(1, n_orders + 1), LINES_PER_ORDER)[:n_lines]
    quantity = rng.integers(1, 20, n_lines) * 6
    price = np.round(rng.uniform(2, 50, n_lines), 2)
    contract = np.where(rng.random(n_lines) < 0.5, np.round(price * rng.uniform(0.95, 1.02, n_lines), 2), np.nan)
    lines = [(i + 1, int(line_order[i]), int(rng.choice(product_ids)), int(quantity[i]), float(price[i]),
              int(quantity[i]), 0, None if np.isnan(contract[i]) else float(contract[i])) for i in range(n_lines)]
    receipts = _receipts(rng, line_order, quantity, due, now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {PurchaseOrder._meta.db_table} (id, company_id, order_number, supplier_id, store_id, "
            "status, order_date, expected_date, total_value, notes, created_at, updated_at, revision) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", orders)
        cursor.executemany(
            f"INSERT INTO {PurchaseOrderLine._meta.db_table} (id, purchase_order_id, product_id, quantity, "
            "unit_price, received_quantity, rejected_quantity, contract_price) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", lines)
        cursor.executemany(
            f"INSERT INTO {Receipt._meta.db_table} (line_id, date, quantity_received, quantity_rejected, "
            "rejection_reason, photo, notes, stock_posted, created_at) VALUES (%s, %s, %s, %s, %s, '', '', 1, %s)",
            receipts)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            problems = cursor.fetchall()[:5]
            if problems:
                raise RuntimeError(f"foreign keys: {problems}")
    return company.pk


def _receipts(rng, line_order, quantity, due, now) -> list[tuple]:
    """One receipt per line (on time or up to 2 days early/late), a late second one for 15% partials."""
    n = len(line_order)
    due_of_line = due[line_order - 1]
    first_day = due_of_line + rng.integers(-2, 3, n)
    partial = rng.random(n) < 0.15
    first_qty = np.where(partial, quantity // 2, quantity)
    rejected = np.where(rng.random(n) < 0.05, np.minimum(first_qty, 2), 0)
    rows = [(i + 1, date.fromordinal(int(first_day[i])).isoformat(), int(first_qty[i]), int(rejected[i]),
             "damaged" if rejected[i] else "", now) for i in range(n)]
    rows += [(int(i) + 1, date.fromordinal(int(first_day[i]) + 3).isoformat(), int(quantity[i] - first_qty[i]), 0, "",
              now) for i in np.nonzero(partial)[0]]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=500)
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opsdesk-purchasing-") as directory:
        _setup(directory)
        from opsdesk.engine.suppliers import compute_scorecards
        from opsdesk.purchasing import selectors, services
        from opsdesk.purchasing.models import SupplierScore

        started = time.perf_counter()
        company_id = _load(args.suppliers, args.lines, np.random.default_rng(7))
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        rows = services.scorecards_compute(company_id=company_id, end=END, months=12)
        seconds = time.perf_counter() - started
        facts, supplier_ids, periods = selectors.scorecard_facts(company_id=company_id, start=date(2025, 11, 1),
                                                                 end=END)
        started = time.perf_counter()
        card = compute_scorecards(facts, len(supplier_ids), len(periods))
        engine_seconds = time.perf_counter() - started
        scored_lines = int(card.lines.sum())
        print(f"{'suppliers':<28}{len(supplier_ids):>12}")  # noqa: T201
        print(f"{'lines scored':<28}{scored_lines:>12}")  # noqa: T201
        print(f"{'supplier x month rows':<28}{rows:>12}")  # noqa: T201
        print(f"{'load (not timed) s':<28}{load_seconds:>12.2f}")  # noqa: T201
        print(f"{'engine only s':<28}{engine_seconds:>12.3f}")  # noqa: T201
        print(f"{'extract+engine+persist s':<28}{seconds:>12.3f}")  # noqa: T201
        print(f"{'mean OTIF by quantity':<28}{float(np.nanmean(card.otif_quantity_rate)):>12.3f}")  # noqa: T201
        print(f"{'persisted rows':<28}{SupplierScore.objects.count():>12}")  # noqa: T201
        print("reproduce: .venv/bin/python bench/purchasing.py")  # noqa: T201
        print(json.dumps({"suppliers": len(supplier_ids), "lines": scored_lines,  # noqa: T201
                          "seconds": round(seconds, 3), "engine_seconds": round(engine_seconds, 4)}))


if __name__ == "__main__":
    main()
