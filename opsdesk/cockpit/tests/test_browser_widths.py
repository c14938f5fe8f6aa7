"""Browser test: no page is wider than the window (issue #22). The COO, a supervisor and a store manager open their
main pages in English and in Chinese at 1280 and 1440 px; no page scrolls sideways
(`document.documentElement.scrollWidth <= window.innerWidth`), and the language picker and the user's name stay
visible in the navbar. Wide content (tables, charts) scrolls inside its own box instead.

Each page is loaded once per language at 1280 px, measured, then the window is widened to 1440 px and it is measured
again (Plotly redraws its responsive charts on the resize).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import make_facts
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, sign_in  # noqa: F401
from opsdesk.core.testing.matrix import all_routes, expected_outcome
from opsdesk.storeops.models import CorrectiveAction

pytestmark = pytest.mark.browser

PASSWORD = "wide-windows-2026"
WIDTHS = (1280, 1440)
HEIGHT = 900
LANGUAGES = ("en", "zh-hans")
STORES = {  # code: (region, name)
    "SH001": ("E", "上海徐汇店"),
    "SH002": ("E", "上海浦东店"),
    "GZ001": ("S", "广州天河店"),
    "GZ002": ("S", "广州越秀店"),
}
#: role: (username, the store codes in scope: None is the whole company)
USERS = {
    "coo": ("coo_wide", None),
    "supervisor": ("supervisor_wide", ["SH001", "SH002"]),
    "store_manager": ("manager_wide", ["SH001"]),
}
#: The main pages (URL names) in the order a user opens them; the store cockpit is the cockpit of the first store.
PAGES = [
    ("cockpit", "cockpit:index"),
    ("inbox", "cockpit:inbox"),
    ("store-cockpit", "cockpit:index"),
    ("inventory-health", "replenishment:health"),
    ("replenishment-proposals", "replenishment:proposal_list"),
    ("suppliers-scorecard", "purchasing:scorecard_list"),
    ("sales-explorer", "sales:explore"),
    ("goals", "goals:goal_list"),
    ("goal-league", "goals:league"),
    ("kpi-library", "goals:kpi_library"),
    ("reports-pack", "reports:pack_page"),
    ("projects", "projects:project_list"),
    ("risks-heat-map", "risks:heat_map"),
    ("budgets", "budgets:control"),
    ("budget-versions", "budgets:budgetversion_list"),
]
#: The page's width against the window's, and whether the navbar's language picker and user menu are on screen.
MEASURE = """() => {
  const inView = (selector) => {
    const el = document.querySelector(selector);
    if (!el) return false;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && box.left >= 0
      && box.right <= window.innerWidth && box.top >= 0 && box.bottom <= window.innerHeight;
  };
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          language: inView("#language-form select"), user: inView("#user-menu")};
}"""


@pytest.fixture
def company(transactional_db, settings):
    """Two regions of two stores with 400 days of sales, rollups and an overdue corrective action per store; one user
    per role (a fast password hasher: the browser signs in through the real form)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    company = Company.objects.create(code="WIDE", name="宽屏连锁")
    regions = {"E": Region.objects.create(company=company, code="E", name="华东区"),
               "S": Region.objects.create(company=company, code="S", name="华南区")}
    stores = {code: Store.objects.create(company=company, region=regions[region], code=code, name=name, city="上海")
              for code, (region, name) in STORES.items()}
    yesterday = timezone.localdate() - timedelta(days=1)
    make_facts(list(stores.values()), days=400, last_day=yesterday)
    for code, store in stores.items():
        CorrectiveAction.objects.create(store=store, title=f"Freezer temperature above limit {code}", priority="high",
                                        due_date=yesterday - timedelta(days=1))
    rollup_refresh(company)
    users = {}
    for role, (username, scope) in USERS.items():
        users[role] = User.objects.create_user(username, password=PASSWORD, role=role, company=company,
                                               has_company_scope=scope is None, first_name="Alexandra",
                                               last_name="Montgomery-Wellington")
        if scope is not None:
            users[role].scope_stores.set([stores[code] for code in scope])
    return {"stores": stores, "users": users}


def _pages_of(user, store: Store) -> list[tuple[str, str]]:
    """(name, url) of the main pages the user may open (the permission matrix's answer to a GET is 200)."""
    routes = {route.name: route for route in all_routes() if not route.is_api}
    pages = []
    for name, url_name in PAGES:
        if expected_outcome(routes[url_name], user, "GET", True) != 200:
            continue
        url = reverse(url_name) + (f"?store={store.pk}" if name == "store-cockpit" else "")
        pages.append((name, url))
    return pages


@pytest.mark.parametrize("role", list(USERS))
def test_main_pages_fit_the_window_in_both_languages(company, browser_context, role):  # noqa: F811
    # given the role's user, signed in
    user = company["users"][role]
    pages = _pages_of(user, company["stores"]["SH001"])
    browser_context.set_default_timeout(60_000)  # a shared CI machine: the cockpit's charts may take a while
    page = browser_context.new_page()
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    sign_in(page, USERS[role][0], PASSWORD)
    problems: list[str] = []
    for language in LANGUAGES:
        User.objects.filter(pk=user.pk).update(language=language)
        for name, url in pages:
            # when the user opens the page at 1280 px, then widens the window to 1440 px
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
            response = page.goto(url)
            page.wait_for_load_state("networkidle")
            assert response is not None, f"{role} {language} {url}"
            assert response.status == 200, f"{role} {language} {url}: {response.status}"
            for width in WIDTHS:
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": HEIGHT})
                    page.wait_for_timeout(300)  # Plotly's responsive charts redraw after the resize
                measured = page.evaluate(MEASURE)
                where = f"{role} · {language} · {width} px · {name} ({url})"
                # then the page is no wider than the window
                if measured["scrollWidth"] > measured["innerWidth"]:
                    problems.append(f"{where}: page {measured['scrollWidth']} px wide in a "
                                    f"{measured['innerWidth']} px window")
                # and the language picker and the user's name are on screen in the navbar
                if not measured["language"]:
                    problems.append(f"{where}: the language picker is off screen")
                if not measured["user"]:
                    problems.append(f"{where}: the user's name is off screen")
    assert problems == [], "\n".join(problems)
    assert len(pages) >= (13 if role == "coo" else 2), [name for name, _url in pages]
