"""Builders of import records for tests (a real kept file, so pages that read it work)."""

from __future__ import annotations

import io

from opsdesk.imports.models import ImportBatch, MappingProfile
from opsdesk.imports.services import import_file_store

SALES_CSV = "门店编号,商品编码,日期,数量,单价\nA1,P1,2024-05-01,2,3.5\n".encode()
SALES_HEADER = ["门店编号", "商品编码", "日期", "数量", "单价"]
SALES_MAPPING = {"store": "门店编号", "product": "商品编码", "date": "日期", "quantity": "数量", "unit_price": "单价"}


def make_batch(company, user, *, status: str = "committed", content: bytes = SALES_CSV, kind: str = "sku_day_sales",
               mapping: dict | None = None, header: list | None = None) -> ImportBatch:
    """A batch of `company` started by `user`, over a kept file (sku_day_sales unless told otherwise)."""
    stored = import_file_store(company=company, stream=io.BytesIO(content), name="sales.csv")
    return ImportBatch.objects.create(
        company=company,
        kind=kind,
        file=stored,
        status=status,
        mapping=dict(SALES_MAPPING if mapping is None else mapping),
        header=list(SALES_HEADER if header is None else header),
        encoding="utf-8",
        created_by=user,
        # a draft has read nothing yet (its mapping may still change); the others read and wrote its one row
        rows_read=0 if status == "draft" else 1,
        rows_committed=0 if status == "draft" else 1,
    )


def make_profile(company, user, name: str = "POS-A") -> MappingProfile:
    return MappingProfile.objects.create(
        company=company, kind="sku_day_sales", name=name, columns=dict(SALES_MAPPING), created_by=user
    )
