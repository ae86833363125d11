"""What the browser tests do on a page: sign in, take a picture, ask axe, move by keyboard."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import OperationalError
from PIL import Image

if TYPE_CHECKING:  # conftest imports this module to learn what is missing, maybe Playwright itself
    from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / ".e2e" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "e2e-demo-password-7"


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person does (and correctly: failed sign-ins lock accounts out)."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def screenshot(page: Page, name: str) -> Path:
    """A full-page picture under test-artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def document_screenshots(page: Page, name: str) -> None:
    """docs/screenshots/<name>.png at 1280 px and <name>-phone.png at 390 px, full page, for the README's readers."""
    folder = ROOT / "docs" / "screenshots"
    size = page.viewport_size
    for suffix, viewport in (("", {"width": 1280, "height": 900}), ("-phone", {"width": 390, "height": 844})):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(folder / f"{name}{suffix}.png"), full_page=True)
    page.set_viewport_size(size)


def assert_accessible(page: Page, name: str) -> None:
    """axe-core finds no serious or critical violation on the page as it is now."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]
    assert not bad, f"axe found problems on the {name} page ({page.url}):\n" + "\n".join(map(_describe, bad))


def _describe(violation: dict) -> str:
    lines = [f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"]
    for node in violation["nodes"][:10]:
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines)


def small_png() -> bytes:
    """A real 24×16 PNG, made here: what a lead's screenshot upload looks like to the server."""
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (11, 92, 173)).save(buffer, format="PNG")
    return buffer.getvalue()


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, max_presses: int = 60) -> int:
    """Press Tab until the target has the focus; the number of presses (fails if it never gets it)."""
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if is_focused(target):
            return presses
    raise AssertionError(f"{target} not reached with {max_presses} presses of Tab")


def scroll_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def eventually(read: Callable[[], object], check: Callable[[object], bool], within: float = 5.0):
    """What `read` gives once `check` holds, asked again until `within` seconds have passed (then fails).

    For what the ASGI server's thread writes: SQLite's shared in-memory test database is locked a moment meanwhile.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            value = read()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            value = error
        else:
            if check(value):
                return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {within} s")
        time.sleep(0.1)
