"""The audit report as PDF, rendered by WeasyPrint with a locked-down fetcher.

The fetcher serves only our own static files named ``sgstatic:<path>`` (CSS,
found by Django's static finders): no file://, http(s):// or data: URLs, so
nothing typed into a record can make the renderer read a local file or call
out. (The chronology exports build the same kind of fetcher; this small local
copy keeps the audits app free of a dependency on chronology.)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_SCHEME = "sgstatic:"
ALLOWED_SUFFIXES = {".css": "text/css"}


def static_path_for(url: str) -> Path | None:
    if not url.startswith(STATIC_SCHEME):
        return None
    relative = unquote(url[len(STATIC_SCHEME) :])
    if (
        not relative
        or relative.startswith(("/", "\\"))
        or ".." in relative.split("/")
        or not re.fullmatch(r"[A-Za-z0-9_./-]+", relative)
    ):
        return None
    found = finders.find(relative)
    if not found or isinstance(found, list):
        return None
    path = Path(found)
    if path.suffix not in ALLOWED_SUFFIXES or not path.is_file():
        return None
    return path


def safe_url_fetcher() -> Any:
    """Built lazily: WeasyPrint is a heavy import pages without PDFs should not pay for."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _SafeURLFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_path_for(url)
            if path is None:
                raise ValueError("Resource not allowed in PDF reports.")
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": ALLOWED_SUFFIXES[path.suffix]}
            )

    return _SafeURLFetcher()


def render_report(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("audits/quality/report_pdf.html", context)
    return bytes(HTML(string=html, url_fetcher=safe_url_fetcher(), base_url=None).write_pdf())
