"""Hostile query parameters for every GET page of the permission matrix: no page may answer a 5xx.

A page reads its query string in three places: the generic list view (`per_page`, `page`, `sort`, `export`),
its FilterSet (one field per filter name), and hand-written views (`month`, `store`, `region`, ...). For each
page route `hostile_queries` yields one query string per hostile value of each parameter (huge and negative
integers, words where numbers belong, NUL bytes), and empty and 10 kB strings in every filter at once. A bad
parameter must answer 4xx, or be ignored (the page shown unfiltered); never 500.

    for route in page_routes():
        assert not fuzz_page(org, route, ("coo", "store_manager"))
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import resolve

from opsdesk.core.testing.matrix import Route, all_routes

HUGE = str(10**25)
LONG = "x" * 10_000
#: Sent to each filter of a list page's FilterSet, one request per filter and value.
FILTER_VALUES: tuple[str, ...] = (HUGE, str(-(10**25)), "abc", "\x00")
#: Sent to all filters of a list page at once, one request per value.
ALL_FILTERS_VALUES: tuple[str, ...] = ("", LONG)
#: Parameters any page might read (the generic list view, hand-written views), with values that broke pages.
COMMON_PARAMETERS: dict[str, tuple[str, ...]] = {
    "per_page": ("-1", "0", HUGE),
    "page": ("-1", "abc"),
    "sort": ("nonexistent",),
    "month": ("9999-99", HUGE),
    "store": ("abc", HUGE, "²"),
    "region": (HUGE, "²"),
    "supplier": (str(-(10**25)),),
}
PAGE_KINDS = frozenset({"list", "detail"})


@dataclass(frozen=True)
class PageFailure:
    """A hostile request a page answered with a server error."""

    role: str
    url: str
    status: int
    error: str

    def __str__(self) -> str:
        return f"GET {self.url[:200]} as {self.role}: {self.status} {self.error}"


def page_routes() -> list[Route]:
    """The GET page routes (lists and details) of the permission matrix."""
    return [route for route in all_routes() if route.kind in PAGE_KINDS and not route.is_api]


def filter_names(url: str) -> list[str]:
    """The query parameters of the page's FilterSet (declared on the view, or built from its CRUD spec)."""
    view_class = getattr(resolve(url.split("?", 1)[0]).func, "view_class", None)
    spec = getattr(view_class, "spec", None)
    filterset_class = spec.get_filterset_class() if spec is not None else getattr(view_class, "filterset_class", None)
    if filterset_class is None:
        return []
    names = []
    for name, declared in filterset_class.base_filters.items():
        # A range filter reads <name>_after/_before (dates) or <name>_min/_max, never <name> itself.
        suffixes = getattr(getattr(declared.field_class, "widget", None), "suffixes", None)
        names += [f"{name}_{suffix}" for suffix in suffixes] if suffixes else [name]
    return names


def hostile_queries(url: str, kind: str) -> Iterator[dict[str, str]]:
    """One query per hostile value of each common parameter and, on a list page, of each filter of its FilterSet."""
    for name, values in COMMON_PARAMETERS.items():
        for value in values:
            yield {name: value}
    names = filter_names(url) if kind == "list" else []
    for name in names:
        for value in FILTER_VALUES:
            yield {name: value}
    for value in ALL_FILTERS_VALUES if names else ():
        yield dict.fromkeys(names, value)


def page_object(org, route: Route, role: str):
    """The route's in-scope object (store a1: in every role's scope), built as the user of `role`."""
    return route.make_object(org, org.users[role], True) if route.make_object is not None else None


def fuzz_page(org, route: Route, roles: tuple[str, ...]) -> list[PageFailure]:
    """Send every hostile query to the page as each role (one object, built as the last role); the 5xx answers."""
    url = route.url(page_object(org, route, roles[-1]))
    failures = []
    for role in roles:
        client = Client(raise_request_exception=False)
        client.force_login(org.users[role])
        for query in hostile_queries(url, route.kind):
            full_url = f"{url}?{urlencode(query)}"
            response = client.get(full_url)
            if response.status_code >= 500:
                error = repr(response.exc_info[1])[:300] if getattr(response, "exc_info", None) else ""
                failures.append(PageFailure(role, full_url, response.status_code, error))
    return failures


@contextmanager
def django_signals_kept_open() -> Iterator[None]:
    """Serve requests through the real WSGI handler inside a test transaction.

    The handler closes the database connection at the start and end of each request (`close_old_connections`),
    which would end the test's transaction; Django's test client disconnects it the same way.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
