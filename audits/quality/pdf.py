"""The audit report as PDF, rendered by WeasyPrint through the one locked-down
URL fetcher every PDF uses (``organisations/pdf_fetcher.py``): only our own
static files, so nothing typed into a record can make the renderer read a
local file or call out.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from organisations.pdf_fetcher import safe_url_fetcher


def render_report(context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("audits/quality/report_pdf.html", context)
    return bytes(HTML(string=html, url_fetcher=safe_url_fetcher(), base_url=None).write_pdf())
