"""The document renderers: every string reaches DOCX, PDF and Markdown, in Chinese and English."""

import io

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from opsdesk.core import documents as d


def sample(title="2027 年度工作计划", cell="华东一区 | 上海"):
    return d.Document(title, subtitle="营运部", meta=[("范围", "全公司"), ("版本", "v3")]).add(
        d.Heading("一、目标"),
        d.Paragraph("第一季度销售额同比增长 10%"),
        d.Paragraph("数据截至 2027-03-31", muted=True),
        d.Bullets(["门店管理", "人员培训"]),
        d.KeyValues([("负责人", "王芳")]),
        d.Table(["区域", "目标"], [[cell, "¥1,200"], ["华南", None]], numeric=(1,)),
    )


def docx_text(body: bytes) -> str:
    word = WordDocument(io.BytesIO(body))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_markdown_escapes_table_pipes_and_keeps_every_string():
    text = d.render_markdown(sample())
    assert text.splitlines()[0] == "# 2027 年度工作计划"
    assert "- **范围**: 全公司" in text
    assert "## 一、目标" in text
    assert "_数据截至 2027-03-31_" in text
    assert "| 区域 | 目标 |\n|---|---:|\n| 华东一区 \\| 上海 | ¥1,200 |\n| 华南 |  |" in text


@pytest.mark.parametrize("title", ["2027 年度工作计划", "Work plan 2027"])
def test_docx_holds_every_string(title):
    text = docx_text(d.render_docx(sample(title=title)))
    for expected in (title, "营运部", "全公司", "一、目标", "第一季度销售额同比增长 10%", "门店管理", "王芳",
                     "华东一区 | 上海", "¥1,200"):
        assert expected in text


def test_docx_sets_the_east_asian_font():
    word = WordDocument(io.BytesIO(d.render_docx(sample())))
    fonts = word.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun"


def test_pdf_text_extracts_in_chinese_and_english():
    document = sample()
    document.add(d.Paragraph("Sales up 10 % on last year"))
    reader = PdfReader(io.BytesIO(d.render_pdf(document)))
    text = "".join(page.extract_text() for page in reader.pages)
    compact = "".join(text.split())
    for expected in ("2027年度工作计划", "第一季度销售额同比增长10%", "王芳", "华东一区|上海", "Salesup10%onlastyear"):
        assert expected in compact


def test_response_names_the_file_for_every_browser():
    response = d.document_response(sample(), "md", "2027年工作计划")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"2027.md\"; filename*=UTF-8''2027%E5%B9%B4%E5%B7%A5%E4%BD%9C%E8%AE%A1%E5%88%92.md")
    with pytest.raises(ValueError, match="unknown document format 'rtf'"):
        d.render(sample(), "rtf")
