"""OpsDesk works with no internet: no page loads a script, stylesheet, image, font or frame from another host.

Every page the permission matrix knows (`all_routes()`) is rendered for the COO of the shared organisation, the
public pages for an anonymous visitor, and the API docs (Swagger UI, which django-ninja serves from its own static
files because "ninja" is an installed app). Links a person follows (<a href>, form actions) may point anywhere:
documentation, a supplier's site.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from opsdesk.core.testing.matrix import Route, all_routes, expected_outcome

API_DOCS = reverse("api-1.0.0:openapi-view")
#: Attributes that make the browser fetch something, by tag ("*": any tag). SVG <use>/<image> fetch by href.
FETCHING_ATTRIBUTES = {
    "script": {"src"},
    "link": {"href"},
    "img": {"src", "srcset"},
    "source": {"src", "srcset"},
    "video": {"src", "poster"},
    "audio": {"src"},
    "track": {"src"},
    "iframe": {"src"},
    "frame": {"src"},
    "embed": {"src"},
    "object": {"data"},
    "input": {"src"},
    "image": {"href", "xlink:href"},
    "use": {"href", "xlink:href"},
    "*": {"background"},
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)


class _Assets(HTMLParser):
    """What a page makes the browser fetch: (tag, attribute, URL) for fetching attributes, inline CSS url()s."""

    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        fetching = FETCHING_ATTRIBUTES.get(tag, set()) | FETCHING_ATTRIBUTES["*"]
        for name, value in attrs:
            if value is None:
                continue
            if name in fetching:
                urls = [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
                self.assets.extend((tag, name, url) for url in urls)
            elif name == "style":
                self.assets.extend((tag, "style", url) for url in _css_urls(value))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.assets.extend(("style", "url()", url) for url in _css_urls(data))


def _css_urls(css: str) -> list[str]:
    return [first or second for first, second in CSS_URL.findall(css)]


def _is_remote(url: str, host: str) -> bool:
    """An absolute or protocol-relative URL to another host (data: and blob: URLs are local)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"", "http", "https"} or not parts.netloc:
        return False
    return parts.netloc.lower() != host.lower()


@cache
def _remote_urls_in_stylesheet(path: str) -> tuple[str, ...]:
    """Remote url()s and @imports of one of our static stylesheets (fonts and images it would fetch)."""
    found = finders.find(path)
    if found is None:
        return (f"missing static file {path}",)
    with open(found, encoding="utf-8", errors="replace") as handle:
        css = handle.read()
    return tuple(url for url in _css_urls(css) if _is_remote(url, "local.invalid"))


def remote_assets(html: str, host: str) -> list[str]:
    """Every asset of a page that another host would serve, including through our own stylesheets."""
    parser = _Assets()
    parser.feed(html)
    remote = [f"<{tag} {attribute}={url}>" for tag, attribute, url in parser.assets if _is_remote(url, host)]
    for tag, _attribute, url in parser.assets:
        path = urlsplit(url).path
        if tag == "link" and path.startswith(settings.STATIC_URL) and path.endswith(".css"):
            stylesheet = path.removeprefix(settings.STATIC_URL)
            remote += [f"{stylesheet}: {found}" for found in _remote_urls_in_stylesheet(stylesheet)]
    return remote


def _coo_pages() -> list[Route]:
    """The page routes a COO may GET (the matrix's answer to them in scope is 200)."""
    coo = SimpleNamespace(role="coo")  # the matrix reads only the role
    return [route for route in all_routes() if not route.is_api and "GET" in route.resolved_methods
            and route.kind != "public" and expected_outcome(route, coo, "GET", True) == 200]


def _public_pages() -> list[Route]:
    return [route for route in all_routes() if route.kind == "public" and route.anonymous_status == 200]


def _html(response) -> str | None:
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    return response.content.decode()


# --------------------------------------------------------------------------------------------- the detector


# The sample pages name their remote hosts through {s} ("https:"), {h} ("http:") and {p} (nothing: a protocol-relative
# address), so that this file itself references no remote asset for a scan of the sources to find.
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="{s}//cdn.example/npm/x.js"></script>', ["<script src={s}//cdn.example/npm/x.js>"]),
        ('<link rel="stylesheet" href="{p}//fonts.example/css">', ["<link href={p}//fonts.example/css>"]),
        ('<img srcset="/a.png 1x, {h}//img.example/b.png 2x">', ["<img srcset={h}//img.example/b.png>"]),
        ('<div style="background: url(\'{s}//x.example/bg.png\')"></div>', ["<div style={s}//x.example/bg.png>"]),
        ("<style>@import '{s}//x.example/f.css';</style>", ["<style url()={s}//x.example/f.css>"]),
        ('<svg><use href="{s}//x.example/s.svg#i"></use></svg>', ["<use href={s}//x.example/s.svg#i>"]),
        ('<a href="{s}//docs.example/help">help</a><form action="{s}//x.example/"></form>', []),
        ('<script src="{h}//testserver/static/x.js"></script><img src="data:image/png;base64,AAAA">', []),
        ('<script src="/static/x.js"></script><link href="/static/opsdesk/opsdesk.css" rel="stylesheet">', []),
    ],
)
def test_remote_assets_finds_fetched_urls_of_other_hosts_only(html, expected):
    # given
    schemes = {"s": "https:", "h": "http:", "p": ""}
    # when
    found = remote_assets(html.format(**schemes), "testserver")
    # then
    assert found == [item.format(**schemes) for item in expected]


# --------------------------------------------------------------------------------------------- the pages


COO_PAGES = _coo_pages()


def test_the_coo_walk_covers_the_project():
    # given / when
    names = {route.name for route in COO_PAGES}
    # then: the matrix's pages, not a hand-picked few (317 when this test was written)
    assert len(COO_PAGES) > 250
    assert {"core:home", "core:store_list", "core:store_add"} <= names


@pytest.mark.parametrize("route", COO_PAGES, ids=str)
def test_no_page_of_the_coo_loads_a_remote_asset(client, org, route):
    # given
    coo = org.users["coo"]
    client.force_login(coo)
    url = route.url(route.make_object(org, coo, True) if route.make_object else None)
    # when
    response = client.get(url)
    html = _html(response)
    # then
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    assert html is None or remote_assets(html, response.wsgi_request.get_host()) == []


@pytest.mark.parametrize("route", _public_pages(), ids=str)
def test_no_public_page_loads_a_remote_asset(client, org, route):
    # given: nobody signed in
    url = route.url(route.make_object(org, org.users["staff"], True) if route.make_object else None)
    # when
    response = client.get(url)
    html = _html(response)
    # then
    assert response.status_code == 200
    assert html is None or remote_assets(html, response.wsgi_request.get_host()) == []


def test_the_login_page_loads_no_remote_asset(client, db):
    # given / when
    response = client.get(reverse("core:login"))
    # then
    assert response.status_code == 200
    assert remote_assets(response.content.decode(), response.wsgi_request.get_host()) == []


# --------------------------------------------------------------------------------------------- the API docs


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def test_the_api_docs_load_swagger_ui_from_static_with_an_external_init_script(client, org):
    # given
    client.force_login(org.users["coo"])
    # when
    response = client.get(API_DOCS)
    parser = _Scripts()
    parser.feed(response.content.decode())
    # then: the bundle and its start-up script are our static files; the only inline <script> is JSON data
    assert response.status_code == 200
    assert [script.get("src") for script in parser.scripts] == [
        None,
        static("ninja/swagger-ui-bundle.js"),
        static("ninja/swagger-ui-init.js"),
    ]
    assert parser.scripts[0] == {"type": "application/json", "id": "swagger-settings"}
    assert finders.find("ninja/swagger-ui-bundle.js") is not None
    assert finders.find("ninja/swagger-ui-init.js") is not None
    assert remote_assets(response.content.decode(), response.wsgi_request.get_host()) == []
    assert "script-src 'self';" in response["Content-Security-Policy"] + ";"
