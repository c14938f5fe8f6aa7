"""PDF of a completed inspection (xhtml2pdf, pure Python): answers, score, sign-off, findings and photos."""

from __future__ import annotations

import base64
import io

from django.template.loader import render_to_string

from opsdesk.core.pdf import cjk_font
from opsdesk.storeops import selectors


def _link_callback(uri: str, rel: str) -> str:
    """Only inline data may be embedded: never a file path or a URL named in the HTML."""
    return uri if uri.startswith("data:image/") else ""


def _photo_data_uris(sheet) -> dict[int, str]:
    """Photo id -> data URI of the stored (already re-encoded, EXIF-free) JPEG."""
    uris = {}
    for _title, entries in sheet:
        for entry in entries:
            for photo in entry.photos:
                try:
                    with photo.image.open("rb") as handle:
                        uris[photo.pk] = "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode()
                except FileNotFoundError:
                    continue
    return uris


def run_pdf_bytes(run) -> bytes:
    """Render the run as PDF bytes."""
    from xhtml2pdf import pisa

    font = cjk_font()
    sheet = selectors.run_sheet(run)
    findings = run.findings.select_related("item").prefetch_related("actions__owner")
    uris = _photo_data_uris(sheet)
    for _title, entries in sheet:
        for entry in entries:
            entry.photo_uris = [uris[p.pk] for p in entry.photos if p.pk in uris]
    html = render_to_string("storeops/run_pdf.html", {"run": run, "sheet": sheet, "findings": findings,
                                                      "font": font})
    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, link_callback=_link_callback, encoding="utf-8")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return buffer.getvalue()
