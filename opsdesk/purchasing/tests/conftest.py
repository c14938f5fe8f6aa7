"""Fixtures of the purchasing tests."""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    """A private MEDIA_ROOT: uploaded supplier documents never land in the project's var/ directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
