"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser download: the system's /usr/bin/chromium is used (``make test`` installs it when
running as root). The browser may not leave the machine: every request to another host is
aborted and recorded, and a test fails if any was made.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test
    # bodies are still synchronous and safe. Set only while the browser runs.
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


@pytest.fixture
def outside_requests():
    return []


@pytest.fixture
def new_page(browser, live_server, transactional_db, default_sections, outside_requests):
    """Open a page in a fresh browser context, optionally with a language cookie."""
    contexts = []

    def open_page(language: str | None = None, locale: str = "en-US"):
        # A desktop window: the full menu shows from 1200 px (below, it folds into a button).
        # Reduced motion turns off Bootstrap's colour transitions, so axe never checks the
        # contrast of a button caught half-way between two colours after an htmx swap.
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": 1440, "height": 900},
            reduced_motion="reduce",
        )
        if language:
            host = live_server.url.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": "portfolio_language", "value": language, "domain": host, "path": "/"}]
            )

        def only_local(route):
            if route.request.url.startswith(live_server.url):
                route.continue_()
            else:
                outside_requests.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert outside_requests == [], "the page tried to reach another host"
