"""(e) Importing the corpus with manage.py, as a user runs it, into a fresh SQLite database each run.

Each import checks itself (the rows written back to Markdown and compared with
the file); `import_minutes -v2` prints the seconds that check took, its share here.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from .harness import CORPUS, ROOT, RUNS, note, verdict


def manage(*args: str, env: dict) -> tuple[float, str]:
    """Seconds one manage.py command takes (Python start-up included), and what it printed."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started, done.stdout.decode()


def self_check_seconds(output: str) -> float:
    """The `self-check: 0.123 s` line import_minutes -v2 prints last."""
    return float(re.search(r"^self-check: ([\d.]+) s$", output, re.MULTILINE).group(1))


def imports() -> None:
    if not CORPUS.is_dir():
        note(f"import: skipped, no corpus at {CORPUS}")
        return
    first, again, checks = [], [], []
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STATIC_ROOT")}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            env = {**base, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "DEBUG": "True"}
            manage("migrate", "-v0", env=env)
            seconds, output = manage("import_minutes", "-v2", str(CORPUS), env=env)
            first.append(seconds)
            checks.append(self_check_seconds(output))
            again.append(manage("import_minutes", str(CORPUS), env=env)[0])
    files = sum(1 for p in CORPUS.rglob("*.md") if p.name != "README.md")
    median, unchanged = statistics.median(first), statistics.median(again)
    verdict(f"import {files} corpus files (SQLite)", f"median {median:.2f} s, max {max(first):.2f} s", "< 10 s",
            median < 10)  # fmt: skip
    verdict("re-import unchanged", f"median {unchanged:.2f} s, max {max(again):.2f} s", "< 5 s", unchanged < 5)
    note(f"ratio re-import / import: {unchanged / median:.2f}")
    check = statistics.median(checks)
    note(f"of the import, the self-check (rows back to Markdown, compared with each file): {check:.2f} s, "
         f"{check / median:.0%}")  # fmt: skip
