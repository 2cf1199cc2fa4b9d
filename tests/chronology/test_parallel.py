"""Large exports render in parts, one forked process each, merged into one PDF
(chronology/pdf_parallel.py). The merged file must read as the single render
does: every record in order, page numbers counted across the parts, the
running header, and a tagged structure whose every element and parent-tree
entry points at the right page of the merged file."""

from __future__ import annotations

import io
import logging
import os
import re
import threading
from typing import Any
from xml.etree import ElementTree

import pikepdf
import pytest
from pypdf import PdfReader

from chronology import pdf, pdf_parallel
from chronology.sample import sample_document

HEADING = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d · ")
FOOTER = re.compile(r"Page (\d+) of (\d+)")


@pytest.fixture(scope="module")
def export_html() -> str:
    html, _fingerprint = pdf.build_export_html(sample_document(90))
    return html


@pytest.fixture(scope="module")
def single(export_html: str) -> pdf.RenderedPdf:
    return pdf.render_pdf(export_html, parts=1)


@pytest.fixture(scope="module")
def in_two(export_html: str) -> pdf.RenderedPdf:
    return pdf.render_pdf(export_html, parts=2)


def _pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _headings(data: bytes) -> list[str]:
    return [line for text in _pages_text(data) for line in text.splitlines() if HEADING.match(line)]


def test_split_cuts_between_records_into_whole_documents(export_html: str) -> None:
    for parts in (2, 3):
        pieces = pdf_parallel.split_html(export_html, parts)
        assert pieces is not None and len(pieces) == parts
        for n, piece in enumerate(pieces):
            ElementTree.fromstring(piece)  # noqa: S314 - our own markup: each part is well-formed
            assert piece.count('<section class="cover"') == (1 if n == 0 else 0)
            assert piece.count('class="end"') == (1 if n == parts - 1 else 0)
            assert piece.count(pdf_parallel.PART_STYLE) == 1  # no page number of its own
            if n:
                main = piece.index(pdf_parallel.MAIN_OPEN) + len(pdf_parallel.MAIN_OPEN)
                assert piece[main:].lstrip().startswith(pdf_parallel.ITEM_START)
        # Every record is in exactly one part, in order.
        items = "".join(
            piece[piece.index(pdf_parallel.ITEM_START) : piece.rindex(pdf_parallel.MAIN_CLOSE)]
            for piece in pieces
        ).replace(pdf_parallel.CLOSE, "")
        whole = export_html[
            export_html.index(pdf_parallel.ITEM_START) : export_html.rindex(pdf_parallel.MAIN_CLOSE)
        ]
        assert re.sub(r"\s+", "", items) == re.sub(r"\s+", "", whole)
        sizes = [len(piece) for piece in pieces]
        assert max(sizes) < 1.5 * min(sizes)


def test_split_declines_what_it_cannot_split(export_html: str) -> None:
    assert pdf_parallel.split_html(export_html, 1) is None
    few, _ = pdf.build_export_html(sample_document(3))
    assert pdf_parallel.split_html(few, 2) is None
    assert pdf_parallel.split_html("<html><body><p>x</p></body></html>", 2) is None


def test_parts_read_as_the_single_render(single: pdf.RenderedPdf, in_two: pdf.RenderedPdf) -> None:
    assert (single.processes, in_two.processes) == (1, 2)
    assert _headings(in_two.data) == _headings(single.data)
    assert len(_headings(single.data)) >= 90
    # A part starts on a new page, so at most one page more.
    assert single.page_count <= in_two.page_count <= single.page_count + 1
    texts = _pages_text(in_two.data)
    assert len(texts) == in_two.page_count
    numbers = [FOOTER.search(text) for text in texts]
    assert all(numbers)
    assert [int(m.group(1)) for m in numbers if m] == list(range(1, len(texts) + 1))
    assert {int(m.group(2)) for m in numbers if m} == {len(texts)}
    assert all("content fingerprint" in text and "OFFICIAL-SENSITIVE" in text for text in texts)


def test_later_parts_name_their_first_record_in_the_header(
    export_html: str, in_two: pdf.RenderedPdf
) -> None:
    pieces = pdf_parallel.split_html(export_html, 2)
    assert pieces is not None
    first_record = re.search(r'data-head="([^"]+)"', pieces[1])
    assert first_record is not None
    texts = _pages_text(in_two.data)
    # The page the second part starts on is the first whose heading run is
    # the second part's first record; its header names that record.
    record = first_record.group(1).replace("&#x27;", "'")
    starts = [i for i, text in enumerate(texts) if record in text]
    assert starts, record
    assert any(record in line and "SG-2026-0042" in line for line in texts[starts[0]].splitlines())


def test_merged_file_is_one_tagged_document(
    single: pdf.RenderedPdf, in_two: pdf.RenderedPdf
) -> None:
    with (
        pikepdf.open(io.BytesIO(in_two.data)) as merged,
        pikepdf.open(io.BytesIO(single.data)) as alone,
    ):
        assert merged.check_pdf_syntax() == []  # qpdf's own checks
        assert merged.pdf_version == alone.pdf_version
        assert str(merged.Root.Lang) == str(alone.Root.Lang) == "en-GB"
        assert merged.Root.MarkInfo.Marked
        assert merged.Root.ViewerPreferences.DisplayDocTitle
        assert str(merged.docinfo.Title) == str(alone.docinfo.Title)
        assert bytes(merged.Root.Metadata.read_bytes()) == bytes(alone.Root.Metadata.read_bytes())
        pages = {page.obj.objgen: n for n, page in enumerate(merged.pages)}
        tree = merged.Root.StructTreeRoot
        document = tree.K[0]
        assert len(tree.K) == 1 and document.S == "/Document"
        # Cover, then one part per timeline page, as in the single render.
        assert len(document.K) == len(alone.Root.StructTreeRoot.K[0].K) + (
            len(merged.pages) - len(alone.pages)
        )
        for kid in document.K:
            assert kid.P.objgen == document.objgen

        seen_pages: set[int] = set()

        def walk(element: Any) -> None:
            if "/Pg" in element:
                assert element.Pg.objgen in pages
                seen_pages.add(pages[element.Pg.objgen])
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary):
                    assert kid.P.objgen == element.objgen
                    walk(kid)

        walk(document)
        assert seen_pages == set(range(len(merged.pages)))

        nums = tree.ParentTree.Nums
        entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        keys = [int(page.obj.StructParents) for page in merged.pages]
        assert len(set(keys)) == len(keys) and set(keys) <= set(entries)
        for page, key in zip(merged.pages, keys, strict=True):
            marked = entries[key]
            assert len(marked) > 0
            for element in marked:
                assert element.Pg.objgen == page.obj.objgen

        # The outline has the single render's shape: every part's record
        # bookmarks under "Timeline", each pointing at a page of the joined file.
        def shape(reader_outline: list[Any]) -> list[Any]:
            return [
                shape(entry) if isinstance(entry, list) else str(entry.title)
                for entry in reader_outline
            ]

        def walk(parent: Any) -> None:
            item = parent.get("/First")
            while item is not None:
                assert item.Parent.objgen == parent.objgen
                assert item.Dest[0].objgen in pages
                walk(item)
                item = item.get("/Next")

        walk(merged.Root.Outlines)
        joined = shape(PdfReader(io.BytesIO(in_two.data)).outline)
        assert joined == shape(PdfReader(io.BytesIO(single.data)).outline)
        assert len(joined) == 2 and isinstance(joined[1], list)  # one title, all beneath it


def test_progress_adds_up_the_parts(export_html: str) -> None:
    messages: list[str] = []
    pdf.render_pdf(export_html, parts=2, progress=messages.append)
    assert messages[-1] == "Joining the parts"
    assert "Writing the PDF" in messages


def _failing_in_parts(monkeypatch: Any, how: str) -> None:
    original = pdf._render_single

    def render(html: str, *, progress: Any = None, laid_out: Any = None) -> pdf.RenderedPdf:
        if laid_out is not None:  # a part, in its own process
            if how == "raise":
                raise RuntimeError("part failed")
            os._exit(3)
        return original(html, progress=progress)

    monkeypatch.setattr(pdf, "_render_single", render)


@pytest.mark.parametrize("how", ["raise", "exit"])
def test_a_failed_part_falls_back_to_one_process(
    monkeypatch: Any, caplog: Any, export_html: str, single: pdf.RenderedPdf, how: str
) -> None:
    _failing_in_parts(monkeypatch, how)
    before = _children()
    with caplog.at_level(logging.WARNING):
        rendered = pdf.render_pdf(export_html, parts=2)
    assert rendered.page_count == single.page_count and rendered.processes == 1
    assert _headings(rendered.data) == _headings(single.data)
    assert "one process instead of 2" in caplog.text
    if how == "raise":
        assert "RuntimeError: part failed" in caplog.text
    # No part process is left behind, not even as a zombie.
    assert _children() <= before


def test_parts_render_without_the_cyclic_collector(
    monkeypatch: Any, caplog: Any, export_html: str
) -> None:
    """A part ends after one render, so turning the collector back on at its
    end would only spend time on a collection before the result is sent; the
    worker's own collector stays as it was."""
    import gc

    def render(html: str, *, progress: Any = None, laid_out: Any = None) -> pdf.RenderedPdf:
        if laid_out is not None:  # a part: report the collector's state
            raise RuntimeError(f"collector on: {gc.isenabled()}")
        return pdf.RenderedPdf(data=b"%PDF-", page_count=1)

    monkeypatch.setattr(pdf, "_render_single", render)
    assert gc.isenabled()
    with caplog.at_level(logging.WARNING):
        pdf.render_pdf(export_html, parts=2)
    assert "RuntimeError: collector on: False" in caplog.text
    assert "collector on: True" not in caplog.text
    assert gc.isenabled()


def _children() -> set[int]:
    found: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as listing:
            found.update(int(pid) for pid in listing.read().split())
    return found


def test_page_numbers_are_stamped_as_artifacts(
    single: pdf.RenderedPdf, in_two: pdf.RenderedPdf
) -> None:
    """The parts leave the footer's page number out; the join draws it from a
    page of ``render_page_numbers`` as page furniture (an artifact), so the
    structure tree holds no more than the parts' own content."""
    numbers = pdf.render_page_numbers(3)
    assert _pages_text(numbers) == ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"]
    with (
        pikepdf.open(io.BytesIO(in_two.data)) as merged,
        pikepdf.open(io.BytesIO(numbers)) as stamps,
    ):
        assert merged.pages[0].mediabox == stamps.pages[0].mediabox
        for page in merged.pages:
            page.contents_coalesce()
            content = page.obj.Contents.read_bytes()
            assert re.search(rb"/Artifact BMC q /Pn\S+ Do Q EMC\s*$", content)
    texts = _pages_text(in_two.data)
    assert all(len(FOOTER.findall(text)) == 1 for text in texts)  # once, not twice


def test_page_numbers_are_laid_out_once_and_each_placed_as_the_first() -> None:
    """The numbers are laid out as lines, several pages of them for a long
    export; each label page shows its own line at the first line's height,
    which is the footer's."""
    total = 150  # more lines than one page of the labels document holds
    numbers = pdf.render_page_numbers(total)
    assert _pages_text(numbers) == [f"Page {n} of {total}" for n in range(1, total + 1)]
    with pikepdf.open(io.BytesIO(numbers)) as stamps:
        heights = set()
        for page in stamps.pages:
            matrices = [
                instruction.operands
                for instruction in pikepdf.parse_content_stream(page)
                if str(instruction.operator) == "Tm"
            ]
            assert len(matrices) == 1
            heights.add(float(matrices[0][5]))
    assert len(heights) == 1


def test_a_stamp_for_each_page_or_no_join() -> None:
    html, _ = pdf.build_export_html(sample_document(3))
    one = pdf.render_pdf(html, parts=1)
    with pytest.raises(ValueError, match="page numbers for"):
        pdf_parallel.merge([one.data], pdf.render_page_numbers(one.page_count + 1))


def test_only_large_exports_in_a_single_threaded_process_use_parts(
    monkeypatch: Any, settings: Any
) -> None:
    large = pdf_parallel.ITEM_START * pdf.PARALLEL_MIN_ITEMS
    small = pdf_parallel.ITEM_START * (pdf.PARALLEL_MIN_ITEMS - 1)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    settings.SAFEGUARD_EXPORT_RENDER_PROCESSES = 3
    assert pdf._parts_for(large) == 3
    assert pdf._parts_for(small) == 1
    settings.SAFEGUARD_EXPORT_RENDER_PROCESSES = 1
    assert pdf._parts_for(large) == 1
    settings.SAFEGUARD_EXPORT_RENDER_PROCESSES = None
    assert pdf._parts_for(large) == pdf_parallel.default_parts()
    settings.SAFEGUARD_EXPORT_RENDER_PROCESSES = 2
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert pdf._parts_for(large) == 1
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert pdf._parts_for(large) == 2


def test_default_parts_follow_the_cores_this_process_may_use(monkeypatch: Any) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert pdf_parallel.default_parts() == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    assert pdf_parallel.default_parts() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert pdf_parallel.default_parts() == 1


def test_renders_keep_one_font_configuration_per_thread() -> None:
    """WeasyPrint would build a new font map (and load the fonts again) for
    each render given none; a font map is not shared between threads."""
    first = pdf.font_config()
    assert pdf.font_config() is first
    others: list[Any] = []
    thread = threading.Thread(target=lambda: others.append(pdf.font_config()))
    thread.start()
    thread.join()
    assert others and others[0] is not first
