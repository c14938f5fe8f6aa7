"""The Chinese font of every PDF OpsDesk writes (inspections, purchase orders, the daily brief).

An installed TrueType CJK font is embedded (as a subset: only the glyphs used), so the PDF reads the same in every
viewer; `OPSDESK_PDF_FONT` names one (a .ttf, or a .ttc with `#index`), else the usual Debian/Ubuntu paths are tried.
Without one, Adobe's CID font STSong-Light is referenced (nothing embedded; viewers without Adobe's Asian font pack
substitute a font of their own).
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

EMBEDDED_NAME = "OpsDeskCJK"
CID_NAME = "STSong-Light"
#: TrueType (glyf) CJK fonts reportlab can embed; CFF-based OpenType (e.g. Noto Sans CJK) it cannot.
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0",
    "/usr/share/fonts/truetype/arphic/uming.ttc#0",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


def _candidates() -> list[tuple[Path, int]]:
    named = os.environ.get("OPSDESK_PDF_FONT", "")
    out = []
    for spec in ([named] if named else []) + list(CANDIDATES):
        path, _sep, index = spec.partition("#")
        out.append((Path(path), int(index or 0)))
    return out


@cache
def cjk_font() -> str:
    """Register the PDF font once and return its name (for reportlab's setFont and xhtml2pdf's font-family)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for path, index in _candidates():
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED_NAME, str(path), subfontIndex=index))
        except (TTFError, OSError) as error:
            logger.warning("PDF font %s unusable (%s); trying the next one", path, error)
            continue
        _register_family()
        return EMBEDDED_NAME
    pdfmetrics.registerFont(UnicodeCIDFont(CID_NAME))
    return CID_NAME


def _register_family() -> None:
    """Bold and italic of the embedded font map to the regular face (CJK fonts rarely ship them); xhtml2pdf
    learns the name for CSS font-family."""
    from reportlab.lib.fonts import addMapping
    from xhtml2pdf.default import DEFAULT_FONT

    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(EMBEDDED_NAME, bold, italic, EMBEDDED_NAME)
    DEFAULT_FONT[EMBEDDED_NAME.lower()] = EMBEDDED_NAME
