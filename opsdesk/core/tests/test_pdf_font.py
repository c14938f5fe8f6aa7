"""The PDF font: an installed TrueType CJK font is embedded (subset) so Chinese reads the same everywhere; without
one, Adobe's CID font is referenced."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from opsdesk.core import pdf

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # installed by scripts/test (fonts-wqy-microhei)


@pytest.fixture
def fresh_font():
    pdf.cjk_font.cache_clear()
    yield
    pdf.cjk_font.cache_clear()


def _pdf_with(font: str, text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(font, 12)
    page.drawString(50, 700, text)
    page.save()
    return buffer.getvalue()


def test_installed_truetype_font_is_embedded_and_text_extracts(fresh_font, monkeypatch):
    # given
    assert Path(WQY).is_file()
    monkeypatch.setenv("OPSDESK_PDF_FONT", f"{WQY}#0")
    # when
    font = pdf.cjk_font()
    data = _pdf_with(font, "采购单 PO-1 供应商")
    # then
    assert font == "OpsDeskCJK"
    assert b"/FontFile2" in data
    assert PdfReader(io.BytesIO(data)).pages[0].extract_text().strip() == "采购单 PO-1 供应商"


def test_without_an_installed_font_the_cid_font_is_referenced(fresh_font, monkeypatch, tmp_path):
    # given
    monkeypatch.setenv("OPSDESK_PDF_FONT", str(tmp_path / "missing.ttf"))
    monkeypatch.setattr(pdf, "CANDIDATES", ())
    # when
    font = pdf.cjk_font()
    data = _pdf_with(font, "采购单")
    # then
    assert font == "STSong-Light"
    assert b"/FontFile" not in data
    assert b"/BaseFont /STSong-Light" in data


def test_a_file_that_is_not_a_font_is_skipped(fresh_font, monkeypatch, tmp_path):
    # given
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font")
    monkeypatch.setenv("OPSDESK_PDF_FONT", str(bogus))
    monkeypatch.setattr(pdf, "CANDIDATES", ())
    # when
    font = pdf.cjk_font()
    # then
    assert font == "STSong-Light"
