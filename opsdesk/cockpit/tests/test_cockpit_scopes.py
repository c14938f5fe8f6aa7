"""Each scope gets the cockpit that fits it (issue 22, item 3): its title, and which sections render.

    company      "驾驶舱 · <company>"       regions chart, league of every store, the apps' tiles
    region       "驾驶舱 · <region>"        its stores compared (chart by store, league)
    group        "驾驶舱 · N 家门店"          a supervisor's stores compared (chart by store, league)
    store        "驾驶舱 · <code> <name>"   the store's own views (SKUs); no league of one row, no one-bar chart
"""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from opsdesk.cockpit import selectors
from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.selectors import ScopeKind
from opsdesk.cockpit.tests.factories import LAST_DAY, make_facts
from opsdesk.core.models import Store
from opsdesk.core.scoping import forget_scope


@pytest.fixture
def scoped(org):
    """Region A gets a third store (a3), so the supervisor's a1 + a2 is a group, not the region; 40 days of facts."""
    org.stores["a3"] = Store.objects.create(company=org.company, region=org.region_a, code="A3", name="苏州一店",
                                            city="苏州")
    make_facts([org.stores[code] for code in ("a1", "a2", "a3", "b1", "b2")], days=40)
    rollup_refresh(org.company)
    cache.clear()
    for user in org.users.values():
        forget_scope(user)
    yield org
    del org.stores["a3"]


def _page(login, user, **query) -> str:
    response = login(user).get(reverse("cockpit:index"), query)
    assert response.status_code == 200
    return response.content.decode()


def _title(html: str) -> str:
    heading = re.search(r'<h1[^>]*id="cockpit-title"[^>]*>(.*?)<small', html, re.S).group(1)
    return " ".join(heading.split())


def _sections(html: str) -> set[str]:
    markers = {"tiles": 'id="tiles"', "trend": 'data-chart="trend-chart"', "breakdown": 'data-chart="breakdown-chart"',
               "league": 'id="league-table"', "skus": 'id="sku-table"', "app tiles": 'id="extension-tiles"'}
    return {name for name, marker in markers.items() if marker in html}


def _league_stores(html: str) -> list[str]:
    return re.findall(r'class="drill-store" data-store="([^"]+)"', html)


def _breakdown(html: str) -> tuple[str, list[str]]:
    spec = json.loads(re.search(r'<script id="breakdown-chart" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    return spec["layout"]["title"]["text"], spec["data"][0]["x"]


def test_company_scope_compares_regions_and_ranks_every_store(scoped, login):
    # given / when
    html = _page(login, scoped.users["coo"])
    # then
    assert _title(html) == "驾驶舱 · ACME 连锁"
    assert _sections(html) == {"tiles", "trend", "breakdown", "league", "app tiles"}
    assert _breakdown(html) == ("本月销售（按区域）", ["华东区", "华南区"])
    assert sorted(_league_stores(html)) == ["A1", "A2", "A3", "B1", "B2"]


def test_region_scope_compares_its_stores(scoped, login):
    # given / when
    html = _page(login, scoped.users["regional_manager"])
    # then
    assert _title(html) == "驾驶舱 · 华东区"
    assert _sections(html) == {"tiles", "trend", "breakdown", "league", "app tiles"}
    assert _breakdown(html)[0] == "本月销售（按门店）"
    assert sorted(_breakdown(html)[1]) == ["A1", "A2", "A3"]
    assert sorted(_league_stores(html)) == ["A1", "A2", "A3"]


def test_supervisor_group_is_named_by_its_store_count_and_compares_those_stores(scoped, login):
    # given: the supervisor holds a1 and a2 of the three stores of region A
    supervisor = scoped.users["supervisor"]
    # when
    html = _page(login, supervisor)
    scope = selectors.scope_for(supervisor)
    # then
    assert _title(html) == "驾驶舱 · 2 家门店"
    assert scope.kind == ScopeKind.GROUP
    assert _sections(html) == {"tiles", "trend", "breakdown", "league", "app tiles"}
    assert _breakdown(html)[0] == "本月销售（按门店）"
    assert sorted(_breakdown(html)[1]) == ["A1", "A2"]
    assert sorted(_league_stores(html)) == ["A1", "A2"]


def test_store_manager_gets_the_store_s_own_views(scoped, login):
    # given / when
    html = _page(login, scoped.users["store_manager"])
    # then: no league of one row, no one-bar chart, no region crumb leading to a "region" of one store
    assert _title(html) == "驾驶舱 · A1 上海一店"
    assert _sections(html) == {"tiles", "trend", "skus", "app tiles"}
    assert f"?region={scoped.region_a.pk}" not in html


def test_drill_down_to_a_store_shows_the_store_views_under_its_region(scoped, login):
    # given / when
    html = _page(login, scoped.users["regional_manager"], store=scoped.stores["a2"].pk)
    # then
    assert _title(html) == "驾驶舱 · A2 杭州一店"
    assert _sections(html) == {"tiles", "trend", "skus"}
    assert f'href="/cockpit/?region={scoped.region_a.pk}">华东区</a>' in html


def test_supervisor_drilling_into_a_region_sees_their_stores_of_it_named_as_such(scoped, login):
    # given / when
    html = _page(login, scoped.users["supervisor"], region=scoped.region_a.pk)
    # then
    assert _title(html) == "驾驶舱 · 华东区 · 2 家门店"
    assert sorted(_league_stores(html)) == ["A1", "A2"]


def test_several_whole_regions_are_named_by_their_regions(org):
    # given: a regional manager of both regions of company A
    user = org.users["regional_manager"]
    user.scope_regions.set([org.region_a, org.region_b])
    forget_scope(user)
    # when
    scope = selectors.scope_for(user)
    # then
    assert (scope.kind, scope.label, scope.compares_regions) == (ScopeKind.REGIONS, "华东区、华南区", True)
    assert [label for _level, _id, label in scope.children] == ["华东区", "华南区"]


def test_a_store_scope_has_no_breakdown_chart(scoped):
    # given
    user = scoped.users["store_manager"]
    # when
    overview = selectors.cockpit_overview(user=user, today=LAST_DAY - timedelta(days=1))
    # then
    assert overview["scope"].kind == ScopeKind.STORE
    assert overview["breakdown_chart"] is None
    assert len(overview["skus"]) == 3
