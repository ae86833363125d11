"""(j) A burst of PDFs under gunicorn: do the readers of HTML pages notice, and does any PDF hang?

The release-announcement case of issue 20: 50 clients each ask at once for a
different cold PDF (50 published meetings whose PDF nobody has asked for yet)
while 20 other clients read the meetings' HTML pages, two a second each. The same 20
readers first run alone (idle) for IDLE_SECONDS; the figures are the readers'
p95 during the burst against their idle p95 (target under 3×), the PDF
outcomes (200 typeset, 503 busy with Retry-After; anything else, or a client
giving up after REQUEST_TIMEOUT, is a hang) and the peak resident memory of
the workers and their PDF renderers, sampled every 0.1 s.

gunicorn runs WORKERS sync workers (about what WEB_CONCURRENCY would be on a
small machine) with the production defaults for PDFs: PMC_PDF_MAX_CONCURRENT
(half the CPUs), PMC_PDF_MAX_MEMORY_MB, PMC_PDF_TIMEOUT_SECONDS. Only ever
talks to 127.0.0.1. `BENCH_ONLY=j make bench` runs it alone.
"""

import multiprocessing
import os
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from . import harness
from .harness import check, note, percentile
from .hostile import gunicorn_master

COMMITTEE = "burst"
PDF_CLIENTS = 50
HTML_CLIENTS = 20
READ_INTERVAL = 0.5  # seconds between one reader's loads: 40 pages a second in all
WORKERS = 4
IDLE_SECONDS = 15
AFTER_SECONDS = 2  # the readers keep reading this long after the last PDF answered
REQUEST_TIMEOUT = 40  # a PDF client that waits longer than this calls it a hang (gunicorn's timeout is 60)
RATIO_TARGET = 3.0
FIRST_DAY = date(2019, 1, 8)

REPORT = """- Shipped the {n}th release of the cell scheduler, with the fixes from the previous cycle
- Rebalancing: the new placement algorithm is on by default; see the design notes
- Next: retire the old API, write the migration guide, and review the {n} open pull requests

| area | state | owner |
|------|-------|-------|
| scheduler | done | Ada |
| placement | in review | Grace |
| docs | started | Linus |
"""


def prepare() -> list[tuple[str, str]]:
    """PDF_CLIENTS published meetings of a committee of their own; their pages' and PDFs' paths."""
    from meetings.models import Committee, Meeting, Team
    from meetings.services.editing import save_report
    from meetings.services.publishing import publish_meeting
    from meetings.services.scheduling import create_meeting

    committee, _ = Committee.objects.get_or_create(slug=COMMITTEE, defaults={"name": "Burst"})
    for position, name in enumerate(["Scheduler", "Placement", "Docs"]):
        defaults = {"name": name, "position": position}
        Team.objects.get_or_create(committee=committee, slug=name.lower(), defaults=defaults)
    paths = []
    for n in range(PDF_CLIENTS):
        day = FIRST_DAY + timedelta(weeks=n)
        meeting = Meeting.objects.filter(committee=committee, date=day).first()
        if meeting is None:
            meeting = create_meeting(committee, day=day)
            for report in meeting.reports.all():
                save_report(report, body=REPORT.format(n=n + 1), by=None)
            publish_meeting(meeting)
        paths.append((f"/{COMMITTEE}/{day}/", f"/{COMMITTEE}/{day}.pdf"))
    return paths


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310 (our local server)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


class Readers:
    """HTML_CLIENTS clients, each loading the next meeting page every READ_INTERVAL seconds.

    A load's time counts from when it was due, not from when the client got
    round to it: a load delayed by the slow one before it shows as slow too,
    so a stalled server cannot hide behind clients that wait for it.
    """

    def __init__(self, base: str, pages: list[str]) -> None:
        self.base, self.pages = base, pages
        self.loads: list[tuple[float, float, int]] = []  # (started, seconds, status)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(n,), daemon=True) for n in range(HTML_CLIENTS)]

    def _read(self, n: int) -> None:
        turn, due = n, time.monotonic() + READ_INTERVAL * n / HTML_CLIENTS
        while not self.stopping.is_set():
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                status = get(self.base + self.pages[turn % len(self.pages)])
            except OSError:
                status = 0
            self.loads.append((due, time.monotonic() - due, status))
            turn += HTML_CLIENTS
            # Behind schedule, the next load goes at once instead of queueing up every missed one: a stall
            # shows in full in the load that waited for it, and a busy machine does not snowball.
            due = max(due + READ_INTERVAL, time.monotonic())

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT + 5)

    def between(self, start: float, end: float) -> list[tuple[float, int]]:
        return [(seconds, status) for at, seconds, status in list(self.loads) if start <= at <= end]


def _rss_kb(pid: int) -> tuple[int, list[int]]:
    """A process's resident memory in kB, and its children's pids."""
    rss, children = 0, []
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        # Every thread's: a gthread worker forks its renderer from the thread serving the request.
        for task in Path(f"/proc/{pid}/task").iterdir():
            children += [int(child) for child in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return rss, children


class MemorySampler(threading.Thread):
    """The peak resident memory of the master's workers and their PDF renderers, together and of one process."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.stopping = master, threading.Event()
        self.peak_total = self.peak_worker = self.peak_renderer = self.peak_renderers = 0

    def run(self) -> None:
        while not self.stopping.is_set():
            total, renderers = 0, 0
            for worker in _rss_kb(self.master)[1]:
                rss, children = _rss_kb(worker)
                total += rss
                self.peak_worker = max(self.peak_worker, rss)
                for child in children:
                    child_rss, _ = _rss_kb(child)
                    total += child_rss
                    renderers += 1
                    self.peak_renderer = max(self.peak_renderer, child_rss)
            self.peak_total = max(self.peak_total, total)
            self.peak_renderers = max(self.peak_renderers, renderers)
            time.sleep(0.1)


def burst(env: dict) -> None:
    paths = prepare()
    pages = [page for page, _ in paths]
    note(f"{PDF_CLIENTS} published meetings, {WORKERS} gunicorn workers, {HTML_CLIENTS} readers of their pages")
    # BENCH_GUNICORN_ARGS: other options for this gunicorn, e.g. "--max-requests=0 --threads=4" (gthread workers).
    options = os.environ.get("BENCH_GUNICORN_ARGS", "--max-requests=0")
    note(f"gunicorn {options}; load average {os.getloadavg()[0]:.1f} at the start")
    with harness.gunicorn({**env, "GUNICORN_CMD_ARGS": options}, workers=WORKERS) as base:
        master = gunicorn_master(int(base.rsplit(":", 1)[1]))
        for page in pages:  # every worker's cache warm enough that idle and burst read the same way
            check(get(base + page) == 200, f"{page} does not load")
        sampler = MemorySampler(master)
        sampler.start()
        with Readers(base, pages) as readers:
            time.sleep(1)
            idle_start = time.monotonic()
            time.sleep(IDLE_SECONDS)
            idle_end = burst_start = time.monotonic()
            outcomes = _pdf_burst(base, [pdf for _, pdf in paths])
            burst_end = time.monotonic()
            note(f"load average {os.getloadavg()[0]:.1f} after the burst")
            time.sleep(AFTER_SECONDS)
        sampler.stopping.set()
        sampler.join(5)
    _report(readers.between(idle_start, idle_end), readers.between(burst_start, burst_end), outcomes, sampler,
            burst_end - burst_start)  # fmt: skip


def _pdf_burst(base: str, pdfs: list[str]) -> list[tuple[int | str, float]]:
    """Each PDF asked for once, all at the same moment, from a process of its own; (status or the error, seconds).

    Its own process: 50 client threads beside the readers' would hold the
    interpreter's lock long enough to make the readers' own timing slow.
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    clients = context.Process(target=_ask_all, args=(base, pdfs, results), daemon=True)
    clients.start()
    outcomes = results.get(timeout=REQUEST_TIMEOUT + 30)
    clients.join(10)
    return outcomes


def _ask_all(base: str, pdfs: list[str], results) -> None:
    gate = threading.Barrier(len(pdfs))

    def ask(path: str) -> tuple[int | str, float]:
        gate.wait()
        started = time.monotonic()
        try:
            status: int | str = get(base + path)
        except OSError as error:  # a timeout: the client gave up
            status = type(error).__name__
        return status, time.monotonic() - started

    with ThreadPoolExecutor(len(pdfs)) as pool:
        results.put(list(pool.map(ask, pdfs)))


def _report(idle, during, outcomes, sampler: MemorySampler, seconds: float) -> None:
    check(idle and during, "the readers loaded nothing")
    idle_p95 = percentile([s for s, _ in idle], 0.95)
    burst_p95 = percentile([s for s, _ in during], 0.95)
    ratio = burst_p95 / idle_p95
    failed_reads = sum(1 for _, status in idle + during if status != 200)
    note(f"readers idle: {len(idle)} loads, p95 {idle_p95 * 1000:.0f} ms")
    note(f"readers during the burst ({seconds:.1f} s): {len(during)} loads, p95 {burst_p95 * 1000:.0f} ms, "
         f"{failed_reads} not 200")  # fmt: skip
    counts: dict[str, int] = {}
    for status, _ in outcomes:
        counts[str(status)] = counts.get(str(status), 0) + 1
    slowest = max(s for _, s in outcomes)
    hung = sum(n for status, n in counts.items() if status not in ("200", "503"))
    summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
    note(f"PDFs: {summary}; slowest answer {slowest:.1f} s")
    note(f"peak memory: workers and renderers together {sampler.peak_total / 1024:.0f} MB, one worker "
         f"{sampler.peak_worker / 1024:.0f} MB, one renderer {sampler.peak_renderer / 1024:.0f} MB, "
         f"{sampler.peak_renderers} renderer(s) at once")  # fmt: skip
    harness.verdict("burst j) readers' p95 during 50 cold PDFs",
                    f"{burst_p95 * 1000:.0f} ms vs {idle_p95 * 1000:.0f} ms idle ({ratio:.1f}×)",
                    f"< {RATIO_TARGET:g}× idle", ratio < RATIO_TARGET and failed_reads == 0)  # fmt: skip
    harness.verdict("burst j) PDF outcomes (none may hang)", f"{summary}; slowest {slowest:.1f} s",
                    "200/503 only", hung == 0)  # fmt: skip
    harness.verdict("burst j) workers' peak memory", f"{sampler.peak_total / 1024:.0f} MB ({WORKERS} workers)",
                    "recorded", True)  # fmt: skip
