"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Playwright's sync API keeps an event loop running in the test's thread, so Django would
refuse ORM calls from the test ("you cannot call this from an async context") while a
browser is open; DJANGO_ALLOW_ASYNC_UNSAFE lifts that, only while the browser runs.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's Chromium is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("Debian's Chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _page(chromium, live_server, **options):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1200, "height": 900}, **options
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(chromium, live_server, transactional_db):
    context, page = _page(chromium, live_server)
    yield page
    context.close()


@pytest.fixture
def page_without_js(chromium, live_server, transactional_db):
    context, page = _page(chromium, live_server, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir():
    """Where to save screenshots for a human to look at (PATHWISE_SCREENSHOTS), or None."""
    folder = os.environ.get("PATHWISE_SCREENSHOTS")
    return Path(folder) if folder else None
