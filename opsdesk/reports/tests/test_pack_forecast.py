"""The forecast section of a report pack: the latest run's weekly sales forecast with its 80 % band for the weeks
after the period, the accuracy (WAPE, bias) of the runs made before each finished week, and a plain sentence when
there is no run — in the pack's content, its documents and its page."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.core import documents
from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries
from opsdesk.reports import selectors
from opsdesk.sales.models import StoreDaySales

WEEK = (date(2026, 11, 16), date(2026, 11, 22))  # ISO week 2026-W47, the pack's period
WEEK_BEFORE = (date(2026, 11, 9), date(2026, 11, 15))  # 2026-W46
W48, W49, W50 = (date(2026, 11, 23), date(2026, 11, 29)), (date(2026, 11, 30), date(2026, 12, 6)), (
    date(2026, 12, 7), date(2026, 12, 13))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _run(company, origin: date, finished_hour: int) -> ForecastRun:
    return ForecastRun.objects.create(company=company, status="done", origin=origin, horizon=28,
                                      finished_at=timezone.make_aware(datetime(2026, 11, 23, finished_hour)))


def _series(run, store, points: dict[date, tuple[float, float, float]]) -> None:
    series = ForecastSeries.objects.create(run=run, store=store, measure="sales", model_name="test")
    ForecastPoint.objects.bulk_create([ForecastPoint(series=series, date=day, forecast=f, lower=lo, upper=up)
                                       for day, (f, lo, up) in points.items()])


@pytest.fixture
def forecasts(org):
    """Sales of a1: 50 a day in W46, 100 a day in W47. Three runs:
    - origin Nov 8 (forecast for W46 and W47: a1 110 a day);
    - origin Nov 15 (forecast for W47: a1 80 Mon-Wed, 120 Thu-Sun);
    - origin Nov 22, the latest: a1 100 a day (band 94..108) Nov 23 - Dec 9, a2 200 a day (band 190..215) Nov 23 -
      Dec 20, and a units series that must not count."""
    a1, a2 = org.stores["a1"], org.stores["a2"]
    for day in _days(*WEEK_BEFORE):
        StoreDaySales.objects.create(store=a1, date=day, sales_amount=Decimal(50), transactions=5)
    for day in _days(*WEEK):
        StoreDaySales.objects.create(store=a1, date=day, sales_amount=Decimal(100), transactions=10)
    early = _run(org.company, date(2026, 11, 8), 1)
    _series(early, a1, {day: (110.0, 100.0, 120.0) for day in _days(WEEK_BEFORE[0], WEEK[1])})
    middle = _run(org.company, date(2026, 11, 15), 2)
    _series(middle, a1, {day: (80.0 if day.weekday() < 3 else 120.0, 70.0, 130.0) for day in _days(*WEEK)})
    latest = _run(org.company, date(2026, 11, 22), 3)
    _series(latest, a1, {day: (100.0, 94.0, 108.0) for day in _days(date(2026, 11, 23), date(2026, 12, 9))})
    _series(latest, a2, {day: (200.0, 190.0, 215.0) for day in _days(date(2026, 11, 23), date(2026, 12, 20))})
    units = ForecastSeries.objects.create(run=latest, store=a1, product=None, measure="units", model_name="test")
    ForecastPoint.objects.create(series=units, date=date(2026, 11, 23), forecast=9999.0, lower=0.0, upper=1e5)
    return org


def _week_rows(pack) -> list[tuple]:
    return [(week.start, week.days, week.forecast, round(week.lower, 6), round(week.upper, 6))
            for week in pack.forecast.weeks]


def test_store_pack_forecasts_the_weeks_after_the_period_with_the_80_band(forecasts):
    # given
    scope = selectors.scope_parse(forecasts.company, f"store:{forecasts.stores['a1'].code}")
    # when
    pack = selectors.pack_content(scope, "weekly", WEEK, reader=forecasts.users["coo"])
    # then: a1 only, 100 a day; the half-widths 6 below and 8 above add in quadrature over the days
    assert pack.forecast.run.origin == date(2026, 11, 22)
    assert _week_rows(pack) == [
        (W48[0], 7, 700.0, round(700 - 6 * math.sqrt(7), 6), round(700 + 8 * math.sqrt(7), 6)),
        (W49[0], 7, 700.0, round(700 - 6 * math.sqrt(7), 6), round(700 + 8 * math.sqrt(7), 6)),
        (W50[0], 3, 300.0, round(300 - 6 * math.sqrt(3), 6), round(300 + 8 * math.sqrt(3), 6)),
    ]  # W51 (Dec 14-20) has no a1 forecast: left out


def test_company_pack_sums_the_stores_and_combines_their_bands(forecasts):
    scope = selectors.scope_parse(forecasts.company, "company")
    pack = selectors.pack_content(scope, "weekly", WEEK, reader=forecasts.users["coo"])
    below, above = math.sqrt(7 * 6**2 + 7 * 10**2), math.sqrt(7 * 8**2 + 7 * 15**2)
    assert _week_rows(pack) == [
        (W48[0], 7, 2100.0, round(2100 - below, 6), round(2100 + above, 6)),
        (W49[0], 7, 2100.0, round(2100 - below, 6), round(2100 + above, 6)),
        (W50[0], 7, 3 * 100.0 + 7 * 200.0, round(1700 - math.sqrt(3 * 36 + 7 * 100), 6),
         round(1700 + math.sqrt(3 * 64 + 7 * 225), 6)),
        (date(2026, 12, 14), 7, 1400.0, round(1400 - 10 * math.sqrt(7), 6), round(1400 + 15 * math.sqrt(7), 6)),
    ]


def test_accuracy_compares_the_newest_run_made_before_each_week_with_what_sold(forecasts):
    # given
    scope = selectors.scope_parse(forecasts.company, f"store:{forecasts.stores['a1'].code}")
    # when
    pack = selectors.pack_content(scope, "weekly", WEEK, reader=forecasts.users["coo"])
    # then: W44 and W45 had no run before them; W46 from the Nov 8 run, W47 from the Nov 15 run (not Nov 8's)
    rows = [(week.start, week.origin, week.days, week.forecast, week.actual, week.absolute_error)
            for week in pack.forecast.accuracy]
    assert rows == [(WEEK_BEFORE[0], date(2026, 11, 8), 7, 770.0, 350.0, 420.0),
                    (WEEK[0], date(2026, 11, 15), 7, 720.0, 700.0, 140.0)]
    w46, w47 = pack.forecast.accuracy
    assert (w46.wape, w46.bias) == (pytest.approx(1.2), pytest.approx(1.2))
    assert (w47.wape, w47.bias) == (pytest.approx(0.2), pytest.approx(20 / 700))


def test_pack_without_a_forecast_run_says_so(org):
    # given
    scope = selectors.scope_parse(org.company, "company")
    pack = selectors.pack_content(scope, "weekly", WEEK, reader=org.users["coo"])
    # when
    chinese = documents.render_markdown(selectors.pack_document(pack, "zh-hans"))
    english = documents.render_markdown(selectors.pack_document(pack, "en"))
    # then
    assert (pack.forecast.run, pack.forecast.weeks, pack.forecast.accuracy) == (None, [], [])
    assert "## 销售预测\n\n_还没有预测运行，本范围没有销售预测。_" in chinese
    assert "## Sales forecast\n\n_No forecast run yet: there is no sales forecast for this scope._" in english


def test_forecast_section_in_markdown_docx_and_pdf(forecasts):
    from opsdesk.reports.tests.test_packs import _docx_text, _pdf_text

    # given
    scope = selectors.scope_parse(forecasts.company, f"store:{forecasts.stores['a1'].code}")
    document = selectors.pack_document(selectors.pack_content(scope, "weekly", WEEK, reader=forecasts.users["coo"]),
                                       "en")
    # when
    markdown = documents.render_markdown(document)
    texts = {"md": markdown, "docx": _docx_text(documents.render_docx(document)),
             "pdf": _pdf_text(documents.render_pdf(document))}
    # then
    # (money in short form: 700 - 6 x sqrt(7) = 684.13 -> CN¥684, 700 + 8 x sqrt(7) = 721.17 -> CN¥721)
    assert ("| Week | Dates | Days forecast | Forecast sales | Lower (80%) | Upper (80%) |\n"
            "|---|---|---:|---:|---:|---:|\n"
            "| 2026-W48 | 2026-11-23 – 2026-11-29 | 7/7 | CN¥700 | CN¥684 | CN¥721 |\n"
            "| 2026-W49 | 2026-11-30 – 2026-12-06 | 7/7 | CN¥700 | CN¥684 | CN¥721 |\n"
            "| 2026-W50 | 2026-12-07 – 2026-12-13 | 3/7 | CN¥300 | CN¥290 | CN¥314 |\n") in markdown
    assert ("| Week | Forecast origin | Forecast sales | Actual sales | WAPE | Bias |\n|---|---|---:|---:|---:|---:|\n"
            "| 2026-W46 | 2026-11-08 | CN¥770 | CN¥350 | 120.0% | +120.0% |\n"
            "| 2026-W47 | 2026-11-15 | CN¥720 | CN¥700 | 20.0% | +2.9% |\n") in markdown
    for export_format, text in texts.items():
        for phrase in ("Sales forecast", "Forecast accuracy", "2026-W48", "CN¥721", "120.0%", "+2.9%"):
            assert phrase in text, f"{phrase!r} missing from the {export_format}"


def test_pack_page_shows_the_forecast_section(forecasts, client):
    client.force_login(forecasts.users["store_manager"])
    response = client.get(reverse("reports:pack_page"), {"kind": "weekly", "period": "2026-W47", "lang": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sales forecast" in page
    assert "2026-W48" in page
    assert "Forecast accuracy" in page


def test_weeks_ahead_start_the_monday_after_the_period_and_finished_weeks_end_by_its_last_sunday():
    november = (date(2026, 11, 1), date(2026, 11, 30))  # ends on a Monday
    assert selectors.weeks_ahead(WEEK) == [W48, W49, W50, (date(2026, 12, 14), date(2026, 12, 20))]
    assert [week[0] for week in selectors.weeks_ahead(november)] == [
        date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 28)]
    assert selectors.weeks_finished(WEEK, date(2026, 12, 3)) == [
        (date(2026, 10, 26), date(2026, 11, 1)), (date(2026, 11, 2), date(2026, 11, 8)), WEEK_BEFORE, WEEK]
    assert [week[1] for week in selectors.weeks_finished(november, date(2026, 12, 3))] == [
        date(2026, 11, 8), date(2026, 11, 15), date(2026, 11, 22), date(2026, 11, 29)]
    # a period not over yet: only the weeks finished before today
    assert selectors.weeks_finished(november, date(2026, 11, 26))[-1] == (date(2026, 11, 16), date(2026, 11, 22))
