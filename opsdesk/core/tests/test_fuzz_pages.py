"""Hostile query parameters on every GET page (lists and details) as the coo and the store manager: never a 5xx.

See `opsdesk.core.testing.fuzz` for the parameters and values sent.
"""

from __future__ import annotations

import pytest

from opsdesk.core.testing.fuzz import fuzz_page, page_routes

ROLES = ("coo", "store_manager")


@pytest.mark.parametrize("route", page_routes(), ids=str)
def test_hostile_query_parameters_never_answer_a_server_error(org, route):
    # given the page's in-scope object / when every hostile query is sent as each role
    failures = fuzz_page(org, route, ROLES)
    # then no request answered 5xx
    assert not failures, "\n".join(str(failure) for failure in failures)


# ------------------------------------------------------------------------------- the 5xx the fuzzer found, pinned

HUGE = 10**25


@pytest.mark.parametrize("query", ["per_page=-1", "per_page=0", f"per_page={HUGE}", "page=-1", f"page={HUGE}"])
def test_a_list_with_an_impossible_page_or_size_shows_a_page(login, org, query):
    # given
    client = login(org.users["coo"])
    # when
    response = client.get(f"/stores/?{query}")
    # then
    assert response.status_code == 200
    assert response.context["table"].page.number == 1  # 5 stores fit on the first (and only) page


@pytest.mark.parametrize("store", ["abc", str(HUGE), "²"])
def test_sales_calendar_of_a_malformed_store_is_404(login, org, store):
    # given / when
    response = login(org.users["coo"]).get("/sales/calendar/", {"store": store})
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("month", ["9999-99", str(HUGE), f"{HUGE}-01"])
def test_sales_calendar_of_a_malformed_month_shows_the_current_month(login, org, month):
    # given / when
    response = login(org.users["coo"]).get("/sales/calendar/", {"month": month})
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("url", [f"/cockpit/?region={HUGE}", f"/cockpit/?store={HUGE}", "/cockpit/?region=²"])
def test_cockpit_ignores_an_impossible_drill_down(login, org, url):
    # given / when
    response = login(org.users["coo"]).get(url)
    # then
    assert response.status_code == 200
