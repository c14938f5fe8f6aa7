"""Serve Plotly's bundled JavaScript (shipped inside the plotly package) as a local static file."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage


class PlotlyFinder(BaseFinder):
    """Exposes plotly/package_data/plotly.min.js as static "vendor/plotly/plotly.min.js"."""

    prefix = "vendor/plotly"

    def __init__(self, *args, **kwargs):
        import plotly

        self.directory = Path(plotly.__file__).resolve().parent / "package_data"
        self.storage = FileSystemStorage(location=str(self.directory))
        self.storage.prefix = self.prefix

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{self.prefix}/plotly.min.js":
            found = str(self.directory / "plotly.min.js")
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
