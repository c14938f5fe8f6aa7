"""Schemathesis against the REST API, in process: no operation answers a 5xx, whatever it is sent.

The app's own OpenAPI schema drives the examples, coverage (boundary values, nulls, wrong types) and fuzzing
phases, bounded and derandomized (a fixed seed), as a personal API token of a role of the shared organisation.
Every operation runs for the coo (sees the whole company) and the store manager (one store); a sample of the other
roles (staff and the supplier) runs the PATCH operations, where null and oversized values
reach the services.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from opsdesk.config.api import api
from opsdesk.core.testing.factories import make_token
from opsdesk.core.testing.fuzz import django_signals_kept_open
from opsdesk.core.testing.matrix import all_routes

FUZZ_CONFIG = {
    "seed": 20261203,
    "generation": {"deterministic": True, "max-examples": 3, "no-shrink": True},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": True},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
}
FULL_ROLES = ("coo", "store_manager")
SAMPLED_ROLES = ("staff", "supplier")
# The token fixture is meant to span every generated request of an operation (they share one test transaction).
FUZZ_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# The OpenAPI schema of /api/v1/, answered by the project's WSGI application in this process.
# Serialised as /api/v1/openapi.json serves it: lazy translations (labels, descriptions) become text.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder)),
    config=schemathesis.config.SchemathesisConfig.from_dict(FUZZ_CONFIG),
)
schema.app = WSGIHandler()


@pytest.fixture
def role_headers(org, role):
    """A personal API token of the shared organisation's user of `role`, while the WSGI handler serves requests."""
    with django_signals_kept_open():
        yield {"Authorization": f"Bearer {make_token(org.users[role])[1]}"}


@pytest.fixture
def in_scope_objects(org, role):
    """Builds, once per test, the in-scope object of the matrix route of an operation (PATCH a real row)."""
    routes = {route.name: route for route in all_routes() if route.is_api}
    built = {}

    def object_for(case):
        route = routes.get(f"{case.method.upper()} {case.path}")
        if route is None or route.make_object is None or not route.has_url_object:
            return None
        if route.name not in built:
            built[route.name] = route.make_object(org, org.users[role], True)
        return built[route.name]

    return object_for


def _check(case, headers, object_for) -> None:
    obj = object_for(case)
    parameters = case.path_parameters or {}
    if obj is not None and len(parameters) == 1 and all(isinstance(value, int) for value in parameters.values()):
        # A well-formed id is replaced by the real row, so the body reaches the service; malformed ids stay.
        case.path_parameters = dict.fromkeys(parameters, obj.pk)
    case.call_and_validate(headers=headers, checks=[not_a_server_error])


@pytest.mark.parametrize("role", FULL_ROLES)
@schema.parametrize()
@FUZZ_SETTINGS
def test_no_api_operation_answers_a_server_error(case, role, role_headers, in_scope_objects):
    # given a generated request / when it is sent / then the answer is not a 5xx
    _check(case, role_headers, in_scope_objects)


@pytest.mark.parametrize("role", SAMPLED_ROLES)
@schema.include(method="PATCH").parametrize()
@FUZZ_SETTINGS
def test_no_api_change_answers_a_server_error_for_other_roles(case, role, role_headers, in_scope_objects):
    # given a generated change / when it is sent / then the answer is not a 5xx
    _check(case, role_headers, in_scope_objects)


# ------------------------------------------------------------------------------- the 5xx schemathesis found, pinned

HUGE = 10**25


def _bearer(org, role: str = "coo") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(org.users[role])[1]}"}


@pytest.mark.parametrize(
    "url",
    [f"/api/v1/stores/?page={HUGE}", f"/api/v1/stores/?page_size={HUGE}",
     f"/api/v1/purchasing/supplier-contacts/?supplier_id=-{HUGE}", f"/api/v1/people/employees/?store={HUGE}",
     f"/api/v1/replenishment/proposals/?supplier={HUGE}"],
)
def test_an_impossible_page_or_id_in_the_query_is_422(client, org, url):
    # given / when
    response = client.get(url, **_bearer(org))
    # then
    assert response.status_code == 422


def test_an_impossible_id_in_an_approval_is_422(client, org):
    # given / when
    response = client.post("/api/v1/replenishment/approve/", json.dumps({"ids": [1, HUGE]}),
                           content_type="application/json", **_bearer(org))
    # then
    assert response.status_code == 422


@pytest.fixture
def corrective_action(org):
    route = next(route for route in all_routes() if route.name == "PATCH /api/v1/storeops/actions/{action_id}/")
    return route.make_object(org, org.users["coo"], True)


def test_null_title_of_a_corrective_action_is_422_and_changes_nothing(client, org, corrective_action):
    # given
    title = corrective_action.title
    # when
    response = client.patch(f"/api/v1/storeops/actions/{corrective_action.pk}/", json.dumps({"title": None}),
                            content_type="application/json", **_bearer(org))
    # then
    assert response.status_code == 422
    assert response.json() == {"detail": "title: may not be null"}
    corrective_action.refresh_from_db()
    assert corrective_action.title == title


def test_null_description_of_a_corrective_action_clears_it(client, org, corrective_action):
    # given / when
    response = client.patch(f"/api/v1/storeops/actions/{corrective_action.pk}/", json.dumps({"description": None}),
                            content_type="application/json", **_bearer(org))
    # then
    assert response.status_code == 200
    corrective_action.refresh_from_db()
    assert corrective_action.description == ""
