"""The live rooms of the test process (meetings/services/live.py keeps them per process)."""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from django.db import connections

from meetings.services import live


def drop_rooms() -> None:
    """What a killed process leaves: no room in memory, no save, only what reached the database."""
    for room in list(live._rooms.values()):
        room._cancel_timers()
    live._rooms.clear()


def run_coroutine(coroutine_function, *args, **kwargs):
    """Run an async test body to its end, as async_to_sync does, in a thread of its own.

    Not in the test's thread: once the browser tests have started, Playwright's
    session-long event loop runs there, and async_to_sync refuses a thread with
    a running loop. The thread's database connection is closed with it.
    """

    def run():
        try:
            return async_to_sync(coroutine_function)(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
