"""The permission matrix of every route the project serves (see opsdesk/core/testing/matrix.py)."""

import pytest

from opsdesk.core.testing.matrix import all_routes, check_route, coverage_problems
from opsdesk.core.testing.org import ROLES

ROUTES = all_routes()


def test_every_route_is_declared():
    # given
    routes = all_routes()
    # when
    problems = coverage_problems(routes)
    # then
    assert problems == []


@pytest.mark.parametrize("role", [None, *ROLES], ids=lambda role: role or "anonymous")
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_answers_each_role_by_the_matrix(client, org, route, role):
    # given: the shared organisation, `role` signed in (or nobody)
    # when / then: every method, out of scope then in scope, answers as role_can() says and denials change nothing
    check_route(client, org, route, role)
