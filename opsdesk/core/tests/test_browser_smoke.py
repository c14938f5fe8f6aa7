"""Placeholder proving the browser wiring of scripts/test (Debian Chromium through Playwright); the lead replaces it."""

import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


def _launch(playwright):
    return playwright.chromium.launch(
        executable_path=os.environ.get("OPSDESK_CHROMIUM", "/usr/bin/chromium"), headless=True, args=CHROMIUM_ARGS
    )


def test_chromium_renders_a_data_url(tmp_path):
    # given
    url = "data:text/html;charset=utf-8,<title>OpsDesk</title><h1 id='h'>营运台</h1>"
    # when
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 400, "height": 300})
        page.goto(url)
        page.screenshot(path=tmp_path / "shot.png")
        title, heading = page.title(), page.text_content("#h")
        browser.close()
    # then
    assert title == "OpsDesk"
    assert heading == "营运台"
    assert (tmp_path / "shot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# Inside `sync_playwright()` the test runs in a greenlet with its own contextvars, so Django hands it a second DB
# connection; with the in-memory SQLite test DB a transaction held by the first would lock it: use transaction=True
# (as live_server does) or create the data before entering the Playwright context.
@pytest.mark.django_db(transaction=True)
def test_orm_is_usable_while_playwright_runs(django_user_model):
    # given
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        # when: the ORM is called while Playwright's event loop runs (needs DJANGO_ALLOW_ASYNC_UNSAFE)
        django_user_model.objects.create_user(username="smoke", password="not-a-secret-123")
        count = django_user_model.objects.filter(username="smoke").count()
        browser.close()
    # then
    assert count == 1
