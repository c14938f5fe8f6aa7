"""Root pytest fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from opsdesk.core.testing.org import Org, build_org


@pytest.fixture
def org(db) -> Org:
    """The shared organisation: 2 companies, 3 regions, 5 stores, one user per role (see core/testing/org.py)."""
    return build_org()


@pytest.fixture
def login(client):
    """Sign a user in on the test client (no password hashing) and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
