"""The permission matrix: every URL pattern and every API route, for every role, in scope and out of scope.

Each route declares what it is (`Route`); the expected answer for a role is derived from
`opsdesk.core.permissions.role_can(role, area, action)`, never typed by hand, so the suite follows the matrix:

    anonymous                               page: 302 to the login page;  API: 401
    role may not view the area, or may      403 for routes without an object (list, add, collection writes);
      not do the action                     `Route.hidden_status` (default 404) for object routes
    object out of the user's scope          404 (never 403: existence is not disclosed)
    allowed                                 200 for GET; 302 after a page POST; 200 for an API write
    any denied unsafe request               the object's row (or the model's row count) is unchanged

List routes also check that the in-scope object is listed and the out-of-scope object is not.
`test_every_route_is_declared` walks the URL resolver recursively (including the django-ninja operations under
/api/v1/, one per HTTP method) and FAILS for a pattern or operation no `Route` declares, and for a declaration
whose route is gone: a new page cannot ship without joining the matrix.

How a domain app joins
----------------------
Create `opsdesk/<app>/tests/routes.py` with a list `ROUTES` of `Route`s, one per URL name (pages, namespaced
"<app>:<name>") and one per API operation ("<METHOD> /api/v1/<path with {params}>"). Build objects from the
shared organisation (`opsdesk.core.testing.org.Org`), e.g. for a store-scoped model:

    from opsdesk.core.testing.matrix import Route

    def _count(org, user, in_scope):
        return StockCountFactory(store=org.store_for(user, in_scope))

    def _count_data(org, user, count):
        return {"store": count.store_id, "counted_on": "2024-05-01", "note": "changed by the matrix"}

    ROUTES = [
        Route("inventory:count_list", "list", area="facts", make_object=_count),
        Route("inventory:count_edit", "edit", area="facts", make_object=_count, post_data=_count_data),
        Route("GET /api/v1/counts/{count_id}/", "api-detail", area="facts", make_object=_count),
    ]

`all_routes()` imports every installed `opsdesk.<app>.tests.routes` module; nothing else needs registering.
Object builders receive `(org, user, in_scope)`; `user` is the signed-in user (the staff user for anonymous
requests). POST payloads must be valid for an allowed user: an allowed write is expected to succeed.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from opsdesk.core.permissions import role_can

LOGIN = "login"  # expected outcome: 302 to the login page

PAGE_KINDS = frozenset({"list", "detail", "add", "edit", "delete", "action", "public", "self-service"})
API_KINDS = frozenset({"api-list", "api-detail", "api-write"})
OBJECT_KINDS = frozenset({"detail", "edit", "delete", "api-detail", "api-write"})
LIST_KINDS = frozenset({"list", "api-list"})
_KIND_ACTION = {"list": "view", "detail": "view", "add": "add", "edit": "change", "delete": "delete",
                "api-list": "view", "api-detail": "view"}
_KIND_METHODS = {"list": ("GET",), "detail": ("GET",), "add": ("GET", "POST"), "edit": ("GET", "POST"),
                 "delete": ("GET", "POST"), "action": ("POST",), "public": ("GET",), "self-service": ("GET",),
                 "api-list": ("GET",), "api-detail": ("GET",)}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

ObjectBuilder = Callable[[Any, Any, bool], models.Model]
DataBuilder = Callable[[Any, Any, Any], dict]


@dataclass(frozen=True)
class Route:
    """One URL name (page) or API operation, and what it is.

    Attributes:
        name: "<namespace>:<url name>" for a page; "<METHOD> /api/v1/<path>" for an API operation.
        kind: list, detail, add, edit, delete, action, api-list, api-detail, api-write, public or self-service.
        area: the permission area (see permissions.py); not used by public and self-service routes.
        action: view/add/change/delete; defaults from the kind (required for action and api-write).
        make_object: `(org, user, in_scope) -> object`: the object in the URL (object kinds, actions and
            self-service routes with a pk) or the object expected in / absent from a list.
        post_data: `(org, user, object) -> dict` for unsafe requests (form data, or the JSON body of the API).
        model: the model whose row count must not change on a denied POST without an object (add routes).
        methods: HTTP methods to send, defaults from the kind (API operations: the method in `name`).
        object_in_url: whether the object's pk is the URL argument (defaults from the kind).
        hidden_status: the answer of an object route to a role that may not view the area at all.
        anonymous_status / signed_in_status: the fixed answers of a public route.
        post_status: the answer to an allowed unsafe request (default: 302 pages, 200 API).
        link: `object -> url` shown in a list page (default `get_absolute_url()`).
        url_args: `object -> [args]` for pages whose URL takes more than the object's pk.
    """

    name: str
    kind: str
    area: str | None = None
    action: str | None = None
    make_object: ObjectBuilder | None = None
    post_data: DataBuilder | None = None
    model: type[models.Model] | None = None
    methods: tuple[str, ...] | None = None
    object_in_url: bool | None = None
    hidden_status: int = 404
    anonymous_status: int | None = None
    signed_in_status: int | None = None
    post_status: int | None = None
    link: Callable[[models.Model], str] | None = None
    url_args: Callable[[models.Model], list] | None = None

    def __post_init__(self) -> None:
        if self.kind not in PAGE_KINDS | API_KINDS:
            raise ValueError(f"{self.name}: unknown route kind {self.kind!r}")
        if self.kind not in {"public", "self-service"} and (self.area is None or self.resolved_action is None):
            raise ValueError(f"{self.name}: a {self.kind} route needs an area and an action")
        if self.kind == "public" and (self.anonymous_status is None or self.signed_in_status is None):
            raise ValueError(f"{self.name}: a public route declares anonymous_status and signed_in_status")

    def __str__(self) -> str:
        return self.name

    @property
    def is_api(self) -> bool:
        return self.name.split(" ", 1)[0].isupper() and " /" in self.name

    @property
    def resolved_action(self) -> str | None:
        return self.action or _KIND_ACTION.get(self.kind)

    @property
    def resolved_methods(self) -> tuple[str, ...]:
        if self.methods:
            return self.methods
        if self.is_api:
            return (self.name.split(" ", 1)[0],)
        return _KIND_METHODS[self.kind]

    @property
    def has_url_object(self) -> bool:
        if self.object_in_url is not None:
            return self.object_in_url
        if self.is_api:
            return "{" in self.name  # a collection operation (POST /things/) has no object in its path
        return self.kind in OBJECT_KINDS or (self.make_object is not None and self.kind not in LIST_KINDS)

    def url(self, obj: models.Model | None) -> str:
        if not self.has_url_object:
            args = []
        else:
            args = self.url_args(obj) if self.url_args is not None else [obj.pk]
        if self.is_api:
            path = self.name.split(" ", 1)[1]
            return re.sub(r"\{[^}]+\}", lambda _match: str(args[0]), path) if args else path
        return reverse(self.name, args=args)


# --------------------------------------------------------------------------------------------------- outcomes


def expected_outcome(route: Route, user, method: str, in_scope: bool) -> int | str:
    """The answer a request must get: a status code, or LOGIN for the redirect to the login page."""
    unsafe = method not in SAFE_METHODS
    if route.kind == "public":
        return route.anonymous_status if user is None else route.signed_in_status
    if user is None:
        return 401 if route.is_api else LOGIN
    success = _success_status(route, unsafe)
    if route.kind == "self-service":
        return 404 if route.has_url_object and not in_scope else success
    can_view = role_can(user.role, route.area, "view")
    can_act = role_can(user.role, route.area, route.resolved_action)
    if route.has_url_object:
        # One rule for objects, pages and API alike: out of scope or not permitted reads as absent.
        if not can_view or not can_act:
            return route.hidden_status
        if not in_scope:
            return 404
    return success if can_act else 403


def _success_status(route: Route, unsafe: bool) -> int:
    if not unsafe:
        return 200
    if route.post_status is not None:
        return route.post_status
    return 200 if route.is_api else 302


# --------------------------------------------------------------------------------------------------- requests


def send(client: Client, route: Route, method: str, url: str, data: dict | None):
    if method in SAFE_METHODS:
        return client.generic(method, url)
    if route.is_api:
        return client.generic(method, url, json.dumps(data or {}), content_type="application/json")
    return client.post(url, data or {})


def snapshot(route: Route, obj: models.Model | None) -> tuple:
    """What a denied request must leave untouched: the object's row and the row count of the route's model."""
    is_row = isinstance(obj, models.Model)
    row = list(type(obj)._default_manager.filter(pk=obj.pk).values()) if is_row else None
    count = route.model._default_manager.count() if route.model is not None else None
    return row, count


def _describe(route: Route, role: str | None, method: str, in_scope: bool) -> str:
    scope = "in scope" if in_scope else "out of scope"
    return f"{method} {route.name} as {role or 'anonymous'} ({scope})"


def assert_outcome(response, expected: int | str, context: str) -> None:
    if expected == LOGIN:
        location = response.get("Location", "")
        message = f"{context}: expected a redirect to the login page, got {response.status_code} {location!r}"
        assert response.status_code == 302, message
        assert location.startswith(reverse("core:login")), message
        return
    assert response.status_code == expected, f"{context}: expected {expected}, got {response.status_code}"


def check_route(client: Client, org, route: Route, role: str | None) -> None:
    """Send every method of `route` as `role` to the out-of-scope then the in-scope object, and check each answer."""
    user = org.users[role] if role else None
    builder_user = user or org.users["staff"]
    if user is not None:
        client.force_login(user)
    objects = {}
    if route.make_object is not None:
        objects = {True: route.make_object(org, builder_user, True), False: route.make_object(org, builder_user, False)}
    cases = [False, True] if route.has_url_object and user is not None else [True]
    for in_scope in cases:
        obj = objects.get(in_scope)
        url = route.url(obj)
        for method in route.resolved_methods:
            expected = expected_outcome(route, user, method, in_scope)
            context = _describe(route, role, method, in_scope)
            data = route.post_data(org, builder_user, obj) if route.post_data and method not in SAFE_METHODS else None
            before = snapshot(route, obj)
            response = send(client, route, method, url, data)
            assert_outcome(response, expected, context)
            if method not in SAFE_METHODS and (expected == LOGIN or (isinstance(expected, int) and expected >= 400)):
                assert snapshot(route, obj) == before, f"{context}: the denied request changed the database"
            if route.kind in LIST_KINDS and expected == 200 and objects:
                _assert_listing(route, response, objects, context)


def _assert_listing(route: Route, response, objects: dict, context: str) -> None:
    """A list shows the in-scope object and hides the out-of-scope one."""
    inside, outside = objects[True], objects[False]
    if route.is_api:
        ids = [item["id"] for item in response.json()["items"]]
        assert inside.pk in ids, f"{context}: in-scope object {inside.pk} missing from {ids}"
        assert outside.pk not in ids, f"{context}: out-of-scope object {outside.pk} listed in {ids}"
        return
    link = route.link or (lambda obj: obj.get_absolute_url())
    content = response.content.decode()
    assert f'href="{link(inside)}"' in content, f"{context}: in-scope object {inside!r} is not listed"
    assert f'href="{link(outside)}"' not in content, f"{context}: out-of-scope object {outside!r} is listed"


# --------------------------------------------------------------------------------------------------- discovery


def _path_view(callback):
    """The django-ninja PathView behind a URL pattern's view, or None for an ordinary Django view."""
    from ninja.operation import PathView

    for cell in getattr(callback, "__closure__", None) or ():
        try:
            contents = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(contents, PathView):
            return contents
    return None


def _walk(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern, inner, route)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield name, route, pattern


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route)


def discover_routes() -> set[str]:
    """Every URL name (pages) and every "<METHOD> <path>" API operation the project serves."""
    found: set[str] = set()
    for name, route, pattern in _walk(get_resolver()):
        path_view = _path_view(pattern.callback)
        if path_view is None:
            found.add(name)
            continue
        for operation in path_view.operations:
            found.update(f"{method} {_openapi_path(route)}" for method in operation.methods)
    return found


def coverage_problems(routes: list[Route]) -> list[str]:
    """Routes served but not declared, declared twice, or declared but no longer served."""
    declared = [route.name for route in routes]
    found = discover_routes()
    problems = [f"not declared in the permission matrix: {name}" for name in sorted(found - set(declared))]
    problems += [f"declared but not served: {name}" for name in sorted(set(declared) - found)]
    problems += [f"declared twice: {name}" for name in sorted({n for n in declared if declared.count(n) > 1})]
    return problems


def all_routes() -> list[Route]:
    """The core routes plus every installed `opsdesk.<app>.tests.routes.ROUTES`."""
    from opsdesk.core.testing.routes import ROUTES as core_routes

    routes = list(core_routes)
    for config in apps.get_app_configs():
        if not config.name.startswith("opsdesk."):
            continue
        module_name = f"{config.name}.tests.routes"
        try:
            spec = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            routes.extend(importlib.import_module(module_name).ROUTES)
    return routes
