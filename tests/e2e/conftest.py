"""Browser tests: Playwright driving the system Chromium against live_server.

Nothing is downloaded: Chromium comes from the OS package (`/usr/bin/chromium`,
installed by `.ci/run`). axe-core ships inside axe-playwright-python.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM
# calls are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SAFEGUARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


# One Chromium per module, not per session: Playwright's sync API keeps an
# event loop running in this thread while it is up, and a later test in the same
# process that signs a PDF (pyHanko uses asyncio.run) must not find one.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run .ci/install-system-packages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def new_context(browser: Any, **options: Any) -> Any:
    """A browser context whose every document has axe-core loaded before its own
    scripts (``add_init_script``: handed to Chromium once, instead of sending the
    500 kB script over the wire for each check; ``run_axe``)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    context = browser.new_context(locale="en-GB", **options)
    context.add_init_script(path=AXE_FILE_PATH)
    return context


def run_axe(page: Any, options: dict[str, Any] | None = None) -> Any:
    """axe-core's results for the current document (violations only)."""
    from axe_playwright_python.base import AxeResults

    options = {"resultTypes": ["violations"], **(options or {})}
    return AxeResults(page.evaluate("options => axe.run(document, options)", options))


@pytest.fixture
def page(browser: Any, live_server: Any, request: Any) -> Iterator[Any]:
    context = new_context(browser, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    # A CSP violation or a script error is a bug even if the page "works".
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.console_problems = problems
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    real = [p for p in problems if "favicon" not in p]
    assert not real, f"browser console errors: {real}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def login(page: Any, user: Any, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "login failed"


# What Chromium says when a script runs while the page it ran in is being replaced.
_MID_NAVIGATION = ("Execution context was destroyed", "reading 'documentElement'")


def assert_accessible(page: Any) -> None:
    """axe-core finds no violations on the current page.

    A click on a link returns before the next page has loaded, so axe can start on a
    document that is being replaced (CI once failed with "Cannot read properties of null
    (reading 'documentElement')"). Wait for the page to load, and if the navigation
    replaced the document under axe, run it again on the page that arrived.
    """
    from playwright.sync_api import Error

    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = run_axe(page)
        except Error as error:
            if attempt == 2 or not any(text in str(error) for text in _MID_NAVIGATION):
                raise
            continue
        break
    assert results.violations_count == 0, results.generate_report()
