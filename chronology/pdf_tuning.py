"""Measured speed-ups for WeasyPrint 70 and pydyf 0.13 (see docs/chronology.md).

Exports are WeasyPrint's heaviest use in the project: a 1,000-record chronology
is ~140 pages and ~7,500 lines of text, and the renderer's cost is Python
work per line and per glyph. Each change here leaves the PDF the same, is
installed once per process by ``install()`` and is pinned to the versions it
was written against: after an upgrade it is skipped (exports stay correct,
just slower) and tests/chronology/test_renderer.py fails until it is reviewed.

- ``parse_export_html()``: our export HTML is also well-formed XML, so Python's
  C XML parser (expat) builds the tree WeasyPrint's pure-Python HTML5 parser
  would have built, ~10 times faster; anything it rejects (a control character
  typed into a record, say) goes to WeasyPrint's own parser as before.
- ``gc_paused()``: the cyclic garbage collector stays off while a document is
  laid out and written. WeasyPrint allocates hundreds of thousands of
  long-lived objects (boxes, styles), so the collector kept re-scanning them:
  about a sixth of the render's CPU, for almost no garbage.
- ``page_references``: pydyf rebuilt the tuple of every page reference each
  time PDF/UA tagging asked for one page's (quadratic in the page count).
- Content streams are deflated at zlib's default level 6 instead of pydyf's 9:
  ~4% larger streams for a fifth of the compression time.
- Each line of text is shaped by Pango when it is laid out, then WeasyPrint
  frees the result and shapes the line again to draw it. The shaped layout is
  now kept until the line is drawn (bounded; chronology/pdf_fastpaths.py).
- ``draw_first_line`` (the PDF text operators of each line) reads a run's
  glyphs in one block instead of one cffi struct access per field per glyph,
  works out what each distinct glyph writes once per document, and leaves out
  the zero kerning adjustments (``>0<``) WeasyPrint writes after nearly every
  glyph: the same glyphs at the same positions.
- ``resolve_percentages``, ``Box.is_in_normal_flow`` and ``avoid_collisions``,
  called for every box and line, have fast paths for what exports contain.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import sys
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree

# The versions each patch was written against and checked on (the tests compare
# its output with the library's own).
WEASYPRINT_VERSIONS = {"70.0"}
PYDYF_VERSIONS = {"0.13.0"}
ZLIB_LEVEL = 6

_lock = threading.Lock()
_installed: set[str] = set()
# Every replacement made: (owner, attribute, original, replacement).
_patches: list[tuple[Any, str, Any, Any]] = []
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while rendering (reference counting still
    frees almost everything). Nests and works across threads: the collector
    is back on, if it was on, once the last render ends."""
    global _gc_pausers, _gc_was_enabled
    with _lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def parse_export_html(html_class: Any, html: str, url_fetcher: Any) -> Any | None:
    """A WeasyPrint ``HTML`` of our export markup parsed as XML, or None when the
    markup is not well-formed XML or WeasyPrint is not a version this was
    checked against (the caller then lets WeasyPrint parse it).

    The markup comes from our templates with every value escaped, so it holds
    no DTD and no entity beyond the predefined ones: expat expands nothing and
    fetches nothing.
    """
    import weasyprint

    if weasyprint.__version__ not in WEASYPRINT_VERSIONS:
        return None
    import cssselect2
    from weasyprint import _find_base_url

    if html.count("<!") > 1:  # only the doctype: no entity declarations, no comments
        return None
    try:
        root = ElementTree.fromstring(html)  # noqa: S314 - our own escaped markup, see above
    except ElementTree.ParseError:
        return None
    # What weasyprint.HTML.__init__ sets once it has parsed the document.
    document = html_class.__new__(html_class)
    document.base_url = _find_base_url(root, None)
    document.url_fetcher = url_fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def install() -> set[str]:
    """Install the patches that apply to the installed versions; returns their names."""
    import pydyf
    import weasyprint

    with _lock:
        if _installed:
            return set(_installed)
        if pydyf.__version__ in PYDYF_VERSIONS:
            _patch(pydyf.PDF, "page_references", _page_references_property())
            _patch(pydyf, "zlib", _Zlib(ZLIB_LEVEL))
            _installed.update({"page_references", "zlib_level"})
        if weasyprint.__version__ in WEASYPRINT_VERSIONS:
            _install_fast_paths()
            _installed.update(
                {
                    "draw_first_line",
                    "layout_reuse",
                    "resolve_percentages",
                    "is_in_normal_flow",
                    "avoid_collisions",
                }
            )
        return set(_installed)


def _install_fast_paths() -> None:
    # Every module that imports a replaced function by name gets the new one, so
    # all of WeasyPrint's layout modules are imported first.
    import weasyprint.layout

    for found in pkgutil.iter_modules(weasyprint.layout.__path__, "weasyprint.layout."):
        importlib.import_module(found.name)
    from weasyprint.draw import text
    from weasyprint.formatting_structure.boxes import Box
    from weasyprint.text.line_break import Layout

    from chronology import pdf_fastpaths as fast

    _patch(text, "draw_first_line", fast.draw_first_line_for(text.draw_first_line))
    deactivate, reactivate = fast.layout_reuse_for(Layout.deactivate, Layout.reactivate)
    _patch(Layout, "deactivate", deactivate)
    _patch(Layout, "reactivate", reactivate)
    _patch(Box, "is_in_normal_flow", fast.is_in_normal_flow_for(Box.is_in_normal_flow))
    for original, make in [
        (weasyprint.layout.percent.resolve_percentages, fast.resolve_percentages_for),
        (weasyprint.layout.float.avoid_collisions, fast.avoid_collisions_for),
    ]:
        replacement = make(original)
        for name, module in list(sys.modules.items()):
            if name.startswith("weasyprint.") and module is not None:
                for attribute, value in list(vars(module).items()):
                    if value is original:
                        _patch(module, attribute, replacement)


def _patch(owner: Any, attribute: str, replacement: Any) -> None:
    _patches.append((owner, attribute, getattr(owner, attribute), replacement))
    setattr(owner, attribute, replacement)


@contextmanager
def originals() -> Iterator[None]:
    """WeasyPrint and pydyf as shipped while the block runs (for the tests that
    compare the two; not thread-safe)."""
    for owner, attribute, original, _replacement in _patches:
        setattr(owner, attribute, original)
    try:
        yield
    finally:
        for owner, attribute, _original, replacement in _patches:
            setattr(owner, attribute, replacement)


def _page_references_property() -> property:
    """WeasyPrint's PDF/UA tagging asks for one page's reference for every tagged
    element, and pydyf rebuilds the tuple of *all* page references on each
    call (~200 million tuple items for a 1,000-page export). The cached tuple
    is the same value, rebuilt whenever a page is added."""

    def page_references(self: Any) -> tuple[bytes, ...]:
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_safeguard_page_references")
        if cached is None or cached[0] != len(kids):
            cached = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
            self.__dict__["_safeguard_page_references"] = cached
        return cached[1]

    return property(page_references)


class _Zlib:
    """pydyf's view of the zlib module, at a chosen compression level."""

    def __init__(self, level: int) -> None:
        self.level = level

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data: bytes, level: int = -1) -> bytes:
        return zlib.compress(data, self.level)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)
