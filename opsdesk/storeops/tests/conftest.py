"""Fixtures of the store-operations tests: a small organisation with one user per role, and a checklist."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from opsdesk.core.choices import RoleChoices as R
from opsdesk.core.testing.factories import CompanyFactory, RegionFactory, StoreFactory, make_user
from opsdesk.storeops import services


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def ops(db):
    """Company with region east (stores a1, a2) and region south (store b1); users for every role."""
    company = CompanyFactory(code="DEMO", name="演示连锁")
    east = RegionFactory(company=company, code="E", name="华东区")
    south = RegionFactory(company=company, code="S", name="华南区")
    a1 = StoreFactory(region=east, code="A1", name="上海一店")
    a2 = StoreFactory(region=east, code="A2", name="上海二店")
    b1 = StoreFactory(region=south, code="B1", name="广州一店")
    users = {
        "admin": make_user(R.ADMIN, company=company, username="admin", email="admin@example.com"),
        "coo": make_user(R.COO, company=company, username="coo", email="coo@example.com"),
        "auditor": make_user(R.AUDITOR, company=company, username="auditor"),
        "regional": make_user(R.REGIONAL_MANAGER, regions=[east], username="regional", email="rm@example.com"),
        "supervisor": make_user(R.SUPERVISOR, stores=[a1, a2], username="supervisor", email="sup@example.com"),
        "manager": make_user(R.STORE_MANAGER, stores=[a1], username="manager", email="sm@example.com"),
        "staff": make_user(R.STAFF, stores=[a1], username="staff"),
        "manager_b": make_user(R.STORE_MANAGER, stores=[b1], username="manager_b"),
    }
    return {"company": company, "east": east, "south": south, "a1": a1, "a2": a2, "b1": b1, **users}


SPEC = {
    "code": "T1", "name": "测试检查表", "pass_threshold": 80,
    "sections": [
        {"title": "卫生", "items": [
            {"code": "PF", "text": "地面清洁", "kind": "pass_fail", "weight": Decimal("2")},
            {"code": "SC", "text": "服务评分", "kind": "score", "weight": Decimal("1"), "topic": "service"},
        ]},
        {"title": "库存与安全", "items": [
            {"code": "STK", "text": "货架无缺货", "kind": "pass_fail", "weight": Decimal("1"),
             "topic": "stock_on_shelf"},
            {"code": "TMP", "text": "冷柜温度", "kind": "number", "weight": Decimal("1"), "min_value": Decimal("0"),
             "max_value": Decimal("5"), "unit": "°C"},
            {"code": "EXIT", "text": "安全出口畅通", "kind": "pass_fail", "weight": Decimal("1"), "is_critical": True},
            {"code": "NOTE", "text": "备注", "kind": "note", "weight": Decimal("0")},
        ]},
    ],
}


@pytest.fixture
def template(ops):
    return services.template_build(actor=ops["coo"], company=ops["company"], spec=SPEC)


def items_of(template):
    from opsdesk.storeops.models import TemplateItem

    return {i.code: i for i in TemplateItem.objects.filter(section__version=template.current_version)}


def jpeg_bytes(size=(64, 48), exif: bytes | None = None, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def answer_all(run, actor, items, *, failing=(), score=4, number="3"):
    """Answer every item of the test template: pass unless the code is in `failing`."""
    for code, item in items.items():
        if item.kind == "pass_fail":
            data = {"is_pass": code not in failing}
        elif item.kind == "score":
            data = {"score": 1 if code in failing else score}
        elif item.kind == "number":
            data = {"number": "9" if code in failing else number}
        else:
            data = {"note": "ok"}
        services.answer_save(actor=actor, run=run, item=item, data=data)
