"""Browser tests: a real Chromium (Debian's package) driven by Playwright against a live server.

The browser is the system's ``/usr/bin/chromium`` (``FACTCHECK_CHROMIUM`` to point elsewhere);
Playwright's own browser downloads are never used. Without it the tests are skipped with the
reason, except where a browser must exist (``CI=true`` or ``FACTCHECK_REQUIRE_BROWSER=1``):
there a missing browser fails the run instead of silently testing nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Set to a folder (e.g. docs/screenshots) to save screenshots of the pages while testing them.
SCREENSHOT_DIR = os.environ.get("FACTCHECK_SCREENSHOT_DIR", "")


def _browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("FACTCHECK_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str):
    if _browser_required():
        pytest.fail(f"{reason} (CI=true or FACTCHECK_REQUIRE_BROWSER=1 needs the browser tests to run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One Chromium per test module, closed after it.

    Playwright's sync API keeps an asyncio loop in this thread while it runs, and Django
    refuses ORM calls beside a running loop. Our calls are sequential, not async code, so
    the guard is lifted for exactly as long as Playwright runs: the module, including its
    tests' database teardown. Not per session, so the tests after these run guarded again.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield from _chromium()


def _chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: .venv/bin/pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set FACTCHECK_CHROMIUM)")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no usable browser here"
        playwright.stop()
        _unavailable(f"Chromium at {CHROMIUM} does not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(user=None, width=1280, height=860)``: a page in a fresh browser context, logged in
    as ``user`` if given (by the session cookie Django's test client makes: the login form has its
    own test)."""
    contexts = []

    def open_page(user=None, *, width: int = 1280, height: int = 860, bypass_csp: bool = False):
        # bypass_csp: only for injecting a test tool (axe-core) into the page; the CSP test never sets it.
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, bypass_csp=bypass_csp
        )
        context.set_default_timeout(10_000)
        if user is not None:
            from django.test import Client

            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"]
            context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield open_page
    for context in contexts:
        context.close()


def item_settled(page) -> None:
    """Wait until the selected item's panel has loaded what it fills in after a selection (its
    reviews, comments, history and earlier checks): those push the panel's controls down, and a
    click aimed while they move can land beside its target."""
    from playwright.sync_api import expect

    expect(page.locator("#panel[aria-busy]")).to_have_count(0)
    expect(page.locator("#matches-box[aria-busy]")).to_have_count(0)


def screenshot(page, name: str) -> None:
    """Save a PNG of the page when ``FACTCHECK_SCREENSHOT_DIR`` is set (how docs/screenshots are made)."""
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"))
