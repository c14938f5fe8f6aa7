"""The people section of the daily brief reads the people KPIs for the scope, in the reader's language."""

from __future__ import annotations

from datetime import date

from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.people.brief import brief_section
from opsdesk.people.models import Employee


def test_the_people_section_gives_the_headcount_of_the_scope_in_english(org):
    # given: the shared org's employees of company A (five stores' and head office's), as the KPI counts them
    day = date(2026, 12, 3)
    expected = kpis()["people_headcount"].measure(KpiScope(org.company.pk), (day, day))
    # when
    section = brief_section(org.company.pk, None, day, "en")
    store_section = brief_section(org.company.pk, (org.stores["a1"].pk,), day, "en")
    # then
    assert expected == Employee.objects.filter(company=org.company, status="active").count()
    assert section.title == "People"
    assert section.lines[0] == f"Headcount {expected:,.0f}"
    assert store_section.lines[0] == "Headcount 1"
