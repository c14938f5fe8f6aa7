"""Browser test: each role's Monday morning (issue #22). The COO, a regional manager, a supervisor, a store manager
and an auditor sign in, open the cockpit, the inbox and the pages they use first; every page answers without an
error, shows only stores in the user's scope, and is kept as a full-page screenshot.

Screenshots go to $OPSDESK_SCREENSHOTS (scripts/test points it into artifacts/ so CI keeps them), else to the
pytest temporary directory: <dir>/<role>-<language>-<page>.png. Each role walks in Chinese, then in English.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from opsdesk.cockpit.rollups import rollup_refresh
from opsdesk.cockpit.tests.factories import make_facts
from opsdesk.core.models import Company, Region, Store, User
from opsdesk.core.testing.browser import browser_context, sign_in  # noqa: F401
from opsdesk.storeops.models import CorrectiveAction

PASSWORD = "monday-morning-2026"
STORES = {  # code: (region, name)
    "SH001": ("E", "上海徐汇店"),
    "SH002": ("E", "上海浦东店"),
    "SH003": ("E", "上海静安店"),
    "GZ001": ("S", "广州天河店"),
}
#: role: (username, the store codes in scope: None is the whole company, "E" the east region)
USERS = {
    "coo": ("coo_monday", None),
    "regional_manager": ("region_east", "E"),
    "supervisor": ("supervisor_sh", ["SH001", "SH002"]),
    "store_manager": ("manager_sh001", ["SH001"]),
    "auditor": ("auditor_monday", None),
}
#: The pages (URL names) each role opens on a Monday morning, after the cockpit and the inbox.
ROUTES = {
    "coo": [("stores", "core:store_list"), ("store-scorecard", "storeops:scorecard"),
            ("daily-sales", "sales:storedaysales_list"), ("supplier-scorecards", "purchasing:scorecard_list")],
    "regional_manager": [("stores", "core:store_list"), ("store-scorecard", "storeops:scorecard"),
                         ("corrective-actions", "storeops:action_list"), ("daily-sales", "sales:storedaysales_list")],
    "supervisor": [("my-inspections", "storeops:my"), ("corrective-actions", "storeops:action_list"),
                   ("inspection-runs", "storeops:run_list"), ("stores", "core:store_list")],
    "store_manager": [("corrective-actions", "storeops:action_list"), ("proposals", "replenishment:proposal_list"),
                      ("daily-sales", "sales:storedaysales_list"), ("stores", "core:store_list")],
    "auditor": [("audit-trail", "core:audit_list"), ("findings", "storeops:finding_list"),
                ("stores", "core:store_list"), ("corrective-actions", "storeops:action_list")],
}


@pytest.fixture
def screenshots(tmp_path_factory) -> Path:
    configured = os.environ.get("OPSDESK_SCREENSHOTS")
    directory = Path(configured) if configured else tmp_path_factory.mktemp("monday-morning")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def monday(transactional_db, settings):
    """A company of two regions and four stores with 120 days of sales, rollups, an overdue corrective action per
    store, and one user per role (a fast password hasher: the browser signs in through the real form)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    company = Company.objects.create(code="MON", name="周一连锁")
    regions = {"E": Region.objects.create(company=company, code="E", name="华东区"),
               "S": Region.objects.create(company=company, code="S", name="华南区")}
    stores = {code: Store.objects.create(company=company, region=regions[region], code=code, name=name, city="上海")
              for code, (region, name) in STORES.items()}
    yesterday = timezone.localdate() - timedelta(days=1)
    make_facts(list(stores.values()), days=120, last_day=yesterday)
    actions = {code: CorrectiveAction.objects.create(store=store, title=f"冷柜温度超标 {code}", priority="high",
                                                     due_date=yesterday - timedelta(days=1))
               for code, store in stores.items()}
    rollup_refresh(company)  # after the actions: the cockpit's tiles read the rollups
    scopes = {}
    for role, (username, scope) in USERS.items():
        user = User.objects.create_user(username, password=PASSWORD, role=role, company=company,
                                        has_company_scope=scope is None)
        if scope == "E":
            user.scope_regions.set([regions["E"]])
        elif scope is not None:
            user.scope_stores.set([stores[code] for code in scope])
        scopes[role] = sorted(code for code, store in stores.items()
                              if scope is None or (scope == "E" and store.region_id == regions["E"].pk)
                              or (isinstance(scope, list) and code in scope))
    return {"stores": stores, "actions": actions, "scopes": scopes}


def _visit(page, url: str) -> str:
    """Open `url`, wait for its htmx parts and charts; the page's visible text."""
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response is not None, url
    assert response.status == 200, f"{url}: {response.status}"
    return page.inner_text("body")


@pytest.mark.browser
@pytest.mark.parametrize("role", list(USERS))
def test_monday_morning_walk(monday, browser_context, screenshots, role):  # noqa: F811
    # given the role's user, signed in
    username = USERS[role][0]
    in_scope = monday["scopes"][role]
    out_of_scope = [code for code in STORES if code not in in_scope]
    browser_context.set_default_timeout(60_000)  # a shared CI machine: the cockpit's charts may take a while
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda message: message.type == "error" and errors.append(f"{page.url}: {message.text}"))
    sign_in(page, username, PASSWORD)
    for language in ("zh-hans", "en"):
        User.objects.filter(username=username).update(language=language)
        visited = {}
        # when the user opens the cockpit, the inbox and the role's key pages
        for name, url_name in [("cockpit", "cockpit:index"), ("inbox", "cockpit:inbox"), *ROUTES[role]]:
            url = reverse(url_name)
            visited[name] = _visit(page, url)
            page.screenshot(path=str(screenshots / f"{role}-{language}-{name}.png"), full_page=True)
            # then no page shows a store outside the user's scope
            for code in out_of_scope:
                assert code not in visited[name], f"{role} sees store {code} on {url} ({language})"
                assert STORES[code][1] not in visited[name], f"{role} sees store {code}'s name on {url} ({language})"
        # and every page is in the user's language, and nothing failed in the browser
        assert page.evaluate("document.documentElement.lang") == language
        assert errors == []
        # and the inbox holds the overdue corrective action of exactly the stores in scope
        assert sorted(code for code in STORES if f"冷柜温度超标 {code}" in visited["inbox"]) == in_scope
        # and the store list lists exactly the stores in scope
        if "stores" in visited:
            assert sorted(code for code in STORES if code in visited["stores"]) == in_scope
