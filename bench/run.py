"""Run the benchmarks and print medians against their targets: `make bench`.

One command, one fresh database (PostgreSQL `pmc_bench` on 127.0.0.1, created
and dropped here; SQLite when PostgreSQL is unreachable, said so), the app
configured as in production (DEBUG off, collected static files, persistent
connections). Sections: (b) cold renders, (a) throughput under gunicorn
against a static file, (d) concurrent saves over HTTP, (c) the community's
pages at 200 and 2,000 meetings, (f) parsing hostile 2 MB files, (h) hostile input under gunicorn while a
reader loads the home page, (j) a burst of 50 cold PDFs under gunicorn while 20 clients read pages,
(k) the live room: simulated Yjs clients on the ASGI server (BENCH_LIVE_SECONDS of typing, 60 by default),
(i) a foundation's archive (200 committees, 50,000 meetings: BENCH_SCALE),
(e) the corpus import, (g) the git history import. Every ratio is
measured side by side in the same run. BENCH_RUNS sets the runs (default 5),
BENCH_ONLY=a,b,... the sections.
"""

import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness, history, imports  # noqa: E402 (the project's root goes on the path first)


def wanted(section: str) -> bool:
    """BENCH_ONLY=a,c runs those sections only (all by default)."""
    only = os.environ.get("BENCH_ONLY", "")
    return not only or section in only.split(",")


def machine() -> str:
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {kib / 2**20:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores{memory}, {platform.platform()}, Python {platform.python_version()}"


def production_like_environment(database_url: str, folder: Path) -> dict:
    """The environment of the app under test, for this process and the gunicorn it starts."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmc_minutes.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": "bench-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "ERROR",
        "EMAIL_URL": "consolemail://",
    }


def main() -> int:
    started = time.perf_counter()
    print(f"PMC Minutes benchmarks, {datetime.now():%Y-%m-%d %H:%M}; {machine()}")
    print(f"{harness.RUNS} runs each unless said otherwise; medians shown")
    folder = Path(tempfile.mkdtemp(prefix="pmc-bench-"))
    database_url, database = harness.create_database(folder)
    print(f"database: {database}")
    env = production_like_environment(database_url, folder)
    os.environ.update(env)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", "--noinput", verbosity=0)
        call_command("migrate", verbosity=0)

        from bench import burst, data, foundation, hostile, live, pages, parsing, scale, writes

        seed = data.load_seed()
        if wanted("b"):
            print("\n(b) cold renders of the seed meeting")
            pages.cold_renders(seed)
        if wanted("a"):
            print("\n(a) throughput under gunicorn")
            pages.throughput(env)
        if wanted("d"):
            print("\n(d) concurrent saves over HTTP")
            writes.writes(env)
        if wanted("c"):
            print("\n(c) the archive at scale")
            scale.scale()
        if wanted("f"):
            print("\n(f) parsing hostile 2 MB files")
            parsing.parsing()
        if wanted("h"):
            print("\n(h) hostile input under gunicorn")
            hostile.hostile(env)
        if wanted("j"):
            print("\n(j) a burst of cold PDFs under gunicorn")
            burst.burst(env)
        if wanted("k"):
            print("\n(k) the live room: simulated Yjs clients on the ASGI server")
            live.live(env)
        if wanted("i"):
            # Last: its 50,000 meetings stay in the bench database until it is dropped.
            print(f"\n(i) a foundation's archive: {foundation.COMMITTEES} committees, {foundation.SCALE} meetings")
            foundation.foundation()
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (Django may not even be set up)
            pass
        harness.drop_database(database_url)
        shutil.rmtree(folder, ignore_errors=True)
    if wanted("e"):
        print("\n(e) corpus import")
        imports.imports()
    if wanted("g"):
        print("\n(g) git history import")
        history.history()

    print(f"\nSummary ({time.perf_counter() - started:.0f} s):")
    for result in harness.VERDICTS:
        print(result.line())
    missed = [result for result in harness.VERDICTS if not result.ok]
    print(f"{len(harness.VERDICTS) - len(missed)} of {len(harness.VERDICTS)} targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
