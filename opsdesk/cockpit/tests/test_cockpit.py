"""The cockpit reads the rollups through the user's scope: figures, drill-down and 404 outside the scope."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opsdesk.cockpit import selectors
from opsdesk.cockpit.choices import RollupLevelChoices as L
from opsdesk.cockpit.models import StoreStockRollup
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import LAST_DAY, make_facts
from opsdesk.core.scoping import forget_scope
from opsdesk.sales.models import StoreDaySales


@pytest.fixture
def facts(org):
    make_facts(org.stores.values(), days=400)
    rollup_refresh(org.company)
    rollup_refresh(org.other_company)
    return org


def _facts_sum(stores, start, end):
    return StoreDaySales.objects.filter(store__in=stores, date__gte=start, date__lte=end).aggregate(
        total=Sum("sales_amount"))["total"]


def test_regional_manager_sees_their_region_with_exact_month_and_year_figures(facts):
    # given
    stores = [facts.stores["a1"], facts.stores["a2"]]
    # when
    overview = selectors.cockpit_overview(user=facts.users["regional_manager"])
    # then: one region in scope: the cockpit opens on it, read from the region rows
    tiles = overview["tiles"]
    assert (overview["scope"].level, overview["scope"].units) == (L.REGION, [(L.REGION, facts.region_a.pk)])
    assert overview["today"] == LAST_DAY
    assert tiles["mtd"]["sales"] == _facts_sum(stores, LAST_DAY.replace(day=1), LAST_DAY)
    assert tiles["ytd"]["sales"] == _facts_sum(stores, LAST_DAY.replace(month=1, day=1), LAST_DAY)
    assert tiles["ytd"]["last_year"] == _facts_sum(stores, LAST_DAY.replace(year=2025, month=1, day=1),
                                                   LAST_DAY.replace(year=2025))
    assert tiles["mtd"]["target"] == Decimal("62000.00")
    assert [row["store"].code for row in sorted(overview["league"], key=lambda r: r["store"].code)] == ["A1", "A2"]


def test_company_user_reads_company_rows_and_sees_every_store(facts):
    # given
    user = facts.users["coo"]
    # when
    overview = selectors.cockpit_overview(user=user)
    # then
    stores = [facts.stores[code] for code in ("a1", "a2", "b1", "b2")]
    assert overview["scope"].units == [(L.COMPANY, facts.company.pk)]
    assert overview["tiles"]["today"]["sales"] == _facts_sum(stores, LAST_DAY, LAST_DAY)
    assert sorted(row["store"].code for row in overview["league"]) == ["A1", "A2", "B1", "B2"]


def test_supervisor_with_some_stores_of_a_region_reads_store_rows(facts):
    # given: the supervisor holds a1 only here
    user = facts.users["supervisor"]
    user.scope_stores.set([facts.stores["a1"]])
    # when
    overview = selectors.cockpit_overview(user=user)
    # then
    assert overview["scope"].units == [(L.STORE, facts.stores["a1"].pk)]
    assert overview["tiles"]["mtd"]["sales"] == _facts_sum([facts.stores["a1"]], LAST_DAY.replace(day=1), LAST_DAY)


def test_drill_down_to_a_store_shows_its_skus_and_outside_the_scope_is_404(facts):
    # given
    user = facts.users["regional_manager"]
    # when
    store_view = selectors.cockpit_overview(user=user, store_id=facts.stores["a2"].pk)
    # then
    assert store_view["scope"].store == facts.stores["a2"]
    assert len(store_view["skus"]) == 3
    with pytest.raises(Http404):
        selectors.cockpit_overview(user=user, store_id=facts.stores["b1"].pk)
    with pytest.raises(Http404):
        selectors.cockpit_overview(user=user, region_id=facts.region_b.pk)


def test_cockpit_page_is_the_home_page_and_answers_in_constant_queries(facts, login):
    # given
    client = login(facts.users["coo"])
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:home"))
    # then
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="tiles"' in content
    assert 'id="league-table"' in content
    assert len(queries) <= 40
    out_of_scope = login(facts.users["store_manager"]).get(reverse("cockpit:index") + f"?store={facts.stores['b1'].pk}")
    assert out_of_scope.status_code == 404


def test_trend_chart_carries_the_forecast_band_after_the_last_day(facts):
    # given: a forecast of 2 days stored in the rollups
    from opsdesk.cockpit.models import DayRollup

    for offset in (1, 2):
        DayRollup.objects.filter(level=L.COMPANY, entity_id=facts.company.pk,
                                 date=LAST_DAY + timedelta(days=offset)).update(
            forecast=100.0, forecast_lower=80.0, forecast_upper=130.0)
    # when
    chart = selectors.cockpit_overview(user=facts.users["coo"])["trend_chart"]
    # then
    names = [trace["name"] for trace in chart["data"]]
    assert names == ["实际", "目标", "上限", "预测区间", "预测"]
    assert chart["data"][-1]["y"] == [100.0, 100.0]


def test_league_from_store_snapshots_equals_the_sum_of_day_rows(facts):
    # given
    user = facts.users["coo"]
    scope = selectors.scope_for(user)
    snapshots = {row.store_id: row for row in StoreStockRollup.objects.filter(store__company=facts.company)}
    # when
    from_snapshots = selectors._month_figures(user, scope, LAST_DAY, snapshots)
    from_days = selectors._month_figures(user, scope, LAST_DAY, {})
    # then
    assert {k: (v["month_sales"], v["month_target"], v["last_year"]) for k, v in from_snapshots.items()} == {
        k: (v["month_sales"], v["month_target"], v["last_year"]) for k, v in from_days.items()}
    assert len(from_snapshots) == 4


def test_band_of_several_stores_combines_half_widths_in_quadrature(facts):
    # given: a supervisor of stores a1 and b1 (two regions, so two store units), one forecast day each
    # (half-widths 30 and 40 below, 5 and 12 above)
    from opsdesk.cockpit.models import DayRollup

    day = LAST_DAY + timedelta(days=1)
    user = facts.users["supervisor"]
    user.scope_stores.set([facts.stores["a1"], facts.stores["b1"]])
    forget_scope(user)
    bounds = {"a1": (100.0, 70.0, 105.0), "b1": (200.0, 160.0, 212.0)}
    for code, (forecast, lower, upper) in bounds.items():
        DayRollup.objects.filter(level=L.STORE, entity_id=facts.stores[code].pk, date=day).update(
            forecast=forecast, forecast_lower=lower, forecast_upper=upper)
    scope = selectors.scope_for(user)
    # when
    row = selectors._daily(user, scope, day, day)[day]
    # then: 300 - sqrt(30^2 + 40^2) = 250, 300 + sqrt(5^2 + 12^2) = 313
    assert sorted(unit for unit in scope.units) == sorted(("store", facts.stores[c].pk) for c in ("a1", "b1"))
    assert (row["forecast"], row["lower"], row["upper"]) == (300.0, 250.0, 313.0)
