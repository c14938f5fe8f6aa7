"""Server errors and wrong statuses the API fuzz suite found in the people API, pinned: bad input is a 422 naming the
field, never a 500."""

from __future__ import annotations

import json

import pytest

from opsdesk.core.testing.factories import make_token
from opsdesk.core.testing.matrix import all_routes
from opsdesk.people.tests.routes_appraisals import make_appraisal, make_cycle, own_employee

HUGE = 10**25


def _bearer(org, role: str = "coo") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(org.users[role])[1]}"}


def _in_scope(org, name: str, role: str = "coo"):
    route = next(route for route in all_routes() if route.name == name)
    return route.make_object(org, org.users[role], True)


def _locs(response) -> list:
    return [item["loc"] for item in response.json()["detail"]]


# Root cause 1: django-ninja's many-to-many id validator calls int(value) and lets the TypeError of a null or an
# object among the ids escape as a 500 (kit: StrictSchema turns it into a 422 naming the field).

@pytest.mark.parametrize("bad", [None, {}])
def test_a_null_or_an_object_among_the_skills_of_a_new_programme_is_422(client, org, bad):
    # given / when
    response = client.post("/api/v1/people/training/programmes/", json.dumps({"skills": [bad]}),
                           content_type="application/json", **_bearer(org))
    # then
    assert response.status_code == 422
    assert ["body", "payload", "skills"] in _locs(response)


@pytest.mark.parametrize("bad", [None, {}])
def test_a_null_or_an_object_among_the_skills_of_a_programme_change_is_422(client, org, bad):
    # given
    programme = _in_scope(org, "PATCH /api/v1/people/training/programmes/{object_id}/")
    # when
    response = client.patch(f"/api/v1/people/training/programmes/{programme.pk}/", json.dumps({"skills": [bad]}),
                            content_type="application/json", **_bearer(org))
    # then
    assert response.status_code == 422
    assert ["body", "payload", "skills"] in _locs(response)


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_null_among_the_parties_of_a_case_is_422(client, org, method):
    # given
    url = "/api/v1/people/cases/"
    if method == "patch":
        url += f"{_in_scope(org, 'PATCH /api/v1/people/cases/{object_id}/').pk}/"
    # when
    response = getattr(client, method)(url, json.dumps({"parties": [None]}), content_type="application/json",
                                       **_bearer(org))
    # then
    assert response.status_code == 422
    assert ["body", "payload", "parties"] in _locs(response)


# Root cause 2: the reviewers of a 360 request were plain ints, so an id beyond a 64-bit column reached the
# database (OverflowError, 500); they are `Id`s now.

@pytest.mark.parametrize("reviewer", [HUGE, 0, -1])
def test_an_impossible_reviewer_id_is_422(client, org, reviewer):
    # given
    appraisal = make_appraisal(own_employee(org, org.users["staff"]), status="manager_review",
                               cycle=make_cycle(org.company, peers=True))
    # when
    response = client.post(f"/api/v1/people/appraisals/{appraisal.pk}/peers/", json.dumps({"reviewers": [reviewer]}),
                           content_type="application/json", **_bearer(org, "store_manager"))
    # then
    assert response.status_code == 422
    assert ["body", "payload", "reviewers", 0] in _locs(response)


# Root cause 3: the list filters were plain strings, so an id no row can have fell to the FilterSet's 400 (kit:
# model-choice filters validate the id, 422); a real id out of reach stays a 400.

@pytest.mark.parametrize("store", [str(HUGE), "0", "abc"])
def test_an_impossible_store_id_in_the_employee_list_is_422(client, org, store):
    # given / when
    response = client.get(f"/api/v1/people/employees/?store={store}", **_bearer(org))
    # then
    assert response.status_code == 422
    assert ["query", "store"] in _locs(response)


def test_a_store_out_of_reach_in_the_employee_list_stays_400_and_an_empty_one_filters_nothing(client, org):
    # given / when
    refused = client.get(f"/api/v1/people/employees/?store={org.stores['b1'].pk}", **_bearer(org, "store_manager"))
    empty = client.get("/api/v1/people/employees/?store=", **_bearer(org, "store_manager"))
    # then
    assert refused.status_code == 400
    assert empty.status_code == 200
