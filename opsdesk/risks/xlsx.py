"""The register as XLSX (openpyxl): the register rows on the first sheet, the inherent and residual 5 x 5 heat maps
of the open ones on the second and third (a count per cell, each cell coloured by its level)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from opsdesk.core.exports import escape_cell
from opsdesk.risks.models import Risk
from opsdesk.risks.selectors import HeatMap

#: Cell fills by level (the heat map page's colours).
LEVEL_FILLS = {"low": "D1E7DD", "medium": "CFF4FC", "high": "FFF3CD", "critical": "F8D7DA"}


def register_header() -> list[str]:
    return [_("编号"), _("风险"), _("类别"), _("范围"), _("责任人"), _("固有可能性"), _("固有影响"), _("固有分值"),
            _("固有等级"), _("剩余可能性"), _("剩余影响"), _("剩余分值"), _("剩余等级"), _("风险偏好"),
            _("应对策略"), _("状态"), _("上次复核"), _("下次复核")]


def register_row(risk: Risk) -> list:
    from opsdesk.risks.choices import LevelChoices

    return [risk.code, risk.title, str(risk.category), risk.scope_label, risk.owner, risk.likelihood, risk.impact,
            risk.inherent_score, LevelChoices(risk.inherent_level).label, risk.residual_likelihood,
            risk.residual_impact, risk.residual_score, risk.get_residual_level_display(), risk.category.appetite,
            risk.get_treatment_display(), risk.get_status_display(), risk.last_reviewed_on, risk.next_review_on]


def heat_map_sheet_titles() -> tuple[str, str, str]:
    return (_("风险登记册"), _("固有风险热力图"), _("剩余风险热力图"))


def _write_heat_map(sheet, grid: HeatMap) -> None:
    """Impact 5 at the top, likelihood 1-5 left to right, as on the heat map page; the total below."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, centre = Font(bold=True), Alignment(horizontal="center", vertical="center")
    sheet.append([_("影响 \\ 可能性"), 1, 2, 3, 4, 5])
    for row in grid.rows():
        sheet.append([row["impact"], *[cell["count"] for cell in row["cells"]]])
        for column, cell in enumerate(row["cells"], start=2):
            target = sheet.cell(row=sheet.max_row, column=column)
            target.fill = PatternFill("solid", fgColor=LEVEL_FILLS[cell["level"]])
            target.alignment = centre
    for cell in (*sheet[1], *(sheet.cell(row=index, column=1) for index in range(2, 7))):
        cell.font, cell.alignment = bold, centre
    sheet.append([])
    sheet.append([_("合计"), grid.total])
    sheet.column_dimensions["A"].width = 16


def register_xlsx_bytes(*, risks: list[Risk], inherent: HeatMap, residual: HeatMap) -> bytes:
    """The register rows and the two heat maps as one workbook of three sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    register_title, inherent_title, residual_title = heat_map_sheet_titles()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = register_title[:31]
    header = register_header()
    sheet.append([escape_cell(cell) for cell in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for risk in risks:
        sheet.append([escape_cell(value) for value in register_row(risk)])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(risks) + 1}"
    for index, width in enumerate((10, 36, 12, 14, 12), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for title, grid in ((inherent_title, inherent), (residual_title, residual)):
        _write_heat_map(workbook.create_sheet(title=title[:31]), grid)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
