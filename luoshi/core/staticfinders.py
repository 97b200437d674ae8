"""Serve plotly.js from the installed ``plotly`` package as ``plotly/plotly.min.js``.

The file ships inside the Python package, so charts work offline and nothing is copied into
this repository. Only that one file is exposed (the package directory also holds datasets).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_PATH = "plotly/plotly.min.js"


def _package_data() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PLOTLY_PATH:
            return [] if find_all else None
        match = str(_package_data() / "plotly.min.js")
        return [match] if find_all else match

    def list(self, ignore_patterns):
        storage = FileSystemStorage(location=str(_package_data()))
        storage.prefix = "plotly"
        yield "plotly.min.js", storage
