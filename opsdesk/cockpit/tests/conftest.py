"""Fixtures of the cockpit tests."""

import pytest


@pytest.fixture(autouse=True)
def _live_inbox(settings):
    """Tests create and remove source rows between reads: no memoised provider output."""
    settings.OPSDESK_INBOX_CACHE_SECONDS = 0
