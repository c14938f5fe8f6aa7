"""The demo's meetings and subscription, the daily brief's page and downloads, and the report_pack command."""

from __future__ import annotations

import io
from datetime import date

from django.core.management import call_command
from django.urls import reverse

from opsdesk.reports.demo import demo_builder
from opsdesk.reports.models import Meeting, MeetingDecision, ReportPack, ReportSubscription


def test_demo_builds_meetings_with_decisions_and_a_weekly_subscription(org):
    counts = demo_builder(org.company, end_date=date(2026, 11, 30), seed=1)
    assert counts == {"meetings": 2, "decisions": 3, "subscriptions": 1}
    assert Meeting.objects.filter(company=org.company).count() == 2
    assert sorted(MeetingDecision.objects.filter(meeting__company=org.company).values_list("status", flat=True)) == [
        "done", "open", "open"]
    assert list(ReportSubscription.objects.filter(company=org.company).values_list("kind", "is_active")) == [
        ("weekly", True)]


def test_brief_page_and_downloads_for_the_users_scope(org, client):
    client.force_login(org.users["store_manager"])
    page = client.get(reverse("reports:brief_page"), {"date": "2026-11-20"})
    assert page.status_code == 200
    assert page.context["pack_scope"].store == org.stores["a1"]
    markdown = client.get(reverse("reports:brief_download"), {"date": "2026-11-20", "format": "md"})
    assert markdown.status_code == 200
    assert markdown.content.decode().startswith(f"## 每日简报 · {org.stores['a1']} · 2026-11-20\n")
    pdf = client.get(reverse("reports:brief_download"), {"date": "2026-11-20", "format": "pdf", "lang": "en"})
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    foreign = client.get(reverse("reports:brief_page"), {"scope": f"store:{org.stores['b1'].code}"})
    assert foreign.status_code == 404


def test_report_pack_command_stores_and_prints_the_pack(org):
    output = io.StringIO()
    call_command("report_pack", company=org.company.code, kind="weekly", scope="company", period="2026-W47",
                 language="en", stdout=output)
    pack = ReportPack.objects.get(company=org.company)
    assert (pack.kind, pack.period_start, pack.language) == ("weekly", date(2026, 11, 16), "en")
    assert output.getvalue().startswith(f"# Weekly report · {org.company} · 2026-W47\n")
