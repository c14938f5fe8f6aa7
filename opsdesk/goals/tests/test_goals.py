"""Goals: scope, relative targets, cascading golden values, roll-ups, measurement by run rate and from the persisted
forecast, and the goal's place in the inbox, brief, cockpit tiles, pages and API."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from opsdesk.goals import inbox, selectors, services
from opsdesk.goals.models import Goal, GoalMeasurement
from opsdesk.sales.models import StoreDaySales

NOVEMBER = date(2026, 11, 1)
AS_OF = date(2026, 11, 15)
LAST_YEAR_DAILY = {"a1": 100, "a2": 200, "b1": 300, "b2": 400}


def _sales(store, day: date, amount: float) -> None:
    StoreDaySales.objects.create(store=store, date=day, sales_amount=Decimal(str(amount)), transactions=10)


@pytest.fixture
def november(org):
    """Last November: a1 100, a2 200, b1 300, b2 400 a day. This November to the 15th: a1 100 a day on the 1st to
    8th and 150 on the 9th to 15th; the other stores 200 a day."""
    for key, daily in LAST_YEAR_DAILY.items():
        for offset in range(30):
            _sales(org.stores[key], date(2025, 11, 1) + timedelta(days=offset), daily)
    for offset in range(15):
        day = NOVEMBER + timedelta(days=offset)
        _sales(org.stores["a1"], day, 100 if day.day <= 8 else 150)
        for key in ("a2", "b1", "b2"):
            _sales(org.stores[key], day, 200)
    return org


def _goal(org, **fields) -> Goal:
    values = {"company": org.company, "title": "十一月销售", "kpi_code": "sales_revenue", "period_kind": "month",
              "period_start": NOVEMBER, "target_kind": "absolute", "target_value": 1000.0}
    values.update(fields)
    goal = Goal(**values)
    goal.full_clean()
    goal.save()
    return goal


def test_the_period_snaps_to_the_month_quarter_or_year(org):
    goal = _goal(org, period_kind="quarter", period_start=date(2026, 5, 17))
    assert (goal.period_start, goal.period_end) == (date(2026, 4, 1), date(2026, 6, 30))
    goal = _goal(org, period_kind="year", period_start=date(2026, 5, 17))
    assert (goal.period_start, goal.period_end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_relative_target_is_last_years_value_times_one_plus_the_percent(november):
    goal = _goal(november, target_kind="relative", target_value=None, relative_percent=10)
    # (100 + 200 + 300 + 400) x 30 days = 30,000 last November
    assert (goal.baseline, goal.target) == (30000.0, 33000.0)
    with pytest.raises(ValidationError) as error:
        _goal(november, target_kind="relative", target_value=None, relative_percent=10,
              period_start=date(2026, 1, 1))
    assert "relative_percent" in error.value.message_dict


def test_a_store_manager_sees_their_store_and_published_goals_never_another_stores(org):
    company_published = _goal(org, title="公司发布", is_published_to_stores=True)
    _goal(org, title="公司内部")
    region_a_published = _goal(org, title="华东发布", region=org.region_a, is_published_to_stores=True)
    region_a_internal = _goal(org, title="华东内部", region=org.region_a)
    _goal(org, title="华南发布", region=org.region_b, is_published_to_stores=True)
    a1 = _goal(org, title="A1", store=org.stores["a1"])
    a2 = _goal(org, title="A2", store=org.stores["a2"])
    _goal(org, title="B1", store=org.stores["b1"])
    mine = _goal(org, title="个人", person=org.users["store_manager"])

    def seen(role, action="view"):
        return set(Goal.objects.for_user(org.users[role], action).values_list("title", flat=True))

    assert seen("store_manager") == {company_published.title, region_a_published.title, a1.title, mine.title}
    assert seen("store_manager", "change") == set()
    assert seen("regional_manager") == {company_published.title, region_a_published.title,
                                        region_a_internal.title, a1.title, a2.title}
    assert seen("regional_manager", "change") == {region_a_published.title, region_a_internal.title, a1.title,
                                                  a2.title}
    assert seen("supervisor", "change") == {a1.title, a2.title}
    assert len(seen("coo", "change")) == 9
    assert seen("auditor") == seen("coo")
    assert seen("auditor", "change") == set()
    assert not Goal.objects.for_user(org.other_user).exists()


def test_cascading_by_last_years_share_gives_golden_targets_that_roll_back_up(november):
    coo = november.users["coo"]
    company = _goal(november, target_kind="relative", target_value=None, relative_percent=10)
    regions = services.goal_cascade(actor=coo, goal=company, level="region", method="share")
    # RA had 300 x 30 = 9,000 of 30,000 last year, RB 21,000: 33,000 splits 9,900 / 23,100
    assert [(goal.region.code, goal.target) for goal in regions] == [("RA", 9900.0), ("RB", 23100.0)]
    stores = services.goal_cascade(actor=coo, goal=regions[0], level="store", method="share")
    assert [(goal.store.code, goal.target) for goal in stores] == [("A1", 3300.0), ("A2", 6600.0)]
    assert services.goal_rollup(company)["target"] == 33000.0
    assert services.goal_rollup(regions[0])["target"] == 9900.0
    # equal split, and cascading again updates the children in place
    again = services.goal_cascade(actor=coo, goal=company, level="region", method="equal")
    assert [goal.pk for goal in again] == [goal.pk for goal in regions]
    assert [goal.target for goal in again] == [16500.0, 16500.0]
    # by hand
    manual = services.goal_cascade(actor=coo, goal=company, level="store", method="manual",
                                   manual={store.pk: 8250.0 for store in november.stores.values()})
    assert [goal.target for goal in manual] == [8250.0] * 4


def test_a_ratio_goal_gives_its_target_to_every_child_and_averages_back_weighted(org):
    coo = org.users["coo"]
    goal = _goal(org, kpi_code="service_csat", target_value=90.0)
    children = services.goal_cascade(actor=coo, goal=goal, level="region", method="share")
    assert [child.target for child in children] == [90.0, 90.0]
    Goal.objects.filter(pk=children[0].pk).update(actual=80.0, target=90.0)
    Goal.objects.filter(pk=children[1].pk).update(actual=95.0, target=30.0)
    assert services.goal_rollup(goal)["actual"] == pytest.approx((80 * 90 + 95 * 30) / 120)


def test_a_supervisor_cannot_cascade_a_company_goal(org):
    goal = _goal(org)
    with pytest.raises(ValidationError):
        services.goal_cascade(actor=org.users["supervisor"], goal=goal, level="store", method="equal")
    assert not goal.children.exists()


def test_measurement_by_run_rate_against_a_hand_computed_normal_case(november):
    goal = _goal(november, store=november.stores["a1"], target_value=3300.0)
    measurement = services.goal_measure(goal, AS_OF)
    # actual 8 x 100 + 7 x 150 = 1,850 over 15 of 30 days -> 3,700; weeks (2-8) 700 and (9-15) 1,050: sd 247.49,
    # sigma of the remaining 15 days 247.49 x sqrt(15/7) = 362.28; z = 400 / 362.28 = 1.1041 -> P = 0.8652
    assert (measurement.actual, measurement.projection, measurement.method) == (1850.0, 3700.0, "run_rate")
    assert measurement.upper - measurement.projection == pytest.approx(1.2815516 * 247.4874 * math.sqrt(15 / 7),
                                                                       abs=1e-3)
    assert measurement.probability == pytest.approx(0.8652, abs=1e-4)
    assert measurement.status == "on_track"
    goal.refresh_from_db()
    assert (goal.status, goal.actual, goal.measured_on) == ("on_track", 1850.0, AS_OF)
    with translation.override("zh-hans"):
        assert services.explain(measurement) == "剩余 15 天还需 ¥1,450；按当前进度预计 ¥1,850 ± ¥464"
    # measuring the same day again replaces the row
    services.goal_measure(goal, AS_OF)
    assert GoalMeasurement.objects.filter(goal=goal).count() == 1


def test_sales_are_projected_from_the_persisted_forecast(november):
    from opsdesk.forecasting.models import ForecastPoint, ForecastRun, ForecastSeries

    run = ForecastRun.objects.create(company=november.company, status="done", origin=AS_OF,
                                     finished_at=timezone.now())
    for key in ("a1", "b1"):
        series = ForecastSeries.objects.create(run=run, store=november.stores[key], measure="sales",
                                               model_name="test")
        ForecastPoint.objects.bulk_create([
            ForecastPoint(series=series, date=AS_OF + timedelta(days=n), forecast=120.0, lower=100.0, upper=140.0)
            for n in range(1, 16)])
    goal = _goal(november, store=november.stores["a1"], target_value=3700.0)
    measurement = services.goal_measure(goal, AS_OF)
    # 1,850 + 15 x 120 = 3,650; half-width 20 x sqrt(15) = 77.46 -> sigma 60.44, z = -50 / 60.44 -> P = 0.2041
    assert (measurement.projection, measurement.method) == (3650.0, "forecast")
    assert measurement.lower == pytest.approx(3650 - 20 * math.sqrt(15))
    assert measurement.probability == pytest.approx(0.20405, abs=1e-4)
    assert measurement.status == "off_track"
    with translation.override("en"):
        assert "15" in services.explain(measurement)


def test_goals_at_risk_reach_the_inbox_brief_and_tiles_within_scope(november):
    a1 = _goal(november, store=november.stores["a1"], target_value=9000.0)
    b1 = _goal(november, store=november.stores["b1"], target_value=9000.0)
    assert services.goals_measure_all(as_of=AS_OF, company_id=november.company.pk) == 2
    a1.refresh_from_db()
    assert a1.status == "off_track"
    now = timezone.make_aware(timezone.datetime(2026, 11, 15, 12))
    items = inbox.PROVIDER.items_for_user(november.users["store_manager"], now)
    assert [item.key for item in items] == [f"goal:{a1.pk}"]
    assert inbox.PROVIDER.item_for_user(november.users["store_manager"], f"goal:{b1.pk}", now) is None
    assert len(inbox.PROVIDER.items_for_user(november.users["coo"], now)) == 2
    tiles = inbox.cockpit_tiles(november.users["store_manager"], AS_OF)
    assert [tile["value"] for tile in tiles] == ["0", "1"]
    section = inbox.brief_section(november.company.pk, (november.stores["a1"].pk,), AS_OF, "zh-hans")
    assert (section.title, len(section.lines)) == ("目标", 1)
    assert "十一月销售" in section.lines[0]
    assert selectors.league_table(user=november.users["coo"], kpi_code="sales_revenue", level="store",
                                  period_start=NOVEMBER)[0].pk in {a1.pk, b1.pk}


def test_the_goal_page_shows_the_chart_and_the_tree(november, login, client):
    coo = november.users["coo"]
    goal = _goal(november, target_value=40000.0)
    services.goal_cascade(actor=coo, goal=goal, level="region", method="equal")
    services.goal_measure(goal, AS_OF - timedelta(days=7))
    services.goal_measure(goal, AS_OF)
    login(coo)
    page = client.get(reverse("goals:goal_detail", args=[goal.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="goal-chart"' in html
    assert 'id="goal-tree"' in html
    assert "华东区" in html
    login(november.users["store_manager"])
    assert client.get(reverse("goals:goal_detail", args=[goal.pk])).status_code == 404


def test_the_api_lists_kpis_with_their_unit_direction_and_formula(org, login, client):
    login(org.users["store_manager"])
    rows = client.get("/api/v1/goals/kpis/").json()
    sales = next(row for row in rows if row["code"] == "sales_revenue")
    assert (sales["unit"], sales["direction"], sales["name_zh"]) == ("currency", "higher", "销售额")
    assert sales["description"]
    login(org.users["staff"])
    assert client.get("/api/v1/goals/kpis/").status_code == 403


def test_goals_are_measured_nightly_and_after_imports(november):
    from opsdesk.core import hooks, scheduler

    assert scheduler.jobs()["goals_measure_nightly"].hour == 6
    from opsdesk.goals import jobs

    assert jobs.enqueue_company_measurement in hooks._FACTS_CHANGED
    goal = _goal(november, store=november.stores["a1"], target_value=3300.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda: AS_OF)
        assert jobs.measure_company_goals.call(november.company.pk) == 1
    assert goal.measurements.get().actual == 1850.0


def test_the_league_table_and_the_kpi_library_read_in_english(november, login, client):
    for key in ("a1", "a2"):
        _goal(november, store=november.stores[key], target_value=2000.0)
    services.goals_measure_all(as_of=AS_OF, company_id=november.company.pk)
    login(november.users["coo"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("goals:league"), {"kpi": "sales_revenue", "level": "store", "period": "2026-11-01"},
                      HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    # a2 (200 every day: 6,000 projected, no spread, P = 1) ranks above a1 (3,700 +- 464, P = 0.999999)
    assert html.index("杭州一店") < html.index("上海一店")
    assert "Goal league table" in html
    library = client.get(reverse("goals:kpi_library"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Net sales" in library
    assert "Higher is better" in library


def test_the_goal_list_shows_the_probability_as_a_percentage(org, login, client):
    goal = _goal(org)
    Goal.objects.filter(pk=goal.pk).update(probability=0.4237, actual=121976.17000000001)
    login(org.users["coo"])
    html = client.get(reverse("goals:goal_list")).content.decode()
    cells = [cell.strip() for cell in html.split('<td class="text-end text-nowrap">')[1:]]
    assert [cell.split("<")[0] for cell in cells] == ["1,000", "121,976.17", "—", "42%"]
