"""Fixtures of the reports tests."""

import pytest


@pytest.fixture(autouse=True)
def _live_inbox(settings):
    """Tests create and complete decisions between inbox reads: no memoised provider output."""
    settings.OPSDESK_INBOX_CACHE_SECONDS = 0
