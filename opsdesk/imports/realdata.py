"""`opsdesk realdata`: load the public Rossmann and UCI Online Retail files into a fresh company through the same
import path a user takes (files kept with their SHA-256, mapping from header synonyms, batch reports).

The data sets have no product or region master, so small master files are derived first (regions by hand,
Online Retail products from the distinct stock codes with DuckDB; non-product codes left out) and imported like
any ERP export. Running it again is a no-op per file (same SHA-256 and mapping).
"""

from __future__ import annotations

import csv
import secrets
import tempfile
import time
from pathlib import Path

ONLINE_STORE = "UK-ONLINE"


def _write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _derive_products(online_retail: list[Path], target: Path) -> Path:
    """One row per product stock code: its most frequent description (ties: alphabetical) and median positive unit
    price; deterministic, so the file's SHA-256 is the same on every run."""
    import duckdb

    from opsdesk.imports.validation import is_non_product_code

    files = ", ".join(f"'{path}'" for path in online_retail)
    source = f"read_csv([{files}], all_varchar=true, header=true)"
    rows = duckdb.sql(
        "WITH lines AS (SELECT trim(StockCode) AS code, trim(Description) AS name, "
        "  TRY_CAST(UnitPrice AS DOUBLE) AS price "
        f"  FROM {source} WHERE TRY_CAST(UnitPrice AS DOUBLE) > 0 AND coalesce(trim(Description), '') <> ''), "
        "names AS (SELECT code, name, count(*) AS n FROM lines GROUP BY code, name) "
        "SELECT p.code, n.name, p.price FROM (SELECT code, median(price) AS price FROM lines GROUP BY code) p "
        "JOIN (SELECT code, first(name ORDER BY n DESC, name) AS name FROM names GROUP BY code) n USING (code) "
        "ORDER BY p.code"
    ).fetchall()
    products = [[code, name[:200], f"{price:.2f}"] for code, name, price in rows if not is_non_product_code(code)]
    return _write_csv(target, [["商品编码", "商品名称", "零售价"], *products])


def _ensure_admin(company) -> tuple[str, str | None]:
    """An administrator of the company to sign in with (password printed once, when created)."""
    from opsdesk.core.models import User

    username = f"{company.code.lower()}-admin"
    if User.objects.filter(username=username).exists():
        return username, None
    password = secrets.token_urlsafe(12)
    user = User(username=username, role="admin", company=company, has_company_scope=True)
    user.set_password(password)
    user.save()
    return username, password


def load_real_data(*, data_dir: str, company_code: str = "REAL", progress: bool = True) -> int:
    """Run the loads in order and print each batch report; returns a process exit status."""
    from opsdesk.imports.cli import _Bar, _echo, print_report
    from opsdesk.imports.kinds import RETURN_PREFIX
    from opsdesk.imports.services import company_ensure, import_run

    data = Path(data_dir)
    rossmann, retail = data / "rossmann", data / "online_retail" / "online_retail.csv"
    missing = [str(path) for path in (rossmann / "train.csv", rossmann / "store.csv", retail) if not path.exists()]
    # The year before (Online Retail II, 2009-2010) when it is there: two years of history, one whole Christmas.
    retail_files = [path for path in (data / "online_retail" / "online_retail_2009_2010.csv", retail) if path.exists()]
    if missing:
        _echo("missing: " + ", ".join(missing))
        return 2
    company = company_ensure(code=company_code, name="真实数据 Real data")
    started, status = time.perf_counter(), 0
    with tempfile.TemporaryDirectory(prefix="opsdesk-realdata-") as folder:
        folder = Path(folder)
        steps = [
            (
                "regions",
                _write_csv(
                    folder / "regions.csv",
                    [["区域编码", "区域名称"], ["DE", "Rossmann 德国"], ["UK", "Online Retail 英国"]],
                ),
                {},
            ),
            ("stores", rossmann / "store.csv", {"region": "DE", "city": "Deutschland"}),
            (
                "stores",
                _write_csv(
                    folder / "online-store.csv",
                    [
                        ["门店编号", "门店名称", "区域编码", "城市"],
                        [ONLINE_STORE, "Online Retail (UK)", "UK", "London"],
                    ],
                ),
                {},
            ),
            ("calendar", rossmann / "train.csv", {}),
            ("store_day_sales", rossmann / "train.csv", {}),
            ("products", _derive_products(retail_files, folder / "online-retail-products.csv"), {}),
            # The lines roll up to SKU days and store days as they are imported (sales.rollups), which the
            # cockpit and `opsdesk forecast` read.
            *[("sales_lines", path, {"store": ONLINE_STORE, RETURN_PREFIX: "C"}) for path in retail_files],
        ]
        for kind, path, defaults in steps:
            bar = _Bar(kind) if progress else None
            batch = import_run(actor=None, company=company, kind=kind, path=path, defaults=defaults, callback=bar)
            if bar is not None:
                bar.close()
            print_report(batch)
            status = status or (1 if batch.status in ("failed", "rejected") else 0)
    username, password = _ensure_admin(company)
    _echo(
        f"Loaded in {time.perf_counter() - started:.0f} s. Sign in as {username}"
        + (f" / {password}" if password else " (password printed when it was created)")
        + " to browse company "
        + company.code
        + "."
    )
    return status
