"""(k) The live room under load: simulated Yjs clients (bench/yclients.py) against the ASGI application.

The server is the production command in a process of its own (gunicorn, one uvicorn worker, pmc_minutes.asgi);
the clients run in two more (writers, readers), whose CPU and event-loop lag are reported so that a saturated
client is not read as a slow server. Warm-up, then ROOMS rooms at once (a writer and ROOM_READERS readers each:
latency, the worker's memory per open room and after they closed), then one busy room: WRITERS writers and
READERS readers for BENCH_LIVE_SECONDS (60 by default; 600 is the issue's 10-minute run), keystroke-to-reader
p50/p95/p99, and nothing lost: every keystroke once in every client's document and in the saved body.
"""

import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import OperationalError

from meetings.models import BacklogReport, Committee, Team
from meetings.services.editing import save_report
from meetings.services.scheduling import create_meeting

from . import harness
from .harness import ROOT, check, note, verdict
from .hostile import gunicorn_master, workers

COMMITTEE = "bench-live"
DAY = date(2031, 3, 4)
WRITERS, READERS = 5, 50  # in the busy room (the acceptance)
ROOMS, ROOM_READERS = 20, 3  # open at once, a writer each
ROOMS_SECONDS = 20
RATE = 7.0  # keystrokes a second per writer (people type 5 to 10)
LATENCY_TARGET_MS = 100
INITIAL_BODY = "Written live by the bench.\n"
SAVE_WAIT_SECONDS = 15  # the room saves as its last connection leaves; this long at most
CATCH_UP_SECONDS = 30  # after the writers stop, every client must hold every keystroke within this
SETTLE_SECONDS = 3  # after the rooms closed, before their memory is read again
RESYNC_SECONDS = 5.0  # the site's editor asks for what it lacks this often (RESYNC_INTERVAL_MS, live-editor.js)
SATURATED_CPU, SATURATED_LAG_MS = 0.8, 20  # a client process past either may be measuring itself
_client_ids = itertools.count(1001)  # writers' Yjs client ids: new in every phase, so clocks start at 0


@dataclass(frozen=True)
class Plan:
    writers: int = WRITERS
    readers: int = READERS
    seconds: float = 60
    rooms: int = ROOMS
    room_readers: int = ROOM_READERS
    rooms_seconds: float = ROOMS_SECONDS
    rate: float = RATE
    awareness: bool = True  # writers announce their cursor after each keystroke, as CodeMirror's yCollab does
    settle: float = SETTLE_SECONDS
    resync: float = RESYNC_SECONDS

    @classmethod
    def from_environment(cls) -> "Plan":
        return cls(seconds=float(os.environ.get("BENCH_LIVE_SECONDS", "60")))


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:port
    pid: int  # the process holding the rooms: its memory and CPU are measured


@dataclass
class RoomPlan:
    report: BacklogReport
    path: str  # the socket's
    writers: list
    readers: list
    writer_ids: list[tuple[int, object]] = field(default_factory=list)  # (Yjs client id, user), given per phase
    before: str = ""  # the body as the phase began


@dataclass
class Phase:
    """What one phase measured."""

    rooms: int
    writers: int
    readers: int
    seconds: float
    keystrokes: int = 0
    windows: list[Counter] = field(default_factory=list)  # latency in 0.1 ms units, per tenth of the typing
    missing: int = 0  # keystrokes that never reached a reader (one per reader)
    problems: list[str] = field(default_factory=list)
    server_cpu: float = 0.0  # share of one core while the writers typed
    server_cpu_seconds: float = 0.0
    machine_busy: float = 0.0  # share of all the machine's cores busy meanwhile, whoever's
    healed: int = 0  # keystrokes a reader got first from a resync's answer (still on their way, or dropped)
    gaps: int = 0  # times a reader got an update it could not apply yet: one before it was dropped on the way
    rss_open_kb: int = 0
    connect_seconds: float = 0.0
    saved_seconds: float = 0.0  # from the last close to every room's body saved
    clients: dict[str, dict] = field(default_factory=dict)

    @property
    def latencies(self) -> Counter:
        return sum(self.windows, Counter())


@dataclass
class Results:
    idle_kb: int
    rooms: Phase
    closed_kb: int
    again: Phase  # the same rooms a second time
    closed_again_kb: int
    busy: Phase


# The data -------------------------------------------------------------------------------------


def prepare(plan: Plan) -> tuple[RoomPlan, list[RoomPlan], RoomPlan]:
    """A draft meeting of a committee of its own: the warm-up room, the rooms opened at once, the busy room."""
    users = get_user_model().objects
    committee, _ = Committee.objects.get_or_create(slug=COMMITTEE, defaults={"name": "Bench Live"})

    def team(slug: str, leads: list) -> Team:
        made = Team.objects.create(committee=committee, name=slug, slug=slug, position=Team.objects.count())
        made.leads.add(*leads)
        return made

    def people(prefix: str, count: int) -> list:
        return [users.create_user(f"live-{prefix}-{n}") for n in range(count)]

    # Readers lead a team of their own: a draft is for those who work on it, and they may not write the rooms'.
    readers = people("reader", max(plan.readers, plan.rooms * plan.room_readers, 1))
    team("audience", readers)
    warm = team("warm-up", people("warm", 1))
    room_teams = [team(f"room-{n}", people(f"room{n}", 1)) for n in range(plan.rooms)]
    busy = team("busy", people("writer", plan.writers))
    meeting = create_meeting(committee, day=DAY)
    reports = {report.team_id: report for report in meeting.reports.select_related("team", "meeting")}

    def room(team_: Team, room_readers: list) -> RoomPlan:
        report = reports[team_.pk]
        check(save_report(report, body=INITIAL_BODY, by=None), "the initial body")
        path = f"/ws/live/{committee.slug}/{meeting.date}/{team_.slug}/"
        return RoomPlan(report, path, list(team_.leads.order_by("pk")), room_readers)

    rooms = [
        room(team_, readers[n * plan.room_readers : (n + 1) * plan.room_readers]) for n, team_ in enumerate(room_teams)
    ]
    return room(warm, readers[:1]), rooms, room(busy, readers[: plan.readers])


def session_cookie(user) -> str:
    """A signed-in session of the user, made in the database as logging in makes it; the Cookie header's value."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# The server and the clients' processes ---------------------------------------------------------


@contextmanager
def asgi_server(env: dict) -> Iterator[Server]:
    """The production web command with one uvicorn worker; no recycling after N requests during the run."""
    options = "--max-requests=0 --worker-class=uvicorn_worker.UvicornWorker"
    with harness.gunicorn({**env, "GUNICORN_CMD_ARGS": options}, workers=1, app="pmc_minutes.asgi:application") as base:
        found = workers(gunicorn_master(int(base.rsplit(":", 1)[1])))
        check(len(found) == 1, f"one uvicorn worker expected, found {len(found)}")
        yield Server(base, next(iter(found)))


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def machine_ticks() -> tuple[int, int]:
    """All cores' busy and total time so far, in clock ticks (/proc/stat)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]  # to steal
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


class Clients:
    """One process of simulated clients (`python -m bench.yclients`), spoken to in JSON lines."""

    def __init__(self, name: str, plan: dict) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.yclients"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.send(plan)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.events.put(json.loads(line))
        self.events.put(None)

    def send(self, message: dict) -> None:
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def expect(self, event: str, timeout: float) -> dict:
        try:
            message = self.events.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"bench: the {self.name} did not say {event} within {timeout:.0f} s") from None
        check(message is not None, f"the {self.name}' process ended before {event} (its error is above)")
        check(message["event"] == event, f"the {self.name} said {message['event']}, not {event}")
        return message

    def stop(self) -> None:
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def specs(server: Server, rooms: list[RoomPlan], role: str, cookies: dict) -> list[dict]:
    origin = server.url
    out = []
    for number, room in enumerate(rooms):
        watch = [writer_id for writer_id, _ in room.writer_ids]
        people = room.writer_ids if role == "writer" else [(None, reader) for reader in room.readers]
        for client_id, person in people:
            out.append(
                {
                    "role": role,
                    "room": number,
                    "url": server.url.replace("http://", "ws://") + room.path,
                    "origin": origin,
                    "cookie": cookies[person.pk],
                    "client_id": client_id,
                    "watch": watch,
                }
            )
    return out


# A phase ---------------------------------------------------------------------------------------


def run_phase(server: Server, rooms: list[RoomPlan], seconds: float, plan: Plan) -> Phase:
    """Writers type in each room for `seconds` while its readers follow; then everything is checked."""
    phase = Phase(len(rooms), sum(len(r.writers) for r in rooms), sum(len(r.readers) for r in rooms), seconds)
    people = {person.pk: person for room in rooms for person in room.writers + room.readers}
    cookies = {pk: patiently(lambda person=person: session_cookie(person)) for pk, person in people.items()}
    for room in rooms:
        room.writer_ids = [(next(_client_ids), writer) for writer in room.writers]
        patiently(room.report.refresh_from_db)
        room.before = room.report.body
    common = {"seed": 26, "rate": plan.rate, "awareness": plan.awareness, "resync": plan.resync}
    started = time.monotonic()
    readers = Clients("readers", {**common, "clients": specs(server, rooms, "reader", cookies)})
    writers = None
    try:
        ready = readers.expect("ready", 180)
        writers = Clients("writers", {**common, "clients": specs(server, rooms, "writer", cookies)})
        ready_w = writers.expect("ready", 180)
        phase.connect_seconds = time.monotonic() - started
        for who, message in (("readers", ready), ("writers", ready_w)):
            check(not message["refused"], f"the server refused {who}: close codes {message['refused']}")
        cpu, machine, start = cpu_seconds(server.pid), machine_ticks(), time.monotonic()
        readers.send({"cmd": "go", "seconds": seconds})
        writers.send({"cmd": "go", "seconds": seconds})
        typed = writers.expect("typed", seconds + 60)
        wall = time.monotonic() - start
        phase.server_cpu_seconds = cpu_seconds(server.pid) - cpu
        phase.server_cpu = phase.server_cpu_seconds / wall
        busy, total = (after - before for after, before in zip(machine_ticks(), machine, strict=True))
        phase.machine_busy = busy / total if total else 0.0
        phase.rss_open_kb = rss_kb(server.pid)
        finish = {"cmd": "finish", "sent": typed["sent"], "start": start, "window": max(seconds / 10, 0.1)}
        finish["timeout"] = CATCH_UP_SECONDS
        readers.send(finish)
        writers.send(finish)
        done = {"readers": readers.expect("done", CATCH_UP_SECONDS + 60)}
        done["writers"] = writers.expect("done", CATCH_UP_SECONDS + 60)
    finally:
        for process in (readers, writers):
            if process is not None:
                process.stop()
    for counts in done["readers"]["windows"]:
        phase.windows.append(Counter({int(key): count for key, count in counts.items()}))
    phase.missing, phase.healed, phase.gaps = (done["readers"][key] for key in ("missing", "healed", "gaps"))
    phase.keystrokes = sum(len(times) for times in typed["sent"].values())
    phase.clients = {name: {"cpu": message["cpu"], "lag": message["lag"]} for name, message in done.items()}
    texts = []
    for number, room in enumerate(rooms):
        seen = [message["rooms"][str(number)] for message in done.values()]
        phase.problems += check_clients(number, seen)
        runs = [typed["typed"][str(client_id)] for client_id, _ in room.writer_ids]
        phase.problems += [f"room {number}, the clients' text: {p}" for p in check_text(seen[0]["text"], room, runs)]
        texts.append((room, runs, seen[0]["text"]))
    phase.saved_seconds = wait_for_saves(texts, phase.problems)
    return phase


def check_clients(number: int, seen: list[dict]) -> list[str]:
    """Every client of the room holds the same text, and held every keystroke in time; none was closed on."""
    problems = []
    if len({sha for part in seen for sha in part["shas"]}) != 1:
        problems.append(f"room {number}: the clients' documents differ")
    incomplete = sum(part["incomplete"] for part in seen)
    if incomplete:
        problems.append(f"room {number}: {incomplete} clients still lacked keystrokes after {CATCH_UP_SECONDS} s")
    refused = [code for part in seen for code in part["codes"] if code not in (1000, 1005)]
    if refused:
        problems.append(f"room {number}: sockets closed by the server with {sorted(set(refused))}")
    return problems


def check_text(text: str, room: RoomPlan, runs: list[str]) -> list[str]:
    """The body before the phase plus each writer's keystrokes, each run of them once, and nothing else."""
    problems, rest = [], text
    for number, run in enumerate(runs):
        count = rest.count(run) if run else 1
        if count == 0:
            problems.append(f"writer {number}: only the first {_held(rest, run)} of {len(run)} keystrokes")
        elif count > 1:
            problems.append(f"writer {number}'s keystrokes are there {count} times")
        rest = rest.replace(run, "", 1)
    if not problems and rest != room.before:
        problems.append(f"{len(rest) - len(room.before):+d} characters besides the body before and the keystrokes")
    return problems


def _held(text: str, run: str) -> int:
    """The longest start of `run` found in `text` (a writer's keystrokes stay together, in order)."""
    low, high = 0, len(run)
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if run[:middle] in text else (low, middle - 1)
    return low


def wait_for_saves(texts: list[tuple[RoomPlan, list[str], str]], problems: list[str]) -> float:
    """Seconds until every room's saved body holds every keystroke typed (inf, and problems, if not within
    SAVE_WAIT_SECONDS of the last close: a keystroke the server applies later than that counts as lost)."""
    started = time.monotonic()
    waiting = texts
    while True:
        waiting = [(room, runs, text) for room, runs, text in waiting if not _saved(room, runs)]
        if not waiting or time.monotonic() - started > SAVE_WAIT_SECONDS:
            break
        time.sleep(0.05)
    for room, runs, text in texts:
        slug = room.report.team.slug
        problems += [f"{slug}, saved: {problem}" for problem in check_text(room.report.body, room, runs)]
        if room.report.body != text and (room, runs, text) not in waiting:
            problems.append(f"{slug}: the saved body holds every keystroke, the clients' text does not")
    return float("inf") if waiting else time.monotonic() - started


def _saved(room: RoomPlan, runs: list[str]) -> bool:
    patiently(lambda: room.report.refresh_from_db(fields=["body"]))
    return not check_text(room.report.body, room, runs)


def patiently(call, seconds: float = 10.0):
    """call(), again while the database is locked: SQLite's (the bench's own test, on a server in the same process)
    is, a moment, while the server saves a room."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return call()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)


# The whole section ----------------------------------------------------------------------------


def measure(server: Server, plan: Plan) -> Results:
    warm, rooms, busy = prepare(plan)
    run_phase(server, [warm], 2, plan)  # the worker's first room: code paths, connections and caches warmed
    time.sleep(plan.settle)
    idle = rss_kb(server.pid)
    at_once = run_phase(server, rooms, plan.rooms_seconds, plan)
    time.sleep(plan.settle)
    closed = rss_kb(server.pid)
    # The same rooms again: memory Python keeps for reuse stays level, memory a closed room leaks grows again.
    again = run_phase(server, rooms, plan.rooms_seconds, plan)
    time.sleep(plan.settle)
    return Results(idle, at_once, closed, again, rss_kb(server.pid), run_phase(server, [busy], plan.seconds, plan))


def percentiles(counts: Counter, *fractions: float) -> list[float]:
    """Milliseconds at each fraction of the latencies counted in tenths of a millisecond."""
    total = sum(counts.values())
    if not total:
        return [float("inf")] * len(fractions)
    out = []
    for fraction in fractions:
        rank, seen = fraction * (total - 1), 0
        for tenths, count in sorted(counts.items()):
            seen += count
            if seen > rank:
                out.append(tenths / 10)
                break
    return out


def describe(phase: Phase, what: str, plan: Plan) -> None:
    p50, p95, p99, top = percentiles(phase.latencies, 0.5, 0.95, 0.99, 1.0)
    note(
        f"{what}: {phase.rooms} room(s), {phase.writers} writers, {phase.readers} readers, {phase.seconds:.0f} s; "
        f"{phase.keystrokes} keystrokes, {sum(phase.latencies.values())} deliveries to readers; "
        f"connected in {phase.connect_seconds:.1f} s"
    )
    note(f"keystroke to reader: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {top:.0f} ms")
    if len(phase.windows) > 1:
        tenths = [f"{percentiles(w, 0.95)[0]:.0f}" if w else "-" for w in phase.windows]
        note(f"p95 per tenth of the run: {', '.join(tenths)} ms")
    note(
        f"dropped on the way: {phase.gaps} gaps in readers' updates; {phase.healed} deliveries came first in the "
        f"answer to a resync (every {plan.resync:.0f} s): dropped, or still on their way"
    )
    per_key = phase.server_cpu_seconds / phase.keystrokes * 1000 if phase.keystrokes else 0
    note(
        f"server worker: {phase.server_cpu:.0%} of a core while typing ({per_key:.1f} ms a keystroke), "
        f"{phase.rss_open_kb / 1024:.0f} MB resident; the machine's cores {phase.machine_busy:.0%} busy meanwhile "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    for name, usage in phase.clients.items():
        lag = usage["lag"]
        if usage["cpu"] > SATURATED_CPU:
            flag = " (SATURATED: its latencies include its own delay)"
        elif lag["p99_ms"] > SATURATED_LAG_MS:
            flag = " (woken late: the machine is busy, its latencies include that)"
        else:
            flag = ""
        note(
            f"{name}' process: {usage['cpu']:.0%} of a core, event-loop lag p99 {lag['p99_ms']:.1f} ms, "
            f"max {lag['max_ms']:.0f} ms{flag}"
        )
    for problem in phase.problems[:12]:
        note(f"problem: {problem}")
    if len(phase.problems) > 12:
        note(f"... {len(phase.problems) - 12} more problems")


def report(results: Results, plan: Plan) -> None:
    note(f"load average {os.getloadavg()[0]:.1f} at the end")
    rooms, busy = results.rooms, results.busy
    describe(rooms, "rooms at once", plan)
    p95 = percentiles(rooms.latencies, 0.95)[0]
    verdict(f"live k) p95 to reader, {rooms.rooms} rooms at once", f"{p95:.0f} ms", f"< {LATENCY_TARGET_MS} ms",
            p95 < LATENCY_TARGET_MS)  # fmt: skip
    grown = max(rooms.rss_open_kb - results.idle_kb, 0)
    kept = max(results.closed_kb - results.idle_kb, 0)
    note(
        f"worker resident memory: idle {results.idle_kb / 1024:.0f} MB, {rooms.rooms} rooms open "
        f"{rooms.rss_open_kb / 1024:.0f} MB, {plan.settle:.0f} s after they closed {results.closed_kb / 1024:.0f} MB "
        f"({kept / grown if grown else 0:.0%} of the growth kept); the same rooms again: open "
        f"{results.again.rss_open_kb / 1024:.0f} MB, closed {results.closed_again_kb / 1024:.0f} MB"
    )
    for problem in results.again.problems[:8]:
        note(f"problem (the same rooms again): {problem}")
    verdict("live k) server memory per open room", f"{grown / rooms.rooms / 1024:.2f} MB (with its "
            f"{1 + plan.room_readers} sockets)", "recorded", True)  # fmt: skip
    describe(busy, "the busy room", plan)
    p50, p95, p99 = percentiles(busy.latencies, 0.5, 0.95, 0.99)
    verdict(f"live k) p95 to reader, {busy.writers} writers {busy.readers} readers", f"{p95:.0f} ms "
            f"(p50 {p50:.0f}, p99 {p99:.0f})", f"< {LATENCY_TARGET_MS} ms", p95 < LATENCY_TARGET_MS)  # fmt: skip
    lost = busy.missing + rooms.missing + results.again.missing
    saved = max(busy.saved_seconds, rooms.saved_seconds, results.again.saved_seconds)
    run = f"{busy.seconds / 60:.0f} min" if busy.seconds >= 60 else f"{busy.seconds:.0f} s"
    verdict(
        f"live k) nothing lost over {run}",
        f"{busy.keystrokes} keys, {lost} lost, saved {saved:.1f} s",
        "all",
        not lost and not (busy.problems or rooms.problems or results.again.problems) and saved < SAVE_WAIT_SECONDS,
    )


def live(env: dict) -> None:
    plan = Plan.from_environment()
    with asgi_server(env) as server:
        note(f"gunicorn, 1 uvicorn worker (pid {server.pid}); load average {os.getloadavg()[0]:.1f} at the start")
        results = measure(server, plan)
    report(results, plan)
