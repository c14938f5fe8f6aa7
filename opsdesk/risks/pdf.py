"""The risk register as PDF (xhtml2pdf, pure Python, the project's CJK font): every risk's position, treatment,
appetite and next review, with the inherent and residual heat maps of the open ones."""

from __future__ import annotations

import io
from datetime import datetime

from django.template.loader import render_to_string

from opsdesk.core.pdf import cjk_font
from opsdesk.risks.models import Risk
from opsdesk.risks.selectors import HeatMap


def _no_links(uri: str, rel: str) -> str:
    """Nothing named in the HTML is fetched: no file path, no URL."""
    return ""


def register_pdf_bytes(*, risks: list[Risk], inherent: HeatMap, residual: HeatMap, company_name: str,
                       printed_at: datetime, printed_by: str) -> bytes:
    """Render the register rows and the two heat maps as PDF bytes (A4 landscape)."""
    from xhtml2pdf import pisa

    html = render_to_string("risks/register_pdf.html", {
        "risks": risks, "grids": (inherent, residual), "company_name": company_name, "printed_at": printed_at,
        "printed_by": printed_by, "font": cjk_font()})
    buffer = io.BytesIO()
    result = pisa.CreatePDF(html, dest=buffer, link_callback=_no_links, encoding="utf-8")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return buffer.getvalue()
