"""What every benchmark shares: the verdict lines, the bench database, a gunicorn server and wrk."""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# BENCH_DATABASE: another name when several people bench against one server (each section drops it after).
PG_DATABASE = os.environ.get("BENCH_DATABASE", "pmc_bench")


@dataclass
class Verdict:
    what: str
    figure: str
    target: str
    ok: bool

    def line(self) -> str:
        return f"{self.what:44} {self.figure:34} target {self.target:14} {'ok' if self.ok else 'MISSED'}"


VERDICTS: list[Verdict] = []


def verdict(what: str, figure: str, target: str, ok: bool) -> None:
    """Print one measured figure against its target, and keep it for the summary."""
    result = Verdict(what, figure, target, ok)
    VERDICTS.append(result)
    print(result.line(), flush=True)


def check(condition: bool, problem: object) -> None:
    """Stop the run when what it measures is not what it should be (asserts vanish under -O)."""
    if not condition:
        raise RuntimeError(f"bench: {problem}")


def note(text: str) -> None:
    print(f"  {text}", flush=True)


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def timed(function: Callable[[], object], runs: int = RUNS) -> list[float]:
    """Seconds each of `runs` calls takes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# The bench database ---------------------------------------------------------------------------


def create_database(folder: Path) -> tuple[str, str]:
    """A fresh PostgreSQL database for the run, else a SQLite file; (DATABASE_URL, what it is)."""
    try:
        import psycopg2

        connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    except Exception as error:  # any failure to reach the server means: fall back
        return f"sqlite:///{folder}/bench.sqlite3", f"SQLite (PostgreSQL unreachable: {str(error).strip()[:80]})"
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")  # only ever our own, left by an interrupted run
        cursor.execute(f"CREATE DATABASE {PG_DATABASE}")
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    connection.close()
    return f"{PG_SERVER}/{PG_DATABASE}", f"PostgreSQL {version} ({PG_DATABASE}, dropped afterwards)"


def drop_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg2

    connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    connection.autocommit = True
    with connection.cursor() as cursor:
        # The app's own connections (CONN_MAX_AGE) may still be open in this process.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [PG_DATABASE],
        )
        cursor.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    connection.close()


# gunicorn and wrk ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env: dict, workers: int = 2, app: str = "pmc_minutes.wsgi") -> Iterator[str]:
    """A gunicorn serving the app on 127.0.0.1; yields its base URL and stops it afterwards."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/", timeout=2).read()  # noqa: S310 (our own local server)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def wrk_path() -> str | None:
    return shutil.which("wrk")


@dataclass
class Load:
    requests_per_second: float
    p99_ms: float
    errors: int


def wrk(url: str, seconds: int, connections: int = 8, threads: int = 2) -> Load:
    """Load one URL of the local server for a bounded time."""
    check(url.startswith("http://127.0.0.1:"), "only ever load this machine")
    out = subprocess.run(
        [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = float(p99[1]) * {"us": 0.001, "ms": 1, "s": 1000}[p99[2]]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    if socket_errors:
        note(f"wrk: {socket_errors[0]}")
    return Load(rate, p99_ms, int(errors[1]) if errors else 0)
