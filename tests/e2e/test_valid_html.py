"""Every page the browser tests visit is valid HTML to the Nu HTML Checker (vnu), checked in one run at the end.

assert_accessible keeps each page's HTML as the browser has it (after the
page's scripts ran); conftest.py runs this test last. Run alone, it first
visits the pages of test_accessibility.py and the history, so it still checks
every kind of page. Without Java or vnu (`make e2e-deps`) it is skipped, and
fails under CI (CI=true), as the browser tests do.
"""

import json
import shutil
import subprocess

import pytest

from .browsing import ROOT, VISITED_PAGES, VNU_JAR, assert_accessible, sign_in
from .conftest import UNDER_CI
from .test_accessibility import PAGES

# Pages no other browser test checks by itself: the history carries times to the second.
MORE_PAGES = {"history": ("/runtime/2018-06-12/history/", "chair")}
VNU_SECONDS = 600


def _vnu_missing() -> str | None:
    if shutil.which("java") is None:
        return "Java (apt-get install default-jre-headless)"
    if not VNU_JAR.is_file():
        return f"the Nu HTML Checker at {VNU_JAR.relative_to(ROOT)} (make e2e-deps)"
    return None


def _visit_the_pages(new_context) -> None:
    for name, (path, account) in (PAGES | MORE_PAGES).items():
        page = new_context().new_page()
        if account:
            sign_in(page, account)
        assert page.goto(path).status == 200, path
        assert_accessible(page, name)


# The charset rule is about the bytes a server sends, where base.html puts <meta charset> first; the live
# editor's CodeMirror inserts its <style>s at the top of <head>, which pushes it down in the DOM read back.
CHARSET = '<meta charset="utf-8">'


def _as_sent(html: str) -> str:
    if CHARSET in html and "<head>" in html:
        html = html.replace(CHARSET, "", 1).replace("<head>", "<head>" + CHARSET, 1)
    return html


def _errors(tmp_path) -> list[str]:
    """vnu's errors, each as `page (url) line N: message`."""
    files = {}
    for index, (name, url, html) in enumerate(VISITED_PAGES):
        path = tmp_path / f"{index:03d}-{name}.html"
        path.write_text(_as_sent(html), encoding="utf-8")
        files[path.as_uri().removeprefix("file://")] = f"{name} ({url})"
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *map(str, sorted(files))],
        capture_output=True,
        text=True,
        timeout=VNU_SECONDS,
        check=False,
    )
    report = json.loads(run.stdout)
    errors = []
    for message in report["messages"]:
        where = files.get(message.get("url", "").removeprefix("file:"), message.get("url", "?"))
        errors.append(f"{where} line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_every_visited_page_is_valid_html(new_context, tmp_path):
    missing = _vnu_missing()
    if missing:
        message = f"HTML not checked, missing: {missing}"
        if UNDER_CI:
            pytest.fail(message + " (CI=true: failing instead of skipping)", pytrace=False)
        pytest.skip(message)
    if not VISITED_PAGES:
        _visit_the_pages(new_context)

    errors = _errors(tmp_path)

    checked = len({url for _, url, _ in VISITED_PAGES})
    assert not errors, f"vnu found {len(errors)} errors in {checked} pages:\n" + "\n".join(errors)
