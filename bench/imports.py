"""(e) Importing the corpus with manage.py, as a user runs it, into a fresh SQLite database each run."""

import os
import statistics
import subprocess
import sys
import tempfile
import time

from .harness import CORPUS, ROOT, RUNS, note, verdict


def manage(*args: str, env: dict) -> float:
    """Seconds one manage.py command takes (Python start-up included)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def imports() -> None:
    if not CORPUS.is_dir():
        note(f"import: skipped, no corpus at {CORPUS}")
        return
    first, again = [], []
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STATIC_ROOT")}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            env = {**base, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "DEBUG": "True"}
            manage("migrate", "-v0", env=env)
            first.append(manage("import_minutes", str(CORPUS), env=env))
            again.append(manage("import_minutes", str(CORPUS), env=env))
    files = sum(1 for p in CORPUS.rglob("*.md") if p.name != "README.md")
    median, unchanged = statistics.median(first), statistics.median(again)
    verdict(f"import {files} corpus files (SQLite)", f"median {median:.2f} s, max {max(first):.2f} s", "< 10 s",
            median < 10)  # fmt: skip
    verdict("re-import unchanged", f"median {unchanged:.2f} s, max {max(again):.2f} s", "< 5 s", unchanged < 5)
    note(f"ratio re-import / import: {unchanged / median:.2f}")
