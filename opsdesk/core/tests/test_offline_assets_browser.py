"""The API docs drawn by a real browser that cannot reach the internet (its own module: the page tests of
test_offline_assets share a module-scoped organisation in an open transaction, which a live server's thread would
wait on)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from opsdesk.core.testing.browser import browser_context, sign_in  # noqa: F401
from opsdesk.core.testing.factories import make_user

API_DOCS = reverse("api-1.0.0:openapi-view")


@pytest.mark.browser
def test_the_api_docs_render_in_a_browser_that_cannot_reach_the_internet(
    transactional_db, live_server, browser_context  # noqa: F811
):
    # given: a COO, and a browser whose every request to another host fails
    make_user("coo", username="coo_offline", password="offline-docs-pass-2026")
    host = urlsplit(live_server.url).netloc
    remote = []

    def block_remote(route):
        if urlsplit(route.request.url).netloc != host:
            remote.append(route.request.url)
            return route.abort()
        return route.continue_()

    page = browser_context.new_page()
    page.route("**/*", block_remote)
    sign_in(page, "coo_offline", "offline-docs-pass-2026")
    # when
    page.goto(API_DOCS)
    page.wait_for_selector(".swagger-ui .opblock", state="attached", timeout=90_000)  # 650 operations to draw
    # then: Swagger UI drew the operations from our own openapi.json, and nothing was asked of another host
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert remote == []
