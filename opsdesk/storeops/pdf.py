"""PDF of a completed inspection (xhtml2pdf, pure Python): answers, score, sign-off, findings and photos."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from opsdesk.storeops import selectors

_FONT = "STSong-Light"
_font_registered = False


def _register_font() -> None:
    """A CJK font every PDF viewer has (Adobe's CID font, no file to ship)."""
    global _font_registered
    if not _font_registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
        _font_registered = True


def _link_callback(uri: str, rel: str) -> str:
    """Only files under MEDIA_ROOT may be embedded (never an arbitrary path or URL)."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    path = Path(uri).resolve()
    if media_root in path.parents and path.is_file():
        return str(path)
    return ""


def run_pdf_bytes(run) -> bytes:
    """Render the run as PDF bytes."""
    from xhtml2pdf import pisa

    _register_font()
    sheet = selectors.run_sheet(run)
    findings = run.findings.select_related("item").prefetch_related("actions__owner")
    html = render_to_string("storeops/run_pdf.html", {"run": run, "sheet": sheet, "findings": findings,
                                                      "font": _FONT})
    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, link_callback=_link_callback, encoding="utf-8")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return buffer.getvalue()
