"""Report packs: KPI values against an independent computation, the previous-period and last-year columns, goals,
the documents in both languages, storage and delivery (a failing channel is logged and the others still get it),
the schedule and the scope of pages."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db.models import Sum
from django.urls import reverse

from opsdesk.cockpit.tests.test_brief import robot  # noqa: F401 (fixture)
from opsdesk.core import documents
from opsdesk.goals.models import Goal
from opsdesk.reports import periods, selectors, services
from opsdesk.reports.models import ReportDelivery, ReportPack, ReportSubscription
from opsdesk.sales.models import StoreDaySales

WEEK = (date(2026, 11, 16), date(2026, 11, 22))  # ISO week 2026-W47
WEEK_BEFORE = (date(2026, 11, 9), date(2026, 11, 15))
WEEK_LAST_YEAR = (date(2025, 11, 17), date(2025, 11, 23))  # ISO week 2025-W47


def _daily(store, period, amount: int) -> None:
    day = period[0]
    while day <= period[1]:
        StoreDaySales.objects.create(store=store, date=day, sales_amount=Decimal(amount), transactions=10)
        day += timedelta(days=1)


@pytest.fixture
def sales(org):
    """Store a1: 100 a day in the week, 50 a day the week before, 70 a day in the same week last year; store a2 200
    a day in the week; store b1 300 a day in the week."""
    a1, a2, b1 = org.stores["a1"], org.stores["a2"], org.stores["b1"]
    _daily(a1, WEEK, 100)
    _daily(a1, WEEK_BEFORE, 50)
    _daily(a1, WEEK_LAST_YEAR, 70)
    _daily(a2, WEEK, 200)
    _daily(b1, WEEK, 300)
    Goal.objects.create(company=org.company, store=a1, region=a1.region, title="十一月销售冲刺",
                        kpi_code="sales_revenue", period_kind="month", period_start=date(2026, 11, 1),
                        period_end=date(2026, 11, 30), target_value=3000.0, target=3000.0, actual=2100.0,
                        status="on_track")
    return org


def _revenue_row(pack):
    return next(row for area in pack.areas for row in area.rows if row.definition.code == "sales_revenue")


def _sum(stores, period) -> float:
    total = StoreDaySales.objects.filter(store__in=stores, date__range=period).aggregate(total=Sum("sales_amount"))
    return float(total["total"] or 0)


def test_periods_are_iso_weeks_and_months():
    assert periods.bounds("weekly", date(2026, 11, 19)) == WEEK
    assert periods.previous("weekly", WEEK[0]) == WEEK_BEFORE
    assert periods.last_year("weekly", WEEK[0]) == WEEK_LAST_YEAR
    assert periods.code("weekly", WEEK[0]) == "2026-W47"
    assert periods.parse("weekly", "2026-W47") == WEEK
    assert periods.just_ended("weekly", date(2026, 11, 23)) == WEEK
    assert periods.just_ended("monthly", date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 11, 30))
    assert periods.last_year("monthly", date(2026, 11, 1)) == (date(2025, 11, 1), date(2025, 11, 30))
    assert periods.last_year("weekly", date.fromisocalendar(2026, 53, 1)) == (date(2025, 12, 22), date(2025, 12, 28))


def test_store_pack_kpi_equals_an_independent_sum_with_previous_and_last_year(sales):
    # given
    a1 = sales.stores["a1"]
    scope = selectors.scope_parse(sales.company, f"store:{a1.code}")
    # when
    pack = selectors.pack_content(scope, "weekly", WEEK, reader=sales.users["coo"])
    # then
    row = _revenue_row(pack)
    assert (row.value, row.previous, row.last_year) == (_sum([a1], WEEK), _sum([a1], WEEK_BEFORE),
                                                        _sum([a1], WEEK_LAST_YEAR))
    assert (row.value, row.previous, row.last_year) == (700.0, 350.0, 490.0)
    assert [goal.title for goal in pack.goals] == ["十一月销售冲刺"]


def test_company_pack_sums_every_store_of_the_company(sales):
    scope = selectors.scope_parse(sales.company, "company")
    pack = selectors.pack_content(scope, "weekly", WEEK, reader=sales.users["coo"])
    row = _revenue_row(pack)
    assert row.value == _sum(list(sales.company.stores.all()), WEEK) == 700.0 + 1400.0 + 2100.0
    assert pack.goals == []  # the store goal is not the company's


def test_change_marks_follow_the_direction():
    assert selectors.change_text(700.0, 350.0, "currency", "higher") == "+100.0% 好转"
    assert selectors.change_text(700.0, 490.0, "currency", "higher") == "+42.9% 好转"
    assert selectors.change_text(12.0, 10.0, "%", "lower") == "+2.0 pt 变差"
    assert selectors.change_text(5.0, 5.0, "count", "lower") == "+0.0% 持平"
    assert selectors.change_text(None, 5.0, "count", "lower") == "—"


def _docx_text(body: bytes) -> str:
    from docx import Document as WordDocument

    word = WordDocument(io.BytesIO(body))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in word.paragraphs] + cells)


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", ["周报", "目标进展", "十一月销售冲刺", "进展正常", "销售额", "+100.0% 好转", "+42.9% 好转"]),
    ("en", ["Weekly report", "Goals", "十一月销售冲刺", "On track", "Net sales", "+100.0% better", "+42.9% better"]),
])
def test_pack_document_reads_the_same_in_docx_pdf_and_markdown(sales, language, expected):
    # given
    a1 = sales.stores["a1"]
    scope = selectors.scope_parse(sales.company, f"store:{a1.code}")
    document = selectors.pack_document(selectors.pack_content(scope, "weekly", WEEK, reader=sales.users["coo"]),
                                       language)
    # when
    texts = {"md": documents.render_markdown(document), "docx": _docx_text(documents.render_docx(document)),
             "pdf": _pdf_text(documents.render_pdf(document)).replace(" \n", " ")}
    # then
    for export_format, text in texts.items():
        for phrase in expected:
            assert phrase in text, f"{phrase!r} missing from the {export_format}"


def test_stored_pack_keeps_its_document_and_downloads_it(sales, client):
    # given
    a1 = sales.stores["a1"]
    scope = selectors.scope_parse(sales.company, f"store:{a1.code}")
    pack = services.pack_generate(scope=scope, kind="weekly", period=WEEK, language="zh-hans",
                                  actor=sales.users["store_manager"])
    StoreDaySales.objects.filter(store=a1).delete()  # what was generated does not change with the data
    # when
    client.force_login(sales.users["store_manager"])
    response = client.get(reverse("reports:reportpack_download", args=[pack.pk, "md"]))
    # then
    assert response.status_code == 200
    assert (pack.title, pack.period_start, pack.period_end) == (f"周报 · {a1} · 2026-W47", *WEEK)
    assert response.content.decode() == documents.render_markdown(pack.document())
    assert "+100.0% 好转" in response.content.decode()


def test_delivery_with_a_failing_channel_logs_it_and_still_sends_the_others(sales, robot, settings):  # noqa: F811
    # given: DingTalk rejects the message, e-mail and WeCom take it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    robot.answers["/dingtalk"] = (200, b'{"errcode": 310000, "errmsg": "keywords not in content"}')
    scope = selectors.scope_parse(sales.company, "company")
    pack = services.pack_generate(scope=scope, kind="weekly", period=WEEK, language="zh-hans")
    # when
    services.pack_deliver(pack, emails=["coo@example.com"], dingtalk=f"{robot.url}/dingtalk?token=t",
                          wecom=f"{robot.url}/wecom?key=k")
    # then
    assert list(ReportDelivery.objects.filter(pack=pack).values_list("channel", "is_ok", "reason")) == [
        ("email", True, ""), ("dingtalk", False, "errcode 310000: keywords not in content"), ("wecom", True, "")]
    assert [m.to for m in mail.outbox] == [["coo@example.com"]]
    assert [a[0] for a in mail.outbox[0].attachments] == ["weekly-company-2026-W47.pdf"]
    assert mail.outbox[0].subject == f"周报 · {sales.company} · 2026-W47"
    assert robot.received[1] == ("/wecom?key=k", {"msgtype": "markdown", "markdown": {
        "content": documents.render_markdown(pack.document())}})


def test_schedule_sends_each_subscription_once_for_the_week_just_ended(sales, robot, settings):  # noqa: F811
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    a1 = sales.stores["a1"]
    subscription = ReportSubscription.objects.create(company=sales.company, title="门店周报", region=a1.region,
                                                     store=a1, kind="weekly", language="en",
                                                     emails="manager@example.com", wecom_webhook=f"{robot.url}/wecom")
    ReportSubscription.objects.create(company=sales.company, title="月报", kind="monthly", emails="x@example.com")
    # when: a Tuesday, then the Monday after the week, then the same Monday again
    tuesday = services.subscriptions_run_due(today=date(2026, 11, 24))
    monday = services.subscriptions_run_due(today=date(2026, 11, 23))
    again = services.subscriptions_run_due(today=date(2026, 11, 23))
    # then
    assert (tuesday, again) == ([], [])
    assert [(p.subscription_id, p.kind, p.period_start, p.language) for p in monday] == [
        (subscription.pk, "weekly", WEEK[0], "en")]
    assert monday[0].title == f"Weekly report · {a1} · 2026-W47"
    assert [m.to for m in mail.outbox] == [["manager@example.com"]]
    assert list(ReportDelivery.objects.values_list("channel", "is_ok")) == [("email", True), ("wecom", True)]


def test_store_manager_never_reaches_another_stores_pack(sales, client):
    # given
    b1 = sales.stores["b1"]
    other = services.pack_generate(scope=selectors.scope_parse(sales.company, f"store:{b1.code}"), kind="weekly",
                                   period=WEEK, language="zh-hans")
    client.force_login(sales.users["store_manager"])
    # when
    page = client.get(reverse("reports:pack_page"), {"kind": "weekly", "period": "2026-W47"})
    foreign = client.get(reverse("reports:pack_page"), {"kind": "weekly", "period": "2026-W47",
                                                        "scope": f"store:{b1.code}"})
    company = client.get(reverse("reports:pack_download"), {"scope": "company", "format": "md"})
    stored = client.get(reverse("reports:reportpack_detail", args=[other.pk]))
    listed = client.get(reverse("reports:reportpack_list"))
    # then
    assert page.status_code == 200
    assert page.context["pack_scope"].store == sales.stores["a1"]
    assert (foreign.status_code, company.status_code, stored.status_code) == (404, 404, 404)
    assert other.title not in listed.content.decode()
    assert ReportPack.objects.for_user(sales.users["store_manager"]).count() == 0


def test_pack_download_follows_the_lang_parameter(sales, client):
    client.force_login(sales.users["coo"])
    a1 = sales.stores["a1"]
    response = client.get(reverse("reports:pack_download"), {
        "scope": f"store:{a1.code}", "kind": "weekly", "period": "2026-W47", "format": "md", "lang": "en"})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.startswith(f"# Weekly report · {a1} · 2026-W47\n")
    assert "| Net sales |" in text
