"""Render an N-entry chronology to PDF in a fresh process, so its peak memory
is the export's own: ``python -m bench.pdf_worker N OUTDIR`` prints JSON."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _cpu_seconds() -> float:
    """CPU time of this process and of the part processes it has reaped."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    parts = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + parts.ru_utime + parts.ru_stime


def main() -> None:
    entries, outdir = int(sys.argv[1]), Path(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    import django

    django.setup()
    from chronology.pdf import build_export_html, load_renderer, render_pdf
    from chronology.sample import sample_document
    from chronology.signing import identity, sign
    from organisations.pdf_fetcher import STATIC_SCHEME

    document = sample_document(entries)
    # A worker that renders exports has the renderer loaded already: import it
    # (WeasyPrint, Pango) before the clock starts, as the first export in a
    # fresh worker is the only one that pays for it. Fonts are not warmed up.
    load_renderer()
    # Likewise the signing key (chronology/signing.py): parsed once per process.
    # The cover says how to check the file, as a real export's does.
    document.signing_fingerprint = identity().fingerprint
    document.verify_url = "https://safeguard.example.org/check/"

    # Memory is sampled from outside, over this process and the processes a
    # large export renders in (chronology/pdf_parallel.py).
    sampler = subprocess.Popen(
        [sys.executable, "-m", "bench.tree_memory", str(os.getpid())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    html, _fingerprint = build_export_html(document)
    rendered = render_pdf(html)
    # Every export is signed before it is stored: part of the export's time.
    signing_started = time.perf_counter()
    signed = sign(rendered.data)
    sign_seconds = time.perf_counter() - signing_started
    seconds = time.perf_counter() - started
    cpu_seconds = _cpu_seconds() - cpu_started
    peak_memory_kb = int(sampler.communicate()[0].strip() or 0)
    (outdir / "export.pdf").write_bytes(signed)
    # The same HTML for Chromium: our static scheme becomes plain file paths, so
    # both apply the same author stylesheet over their own user-agent defaults.
    from django.contrib.staticfiles import finders

    def to_file(match: str) -> str:
        found = finders.find(match)
        return Path(str(found)).as_uri() if found else match

    import re

    chromium_html = re.sub(
        re.escape(STATIC_SCHEME) + r"([A-Za-z0-9_./-]+)", lambda m: to_file(m.group(1)), html
    )
    (outdir / "export.html").write_text(chromium_html)
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,  # the largest part
    )
    print(
        json.dumps(
            {
                "entries": entries,
                "pages": rendered.page_count,
                "seconds": round(seconds, 2),
                "sign_seconds": round(sign_seconds, 3),
                "sign_share": round(sign_seconds / seconds, 3),
                "cpu_seconds": round(cpu_seconds, 2),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "peak_memory_mb": round(peak_memory_kb / 1024, 1),
                "processes": rendered.processes,
            }
        )
    )


if __name__ == "__main__":
    main()
