"""(d) 20 leads save their own reports of one meeting at the same moment, over HTTP, through the real forms."""

import html
import http.client
import re
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from meetings.models import BacklogReport, Revision

from . import harness
from .data import WRITES_PASSWORD, writers
from .harness import check, note, percentile, verdict

ROUNDS = 10
_HIDDEN = re.compile(r'<input[^>]*name="(csrfmiddlewaretoken|version)"[^>]*value="([^"]*)"')


class Browser:
    """One person's session: a keep-alive connection, the cookies it was given, the forms' hidden fields."""

    def __init__(self, base: str) -> None:
        self.host = urlsplit(base).netloc
        self.connection = http.client.HTTPConnection(self.host, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text, dict(response.headers)

    def form_fields(self, path: str) -> dict[str, str]:
        status, text, _ = self.request("GET", path)
        check(status == 200, (path, status))
        return {name: html.unescape(value) for name, value in _HIDDEN.findall(text)}

    def log_in(self, username: str) -> None:
        fields = self.form_fields("/accounts/login/")
        status, _, _ = self.request(
            "POST", "/accounts/login/", {**fields, "username": username, "password": WRITES_PASSWORD}
        )
        check(status == 302, f"login of {username}: {status}")


def writes(env: dict) -> None:
    meeting, accounts = writers()
    base_path = f"/{meeting.committee.slug}/{meeting.date}/reports"
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    with harness.gunicorn(env, workers=2) as base:
        browsers = [Browser(base) for _ in accounts]
        for browser, (username, _) in zip(browsers, accounts, strict=True):
            browser.log_in(username)
        start_together = threading.Barrier(len(accounts))

        def lead(browser: Browser, team: str) -> None:
            try:
                write_rounds(browser, team)
            except Exception as error:
                start_together.abort()  # the others must not wait for this lead forever
                with lock:
                    failures.append(f"{team}: {error}")

        def write_rounds(browser: Browser, team: str) -> None:
            edit = f"{base_path}/{team}/edit/"
            for round_ in range(1, ROUNDS + 1):
                fields = browser.form_fields(edit)
                fields["body"] = f"- {team} round {round_}\n- written by its lead"
                start_together.wait()
                started = time.perf_counter()
                status, _, _ = browser.request("POST", edit, fields)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 302:
                        failures.append(f"{team} round {round_}: {status}")

        threads = [
            threading.Thread(target=lead, args=(browser, team))
            for browser, (_, team) in zip(browsers, accounts, strict=True)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started

    wrong = []
    for report in BacklogReport.objects.filter(meeting=meeting).select_related("team"):
        revisions = Revision.objects.filter(report=report).count()
        expected_body = f"- {report.team.slug} round {ROUNDS}\n- written by its lead"
        if report.version != 1 + ROUNDS or revisions != ROUNDS or report.body.replace("\r\n", "\n") != expected_body:
            wrong.append(f"{report.team.slug}: version {report.version}, {revisions} revisions")
    saves = len(accounts) * ROUNDS
    note(
        f"{len(accounts)} leads x {ROUNDS} rounds = {saves} saves in {wall:.1f} s over gunicorn (2 workers); "
        f"median {percentile(latencies, 0.5) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms"
    )
    for problem in (failures + wrong)[:5]:
        note(f"problem: {problem}")
    verdict(
        "every save applied exactly once",
        f"{len(latencies) - len(failures)}/{saves} saved, {len(wrong)} reports off",
        "all",
        not failures and not wrong,
    )
    p95 = percentile(latencies, 0.95) * 1000 if latencies else float("inf")
    verdict("save latency p95 (20 concurrent leads)", f"{p95:.0f} ms", "< 200 ms", p95 < 200)
