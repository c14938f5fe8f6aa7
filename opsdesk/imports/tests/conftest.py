"""Fixtures of the imports tests: a private MEDIA_ROOT, a company with stores and products, file writers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from opsdesk.catalog.models import Product
from opsdesk.core.models import Company, Region, Store


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def chain(db):
    """Company 'IMP' with stores S1, S2 (region R1) and S3 (region R2), products P1..P3."""
    company = Company.objects.create(code="IMP", name="导入测试")
    r1 = Region.objects.create(company=company, code="R1", name="一区")
    r2 = Region.objects.create(company=company, code="R2", name="二区")
    stores = {
        code: Store.objects.create(company=company, region=region, code=code, name=code, city="上海")
        for code, region in (("S1", r1), ("S2", r1), ("S3", r2))
    }
    products = {
        sku: Product.objects.create(company=company, sku=sku, name=sku, cost=1, price=2) for sku in ("P1", "P2", "P3")
    }
    return {"company": company, "regions": {"R1": r1, "R2": r2}, "stores": stores, "products": products}


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, rows or bytes, **csv options) -> path."""
    counter = {"n": 0}

    def _write(name: str, content, **options) -> Path:
        counter["n"] += 1
        folder = tmp_path / f"files{counter['n']}"
        folder.mkdir()
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else csv_bytes(content, **options))
        return path

    return _write
