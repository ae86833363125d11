"""`make bench` runs outside the test suite; its modules must at least still import what they use."""

import importlib
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("module", sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__"))
def test_each_bench_module_imports(module):
    importlib.import_module(f"bench.{module}")


@pytest.mark.django_db(transaction=True)
def test_the_live_section_runs_tiny(settings):
    """bench/live.py end to end, a few seconds long: 1 writer and 2 readers, then 2 rooms at once, on the site's ASGI
    application served in this process (the bench's gunicorn would not see the test database)."""
    from bench import live
    from tests.support.asgi_server import AsgiServer

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    server = AsgiServer()
    server.start()
    try:
        plan = live.Plan(writers=1, readers=2, seconds=3, rooms=2, room_readers=1, rooms_seconds=2, settle=0.1)
        results = live.measure(live.Server(server.url, os.getpid()), plan)
    finally:
        server.stop()

    live.report(results, plan)
    busy = results.busy
    assert busy.keystrokes >= 10  # about 7 a second
    assert sum(busy.latencies.values()) == 2 * busy.keystrokes  # each keystroke timed at each reader
    assert busy.missing == 0
    assert busy.problems == []
    assert results.rooms.problems == []
    assert results.again.problems == []
    assert results.rooms.keystrokes > 0
    assert busy.saved_seconds < live.SAVE_WAIT_SECONDS
