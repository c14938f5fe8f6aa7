"""The register as XLSX: the user's scoped register on the first sheet, the inherent and residual heat maps of its
open risks on the second and third, under the register list's filters."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from opsdesk.risks.models import Risk
from opsdesk.risks.tests.test_register_pdf import register  # noqa: F401 (the fixture)


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def _grid(sheet) -> dict[tuple[int, int], int]:
    """{(likelihood, impact): count} read from a heat-map sheet (impact 5 on row 2 down to 1 on row 6)."""
    return {(likelihood, sheet.cell(row=row, column=1).value): sheet.cell(row=row, column=likelihood + 1).value
            for row in range(2, 7) for likelihood in range(1, 6)}


def _expected(risks, likelihood: str, impact: str) -> dict[tuple[int, int], int]:
    counts = {(i, j): 0 for i in range(1, 6) for j in range(1, 6)}
    for risk in risks:
        if risk.status == "open":
            counts[(getattr(risk, likelihood), getattr(risk, impact))] += 1
    return counts


def test_a_store_managers_register_xlsx_holds_their_register_and_both_heat_maps(client, register):  # noqa: F811
    # given: a closed risk of the store is on the register but not on the heat maps
    user = register.users["store_manager"]
    Risk.objects.create(company=register.company, code="RA2", title="已关闭风险", store=register.stores["a1"],
                        region=register.stores["a1"].region, category=Risk.objects.get(code="RA1").category,
                        likelihood=2, impact=2, status="closed")
    client.force_login(user)
    # when
    response = client.get(reverse("risks:risk_register_xlsx"))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="risk-register-')
    workbook = _workbook(response)
    assert workbook.sheetnames == ["风险登记册", "固有风险热力图", "剩余风险热力图"]
    rows = list(workbook["风险登记册"].iter_rows(min_row=2, values_only=True))
    scoped = list(Risk.objects.for_user(user))
    assert len(rows) == len(scoped) == 4
    assert {row[0] for row in rows} == {"RA1", "RA2", "RRA", "RCP"}
    first = next(row for row in rows if row[0] == "RA1")
    assert first[5:13] == (4, 4, 16, "高", 4, 2, 8, "中")
    inherent, residual = _grid(workbook["固有风险热力图"]), _grid(workbook["剩余风险热力图"])
    assert inherent == _expected(scoped, "likelihood", "impact")
    assert residual == _expected(scoped, "residual_likelihood", "residual_impact")
    assert (inherent[(4, 4)], residual[(4, 2)], residual[(4, 4)]) == (3, 1, 2)
    assert sum(inherent.values()) == sum(residual.values()) == 3
    assert workbook["固有风险热力图"].cell(row=3, column=6).fill.fgColor.rgb == "00F8D7DA"  # 5 x 4 = 20: critical


def test_the_register_xlsx_follows_the_register_lists_filters(client, register):  # noqa: F811
    client.force_login(register.users["coo"])
    response = client.get(reverse("risks:risk_register_xlsx"), {"store": register.stores["b1"].pk})
    rows = list(_workbook(response)["风险登记册"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["RB1"]


def test_the_register_list_links_the_xlsx_beside_the_pdf(client, register):  # noqa: F811
    client.force_login(register.users["store_manager"])
    page = client.get(reverse("risks:risk_list"), {"status": "open"}).content.decode()
    assert f'href="{reverse("risks:risk_register_xlsx")}?status=open"' in page
    assert page.index('id="export-pdf"') < page.index('id="export-xlsx"')
