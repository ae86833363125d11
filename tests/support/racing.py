"""Racing writers in a test: calls started together, each in a thread with its own database connection."""

import threading

import pytest
from django.db import connection

# SQLite takes one writer at a time: a race there proves nothing.
postgresql_only = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers; the race is run on PostgreSQL in CI"
)


def race(calls) -> list:
    """Start the calls together, each in a thread with its own connection; their results (or what they raised)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
