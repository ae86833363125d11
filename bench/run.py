"""Run the benchmarks and print medians against their targets: `make bench`.

Each run uses a fresh SQLite database of its own, so it measures the app, not
leftovers of earlier runs. Times include starting manage.py, as a user sees them.
BENCH_RUNS sets the number of runs (default 5).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def manage(*args: str, env: dict) -> float:
    """Seconds one manage.py command takes (Python start-up included)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def bench_import() -> None:
    if not CORPUS.is_dir():
        print(f"import: skipped, no corpus at {CORPUS}")
        return
    first, again = [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.db"}
            manage("migrate", "-v0", env=env)
            first.append(manage("import_minutes", str(CORPUS), env=env))
            again.append(manage("import_minutes", str(CORPUS), env=env))
    files = sum(1 for p in CORPUS.rglob("*.md") if p.name != "README.md")
    report(f"import {files} corpus files, SQLite:", first, target=10)
    report("re-import unchanged:", again, target=5)
    print(f"{'ratio re-import / import:':36} {statistics.median(again) / statistics.median(first):.2f}")


def report(what: str, seconds: list[float], *, target: float) -> None:
    median = statistics.median(seconds)
    verdict = "ok" if median < target else "TOO SLOW"
    print(f"{what:36} median {median:.2f} s, max {max(seconds):.2f} s (target < {target} s): {verdict}")


if __name__ == "__main__":
    print(f"PMC Minutes benchmarks, {RUNS} runs each, median shown; {os.cpu_count()} cores")
    bench_import()
