"""The one URL fetcher for every PDF WeasyPrint renders (chronology exports,
decision PDFs, audit reports): a security control, so there is one copy.

It serves nothing but our own static files, named ``sgstatic:<path>`` and found
by Django's static finders: a stylesheet, an SVG or a PNG. No ``file://``, no
``http(s)://``, no ``data:``, no redirects, so nothing typed into a record can
make the renderer read a local file or call out. It lives in the bottom app so
that every app that renders a PDF can use it without importing another.

One more scheme, ``sgevidence:<storage name>``: a photograph from the evidence
storage (issue 21), which an export puts in only where its audience profile
allows and the exporter ticked "include images". Only names of the shape the
app gives stored images (``<organisation>/<32 hex>.jpg|.png``, random, never
shown to anyone) are read, through Django's storage API; record text is always
escaped text, never a URL the renderer fetches.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

STATIC_SCHEME = "sgstatic:"
ALLOWED_SUFFIXES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
EVIDENCE_SCHEME = "sgevidence:"
EVIDENCE_NAME = re.compile(r"[0-9]+/[0-9a-f]{32}\.(jpg|png)")
EVIDENCE_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def evidence_image(url: str) -> tuple[bytes, str] | None:
    """The bytes and type of a stored evidence image a ``sgevidence:`` URL names."""
    if not url.startswith(EVIDENCE_SCHEME):
        return None
    name = url[len(EVIDENCE_SCHEME) :]
    match = EVIDENCE_NAME.fullmatch(name)
    if match is None:
        return None
    from django.core.files.storage import storages

    try:
        with storages["evidence"].open(name, "rb") as handle:
            return handle.read(), EVIDENCE_TYPES[match.group(1)]
    except (FileNotFoundError, OSError):
        return None


def static_path_for(url: str) -> Path | None:
    """The static file a ``sgstatic:`` URL names, or None if it is not allowed."""
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
    """A WeasyPrint ``URLFetcher`` (its public class) that serves only what
    :func:`static_path_for` allows. Built lazily: WeasyPrint is a heavy import
    that web pages without PDFs should not pay for."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            image = evidence_image(url)
            if image is not None:
                return URLFetcherResponse(url, image[0], {"Content-Type": image[1]})
            path = static_path_for(url)
            if path is None:
                logger.warning("PDF renderer refused a resource (%s)", url.split(":", 1)[0])
                raise ValueError("Resource not allowed in PDFs.")
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": ALLOWED_SUFFIXES[path.suffix]}
            )

    return SafeURLFetcher()
