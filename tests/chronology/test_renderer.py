"""What the renderer changes in WeasyPrint for speed still holds after an upgrade.

Exports use a lean user-agent stylesheet (chronology/export_ua.css) through
WeasyPrint's ``_ua_stylesheets`` hook, and a cached ``page_references`` in
pydyf. If an upgrade stopped calling the hook or changed what the property
returns, these tests fail instead of exports silently slowing down or
breaking their structure.
"""

from __future__ import annotations

import io
from typing import Any

import pydyf
from pypdf import PdfReader

from chronology import pdf
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
    # Head content is not printed; headings are bold section bookmarks for the
    # cover, contents and timeline only (not one per item).
    first = reader.pages[0].extract_text()
    assert "Safeguarding chronology" in first
    assert "OFFICIAL-SENSITIVE" in first
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:1] == ["Safeguarding chronology"]
    flat: list[str] = [str(i.title) for i in reader.outline if not isinstance(i, list)] + [
        str(i.title) for group in reader.outline if isinstance(group, list) for i in group
    ]
    assert "Timeline" in flat and "Contents" in flat
    assert not any("Chronology ·" in t for t in flat)
    # Tagged: every chronology heading is an H3 in the structure tree.
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    text = "".join(p.extract_text() for p in reader.pages)
    entries = sum(1 for item in document.items if item.kind == "entry")
    assert text.count("Chronology ·") == entries


def test_cached_page_references_equal_pydyfs_own() -> None:
    pdf._install_page_reference_cache()
    document = pydyf.PDF()
    for _ in range(3):
        document.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected = tuple(f"{n} 0 R".encode() for n in document.pages["Kids"][::3])
    assert document.page_references == expected
    document.add_page(pydyf.Dictionary({"Type": "/Page"}))  # the cache follows new pages
    assert len(document.page_references) == 4
    assert document.page_references[-1] == f"{document.pages['Kids'][-3]} 0 R".encode()
