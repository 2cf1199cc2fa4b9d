"""Record text cannot make the PDF renderer read files, call out or run script."""

from __future__ import annotations

from typing import Any

import pytest

from audits.quality import pdf as report_pdf
from chronology import pdf
from incidents import services as incident_services
from organisations import pdf_fetcher
from tests.chronology.factories import export
from tests.chronology.test_export import pdf_text, squash

PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<img src="http://127.0.0.1:9/leak.png?d=secret">',
    '<link rel="stylesheet" href="https://example.invalid/x.css">',
    '<script>document.write("INJECTED")</script>',
    '<style>@import url("file:///etc/shadow");</style>',
    '<iframe src="data:text/html,<b>x</b>"></iframe>',
]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.css",
        "data:text/css,body{color:red}",
        "ftp://example.invalid/x",
        "sgstatic:../../../etc/passwd",
        "sgstatic:/etc/passwd",
        "sgstatic:chronology/../../safeguard/settings.py",
        "sgstatic:chronology%2F..%2F..%2Fsafeguard%2Fsettings.py",
        "sgstatic:favicon.svg/../../manage.py",
        "sgstatic:",
        "sgstatic:js/disclosure_form.js",
        "sgstatic:..%2f..%2fmanage.py",
        "sgstatic:chronology\\..\\..\\manage.py",
    ],
)
def test_fetcher_refuses_everything_but_our_static_files(url: str) -> None:
    fetcher = pdf_fetcher.safe_url_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_fetcher_serves_our_stylesheets() -> None:
    fetcher = pdf_fetcher.safe_url_fetcher()
    assert b"@page" in fetcher.fetch("sgstatic:chronology/export.css").read()
    assert b"@page" in fetcher.fetch("sgstatic:css/quality_report.css").read()


def test_every_pdf_renders_through_the_one_fetcher() -> None:
    """The cases above guard every PDF only while no renderer has a copy."""
    assert pdf.safe_url_fetcher is pdf_fetcher.safe_url_fetcher
    assert report_pdf.safe_url_fetcher is pdf_fetcher.safe_url_fetcher


def test_payloads_in_record_text_are_inert(world: Any, monkeypatch: Any) -> None:
    requested: list[str] = []
    real = pdf_fetcher.static_path_for

    def spy(url: str) -> Any:
        requested.append(url)
        return real(url)

    monkeypatch.setattr(pdf_fetcher, "static_path_for", spy)

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the renderer tried to open a network connection")

    monkeypatch.setattr("socket.socket.connect", no_network)
    incident = world.objects["incident"]
    for payload in PAYLOADS:
        incident_services.add_entry(
            actor=world.users["manager"],
            incident=incident,
            kind="observation",
            facts=f"Typed by a user: {payload}",
            present=payload,
            occurred_at=incident.became_aware_at,
        )
    e = export(
        world.users["lead"],
        incident,
        recipient_name='<img src="file:///etc/hostname">',
        purpose="<script>alert(1)</script>",
    )
    assert e.status == "done", e.failure
    # Only our own stylesheet was ever asked for.
    assert requested == ["sgstatic:chronology/export.css"]
    text = squash(pdf_text(bytes(e.pdf)))
    for payload in PAYLOADS:
        assert squash(payload) in text  # printed as text, not interpreted
    assert "root:x:0:0" not in text
    assert "INJECTED" not in text.replace('document.write("INJECTED")', "")
