"""The browser tests: the app served by pytest-django's live server, driven by Playwright in headless Chromium.

Chromium is the system's (/usr/bin/chromium, or $E2E_CHROMIUM), never a browser
Playwright downloads; axe-core comes from `make e2e-deps`. When either is
missing the tests are skipped with a loud message, except under CI (CI=true)
where they fail: a green CI must mean the pages were tried in a browser.
"""

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .browsing import AXE_JS, DEMO_PASSWORD, ROOT

# Playwright's sync API runs an event loop in the test's thread; without this
# Django refuses the ORM calls the tests make (demo data, assertions).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
TIMEOUT_MS = 15_000
UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing() -> list[str]:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package (make venv)")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium; make system-deps tries)")
    if not AXE_JS.is_file():
        missing.append(f"axe-core at {AXE_JS.relative_to(ROOT)} (make e2e-deps)")
    return missing


MISSING = _missing()

if MISSING and not UNDER_CI and importlib.util.find_spec("playwright") is None:
    # The test modules import Playwright: leave them out, the summary says why.
    # Under CI they are collected and fail to import, which fails the run.
    collect_ignore_glob = ["test_*.py"]


def pytest_terminal_summary(terminalreporter):
    if MISSING and not UNDER_CI:
        terminalreporter.write_sep("!", "BROWSER TESTS SKIPPED", red=True, bold=True)
        for what in MISSING:
            terminalreporter.write_line(f"missing: {what}", red=True, bold=True)
        terminalreporter.write_line("tests/e2e did not run: the pages were NOT tried in a browser.", red=True)


@pytest.fixture(scope="session")
def browser():
    if MISSING:
        message = "browser tests cannot run, missing: " + "; ".join(MISSING)
        if UNDER_CI:
            pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server, monkeypatch, settings, tmp_path):
    """The demo data in a fresh database: the published 2018-06-12, the draft 2018-06-26, chair and two leads."""
    from meetings.demo import load_demo

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads land here, served by the live server
    list(load_demo())
    return live_server


@pytest.fixture
def asgi_demo(transactional_db, monkeypatch, settings, tmp_path):
    """The demo data served by the ASGI application (pages and the live room's sockets), restartable: `.restart()`."""
    from meetings.demo import load_demo
    from tests.support.asgi_server import AsgiServer

    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    list(load_demo())
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_context(browser, demo) -> Iterator[Callable]:
    """Make a browser context on the live server; all are closed after the test."""
    yield from _contexts(browser, demo.url)


@pytest.fixture
def live_context(browser, asgi_demo) -> Iterator[Callable]:
    """As new_context, on the ASGI server (WebSockets work there)."""
    yield from _contexts(browser, asgi_demo.url)


def _contexts(browser, base_url: str) -> Iterator[Callable]:
    contexts = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        # axe is injected as an inline script, which the app's Content-Security-Policy refuses;
        # journeys that need no axe pass bypass_csp=False to run under the real policy.
        options.setdefault("bypass_csp", True)
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def pytest_collection_modifyitems(items):
    """The HTML check runs last, over the pages every other browser test visited (test_valid_html.py)."""
    last = [item for item in items if item.path.name == "test_valid_html.py"]
    items[:] = [item for item in items if item not in last] + last
