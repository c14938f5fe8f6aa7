"""Playwright fixtures for browser tests: Debian's Chromium (never a downloaded browser), headless.

Use in a test module:  `from opsdesk.core.testing.browser import browser_context  # noqa: F401`
and mark the tests `@pytest.mark.browser`. Create database rows before opening pages: Playwright's sync API
runs an event loop in the test thread, which Django's ORM refuses to share unless told it is safe here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("OPSDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(os.environ.get("OPSDESK_ARTIFACTS", Path.cwd() / "artifacts"))


@pytest.fixture
def browser_context(live_server) -> Iterator:
    """A fresh browser context (desktop viewport) against the live test server."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; scripts/test installs it with apt")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, accept_downloads=True, locale="zh-CN")
        context.set_default_timeout(15_000)
        try:
            yield context
        finally:
            context.close()
            browser.close()


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the real login form."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a build artifact (artifacts/<name>.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
