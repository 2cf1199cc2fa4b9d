"""Building the export HTML and rendering it to a tagged PDF with WeasyPrint.

Two entry points, also used by the benchmark:
- ``build_export_html(document)`` → ``(html, content_fingerprint)``;
- ``render_pdf(html, progress=..., parts=None)`` → ``RenderedPdf(data, page_count, processes)``
  (large exports render in parts, one process per core: chronology/pdf_parallel.py).

Safety: WeasyPrint fetches nothing but our own static files, through the one
locked-down fetcher every PDF uses (``organisations/pdf_fetcher.py``): only
``sgstatic:<path>`` naming a stylesheet or image found by Django's static
finders; no ``file://``, no ``http(s)://``, no ``data:``, no redirects, so no
way for record text to make the renderer read a local file or call out.
Record text reaches the template only as plain strings and Django autoescapes
it, so a ``<img src=...>`` or ``<script>`` typed into a field is printed as text.

The footer fingerprint: a file cannot contain its own hash, so each page's
footer carries the export id and the first 16 hex digits of the *content
fingerprint*: the SHA-256 of the UTF-8 HTML of the document's content (cover
and timeline, exactly as handed to the renderer), which excludes only the page
furniture that prints the fingerprint. The register stores both the content
fingerprint and the SHA-256 of the final PDF file; the latter is what
verification compares.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from chronology import pdf_parallel, pdf_tuning
from organisations.pdf_fetcher import safe_url_fetcher

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"


@dataclass
class RenderedPdf:
    data: bytes
    page_count: int
    processes: int = 1  # how many processes rendered it (chronology/pdf_parallel.py)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _css_string(value: str) -> str:
    """Our own identifiers for the CSS ``content:`` of the page margins."""
    return re.sub(r"[^A-Za-z0-9 ._:·-]", "", value)


# C0 control characters other than tab, newline and carriage return. Text pasted
# from word processors brings vertical tabs and form feeds (their line and page
# breaks); the fonts have no glyph for any of them, so the PDF would show a box
# and PDF readers' text extraction chokes on their ToUnicode entries.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_text_controls(markup: str) -> str:
    return _CONTROL.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "\ufffd", markup)


def build_export_html(document: Any) -> tuple[str, str]:
    """The complete HTML of an export and its content fingerprint.

    ``document`` is a ``chronology.services.ExportDocument``. Vertical tabs and
    form feeds become line breaks and other control characters U+FFFD.
    """
    # Still safe markup: only control characters of the rendered (escaped) text change.
    content = mark_safe(  # noqa: S308
        _plain_text_controls(render_to_string("chronology/pdf/content.html", {"doc": document}))
    )
    fingerprint = hashlib.sha256(content.encode()).hexdigest()
    html = render_to_string(
        "chronology/pdf/document.html",
        {
            "doc": document,
            "content": content,
            "header_reference": _css_string(document.reference),
            "footer_export": _css_string(document.public_id),
            "footer_fingerprint": fingerprint[:16],
        },
    )
    return _plain_text_controls(html), fingerprint


_progress_callbacks: dict[int, Callable[[str], None]] = {}
_progress_lock = threading.Lock()
_progress_installed = False


class _ProgressHandler(logging.Handler):
    """Routes WeasyPrint's progress log to the callback of the rendering thread.

    Installed once: the progress logger stops propagating, so its per-page
    messages never reach the application log.
    """

    def emit(self, record: logging.LogRecord) -> None:
        callback = _progress_callbacks.get(threading.get_ident())
        if callback is None:
            return
        message = record.getMessage()
        page = re.search(r"Page (\d+)", message)
        if page and int(page.group(1)) % 25:
            return  # every 25th page is plenty
        callback(_describe(message))


def _install_progress_handler() -> None:
    global _progress_installed
    with _progress_lock:
        if _progress_installed:
            return
        progress_logger = logging.getLogger("weasyprint.progress")
        progress_logger.addHandler(_ProgressHandler(logging.INFO))
        progress_logger.setLevel(logging.INFO)
        progress_logger.propagate = False
        _progress_installed = True


def _describe(message: str) -> str:
    if "layout" in message:
        page = re.search(r"Page (\d+)", message)
        return f"Laying out pages ({page.group(1)} so far)" if page else "Laying out pages"
    if "Creating PDF" in message:
        return "Writing the PDF"
    if "metadata" in message:
        return "Adding metadata"
    return "Preparing the document"


def load_renderer() -> None:
    """Import WeasyPrint (and the merger's pikepdf) once per process, before the
    first export needs them: the imports take a noticeable fraction of a second."""
    _install_progress_handler()  # before the import, which already logs
    import weasyprint  # noqa: F401

    pdf_parallel.load()


_fonts = threading.local()


def font_config() -> Any:
    """This thread's WeasyPrint ``FontConfiguration``, kept between renders.

    WeasyPrint builds a new one (a new Pango font map) for each render that is
    given none, so every export looked up, loaded and measured its fonts again.
    One per thread: a Pango font map is not safe to share between threads. The
    parts of a parallel render inherit the forking thread's, fonts loaded."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


# Exports with at least this many records render in parts, one process per core
# (chronology/pdf_parallel.py); smaller ones are not worth the forks.
PARALLEL_MIN_ITEMS = 300


def render_pdf(
    html: str, *, progress: Callable[[str], None] | None = None, parts: int | None = None
) -> RenderedPdf:
    """Render export HTML to a tagged (PDF/UA-1) A4 PDF.

    Large exports render in ``parts`` processes (by default one per core, from
    ``PARALLEL_MIN_ITEMS`` records, and as set by ``SAFEGUARD_EXPORT_RENDER_PROCESSES``)
    and are merged; if that fails for any reason the export renders in this process.
    """
    if parts is None:
        parts = _parts_for(html)
    if parts > 1:
        load_renderer()
        logger.info("Rendering the export in %s processes", parts)
        merged = pdf_parallel.render_in_parts(
            html, parts, _render_single, progress, page_numbers=render_page_numbers
        )
        if merged is not None:
            return RenderedPdf(data=merged[0], page_count=merged[1], processes=parts)
        logger.warning("Rendering the export in one process instead of %s", parts)
    return _render_single(html, progress=progress)


def _parts_for(html: str) -> int:
    configured = getattr(settings, "SAFEGUARD_EXPORT_RENDER_PROCESSES", None)
    parts = pdf_parallel.default_parts() if configured is None else int(configured)
    if parts < 2 or html.count(pdf_parallel.ITEM_START) < PARALLEL_MIN_ITEMS:
        return 1
    if threading.active_count() > 1:
        # Forking copies only this thread: a lock another thread holds (in
        # fontconfig, say) would stay held in the child. The background worker
        # that renders large exports runs one thread.
        return 1
    return parts


def _render_single(
    html: str,
    *,
    progress: Callable[[str], None] | None = None,
    laid_out: Callable[[int], None] | None = None,
) -> RenderedPdf:
    """Render in this process, through WeasyPrint's public API only:
    ``HTML(...).render()`` lays the pages out, ``Document.write_pdf()`` writes
    them. ``laid_out`` (used by a part of a parallel render) is called with the
    page count between the two."""
    load_renderer()
    from weasyprint import HTML

    thread = threading.get_ident()
    if progress:
        _progress_callbacks[thread] = progress
    try:
        with pdf_tuning.gc_paused():
            document = HTML(string=html, url_fetcher=safe_url_fetcher(), base_url=None).render(
                font_config=font_config()
            )
            if laid_out is not None:
                laid_out(len(document.pages))
            # A part's streams are left for the join to compress: qpdf's zlib at
            # its default level costs a fraction of pydyf's level 9.
            data = document.write_pdf(
                pdf_variant=PDF_VARIANT, uncompressed_pdf=laid_out is not None
            )
    finally:
        _progress_callbacks.pop(thread, None)
    assert isinstance(data, bytes)
    return RenderedPdf(data=data, page_count=len(document.pages))


def render_page_numbers(total: int) -> bytes:
    """A PDF of ``total`` pages that show only the footer's "Page X of Y" where
    the export's footer prints it: the parts of a parallel render leave that
    footer out, and the merge stamps these pages over theirs. WeasyPrint lays
    the numbers out once, as lines (``chronology/pdf/page_numbers.html``), and
    ``pdf_parallel.label_pages`` puts each line on a page of its own."""
    load_renderer()
    from weasyprint import HTML

    html = render_to_string("chronology/pdf/page_numbers.html", {"pages": range(total)})
    with pdf_tuning.gc_paused():
        labels = HTML(string=html, url_fetcher=safe_url_fetcher(), base_url=None).write_pdf(
            font_config=font_config()
        )
    assert isinstance(labels, bytes)
    return pdf_parallel.label_pages(labels, total)
