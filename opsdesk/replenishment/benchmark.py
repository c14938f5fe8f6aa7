"""How fast the replenishment page opens with 1,000,000 proposal rows (the `page_ms` of bench/replenish.py).

`measure_page_ms()` runs this module in a child process (its own Django setup, a throwaway SQLite database under a
temporary directory), so the caller needs no Django at all:

    from opsdesk.replenishment.benchmark import measure_page_ms
    page_ms = measure_page_ms(n_rows=1_000_000)        # p95 in ms over the timed requests

The child migrates a fresh database, creates a company with 100 stores, 10,000 SKUs, 40 suppliers, one finished
plan run and `n_rows` proposals (raw `executemany`, indexes built after the load, then ANALYZE), signs in a
company-wide COO and a store manager with the Django test client, and times full page renders of
/replenishment/ with a filter and the urgency sort (store, supplier, category, urgency band, reason = all, next
page, reverse sort). Run it directly for the figures: `python -m opsdesk.replenishment.benchmark --rows 1000000`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STORES, SKUS, SUPPLIERS, CATEGORIES = 100, 10_000, 40, 20


def measure_page(n_rows: int = 1_000_000, requests: int = 20) -> dict:
    """Figures of the page benchmark: {"rows", "requests", "p50_ms", "p95_ms", "max_ms", "load_seconds"}."""
    with tempfile.TemporaryDirectory(prefix="opsdesk-page-") as directory:
        env = {**os.environ, "OPSDESK_VAR_DIR": directory, "DJANGO_SETTINGS_MODULE": "opsdesk.config.settings",
               "OPSDESK_DATABASE_URL": f"sqlite:///{Path(directory) / 'page.sqlite3'}"}
        completed = subprocess.run(
            [sys.executable, "-m", "opsdesk.replenishment.benchmark", "--rows", str(n_rows), "--requests",
             str(requests)], env=env, capture_output=True, text=True, check=False,
            cwd=str(Path(__file__).resolve().parents[2]))
    if completed.returncode:
        raise RuntimeError(f"page benchmark failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_page_ms(n_rows: int = 1_000_000, requests: int = 20) -> float:
    """p95 time in milliseconds to render the replenishment page over `n_rows` proposals (see module docstring)."""
    return measure_page(n_rows, requests)["p95_ms"]


# ----------------------------------------------------------------------------- the child process


def _setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _organisation():
    from decimal import Decimal

    from opsdesk.catalog.models import Product, ProductCategory
    from opsdesk.core.models import Company, Region, Store, User
    from opsdesk.purchasing.models import Supplier

    company = Company.objects.create(code="BENCH", name="页面基准")
    regions = [Region.objects.create(company=company, code=f"R{i}", name=f"区域{i}") for i in range(4)]
    Store.objects.bulk_create([Store(company=company, region=regions[i % 4], code=f"S{i:03d}", name=f"门店{i}",
                                     city="上海") for i in range(STORES)])
    ProductCategory.objects.bulk_create([ProductCategory(company=company, code=f"C{i:02d}", name=f"品类{i}")
                                         for i in range(CATEGORIES)])
    Supplier.objects.bulk_create([Supplier(company=company, code=f"V{i:02d}", name=f"供应商{i}")
                                  for i in range(SUPPLIERS)])
    categories = list(ProductCategory.objects.filter(company=company).values_list("pk", flat=True))
    suppliers = list(Supplier.objects.filter(company=company).values_list("pk", flat=True))
    Product.objects.bulk_create([
        Product(company=company, sku=f"SKU{j:05d}", name=f"商品{j}", pack_size=(1, 6, 12)[j % 3],
                cost=Decimal("5.00"), price=Decimal("9.00"), category_id=categories[j % CATEGORIES],
                supplier_id=suppliers[j % SUPPLIERS]) for j in range(SKUS)], batch_size=5000)
    coo = User.objects.create(username="bench-coo", role="coo", company=company, has_company_scope=True)
    manager = User.objects.create(username="bench-manager", role="store_manager", company=company)
    manager.scope_stores.set([Store.objects.filter(company=company).order_by("code").first()])
    return company, coo, manager


def _load(company, n_rows: int) -> float:
    """Insert `n_rows` proposals: raw executemany with the proposal indexes dropped, then rebuilt, then ANALYZE."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from opsdesk.catalog.models import Product
    from opsdesk.core.models import Store
    from opsdesk.replenishment.models import PlanRun, Proposal
    from opsdesk.replenishment.services import insert_proposals

    began = time.perf_counter()
    run = PlanRun.objects.create(company=company, status="done", progress=100, finished_at=timezone.now())
    stores = np.asarray(Store.objects.filter(company=company).order_by("pk").values_list("pk", flat=True))
    products = list(Product.objects.filter(company=company).order_by("pk").values_list("pk", "supplier_id",
                                                                                        "category_id", "pack_size"))
    product_ids = np.asarray([p[0] for p in products])
    supplier_of, category_of = np.asarray([p[1] for p in products]), np.asarray([p[2] for p in products])
    pack_of = np.asarray([p[3] for p in products])
    indexes = [index.name for index in Proposal._meta.indexes]
    table = Proposal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        for name in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    rng = np.random.default_rng(5)
    batch = 50_000
    with transaction.atomic():
        for start in range(0, n_rows, batch):
            index = np.arange(start, min(start + batch, n_rows))
            insert_proposals(_rows(run.pk, index, stores, product_ids, supplier_of, category_of, pack_of, rng),
                             batch=batch)
    with connection.cursor() as cursor:
        for index in Proposal._meta.indexes:
            columns = ", ".join(Proposal._meta.get_field(name).column for name in index.fields)
            cursor.execute(f"CREATE INDEX {index.name} ON {table} ({columns})")
        cursor.execute("ANALYZE")
    return time.perf_counter() - began


def _rows(run_id, index, stores, product_ids, supplier_of, category_of, pack_of, rng) -> list[tuple]:
    """Synthetic proposals in `_COLUMNS` order: about a third below the reorder point."""
    from datetime import date

    import numpy as np
    from django.db import connection

    n = len(index)
    store = stores[index % len(stores)]
    sku = (index // len(stores)) % len(product_ids)
    urgency = np.round(rng.normal(10, 12, n), 2)
    below = rng.random(n) < 0.35
    reason = np.where(below, "below_reorder_point", np.where(rng.random(n) < 0.5, "covered", "above_reorder_point"))
    pack = pack_of[sku]
    quantity = np.where(below, pack * rng.integers(1, 6, n), 0)
    zeros = [0.0] * n
    expected = connection.ops.adapt_datefield_value(date(2026, 11, 4))
    columns = [
        [run_id] * n, store.tolist(), product_ids[sku].tolist(), supplier_of[sku].tolist(), category_of[sku].tolist(),
        ["open"] * n, reason.tolist(), urgency.tolist(), (urgency + 3).tolist(), zeros, zeros, zeros, [3.0] * n, zeros,
        [7.0] * n, ["A"] * n, ["X"] * n, [0.98] * n, pack.tolist(), pack.tolist(), [5.0] * n, [1.0] * n, [1.0] * n,
        [10.0] * n, [2.0] * n, [6.0] * n, [12.0] * n, zeros, zeros, [False] * n, quantity.tolist(), quantity.tolist(),
        [expected] * n, zeros, zeros, [False] * n, zeros, zeros, [None] * n, zeros, [False] * n, zeros,
    ]
    from opsdesk.replenishment.services import _COLUMNS

    assert len(columns) == len(_COLUMNS)
    return list(zip(*columns, strict=True))


def _urls(company) -> list[str]:
    from opsdesk.catalog.models import ProductCategory
    from opsdesk.core.models import Store
    from opsdesk.purchasing.models import Supplier

    store = Store.objects.filter(company=company).order_by("code")[7].pk
    supplier = Supplier.objects.filter(company=company).order_by("code")[3].pk
    category = ProductCategory.objects.filter(company=company).order_by("code")[5].pk
    return [
        "/replenishment/",
        f"/replenishment/?store={store}&sort=urgency",
        f"/replenishment/?supplier={supplier}&sort=urgency",
        f"/replenishment/?category={category}&urgency=week",
        f"/replenishment/?store={store}&reason=all&sort=-urgency",
        "/replenishment/?urgency=late&sort=urgency",
        f"/replenishment/?supplier={supplier}&store={store}",
        "/replenishment/?after=1.5:12345",
    ]


def _time_requests(coo, manager, urls: list[str], requests: int) -> list[float]:
    from django.test import Client

    clients = []
    for user in (coo, manager):
        client = Client(SERVER_NAME="localhost")  # an allowed host (the default "testserver" is not)
        client.force_login(user)
        clients.append(client)
    for client in clients:  # warm up: templates, URL resolver, SQLite page cache
        status = client.get(urls[0]).status_code
        assert status == 200, status
    timings = []
    for i in range(requests):
        client = clients[0] if i % 4 else clients[1]
        began = time.perf_counter()
        response = client.get(urls[i % len(urls)])
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsdesk.config.settings")
    _setup()
    company, coo, manager = _organisation()
    load_seconds = _load(company, args.rows)
    import numpy as np

    timings = np.asarray(_time_requests(coo, manager, _urls(company), args.requests))
    figures = {"rows": args.rows, "requests": args.requests, "p50_ms": round(float(np.percentile(timings, 50)), 1),
               "p95_ms": round(float(np.percentile(timings, 95)), 1), "max_ms": round(float(timings.max()), 1),
               "load_seconds": round(load_seconds, 1)}
    print(json.dumps(figures))  # noqa: T201


if __name__ == "__main__":
    main()
