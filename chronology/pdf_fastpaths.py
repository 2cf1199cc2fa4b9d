"""Faster drop-in versions of WeasyPrint 70 functions on an export's hot paths.

Each ``*_for(original)`` returns the replacement for one WeasyPrint function or
method, which chronology/pdf_tuning.py installs (for WeasyPrint 70.0 only) and
tests/chronology/test_renderer.py checks against the original: same boxes, same
positions, same glyphs. They return what the original returns for every input;
inputs a fast path does not cover go to the original.

Measured on the 1,000-record sample (docs/chronology.md): the text drawing and
the reuse of shaped lines took the most; ``resolve_percentages``,
``is_in_normal_flow`` and ``avoid_collisions`` run for every box and line (a
page of a chronology has ~200 of them) and each was a few percent of the render.
"""

from __future__ import annotations

import struct
import weakref
from math import inf
from typing import Any

# Shaped lines kept between layout and drawing; see layout_reuse_for().
MAX_KEPT_LAYOUTS = 10_000

_kept_layouts: weakref.WeakSet[Any] = weakref.WeakSet()


def layout_reuse_for(original_deactivate: Any, original_reactivate: Any) -> tuple[Any, Any]:
    """``Layout.deactivate`` and ``Layout.reactivate`` that keep a line's shaped
    Pango layout from layout to drawing.

    WeasyPrint calls ``deactivate()`` when a line has been laid out (freeing
    the Pango objects), ``reactivate(style)`` to draw it (building and shaping
    them again from the same text and style) and ``deactivate()`` once drawn.
    At most ``MAX_KEPT_LAYOUTS`` (~2 kB each) are kept at a time: all the lines
    of a 1,000-record export (~7,800), and a bounded ~20 MB for larger ones.
    """

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

    return deactivate, reactivate


def resolve_percentages_for(original: Any) -> Any:
    """``layout.percent.resolve_percentages``, with the per-property calls of
    ``resolve_one_percentage`` and ``percentage`` inlined for pixel values."""
    from weasyprint.css.functions import check_math
    from weasyprint.formatting_structure.boxes import Box, PageBox
    from weasyprint.layout.percent import adjust_box_sizing, percentage

    def resolve_percentages(box: Any, containing_block: Any) -> None:
        if isinstance(containing_block, Box):
            cb_width = containing_block.width
            cb_height = containing_block.height
        else:
            cb_width, cb_height = containing_block
        maybe_height = cb_height if isinstance(box, PageBox) else cb_width
        style = box.style
        for name, refer_to in (
            ("margin_left", cb_width),
            ("margin_right", cb_width),
            ("margin_top", maybe_height),
            ("margin_bottom", maybe_height),
            ("padding_left", cb_width),
            ("padding_right", cb_width),
            ("padding_top", maybe_height),
            ("padding_bottom", maybe_height),
            ("width", cb_width),
            ("min_width", cb_width),
            ("max_width", cb_width),
        ):
            value = style[name]
            unit = getattr(value, "unit", None)
            if unit == "px":
                value = value.value
            elif unit == "%":
                value = refer_to * value.value / 100
            elif value is None or value == "auto":
                if name == "min_width" and value == "auto":
                    value = 0
            else:
                value = percentage(value, style, refer_to)
            setattr(box, name, value)
        if cb_height == "auto":
            height = style["height"]
            if height == "auto" or check_math(height) or height.unit == "%":
                box.height = "auto"
            else:
                assert height.unit.lower() == "px"
                box.height = height.value
            minimum, maximum = percentage(style["min_height"], style, 0), inf
            box.max_height = percentage(style["max_height"], style, maximum)
        else:
            box.height = percentage(style["height"], style, cb_height)
            minimum = percentage(style["min_height"], style, cb_height)
            box.max_height = percentage(style["max_height"], style, cb_height)
        box.min_height = 0 if minimum == "auto" else minimum
        collapse = style["border_collapse"] == "collapse"
        for side in ("top", "right", "bottom", "left"):
            name = f"border_{side}_width"
            # Collapsed borders were resolved during border conflict resolution.
            if not (collapse and hasattr(box, name)):
                setattr(box, name, style[name])
        adjust_box_sizing(box, "width")
        adjust_box_sizing(box, "height")

    return resolve_percentages


def is_in_normal_flow_for(original: Any) -> Any:
    """``Box.is_in_normal_flow`` in two style lookups instead of five method
    calls: any ``float`` but ``none`` is floated or a footnote."""

    def is_in_normal_flow(self: Any) -> bool:
        style = self.style
        if style["float"] != "none":
            return False
        position = style["position"]
        return not (position in ("absolute", "fixed") or position[0] in ("running()", "note()"))

    return is_in_normal_flow


def avoid_collisions_for(original: Any) -> Any:
    """``layout.float.avoid_collisions`` when nothing is floated on the page
    (exports have no floats): the box goes at the left of its containing block."""

    def avoid_collisions(context: Any, box: Any, containing_block: Any, outer: bool = True) -> Any:
        if context.excluded_shapes or containing_block.style["direction"] != "ltr":
            return original(context, box, containing_block, outer)
        position_y = box.position_y if outer else box.border_box_y()
        if box.border_height() == 0 and box.is_floated():
            return 0, position_y, containing_block.width
        left = containing_block.content_box_x()
        right = left + containing_block.width
        if not outer:
            left += box.margin_left
            right -= box.margin_right
        position_x = left
        if not outer:
            position_x -= box.margin_left
            position_y -= box.margin_top
        return position_x, position_y, right - left

    return avoid_collisions


def draw_first_line_for(original: Any) -> Any:
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

    return draw_first_line
