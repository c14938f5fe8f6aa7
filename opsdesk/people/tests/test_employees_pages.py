"""Employee and case pages render in Chinese and English; the profile shows the sections other areas add."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from opsdesk.people.models.cases import HrCase
from opsdesk.people.selectors import employees as selectors


@pytest.fixture
def hr_case(org):
    return HrCase.objects.create(company=org.company, store=org.stores["a1"], number="HR2026-0042", title="纠纷",
                                 owner=org.users["hr"], opened_on="2026-11-01")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_render_in_both_languages(org, login, hr_case, language):
    # given
    client = login(org.users["hr"])
    employee = org.employees["a1"]
    urls = [reverse("people:employee_list"), reverse("people:employee_detail", args=[employee.pk]),
            reverse("people:employee_edit", args=[employee.pk]), reverse("people:employee_add"),
            reverse("people:employee_org_chart"), reverse("people:case_list"), reverse("people:case_add"),
            hr_case.get_absolute_url(), reverse("people:case_edit", args=[hr_case.pk])]
    # when
    with translation.override(language):
        responses = [client.get(url, HTTP_ACCEPT_LANGUAGE=language) for url in urls]
    # then
    assert [response.status_code for response in responses] == [200] * len(urls)
    assert employee.employee_no in responses[1].content.decode()
    assert hr_case.number in responses[7].content.decode()


def test_profile_shows_the_sections_of_other_areas(org, login, monkeypatch):
    # given: an area whose selectors module offers a profile section, and one that offers none
    def section(user, employee):
        return {"title": "技能概览", "rows": [("服务技能", "4 / 5")], "url": "/people/skills/"}

    modules = [SimpleNamespace(__name__="opsdesk.people.selectors.skills", employee_profile_section=section),
               SimpleNamespace(__name__="opsdesk.people.selectors.training")]
    monkeypatch.setattr("opsdesk.people.areas.area_modules", lambda room: modules)
    # when
    sections = selectors.detail_sections(org.users["coo"], org.employees["a1"])
    page = login(org.users["coo"]).get(reverse("people:employee_detail", args=[org.employees["a1"].pk]))
    # then
    assert [(item.title, item.rows) for item in sections] == [("技能概览", [("服务技能", "4 / 5")])]
    assert "技能概览" in page.content.decode()
    assert "4 / 5" in page.content.decode()
