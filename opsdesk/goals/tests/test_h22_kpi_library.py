"""The KPI library reads in the user's language (issue #22): each KPI's name is its label, its code only a small
secondary detail, its unit a word rather than a code ("count", "per10k")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from opsdesk.core.extensions import UNITS, kpis

UNIT_WORDS = {"en": {"%": "Percent (%)", "count": "Count", "score": "Score", "per10k": "Per 10,000",
                     "currency": "Amount", "days": "Days"},
              "zh-hans": {"%": "百分比（%）", "count": "数量", "score": "分值", "per10k": "每万", "currency": "金额",
                          "days": "天数"}}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_kpi_library_names_each_kpi_in_the_users_language(org, client, language):
    # given the COO in the language
    coo = org.users["coo"]
    coo.language = language
    coo.save(update_fields=["language"])
    client.force_login(coo)
    definitions = sorted(kpis().values(), key=lambda d: d.code)
    # when the COO opens the KPI library
    response = client.get(reverse("goals:kpi_library"))
    # then each row (by code: a domain's KPIs together) is labelled by the KPI's name in the language, with the code
    # as a small detail
    assert response.status_code == 200
    rows = lxml_html.fromstring(response.content).xpath("//table[@id='kpi-library']/tbody/tr")
    assert [row.xpath("string(td[1]/span[@class='kpi-name'])") for row in rows] == [
        d.name(language) for d in definitions]
    assert [row.xpath("string(td[1]//code)") for row in rows] == [d.code for d in definitions]
    assert all(row.xpath("td[1]/*")[0].get("class") == "kpi-name" for row in rows)  # the name comes first
    # and each unit reads as a word of the language, never as its code
    assert [row.xpath("string(td[2])") for row in rows] == [UNIT_WORDS[language][d.unit] for d in definitions]
    assert set(UNIT_WORDS[language]) == set(UNITS)


def test_the_chinese_kpi_library_shows_chinese_names_and_formulas(org, client):
    # given the COO in Chinese
    coo = org.users["coo"]
    coo.language = "zh-hans"
    coo.save(update_fields=["language"])
    client.force_login(coo)
    # when the COO opens the KPI library
    rows = lxml_html.fromstring(client.get(reverse("goals:kpi_library")).content).xpath(
        "//table[@id='kpi-library']/tbody/tr")
    # then every name and formula is the Chinese one
    by_code = {row.xpath("string(td[1]//code)"): row for row in rows}
    assert {code: (row.xpath("string(td[1]/span)"), row.xpath("string(td[4])")) for code, row in by_code.items()} == {
        d.code: (d.name_zh, d.description_zh) for d in kpis().values()}
