"""A purchase order as a PDF (reportlab, with the Chinese font of opsdesk.core.pdf) and as an email to the supplier;
the checks of uploaded supplier documents (PDF or image, at most 10 MB, judged by their bytes)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from opsdesk.core.pdf import cjk_font
from opsdesk.purchasing.models import PurchaseOrder


def purchase_order_pdf(order: PurchaseOrder) -> bytes:
    """The order as an A4 PDF: header, supplier and store, one row per line, total."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    y = height - 60
    page.setFont(font, 16)
    page.drawString(50, y, f"{_('采购单')} {order.order_number}")
    page.setFont(font, 10)
    header = [
        f"{_('供应商')}: {order.supplier.name} ({order.supplier.code})",
        f"{_('门店')}: {order.store.name} · {order.store.address or order.store.city}",
        f"{_('下单日期')}: {order.order_date}    {_('预计到货日期')}: {order.expected_date}",
        f"{_('修订版本')}: {order.revision}",
    ]
    for text in header:
        y -= 18
        page.drawString(50, y, text)
    y -= 30
    for x, title in ((50, _("商品")), (330, _("数量")), (400, _("单价")), (480, _("金额"))):
        page.drawString(x, y, title)
    for line in order.lines.select_related("product").order_by("pk"):
        y -= 16
        if y < 60:
            page.showPage()
            page.setFont(font, 10)
            y = height - 60
        page.drawString(50, y, f"{line.product.sku} {line.product.name}"[:40])
        page.drawRightString(380, y, f"{line.quantity:.0f}")
        page.drawRightString(460, y, f"{line.unit_price:.2f}")
        page.drawRightString(540, y, f"{line.line_value:.2f}")
    y -= 24
    page.drawRightString(540, y, f"{_('金额')}: {order.total_value:.2f}")
    page.showPage()
    page.save()
    return buffer.getvalue()


def purchase_order_email(order: PurchaseOrder) -> int:
    """Email the order PDF to the supplier's address; returns the number of messages sent (0 without address)."""
    if not order.supplier.email:
        return 0
    message = EmailMessage(
        subject=_("采购单 %(number)s") % {"number": order.order_number},
        body=_("您好，附件是采购单 %(number)s，请登录 OpsDesk 确认并填写到货日期。") % {"number": order.order_number},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[order.supplier.email],
    )
    message.attach(f"{order.order_number}.pdf", purchase_order_pdf(order), "application/pdf")
    return message.send()


MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Accepted suffix -> content type the bytes must prove (the declared content type is never trusted).
DOCUMENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                  ".webp": "image/webp"}
_IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "WEBP": "image/webp"}


def validate_supplier_document(upload) -> str:
    """Check an uploaded supplier document and return its content type.

    Raises ValidationError when the file is empty or larger than 10 MB, its suffix is not .pdf/.png/.jpg/.jpeg/
    .webp, or its bytes are not what the suffix says (a PDF header, or an image Pillow can verify).
    """
    size = getattr(upload, "size", None) or 0
    if size <= 0 or size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("文件为空或超过 %(mb)d MB。") % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
                              code="size")
    suffix = Path(getattr(upload, "name", "") or "").suffix.lower()
    expected = DOCUMENT_TYPES.get(suffix)
    if expected is None:
        raise ValidationError(_("只接受 PDF 或图片（PNG、JPEG、WebP）。"), code="type")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    detected = "application/pdf" if head.startswith(b"%PDF-") else _image_type(upload)
    upload.seek(0)
    if detected == "too_many_pixels":
        raise ValidationError(_("图片像素过多（上限 %(megapixels)d 百万像素）。") % {
            "megapixels": MAX_DOCUMENT_PIXELS // 1_000_000}, code="too_many_pixels")
    if detected != expected:
        raise ValidationError(_("文件内容与类型不符。"), code="content")
    return expected


#: The most pixels an image document may have (a 144-megapixel PNG is a memory bomb for every viewer).
MAX_DOCUMENT_PIXELS = 40_000_000


def _image_type(upload) -> str | None:
    """The content type an image's bytes prove, "too_many_pixels" for an oversized one, None if not an image."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_DOCUMENT_PIXELS:
                return "too_many_pixels"
            image.verify()
            return _IMAGE_FORMATS.get(image.format or "")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
