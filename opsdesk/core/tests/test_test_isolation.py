"""The suite's own isolation: what the tests write stays out of the project's var/ directory."""

from pathlib import Path

from django.conf import settings
from django.core.cache import caches


def test_the_shared_cache_of_the_tests_is_not_the_projects():
    # a shared cache in var/cache/shared would be one directory for every xdist worker: one worker's clear after a
    # test wiped another's rate-limit counters mid-test
    directory = Path(caches["shared"]._dir).resolve()
    assert directory == Path(settings.CACHES["shared"]["LOCATION"]).resolve()
    assert Path(settings.VAR_DIR).resolve() not in directory.parents
