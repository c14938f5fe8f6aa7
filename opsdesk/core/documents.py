"""Documents written for people outside the system (work plans, report packs, meeting minutes): one structure,
rendered to DOCX (python-docx), PDF (xhtml2pdf with the Chinese font of `opsdesk.core.pdf`), Markdown and HTML.

A domain module builds a `Document` from its selectors, in the reader's language (translation already applied:
the renderers print the strings they are given), and hands it to `document_response` for a download.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from opsdesk.core.pdf import cjk_font

#: The East Asian font Word uses for the Chinese text of a DOCX (Word substitutes one when it is missing).
DOCX_EAST_ASIA_FONT = "SimSun"
DOCX_LATIN_FONT = "Calibri"

FORMATS = ("docx", "pdf", "md")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
}


@dataclass
class Heading:
    text: str
    level: int = 2  # 1 is the document's own title level; sections start at 2


@dataclass
class Paragraph:
    text: str
    muted: bool = False  # a note or an explanation, printed smaller and grey


@dataclass
class Bullets:
    items: list[str]


@dataclass
class KeyValues:
    """Label: value pairs (a goal's facts, a plan's approval)."""

    pairs: list[tuple[str, str]]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    #: Indexes of the columns aligned right (amounts, percentages).
    numeric: tuple[int, ...] = ()


Block = Heading | Paragraph | Bullets | KeyValues | Table


@dataclass
class Document:
    title: str
    subtitle: str = ""
    #: Facts printed under the title (scope, period, version, status, generated at).
    meta: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    language: str = "zh-hans"

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(block for block in blocks if block is not None)
        return self

    def text(self) -> str:
        """Every string of the document, one per line (search, tests)."""
        return render_markdown(self)


def _cell(value) -> str:
    return "" if value is None else str(value)


# --- Markdown ---------------------------------------------------------------------------------------------------

def _md_cell(value) -> str:
    return _cell(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(document: Document) -> str:
    lines = [f"# {document.title}", ""]
    if document.subtitle:
        lines += [document.subtitle, ""]
    for label, value in document.meta:
        lines.append(f"- **{label}**: {value}")
    if document.meta:
        lines.append("")
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * min(max(block.level, 2), 6) + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            lines += [f"_{block.text}_" if block.muted else block.text, ""]
        elif isinstance(block, Bullets):
            lines += [f"- {item}" for item in block.items] + [""]
        elif isinstance(block, KeyValues):
            lines += [f"- **{label}**: {value}" for label, value in block.pairs] + [""]
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
            lines.append("|" + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.header)))
                         + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- HTML (pages and the PDF) -----------------------------------------------------------------------------------

def render_html(document: Document, *, with_title: bool = True) -> SafeString:
    """The document as an HTML fragment (Bootstrap classes; the PDF renderer styles the same tags)."""
    out = []
    if with_title:
        out.append(f"<h1>{escape(document.title)}</h1>")
        if document.subtitle:
            out.append(f'<p class="lead">{escape(document.subtitle)}</p>')
    if document.meta:
        out.append('<table class="table table-sm w-auto meta">')
        out += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in document.meta]
        out.append("</table>")
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 2), 6)
            out.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            css = ' class="text-body-secondary small muted"' if block.muted else ""
            out.append(f"<p{css}>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, KeyValues):
            out.append('<table class="table table-sm w-auto kv">')
            out += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in block.pairs]
            out.append("</table>")
        elif isinstance(block, Table):
            out.append('<table class="table table-sm table-striped grid"><thead><tr>')
            out += [f'<th{_align(i, block)}>{escape(h)}</th>' for i, h in enumerate(block.header)]
            out.append("</tr></thead><tbody>")
            for row in block.rows:
                out.append("<tr>" + "".join(f"<td{_align(i, block)}>{escape(_cell(c))}</td>"
                                            for i, c in enumerate(row)) + "</tr>")
            out.append("</tbody></table>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped


def _align(index: int, table: Table) -> str:
    return ' class="text-end" align="right"' if index in table.numeric else ""


PDF_CSS = """
@page { size: a4; margin: 1.6cm 1.4cm; }
body { font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 4pt 0; }
h2 { font-size: 12.5pt; margin: 10pt 0 4pt 0; border-bottom: 0.5pt solid #999; }
h3 { font-size: 11pt; margin: 8pt 0 3pt 0; }
p.lead { font-size: 10.5pt; color: #444; }
p.muted { color: #666; font-size: 8.5pt; }
table { width: 100%; margin: 2pt 0 6pt 0; }
table.grid th { background-color: #eeeeee; text-align: left; padding: 2pt; border-bottom: 0.5pt solid #888; }
table.grid td { padding: 2pt; border-bottom: 0.3pt solid #ddd; }
table.meta th, table.kv th { text-align: left; width: 28%; color: #444; padding: 1pt; }
table.meta td, table.kv td { padding: 1pt; }
"""


def render_pdf(document: Document) -> bytes:
    from xhtml2pdf import pisa

    font = cjk_font()
    html = (f'<html style="font-family: {font}"><head><meta charset="utf-8"><title>{escape(document.title)}</title>'
            f"<style>{PDF_CSS}</style></head><body style=\"font-family: {font}\">{render_html(document)}</body></html>")
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8", link_callback=lambda uri, rel: "")
    if result.err:
        raise RuntimeError("PDF rendering failed")
    return output.getvalue()


# --- DOCX -------------------------------------------------------------------------------------------------------

def _set_fonts(style) -> None:
    from docx.oxml.ns import qn

    style.font.name = DOCX_LATIN_FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIA_FONT)


def render_docx(document: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    word = WordDocument()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "List Bullet"):
        _set_fonts(word.styles[name])
    word.styles["Normal"].font.size = Pt(10)
    word.core_properties.title = document.title
    word.core_properties.language = document.language
    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle)
    if document.meta:
        _docx_pairs(word, document.meta)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level - 1, 1), 4))
        elif isinstance(block, Paragraph):
            run = word.add_paragraph().add_run(block.text)
            if block.muted:
                run.font.size = Pt(8.5)
                run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
        elif isinstance(block, KeyValues):
            _docx_pairs(word, block.pairs)
        elif isinstance(block, Table):
            table = word.add_table(rows=1, cols=len(block.header))
            table.style = "Light Grid Accent 1"
            for i, text in enumerate(block.header):
                cell = table.rows[0].cells[i]
                cell.text = _cell(text)
                for run in cell.paragraphs[0].runs:
                    run.font.bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = _cell(value)
                    if i in block.numeric:
                        cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            word.add_paragraph()
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()


def _docx_pairs(word, pairs) -> None:
    table = word.add_table(rows=0, cols=2)
    for label, value in pairs:
        cells = table.add_row().cells
        cells[0].text = _cell(label)
        for run in cells[0].paragraphs[0].runs:
            run.font.bold = True
        cells[1].text = _cell(value)
    word.add_paragraph()


# --- Downloads --------------------------------------------------------------------------------------------------

def render(document: Document, export_format: str) -> bytes:
    if export_format == "docx":
        return render_docx(document)
    if export_format == "pdf":
        return render_pdf(document)
    if export_format == "md":
        return render_markdown(document).encode("utf-8")
    raise ValueError(f"unknown document format {export_format!r}; expected one of {', '.join(FORMATS)}")


def document_response(document: Document, export_format: str, filename: str) -> HttpResponse:
    """A download of the document; `filename` without extension, may be Chinese (RFC 6266 filename*)."""
    body = render(document, export_format)
    response = HttpResponse(body, content_type=CONTENT_TYPES[export_format])
    name = f"{filename}.{export_format}"
    ascii_name = name.encode("ascii", "ignore").decode() or f"document.{export_format}"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return response
