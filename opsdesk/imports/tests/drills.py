"""Helpers of the process drills (kill -9, concurrent imports): a throwaway SQLite var/ directory seeded with
stores and products, sales files, and the tables read back with sqlite3 (never through the test database)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

STORES, PRODUCTS = 20, 60
SEED = f"""
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "opsdesk.config.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from opsdesk.catalog.models import Product
from opsdesk.core.models import Company, Region, Store
company = Company.objects.create(code="KILL", name="kill")
region = Region.objects.create(company=company, code="R", name="R")
stores = [Store(company=company, region=region, code=f"S{{i}}", name=f"S{{i}}", city="c") for i in range({STORES})]
Store.objects.bulk_create(stores)
products = [Product(company=company, sku=f"P{{i}}", name=f"P{{i}}", cost=1, price=2) for i in range({PRODUCTS})]
Product.objects.bulk_create(products)
"""


def drill_env(var_dir: Path, **extra: str) -> dict:
    """The environment of an `opsdesk` process on its own var/ directory (SQLite file, media)."""
    env = {**os.environ, "OPSDESK_VAR_DIR": str(var_dir), "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    env.pop("OPSDESK_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, **extra}


def seed(var_dir: Path) -> None:
    """Migrate a fresh SQLite database and give it company KILL with its stores and products."""
    subprocess.run([sys.executable, "-c", SEED], env=drill_env(var_dir), check=True, timeout=300)


def import_command(path: Path) -> list[str]:
    """`opsdesk import sku_day_sales FILE` for company KILL, without a progress bar."""
    return [sys.executable, "-m", "opsdesk", "import", "sku_day_sales", str(path), "--company", "KILL", "--quiet"]


def write_sales(path: Path, rows: int, year: int = 2023) -> None:
    """`rows` store x product x day rows of one year, every key once (STORES * PRODUCTS rows per day)."""
    per_day = STORES * PRODUCTS
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("store,sku,date,qty,price\n")
        for index in range(rows):
            day = 1 + (index // per_day) % 28
            month = 1 + index // (per_day * 28)
            store, product = index % STORES, (index // STORES) % PRODUCTS
            handle.write(f"S{store},P{product},{year}-{month:02d}-{day:02d},{index % 7},2.5\n")


def query(var_dir: Path, sql: str) -> list[tuple]:
    """Rows of one query on the drill's database."""
    with sqlite3.connect(var_dir / "opsdesk.sqlite3") as connection:
        return connection.execute(sql).fetchall()
