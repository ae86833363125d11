"""(g) Importing the archive's git history (history.bundle) into a fresh database: SQLite, then PostgreSQL.

`manage.py import_minutes --git` as a user runs it, in a subprocess: 1,213
commits, each version of a file imported through the self-checking import and
recorded as revisions. One run per database (a run takes most of a minute);
peak memory is the largest resident size of the command's process.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

from .harness import CORPUS, PG_SERVER, ROOT, note, verdict

BUNDLE = CORPUS / "history.bundle"
# Run after the main bench database is dropped, so BENCH_DATABASE may name the same one.
PG_DATABASE = os.environ.get("BENCH_DATABASE", "pmc_bench_history")
TARGET_SECONDS = 60


def _run(args: list[str], env: dict) -> tuple[float, str, float, float]:
    """Seconds, output, peak resident memory (MB) and CPU seconds of one manage.py command."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err)
        # Reaped here rather than by Popen.wait: wait4 gives this child's own peak memory.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        output, errors = out.read().decode(), err.read().decode()
    if process.returncode:
        raise RuntimeError(f"bench: manage.py {' '.join(args)} failed: {(output + errors)[-800:]}")
    return seconds, output, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss: KiB on Linux


def _postgres() -> str | None:
    """A fresh PostgreSQL database for this section, or None when the server cannot be reached."""
    try:
        import psycopg2

        connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    except Exception:  # any failure to reach the server means: SQLite only
        return None
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        cursor.execute(f"CREATE DATABASE {PG_DATABASE}")
    connection.close()
    return f"{PG_SERVER}/{PG_DATABASE}"


def _drop_postgres() -> None:
    import psycopg2

    connection = psycopg2.connect(f"{PG_SERVER}/postgres", connect_timeout=3)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    connection.close()


def import_bundle(database_url: str) -> tuple[float, int, float, float, str]:
    """Seconds, revisions recorded, peak MB, CPU seconds and the summary line of one import of the bundle."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STATIC_ROOT")}
    env = {**base, "DATABASE_URL": database_url, "DEBUG": "True"}
    _run(["migrate", "-v0"], env)
    # Exit status 0: every file's latest version imports (versions refused earlier are only reported).
    seconds, output, peak, cpu = _run(["import_minutes", "--git", str(BUNDLE)], env)
    summary = output.strip().splitlines()[-1]
    revisions = int(re.search(r"revisions recorded (\d+)", summary).group(1))
    return seconds, revisions, peak, cpu, summary


def history() -> None:
    if not BUNDLE.is_file():
        note(f"history: skipped, no bundle at {BUNDLE}")
        return
    databases = []
    with tempfile.TemporaryDirectory() as folder:
        databases.append(("SQLite", f"sqlite:///{folder}/history.sqlite3"))
        postgres = _postgres()
        if postgres:
            databases.append(("PostgreSQL", postgres))
        else:
            note("history: PostgreSQL unreachable, SQLite only")
        try:
            for name, url in databases:
                load = os.getloadavg()[0]
                seconds, revisions, peak, cpu, summary = import_bundle(url)
                note(summary)
                # On a shared machine the wall time follows the load; the command's own CPU time does not.
                note(f"{name}: the command's CPU time {cpu:.1f} s; load average {load:.1f} when it started")
                verdict(
                    f"git history import ({name})",
                    f"{seconds:.1f} s, {revisions / seconds:.0f} rev/s, {peak:.0f} MB",
                    f"< {TARGET_SECONDS} s",
                    seconds < TARGET_SECONDS,
                )
        finally:
            if postgres:
                _drop_postgres()
