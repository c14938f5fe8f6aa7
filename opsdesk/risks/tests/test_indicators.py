"""The risk register's own KRIs (data age, failed forecast runs), the preloaded KRIs of every seed category, their
addition to existing companies, and a breach on them raising exactly one inbox item."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from opsdesk.core.extensions import KpiScope, kpis
from opsdesk.core.inbox_items import SeverityChoices as Sev
from opsdesk.forecasting.models import ForecastRun
from opsdesk.risks import services
from opsdesk.risks.inbox import PROVIDER
from opsdesk.risks.kpis import data_age_days, forecast_failed_runs
from opsdesk.risks.models import KeyRiskIndicator, Risk, RiskCategory
from opsdesk.sales.models import StoreDaySales

TODAY = date(2026, 11, 30)
NOW = timezone.make_aware(datetime(2026, 11, 30, 9))


def _sales_days(store, last_day: date, days: int = 5):
    for offset in range(days):
        StoreDaySales.objects.create(store=store, date=last_day - timedelta(days=offset), sales_amount=100,
                                     transactions=5)


def _run(company, status: str, day: date):
    run = ForecastRun.objects.create(company=company, status=status)
    ForecastRun.objects.filter(pk=run.pk).update(
        created_at=timezone.make_aware(datetime.combine(day, time(23, 30))))
    return run


def test_data_age_is_the_days_since_the_scopes_newest_sales_day(org):
    # given: a1's sales stop three days ago, a2's yesterday, a day after the period is not counted
    a1, a2 = org.stores["a1"], org.stores["a2"]
    _sales_days(a1, TODAY - timedelta(days=3))
    _sales_days(a2, TODAY - timedelta(days=1))
    _sales_days(org.stores["b1"], TODAY + timedelta(days=1), days=1)
    period = (TODAY, TODAY)
    # when / then: independently, newest date per scope
    newest = {store: max(StoreDaySales.objects.filter(store=store, date__lte=TODAY).values_list("date", flat=True))
              for store in (a1, a2)}
    assert data_age_days(KpiScope(org.company.pk, (a1.pk,)), period) == float((TODAY - newest[a1]).days) == 3.0
    assert data_age_days(KpiScope(org.company.pk, (a1.pk, a2.pk)), period) == 1.0
    assert data_age_days(KpiScope(org.company.pk), period) == 1.0
    assert data_age_days(KpiScope(org.company.pk, (org.stores["b2"].pk,)), period) is None


def test_failed_forecast_runs_count_the_companys_failures_created_in_the_period(org):
    # given: within the 7 days ending TODAY two failures and one success; outside it one failure; another company's
    for day in (TODAY, TODAY - timedelta(days=6)):
        _run(org.company, "failed", day)
    _run(org.company, "done", TODAY - timedelta(days=1))
    _run(org.company, "failed", TODAY - timedelta(days=7))
    _run(org.other_company, "failed", TODAY)
    period = (TODAY - timedelta(days=6), TODAY)
    # when
    value = forecast_failed_runs(KpiScope(org.company.pk), period)
    store_value = forecast_failed_runs(KpiScope(org.company.pk, (org.stores["a1"].pk,)), period)
    # then: independently, in Python over every run
    start = timezone.make_aware(datetime.combine(period[0], time.min))
    end = timezone.make_aware(datetime.combine(period[1] + timedelta(days=1), time.min))
    expected = sum(1 for run in ForecastRun.objects.all()
                   if run.company_id == org.company.pk and run.status == "failed" and start <= run.created_at < end)
    assert value == float(expected) == 2.0
    assert store_value == 2.0


def test_both_kpis_are_registered_with_their_direction_and_unit():
    definitions = kpis()
    assert (definitions["risks_data_age_days"].unit, definitions["risks_data_age_days"].direction) == ("days", "lower")
    assert (definitions["risks_forecast_failed_runs"].unit,
            definitions["risks_forecast_failed_runs"].direction) == ("count", "lower")


def test_every_seed_category_has_its_preloaded_indicators(org):
    # when
    services.risks_seed(org.company)
    # then
    codes = set(KeyRiskIndicator.objects.filter(company=org.company, store__isnull=True)
                .values_list("kpi_code", flat=True))
    assert {"budgets_variance_pct", "risks_data_age_days", "risks_forecast_failed_runs",
            "projects_milestones_overdue", "people_turnover", "sales_growth_yoy", "risks_serious_incidents"} <= codes
    expected = {row[1] for row in services.SEED_INDICATORS if row[1] in kpis()}
    assert codes == expected
    categories_with_indicators = {row[0] for row in services.SEED_INDICATORS if row[1] in kpis()}
    assert categories_with_indicators == {"FIN", "LEGAL", "MARKET", "TECH", "HR"}


def test_an_existing_company_gets_only_the_indicators_it_lacks_once(org):
    # given: a company set up before the budget and technology KPIs existed (its other KRIs kept, one edited)
    services.risks_seed(org.company)
    KeyRiskIndicator.objects.filter(company=org.company, kpi_code__in=[
        "budgets_variance_pct", "risks_data_age_days", "risks_forecast_failed_runs"]).delete()
    KeyRiskIndicator.objects.filter(company=org.company, kpi_code="people_turnover").update(amber=4.0)
    before = KeyRiskIndicator.objects.filter(company=org.company).count()
    # when
    first = services.seed_indicators(org.company.pk)
    second = services.seed_indicators(org.company.pk)
    # then
    assert (first, second) == (3, 0)
    assert KeyRiskIndicator.objects.filter(company=org.company).count() == before + 3
    assert KeyRiskIndicator.objects.get(company=org.company, kpi_code="people_turnover").amber == 4.0
    variance = KeyRiskIndicator.objects.get(company=org.company, kpi_code="budgets_variance_pct")
    assert (variance.amber, variance.red, variance.window_days) == (5.0, 10.0, 1)


@pytest.fixture
def tech_risk(org):
    category = RiskCategory.objects.create(company=org.company, code="TECH", name_zh="技术风险", name_en="Technology",
                                           appetite=9)
    return Risk.objects.create(company=org.company, code="T1", title="销售数据中断", category=category,
                               likelihood=2, impact=4, owner=org.users["coo"])


def test_stale_data_crossing_red_proposes_a_likelihood_and_raises_exactly_one_inbox_item(org, tech_risk):
    # given: the company's newest sales day is 8 days old; amber above 2, red above 7
    _sales_days(org.stores["a1"], TODAY - timedelta(days=8))
    indicator = KeyRiskIndicator.objects.create(company=org.company, risk=tech_risk, name="数据新鲜度",
                                                kpi_code="risks_data_age_days", amber=2.0, red=7.0, window_days=1)
    # when: measured on two nights in a row
    services.kris_measure_all(today=TODAY - timedelta(days=1), indicators=KeyRiskIndicator.objects.filter(
        pk=indicator.pk))
    services.kris_measure_all(today=TODAY, indicators=KeyRiskIndicator.objects.filter(pk=indicator.pk))
    indicator.refresh_from_db()
    items = [item for item in PROVIDER.items_for_user(org.users["coo"], NOW) if item.key.startswith("kri:")]
    # then: 7 days (amber) the first night, 8 > 7 red the second; one item, with the numbers
    assert list(indicator.measurements.order_by("measured_on").values_list("status", "value")) == [
        ("amber", 7.0), ("red", 8.0)]
    assert (indicator.status, indicator.last_value, indicator.proposed_likelihood) == ("red", 8.0, 4)
    assert indicator.breached_since == TODAY - timedelta(days=1)
    assert [item.key for item in items] == [f"kri:{indicator.pk}"]
    assert "8.0 > 7.0" in items[0].detail
    # when the sales arrive again
    _sales_days(org.stores["a1"], TODAY, days=1)
    services.kris_measure_all(today=TODAY, indicators=KeyRiskIndicator.objects.filter(pk=indicator.pk))
    indicator.refresh_from_db()
    # then
    assert (indicator.status, indicator.last_value) == ("green", 0.0)
    assert [item for item in PROVIDER.items_for_user(org.users["coo"], NOW) if item.key.startswith("kri:")] == []


def test_failed_forecast_runs_crossing_amber_raise_one_high_inbox_item(org, tech_risk):
    # given: one failed run in the last 7 days; amber above 0, red above 2
    _run(org.company, "failed", TODAY - timedelta(days=2))
    indicator = KeyRiskIndicator.objects.create(company=org.company, risk=tech_risk, name="预测失败",
                                                kpi_code="risks_forecast_failed_runs", amber=0.0, red=2.0,
                                                window_days=7)
    # when
    services.kris_measure_all(today=TODAY, indicators=KeyRiskIndicator.objects.filter(pk=indicator.pk))
    indicator.refresh_from_db()
    items = [item for item in PROVIDER.items_for_user(org.users["coo"], NOW) if item.key.startswith("kri:")]
    # then
    assert (indicator.status, indicator.last_value, indicator.proposed_likelihood) == ("amber", 1.0, 3)
    assert [(item.key, item.severity) for item in items] == [(f"kri:{indicator.pk}", Sev.HIGH)]
