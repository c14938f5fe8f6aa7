"""Root pytest fixtures shared by every app's tests."""

from __future__ import annotations

import pytest
from django.db import transaction

from opsdesk.core.testing.org import Org, build_org


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request of an English user leaves English active on its thread
    (as a server thread would until its next request), which must not leak into the next test of the worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="session")
def _private_media_root(tmp_path_factory):
    """Files the tests upload (supplier documents, imports, photos) never land in the project's var/media."""
    from django.conf import settings
    from django.core.signals import setting_changed

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    # Each test process gets its own shared cache (rate-limit counters of one worker never reach another's tests).
    settings.CACHES = {**settings.CACHES, "shared": {**settings.CACHES["shared"],
                                                     "LOCATION": str(tmp_path_factory.mktemp("cache"))}}
    # Django reads CACHES once; tell its cache handler, or caches["shared"] keeps the project's directory, which
    # every xdist worker shares (one worker's clear would then wipe another's counters mid-test).
    setting_changed.send(sender=type(settings), setting="CACHES", value=settings.CACHES, enter=True)


@pytest.fixture(autouse=True)
def _fresh_shared_cache(_private_media_root):
    """Nothing one test cached (rate-limit counters, launch progress keyed by a reused id, a company's time zone
    and language read by an earlier test's requests under a reused primary key) reaches the next.

    The company preferences are cached per process for a minute: an entry left by an earlier test could expire
    between two requests of this one and add a query to the second (a query-count test failed that way in CI).
    """
    from django.core.cache import caches

    from opsdesk.core.middleware import forget_company_preferences

    forget_company_preferences()
    caches["default"].clear()  # the process-local cache (cockpit bodies, inbox pages keyed by a reused user pk)
    yield
    caches["shared"].clear()


@pytest.fixture(scope="module")
def shared_org(django_db_setup, django_db_blocker):
    """The organisation, built once per test module inside an outer transaction that is rolled back at the end.

    Each test runs in a savepoint inside it (pytest-django's `db`), so tests see the organisation and their own
    writes, never another test's (Django's `setUpTestData` pattern). Not for `transaction=True` tests.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            org = build_org()
        except BaseException:
            outer.__exit__(None, None, None)
            raise
    yield org
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def org(db, shared_org) -> Org:
    """The shared organisation: 2 companies, 3 regions, 5 stores, one user per role (see core/testing/org.py)."""
    for user in shared_org.users.values():
        user.refresh_from_db()
    return shared_org


@pytest.fixture
def login(client):
    """Sign a user in on the test client (no password hashing) and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
