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
  now kept until the line is drawn (at most ``MAX_KEPT_LAYOUTS`` at a time,
  ~3 kB each, so a 10,000-record export does not grow by hundreds of MB).
- ``draw_first_line`` (the PDF text operators of each line) reads a run's
  glyphs in one block instead of one cffi struct access per field per glyph,
  works out what each distinct glyph writes once per document, and leaves out
  the zero kerning adjustments (``>0<``) WeasyPrint writes after nearly every
  glyph: the same glyphs at the same positions.
"""

from __future__ import annotations

import gc
import re
import struct
import threading
import weakref
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
MAX_KEPT_LAYOUTS = 20_000

_lock = threading.Lock()
_installed: set[str] = set()
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
        if pydyf.__version__ in PYDYF_VERSIONS:
            if "page_references" not in _installed:
                _install_page_reference_cache(pydyf)
                _installed.add("page_references")
            if "zlib_level" not in _installed:
                pydyf.zlib = _Zlib(ZLIB_LEVEL)
                _installed.add("zlib_level")
        if weasyprint.__version__ in WEASYPRINT_VERSIONS:
            if "draw_first_line" not in _installed:
                from weasyprint.draw import text

                text.draw_first_line = _fast_draw_first_line(text.draw_first_line)
                _installed.add("draw_first_line")
            if "layout_reuse" not in _installed:
                from weasyprint.text import line_break

                _install_layout_reuse(line_break.Layout)
                _installed.add("layout_reuse")
        return set(_installed)


_kept_layouts: weakref.WeakSet[Any] = weakref.WeakSet()


def _install_layout_reuse(layout_class: Any) -> None:
    """Keep a line's shaped Pango layout from layout to drawing.

    WeasyPrint calls ``deactivate()`` when a line has been laid out (freeing
    the Pango objects), ``reactivate(style)`` to draw it (building and shaping
    them again from the same text and style) and ``deactivate()`` once drawn.
    """
    original_deactivate = layout_class.deactivate
    original_reactivate = layout_class.reactivate

    def deactivate(self: Any) -> None:
        if self in _kept_layouts:  # drawn: free it now
            _kept_layouts.discard(self)
            original_deactivate(self)
        elif len(_kept_layouts) < MAX_KEPT_LAYOUTS:
            _kept_layouts.add(self)
        else:
            original_deactivate(self)

    def reactivate(self: Any, style: Any) -> None:
        # Justification changes the text attributes: build those afresh.
        if self in _kept_layouts and style is self.style and not self.justification_spacing:
            return
        original_reactivate(self, style)

    deactivate.__wrapped__ = original_deactivate  # type: ignore[attr-defined]
    reactivate.__wrapped__ = original_reactivate  # type: ignore[attr-defined]
    layout_class.deactivate = deactivate
    layout_class.reactivate = reactivate


def _install_page_reference_cache(pydyf: Any) -> None:
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

    pydyf.PDF.page_references = property(page_references)


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


ZERO_KERNING = re.compile(rb">0<")


def _fast_draw_first_line(original: Any) -> Any:
    """WeasyPrint 70's ``draw.text.draw_first_line`` with a faster glyph loop.

    Lines that need anything unusual (ellipsis, bitmap, colour or emoji fonts,
    an old Pango) go to the original function.
    """
    from weasyprint.logger import LOGGER
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    glyph_info = struct.Struct("=IiiiI")  # glyph, width, x_offset, y_offset, attr
    if ffi.sizeof("PangoGlyphInfo") != glyph_info.size:
        return original
    glyph_empty = pango.PANGO_GLYPH_EMPTY
    glyph_unknown = pango.PANGO_GLYPH_UNKNOWN_FLAG
    old_pango = pango.pango_version() < 14802

    def draw_first_line(
        stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any
    ) -> Any:
        if text_overflow == "ellipsis" or block_ellipsis != "none" or old_pango:
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        if not textbox.text.strip():
            return []
        if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
            return []
        layout = textbox.pango_layout
        if "\n" in layout.text or "\r" in layout.text or "\u2029" in layout.text:
            # Only a paragraph separator makes the mode matter, and switching it
            # has Pango shape the line again.
            pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        first_line, _index = layout.get_first_line()

        runs = []
        run = first_line.runs[0]
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            pango_font = glyph_item.item.analysis.font
            font, font_size = stream.add_font(pango_font)
            if font.bitmap or font.svg or font.png or font.colr:
                return original(stream, textbox, text_overflow, block_ellipsis, matrix)
            runs.append((glyph_item, pango_font, font, font_size))

        stream.set_text_matrix(*matrix.values)
        previous_pango_font = None
        parts: list[str] = []
        utf8_text = None
        for glyph_item, pango_font, font, font_size in runs:
            if pango_font != previous_pango_font:
                previous_pango_font = pango_font
                if parts:
                    stream.show_text("".join(parts))
                parts = []
                stream.set_font_size(font.hash, font_size)
            parts.append("<")
            glyph_string = glyph_item.glyphs
            num_glyphs = glyph_string.num_glyphs
            glyphs = list(
                glyph_info.iter_unpack(
                    ffi.buffer(glyph_string.glyphs, num_glyphs * glyph_info.size)
                )
            )
            # What each glyph writes depends only on its font, size and glyph info,
            # so it is worked out once per document: most lines are all cache hits.
            pieces = font.__dict__.setdefault("_safeguard_pieces", {}).setdefault(font_size, {})
            known = list(map(pieces.get, glyphs))
            if None not in known:
                parts += known
                glyphs = []
            widths = font.widths
            to_unicode = font.to_unicode
            for i, info in enumerate(glyphs):
                if (piece := known[i]) is not None:
                    parts.append(piece)
                    continue
                glyph_id, width, x_offset, y_offset, _attr = info
                if glyph_id == glyph_empty:
                    parts.append(piece := f">{-width / font_size}<")
                    pieces[info] = piece
                    continue
                cacheable = not y_offset
                if glyph_id & glyph_unknown:
                    cacheable = False
                    codepoint = glyph_id - glyph_unknown
                    LOGGER.warning(
                        ".notdef glyph rendered for Unicode string unsupported by fonts: "
                        '"%s" (U+%04X)',
                        chr(codepoint),
                        codepoint,
                    )
                    glyph_id = font.get_unused_glyph_id(codepoint)
                    widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                    if 0 not in widths:
                        widths[0] = widths[glyph_id]
                if glyph_id not in to_unicode:
                    offset = glyph_item.item.offset
                    clusters = glyph_string.log_clusters
                    t1 = clusters[i]
                    if glyph_item.item.analysis.level % 2:  # rtl
                        t2 = glyph_item.item.length if i == 0 else clusters[i - 1]
                    else:
                        t2 = glyph_item.item.length if i == num_glyphs - 1 else clusters[i + 1]
                    utf8_text = utf8_text or layout.text.encode()
                    to_unicode[glyph_id] = utf8_text[offset + t1 : offset + t2].decode()

                offset = x_offset / font_size
                logical_width = widths.get(glyph_id)
                if logical_width is None:
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                    )
                    logical_width = widths[glyph_id] = round(
                        stream.logical_rect.width * 1000 * FROM_UNITS / font_size
                    )
                kerning = int(logical_width + offset - width * 1000 * FROM_UNITS / font_size)
                kern = f">{kerning}<" if kerning else ""
                if y_offset:
                    rise = y_offset / 1000
                    if parts[-1][-1] == "<":
                        parts[-1] = parts[-1][:-1]
                    else:
                        parts.append(">")
                    if pending := "".join(parts):
                        stream.show_text(pending)
                    stream.set_text_rise(-rise)
                    shifted = f"{-offset}" if offset else ""
                    stream.show_text(f"{shifted}<{glyph_id:04x}>")
                    stream.set_text_rise(0)
                    parts = ["<"]
                    if kern:
                        parts.append(kern)
                    continue
                piece = f">{-offset}<{glyph_id:04x}{kern}" if offset else f"{glyph_id:04x}{kern}"
                parts.append(piece)
                if cacheable:
                    pieces[info] = piece
            if parts[-1][-1] == "<":
                parts[-1] = parts[-1][:-1]
            else:
                parts.append(">")
        stream.show_text("".join(parts))
        return []

    draw_first_line.__wrapped__ = original  # type: ignore[attr-defined]
    return draw_first_line
