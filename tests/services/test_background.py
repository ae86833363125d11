"""The task queue itself, on the database backend a production worker runs: retries with backoff, dead letters.

Every other test runs tasks at once (ImmediateBackend, the default); these
enqueue into the database and run `manage.py db_worker --batch`, the
worker's own loop, in this process.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.models import FailedTask
from meetings.services import background
from meetings.services.background import (
    ATTEMPTS,
    RETRY_DELAYS,
    background_task,
    enqueue_on_commit,
    queue_health,
    retry_failed,
)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What the tasks below did, in this process (the worker runs here too).
calls: list[tuple[str, int]] = []
failures_left: dict[int, int] = {}


@background_task(describe=lambda n: (f"Deliver parcel {n}", None))
def deliver(n: int) -> int:
    calls.append(("deliver", n))
    if failures_left.get(n, 0) > 0:
        failures_left[n] -= 1
        raise ConnectionError(f"the depot is closed (parcel {n})")
    return n


@pytest.fixture
def database_queue(settings, transactional_db):
    """The production backend; transactional_db because the worker locks rows in transactions of its own."""
    settings.TASKS = DATABASE_TASKS
    calls.clear()
    failures_left.clear()
    yield
    calls.clear()
    failures_left.clear()


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")


def make_due() -> None:
    """Jump to the time the retries asked for, without waiting for it."""
    DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now()).update(run_after=timezone.now())


def test_a_task_is_queued_for_the_worker_not_run_in_the_request(database_queue):
    deliver.enqueue(1)

    assert calls == []
    assert DBTaskResult.objects.get().status == "READY"
    run_worker()
    assert calls == [("deliver", 1)]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failing_task_is_tried_again_later_with_growing_delays_then_kept_as_a_dead_letter(database_queue):
    failures_left[2] = 99
    deliver.enqueue(2)

    delays = []
    for attempt in range(1, ATTEMPTS + 1):
        before = timezone.now()
        run_worker()
        assert calls == [("deliver", 2)] * attempt, "one attempt per run: the next one is not due yet"
        waiting = DBTaskResult.objects.filter(status="READY")
        if attempt < ATTEMPTS:
            [retry] = waiting
            assert retry.args_kwargs == {"args": [2], "kwargs": {"attempt": attempt + 1}}
            delays.append(round((retry.run_after - before).total_seconds()))
            assert not FailedTask.objects.exists()
            make_due()
        else:
            assert not waiting.exists(), "no sixth attempt"

    assert delays == pytest.approx(list(RETRY_DELAYS), abs=2)
    assert DBTaskResult.objects.filter(status="FAILED").count() == ATTEMPTS
    [dead] = FailedTask.objects.all()
    assert dead.description == "Deliver parcel 2"
    assert dead.task_path == "tests.services.test_background.deliver"
    assert dead.attempts == ATTEMPTS
    assert dead.error == "ConnectionError: the depot is closed (parcel 2)"
    assert "ConnectionError" in dead.traceback
    assert (dead.args, dead.kwargs) == ([2], {})


def test_a_task_that_recovers_stops_being_retried(database_queue):
    failures_left[3] = 1
    deliver.enqueue(3)

    run_worker()
    make_due()
    run_worker()

    assert calls == [("deliver", 3), ("deliver", 3)]
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not FailedTask.objects.exists()


def test_retrying_a_dead_letter_enqueues_the_same_call_once(database_queue, people):
    dead = FailedTask.objects.create(
        task_path="tests.services.test_background.deliver", description="Deliver parcel 4", args=[4], attempts=5,
        error="ConnectionError: closed",
    )  # fmt: skip

    retry_failed(dead, by=people["chair"])
    retry_failed(dead, by=people["chair"])  # a second click, or a second chair

    dead.refresh_from_db()
    assert dead.retried_by == people["chair"] and dead.retried_at is not None
    assert not FailedTask.objects.waiting().exists()
    run_worker()
    assert calls == [("deliver", 4)]


def test_a_dead_letter_naming_no_task_is_refused(db, people):
    dead = FailedTask.objects.create(task_path="os.system", description="?", args=["true"], attempts=1, error="x")

    with pytest.raises(background.NotATask):
        retry_failed(dead, by=people["chair"])
    dead.refresh_from_db()
    assert dead.retried_at is None


def test_nothing_is_enqueued_for_a_change_that_is_rolled_back(database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(deliver, 5)
        raise RuntimeError("the save failed")
    with transaction.atomic():
        enqueue_on_commit(deliver, 6)
        assert not DBTaskResult.objects.exists(), "not before the commit"

    assert [row.args_kwargs["args"] for row in DBTaskResult.objects.all()] == [[6]]


def test_without_a_worker_a_failing_task_becomes_a_dead_letter_at_once(db):
    failures_left[7] = 1
    try:
        result = deliver.enqueue(7)
    finally:
        failures_left.clear()
        calls.clear()

    assert result.status == "FAILED"
    assert FailedTask.objects.get().attempts == 1
    assert timedelta(0) <= timezone.now() - FailedTask.objects.get().failed_at < timedelta(minutes=1)


def test_the_health_probe_reports_how_long_the_oldest_ready_task_has_waited(database_queue):
    assert queue_health() == {"ok": True, "ready": 0, "lag_seconds": 0.0}
    deliver.enqueue(1)
    deliver.enqueue(2)
    DBTaskResult.objects.filter(args_kwargs__args=[1]).update(enqueued_at=timezone.now() - timedelta(minutes=5))

    health = queue_health()

    assert (health["ok"], health["ready"]) == (True, 2)  # a lagging worker never takes the web servers out
    assert 299 <= health["lag_seconds"] <= 330
    run_worker()
    assert queue_health() == {"ok": True, "ready": 0, "lag_seconds": 0.0}


def test_without_a_queue_the_probe_says_tasks_run_in_the_request(db):
    assert queue_health() == {"ok": True, "status": "immediate: tasks run in the request"}
