"""What the renderer changes in WeasyPrint for speed still holds after an upgrade.

Exports use a lean user-agent stylesheet (chronology/export_ua.css) through
WeasyPrint's ``_ua_stylesheets`` hook, and the patches of chronology/pdf_tuning.py
(pinned to the WeasyPrint and pydyf versions they were checked against). If an
upgrade stopped calling the hook, made a patch inapplicable or changed what the
patched code writes, these tests fail instead of exports silently slowing down
or changing.
"""

from __future__ import annotations

import gc
import io
import re
import threading
from typing import Any

import pydyf
from pypdf import PdfReader

from chronology import pdf, pdf_tuning
from chronology.sample import sample_document


def test_weasyprint_uses_the_export_user_agent_stylesheet(monkeypatch: Any) -> None:
    export_html = pdf._export_html_class()
    calls: list[bool] = []
    original = export_html._ua_stylesheets

    def spy(self: Any, forms: bool = False) -> list[Any]:
        calls.append(forms)
        return original(self, forms)

    monkeypatch.setattr(export_html, "_ua_stylesheets", spy)
    pdf.render_pdf("<!doctype html><html lang='en-GB'><title>t</title><p>Hello</p></html>")
    assert calls, "WeasyPrint no longer asks for the user-agent stylesheet through the hook"


def test_export_keeps_its_structure_under_the_lean_stylesheet() -> None:
    document = sample_document(30)
    html, _ = pdf.build_export_html(document)
    rendered = pdf.render_pdf(html)
    reader = PdfReader(io.BytesIO(rendered.data))
    # Head content is not printed. The outline: the cover, then contents, reading
    # notes and the timeline, and under the timeline one bookmark per record.
    first = reader.pages[0].extract_text()
    assert "Safeguarding chronology" in first
    assert "OFFICIAL-SENSITIVE" in first
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:1] == ["Safeguarding chronology"]

    def flatten(outline: list[Any], depth: int = 0) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for entry in outline:
            if isinstance(entry, list):
                out += flatten(entry, depth + 1)
            else:
                out.append((depth, str(entry.title)))
        return out

    flat = flatten(reader.outline)
    assert (1, "Timeline") in flat and (1, "Contents") in flat
    records = [t for depth, t in flat if depth == 2]
    assert len(records) == len(document.items)
    assert records[0].startswith(document.items[0].kind_label)
    # Tagged: every chronology heading is an H3 in the structure tree.
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    lines = "\n".join(p.extract_text() for p in reader.pages).splitlines()
    # The running header names the reference and the record each page starts in.
    header = [line for line in lines if line.startswith(f"OFFICIAL-SENSITIVE {document.reference}")]
    assert any("Disclosure decision 1 · Share" in line for line in header)
    entries = sum(1 for item in document.items if item.kind == "entry")
    assert sum(line.count("Chronology ·") for line in lines if line not in header) == entries


def test_every_speed_up_applies_to_the_installed_versions() -> None:
    # Fails after a WeasyPrint or pydyf upgrade: check each patch against the
    # new code (the tests below), then add the version to pdf_tuning.
    pdf.load_renderer()
    assert pdf_tuning.install() == {
        "page_references",
        "zlib_level",
        "draw_first_line",
        "layout_reuse",
        "resolve_percentages",
        "is_in_normal_flow",
        "avoid_collisions",
    }


def test_no_weasyprint_module_still_calls_a_replaced_function() -> None:
    import importlib
    import pkgutil
    import sys

    import weasyprint

    pdf.load_renderer()
    for found in pkgutil.walk_packages(weasyprint.__path__, "weasyprint."):
        importlib.import_module(found.name)
    with pdf_tuning.originals():
        from weasyprint.layout.float import avoid_collisions
        from weasyprint.layout.percent import resolve_percentages
    stale = [
        f"{name}.{attribute}"
        for name, module in list(sys.modules.items())
        if name.startswith("weasyprint")
        for attribute, value in vars(module).items()
        if value is resolve_percentages or value is avoid_collisions
    ]
    assert not stale


def test_cached_page_references_equal_pydyfs_own() -> None:
    pdf.load_renderer()
    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected = tuple(f"{n} 0 R".encode() for n in document.pages["Kids"][::3])
    assert document.page_references == expected
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))  # the cache follows new pages
    assert len(document.page_references) == 4
    assert document.page_references[-1] == f"{document.pages['Kids'][-3]} 0 R".encode()


def test_streams_are_deflated_at_the_default_level() -> None:
    pdf.load_renderer()
    data = pydyf.Stream([b"BT ET"] * 100, compress=True).data
    # The second byte of a zlib stream names its level: 0x9c is the default (6).
    assert b"stream\nx\x9c" in data


# Text that takes every path of the glyph loop: Latin with kerning, combining
# marks stacked above and below (vertical offsets), right-to-left Hebrew and
# Arabic, a ligature, a character no installed font has (.notdef) and the
# letter-spaced classification in the page header.
AWKWARD_TEXT = (
    "Zoe\u0308 Nguyễn a\u0301\u0302\u0303 q\u0307\u0323 שָׁלוֹם «مرحبا بك» ﬁnal café 𓀀 ½ "
    "“quoted” AVATAR Tolerance WAVE "
)


def _page_streams(data: bytes) -> list[bytes]:
    streams = [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]
    # Zero kerning adjustments, and the split of a string they leave, change nothing on
    # the page: "<0041>0<0042>" and "<0041><0042>" both draw the glyphs of "<00410042>".
    return [re.sub(rb"><", b"", re.sub(rb">0(?=[<\]])", b">", s)) for s in streams]


def test_fast_paths_lay_out_and_draw_what_weasyprint_does(caplog: Any) -> None:
    pdf.load_renderer()
    document = sample_document(60)
    document.items[3].text = AWKWARD_TEXT + document.items[3].text
    html, _ = pdf.build_export_html(document)
    ours = pdf.render_pdf(html).data
    with pdf_tuning.originals():
        theirs = pdf.render_pdf(html).data
    # Same pages, every box and glyph at the same place.
    assert _page_streams(ours) == _page_streams(theirs)
    assert b" Ts" in b"".join(_page_streams(ours))  # the vertical-offset path ran
    assert "U+13000" in caplog.text  # and the .notdef one
    assert _outline(ours) == _outline(theirs)


def _outline(data: bytes) -> list[Any]:
    def titles(items: list[Any]) -> list[Any]:
        return [titles(i) if isinstance(i, list) else str(i.title) for i in items]

    return titles(PdfReader(io.BytesIO(data)).outline)


def test_shaped_lines_are_kept_only_until_drawn_and_within_the_bound(monkeypatch: Any) -> None:
    from chronology import pdf_fastpaths

    pdf.load_renderer()
    html, _ = pdf.build_export_html(sample_document(60))
    reused = pdf.render_pdf(html).data
    assert not pdf_fastpaths._kept_layouts  # every kept layout was drawn and freed
    monkeypatch.setattr(pdf_fastpaths, "MAX_KEPT_LAYOUTS", 25)  # past the bound: some are not
    assert pdf.render_pdf(html).data == reused


def test_our_xml_parse_builds_what_weasyprints_html_parser_builds(monkeypatch: Any) -> None:
    from tests.chronology.test_safety import PAYLOADS

    export_html = pdf.load_renderer()
    document = sample_document(60)
    document.items[3].text = AWKWARD_TEXT + " ".join(PAYLOADS) + document.items[3].text
    document.items[4].byline = "Present: <b>&amp;</b> &lt;!ENTITY x SYSTEM 'file:///etc/passwd'&gt;"
    html, _ = pdf.build_export_html(document)
    assert pdf_tuning.parse_export_html(export_html, html, pdf._fetcher()) is not None
    ours = pdf.render_pdf(html).data
    monkeypatch.setattr(pdf_tuning, "parse_export_html", lambda *args: None)
    assert ours == pdf.render_pdf(html).data


def test_markup_that_is_not_xml_goes_to_weasyprints_parser() -> None:
    export_html = pdf.load_renderer()
    fetcher = pdf._fetcher()
    for html in [
        "<!DOCTYPE html><html lang='en-GB'><title>t</title><p>Hello<br>there</p></html>",
        "<!DOCTYPE html><html><!-- a comment --><p>x</p></html>",
    ]:
        assert pdf_tuning.parse_export_html(export_html, html, fetcher) is None
    data = pdf.render_pdf(
        "<!DOCTYPE html><html lang='en-GB'><title>t</title><p>Hello<br>there</p></html>"
    ).data
    assert "Hello" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_control_characters_from_word_processors_become_line_breaks() -> None:
    document = sample_document(12)
    document.items[2].text = "Line one\x0bline two\x0cline three\x01 end."
    html, _ = pdf.build_export_html(document)
    assert pdf_tuning.parse_export_html(pdf.load_renderer(), html, pdf._fetcher()) is not None
    reader = PdfReader(io.BytesIO(pdf.render_pdf(html).data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Line one\nline two\nline three\ufffd end." in text


def test_garbage_collection_resumes_after_rendering() -> None:
    assert gc.isenabled()
    pdf.render_pdf("<!doctype html><html lang='en-GB'><title>t</title><p>Hello</p></html>")
    assert gc.isenabled()
    with pdf_tuning.gc_paused():
        assert not gc.isenabled()
        with pdf_tuning.gc_paused():
            pass
        assert not gc.isenabled()  # still inside the outer render
    assert gc.isenabled()
    # Renders on two threads overlap: the collector comes back after the last one.
    inside, release = threading.Event(), threading.Event()

    def other_render() -> None:
        with pdf_tuning.gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_render)
    worker.start()
    inside.wait(5)
    with pdf_tuning.gc_paused():
        pass
    assert not gc.isenabled()
    release.set()
    worker.join()
    assert gc.isenabled()
