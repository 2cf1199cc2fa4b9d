"""The renderer uses WeasyPrint through its public API only, and what exports
rely on holds: structure and bookmarks from our stylesheet, control characters
pasted from word processors, the garbage collector paused only while rendering.

A WeasyPrint upgrade is a lock bump: nothing in chronology/ checks a library's
version or replaces, or reaches into, a library's private names.
"""

from __future__ import annotations

import gc
import io
import re
import threading
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from chronology import pdf, pdf_tuning
from chronology.sample import sample_document


def test_export_keeps_its_structure() -> None:
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


def test_markup_that_is_not_xml_renders() -> None:
    data = pdf.render_pdf(
        "<!DOCTYPE html><html lang='en-GB'><title>t</title><p>Hello<br>there</p></html>"
    ).data
    assert "Hello" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


PRIVATE_REACH = re.compile(
    r"(weasyprint|pydyf|pikepdf|tinyhtml5|cssselect2)[A-Za-z0-9_.]*\._[a-z]"
    r"|from (weasyprint|pydyf|pikepdf|tinyhtml5|cssselect2)[A-Za-z0-9_.]* import [^#]*\b_[a-z]"
    r"|sys\.modules|__version__"
)


def test_the_renderer_reaches_into_no_librarys_private_names() -> None:
    """No replaced library function, no private (underscore) name of a
    third-party package, no version check (chronology/ and the benchmark)."""
    root = Path(__file__).resolve().parents[2]
    assert PRIVATE_REACH.search("from weasyprint import _find_base_url")
    assert PRIVATE_REACH.search("import weasyprint.layout; weasyprint.layout._x = 1")
    assert PRIVATE_REACH.search("if weasyprint.__version__ in VERSIONS:")
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted([*(root / "chronology").glob("*.py"), *(root / "bench").glob("*.py")])
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PRIVATE_REACH.search(line)
    ]
    assert found == []


def test_control_characters_from_word_processors_become_line_breaks() -> None:
    document = sample_document(12)
    document.items[2].text = "Line one\x0bline two\x0cline three\x01 end."
    html, _ = pdf.build_export_html(document)
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
