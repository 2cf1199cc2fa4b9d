"""axe-core reaches every document of a context (``new_context``'s init script) and
``run_axe`` reports what it finds: a check that silently ran nothing would pass
every page."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import new_context, run_axe

BROKEN = "<!doctype html><html lang='en'><title>x</title><body><img src='a.png'></body></html>"
FIXED = (
    "<!doctype html><html lang='en'><title>x</title><main><img src='a.png' alt='A'></main></html>"
)


def test_each_new_document_has_axe_and_its_violations_are_reported(browser: Any) -> None:
    context = new_context(browser)
    try:
        page = context.new_page()
        # Nothing leaves the machine: both addresses are answered here.
        page.route("http://axe.test/broken", lambda route: route.fulfill(body=BROKEN))
        page.route("http://axe.test/fixed", lambda route: route.fulfill(body=FIXED))
        page.goto("http://axe.test/broken")
        found = run_axe(page)
        assert "image-alt" in {v["id"] for v in found.response["violations"]}
        page.goto("http://axe.test/fixed")  # a second document: axe is there too
        assert "image-alt" not in {v["id"] for v in run_axe(page).response["violations"]}
    finally:
        context.close()
