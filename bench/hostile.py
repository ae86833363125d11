"""(h) Hostile input under gunicorn: while it is sent, does a reader still get the home page, and do workers stay lean?

Against gunicorn with two workers, one reader loads `/` in a loop the whole
time; each reproduction of issue 13 runs in its own window, and prints the
reader's p95 in that window (target under 1 s) and the workers' resident
memory across its second round, after a first one of the same requests
(VmRSS of the master's children; target flat within 10%). Worker recycling
(gunicorn.conf.py's max_requests) is turned off here, so that a leak shows
instead of being recycled away. Every loop is bounded in count and time, and
only ever talks to 127.0.0.1.

`BENCH_ONLY=h make bench` runs it alone.
"""

import contextlib
import html
import http.client
import os
import re
import secrets
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from . import harness
from .harness import check, note, percentile

READER_TARGET_SECONDS = 1.0
MEMORY_TARGET = 0.10  # relative change of the workers' resident memory
REQUEST_TIMEOUT = 40  # seconds a hostile request may take before its client gives up (gunicorn's timeout is 60)
SETTLE_SECONDS = 70  # between reproductions: until the home page answers quickly again, at most this long
PASSWORD = "bench-hostile-password"  # noqa: S105 (a throw-away local account)
COMMITTEE = "runtime"
TABLE_DATE = date(2018, 7, 10)
TABLE_ROWS = 20_000
PDF_LOOP_SECONDS = 30
PDF_CLIENTS = 3
PREVIEWS = 500
READER_INTERVAL = 0.25  # seconds between the reader's loads of `/`
READER_THREADS = 200  # loads in flight at most: enough for a REQUEST_TIMEOUT of hanging
QUOTE_SECONDS = 45  # no new round of nested-quote previews after this
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


# The people and the minutes ---------------------------------------------------------------------


def prepare() -> dict:
    """A lead and a chair of the seed's committee, and a published meeting holding a 20,000-row table."""
    from django.contrib.auth import get_user_model

    from meetings.models import Committee, Meeting
    from meetings.services.exporting import meeting_to_markdown
    from meetings.services.publishing import publish_meeting
    from meetings.services.scheduling import create_meeting

    committee = Committee.objects.get(slug=COMMITTEE)
    users = get_user_model().objects
    lead = users.filter(username="hostile-lead").first() or users.create_user("hostile-lead", password=PASSWORD)
    chair = users.filter(username="hostile-chair").first() or users.create_user("hostile-chair", password=PASSWORD)
    committee.teams.order_by("position").first().leads.add(lead)
    committee.chairs.add(chair)
    meeting = Meeting.objects.filter(committee=committee, date=TABLE_DATE).first()
    if meeting is None:
        meeting = create_meeting(committee, day=TABLE_DATE)
        report = meeting.reports.order_by("position").first()
        # Short cells keep the HTML under PMC_PDF_MAX_SOURCE_BYTES: typeset, not refused for its size.
        report.body = "| n | state |\n|---|---|\n" + "".join(f"| {n} | ok |\n" for n in range(TABLE_ROWS))
        report.save()
        publish_meeting(meeting)
    seed = Meeting.objects.get(committee=committee, date=date(2018, 6, 12))
    return {
        "table_pdf": f"/{COMMITTEE}/{TABLE_DATE}.pdf",
        "seed_markdown": meeting_to_markdown(seed),
    }


# HTTP -----------------------------------------------------------------------------------------


class Session:
    """One signed-in person: their cookies, and the CSRF token the preview reads from its cookie."""

    def __init__(self, base: str, username: str) -> None:
        check(base.startswith("http://127.0.0.1:"), "only ever load this machine")
        self.host = urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        status, text = self.request("GET", "/accounts/login/")
        token = html.unescape(_CSRF.search(text)[1])
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        status, _ = self.request("POST", "/accounts/login/", urlencode(fields), "application/x-www-form-urlencoded")
        check(status == 302, f"login of {username}: {status}")

    def request(self, method: str, path: str, body=None, content_type: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, timeout=REQUEST_TIMEOUT)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if content_type:
            headers["Content-Type"] = content_type
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
            return response.status, text
        finally:
            connection.close()

    def preview(self, markdown: str) -> int:
        return self.request("POST", "/markdownx/markdownify/", urlencode({"content": markdown}),
                            "application/x-www-form-urlencoded")[0]  # fmt: skip

    def upload(self, path: str, files: dict[str, bytes]) -> int:
        _, page = self.request("GET", path)
        boundary = "bench" + secrets.token_hex(12)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{html.unescape(_CSRF.search(page)[1])}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="draft"\r\n\r\non\r\n'.encode(),
        ]
        for name, content in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                f"Content-Type: text/markdown\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")[0]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310 (our local server)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class Reader(threading.Thread):
    """Loads the home page every READER_INTERVAL seconds, whether or not the last load has come back.

    A reader that waited for each answer would take few samples while the
    server hangs, and its p95 would hide the hang; a load that waits for a free
    thread here counts from when it was due.
    """

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.url, self.loads, self.stopping = f"{base}/", [], threading.Event()

    def run(self) -> None:
        with ThreadPoolExecutor(READER_THREADS) as pool:
            due = time.monotonic()
            while not self.stopping.is_set():
                pool.submit(self._load, due)
                due += READER_INTERVAL
                time.sleep(max(0.0, due - time.monotonic()))

    def _load(self, due: float) -> None:
        with contextlib.suppress(OSError):  # a timed-out load still counts, at its full time
            get(self.url)
        self.loads.append((due, time.monotonic() - due))

    def between(self, start: float, end: float) -> list[float]:
        return [seconds for at, seconds in list(self.loads) if start <= at <= end]


# The workers' memory --------------------------------------------------------------------------


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def workers(master: int) -> dict[int, int]:
    """The master's children (the workers, not their PDF renderers) and their resident memory in kB."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            status = _status(int(entry.name))
            if status.get("PPid", "").strip() == str(master) and "VmRSS" in status:
                found[int(entry.name)] = int(status["VmRSS"].split()[0])
    return found


def gunicorn_master(port: int) -> int:
    """The gunicorn that harness.gunicorn started: our child, bound to the port."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _status(int(entry.name)).get("PPid", "").strip() == str(os.getpid()):
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
                return int(entry.name)
    raise RuntimeError("bench: gunicorn's master process not found")


# The reproductions ----------------------------------------------------------------------------


def nested_quotes(base: str, data: dict) -> str:
    lead = Session(base, "hostile-lead")
    statuses = []
    deadline = time.monotonic() + QUOTE_SECONDS
    with ThreadPoolExecutor(2) as pool:
        for _ in range(3):
            if time.monotonic() > deadline:
                break
            statuses += pool.map(lambda _: _status_or_error(lambda: lead.preview(">" * 200_000 + " x")), range(2))
    return f"{len(statuses)} previews of 200,000 nested quotes, 2 at once: {_count(statuses)}"


def long_lines(base: str, data: dict) -> str:
    chair = Session(base, "hostile-chair")
    spaces = b"# Minutes 2019-01-22\n\n### a" + b" " * 40_000 + b"\n"
    line = b"- " + b"a " * 50_000 + b"\n"  # 100 kB lines, 19 of them: just under the 2 MB limit
    long = b"# Minutes 2019-01-29\n\n### b\n\n" + line * 19
    page, statuses = f"/{COMMITTEE}/import/", []
    for _ in range(3):
        statuses.append(_status_or_error(lambda: chair.upload(page, {"2019-01-22-runtime.md": spaces})))
        statuses.append(_status_or_error(lambda: chair.upload(page, {"2019-01-29-runtime.md": long})))
    return f"6 imports (40,000 spaces after a heading; {len(long) / 1e6:.1f} MB of long lines): {_count(statuses)}"


def failing_pdf(base: str, data: dict) -> str:
    url = base + data["table_pdf"]
    deadline = time.monotonic() + PDF_LOOP_SECONDS
    statuses: list[object] = []

    def loop() -> None:
        for _ in range(1000):
            if time.monotonic() > deadline:
                return
            statuses.append(_status_or_error(lambda: get(url)))

    threads = [threading.Thread(target=loop) for _ in range(PDF_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return f"{PDF_CLIENTS} clients x {PDF_LOOP_SECONDS} s on a {TABLE_ROWS:,}-row table's PDF: {_count(statuses)}"


def seed_previews(base: str, data: dict) -> str:
    lead = Session(base, "hostile-lead")
    deadline = time.monotonic() + 90
    statuses = []
    for _ in range(PREVIEWS):
        if time.monotonic() > deadline:
            break
        statuses.append(_status_or_error(lambda: lead.preview(data["seed_markdown"])))
    return f"{len(statuses)} previews of the seed meeting: {_count(statuses)}"


def _status_or_error(request: Callable[[], int]) -> object:
    try:
        return request()
    except OSError as error:
        return type(error).__name__


def _count(statuses: list[object]) -> str:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return ", ".join(f"{n} x {status}" for status, n in sorted(counts.items()))


REPRODUCTIONS = [
    ("a", "nested-quote preview", nested_quotes),
    ("b", "long-line import", long_lines),
    ("c", "failing PDF loop", failing_pdf),
    ("d", "seed preview x500", seed_previews),
]


def hostile(env: dict) -> list[str]:
    """Run every reproduction against one gunicorn with a reader on `/`; the printed lines, also returned."""
    data = prepare()
    lines = []
    note(f"started {datetime.now():%Y-%m-%d %H:%M:%S}")
    # No recycling: a leak must show in the workers' memory, not be restarted away.
    with harness.gunicorn({**env, "GUNICORN_CMD_ARGS": "--max-requests=0"}, workers=2) as base:
        master = gunicorn_master(int(base.rsplit(":", 1)[1]))
        reader = Reader(base)
        reader.start()
        try:
            for letter, name, reproduce in REPRODUCTIONS:
                # Twice: the reader's p95 counts both rounds; the memory is compared across the
                # second, so that what a worker loads once (views, templates, the arena of its
                # first large request) is not taken for a leak, while a leak per request still shows.
                _settle(reader)
                start = time.monotonic()
                reproduce(base, data)
                _settle(reader)
                before = workers(master)
                what = reproduce(base, data)
                end = time.monotonic()
                time.sleep(1)  # the reader's next load, after the attack
                after = workers(master)
                lines.append(_report(letter, name, reader.between(start, end + 1), before, after))
                note(f"   {what} in {end - start:.0f} s")
        finally:
            reader.stopping.set()
            reader.join(REQUEST_TIMEOUT + 5)
    return lines


def _settle(reader: Reader) -> None:
    """Wait until the reader's loads are quick again (the last attack's work is over), at most SETTLE_SECONDS."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(1)
        recent = [seconds for _, seconds in reader.loads[-8:]]
        if len(recent) == 8 and max(recent) < 0.2:
            return


def _report(letter: str, name: str, loads: list[float], before: dict[int, int], after: dict[int, int]) -> str:
    p95 = percentile(loads, 0.95) if loads else float("inf")
    reader_ok = p95 < READER_TARGET_SECONDS
    rss_before, rss_after = sum(before.values()) / 1024, sum(after.values()) / 1024
    change = rss_after / rss_before - 1 if rss_before else float("inf")
    memory_ok = abs(change) <= MEMORY_TARGET and before.keys() == after.keys()
    replaced = "" if before.keys() == after.keys() else f", workers replaced {sorted(before)} → {sorted(after)}"
    line = (
        f"hostile {letter}) {name}: reader p95 {p95:.2f} s over {len(loads)} loads "
        f"(target < {READER_TARGET_SECONDS:g} s) {'MET' if reader_ok else 'MISSED'}; "
        f"workers {rss_before:.0f} MB → {rss_after:.0f} MB ({change:+.0%}, target ±{MEMORY_TARGET:.0%}{replaced}) "
        f"{'MET' if memory_ok else 'MISSED'}"
    )
    print(f"  {line}", flush=True)
    median = statistics.median(loads) if loads else float("nan")
    harness.VERDICTS.append(harness.Verdict(f"hostile {letter}) reader p95", f"{p95:.2f} s (median {median:.2f})",
                                            "< 1 s", reader_ok))  # fmt: skip
    harness.VERDICTS.append(harness.Verdict(f"hostile {letter}) workers' memory", f"{change:+.0%}{replaced}",
                                            "±10%", memory_ok))  # fmt: skip
    return line
