"""Fixtures of the store-operations tests: a small organisation with one user per role, and a checklist."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from opsdesk.core.testing.factories import build_small_company
from opsdesk.storeops import services


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def ops(db):
    """Company with region east (stores a1, a2) and region south (store b1); users for every role."""
    return build_small_company()


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
