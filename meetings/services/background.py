"""Work off the request path: Django's tasks API (the `django-tasks` backport), with bounded retries and dead letters.

A service asks for work with `enqueue_on_commit(task, ...)`: nothing is
enqueued for a change that is rolled back, and the task reads the committed
rows. Which backend runs it is a setting (PMC_TASKS, pmc_minutes/settings.py):
in production the database backend (`django_tasks_db`) queues it for
`manage.py db_worker`; in development and tests ImmediateBackend runs it at
once, in the request, so `make run` needs no worker.

Tasks are declared with `@background_task(describe=...)` rather than the bare
`@task()`: a task that raises is enqueued again after RETRY_DELAYS (when the
backend can defer, i.e. the worker's), and after its last attempt it becomes a
FailedTask row, the dead letter a chair or an admin sees and retries
(views/tasks.py). The arguments are ids and strings: a task reads the rows
as they are when it runs.
"""

import functools
import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db.models import Min
from django.db.transaction import on_commit
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max

from ..models import FailedTask

logger = logging.getLogger(__name__)

# Seconds before the 2nd, 3rd, 4th and 5th attempts: an SMTP server or a git remote that
# is down for a minute or for an hour both get through, and a broken task stops within
# about an hour and a quarter instead of looping forever.
RETRY_DELAYS = (30, 120, 600, 3600)
ATTEMPTS = len(RETRY_DELAYS) + 1

# What a dead letter says the task was doing, and for which committee (None: site-wide).
Describe = Callable[..., tuple[str, int | None]]


# Sent inside the transaction that changes published minutes (`meeting=`): work above the
# services (the PDF's pre-rendering, meetings/pdf.py) enqueues itself from it.
published_minutes_changed = Signal()


class NotATask(ValueError):
    """A dead letter whose path no longer names a task (renamed in a later release)."""


def background_task(*, describe: Describe):
    """@task() with retries: on an exception, enqueue the call again later, then record it as a FailedTask.

    `describe(*args, **kwargs)` says in words what the call did and for which
    committee id; it is asked only when the task fails for good.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as error:
                _after_failure(func, args, kwargs, attempt, error, describe)
                raise  # the backend records this attempt as failed, with its traceback

        return task()(run)

    return decorator


def _after_failure(func, args, kwargs, attempt: int, error: Exception, describe: Describe) -> None:
    this = import_string(f"{func.__module__}.{func.__qualname__}")  # the Task that wraps `run`
    if attempt < ATTEMPTS and this.get_backend().supports_defer:
        delay = RETRY_DELAYS[attempt - 1]
        this.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(*args, attempt=attempt + 1, **kwargs)
        logger.warning("%s failed (attempt %d of %d), retried in %ds: %s", this.name, attempt, ATTEMPTS, delay, error)
        return
    try:
        description, committee_id = describe(*args, **kwargs)
    except Exception:  # the rows it would name may be gone: the path still says what it was
        description, committee_id = this.name, None
    FailedTask.objects.create(
        task_path=this.module_path,
        description=description[:300],
        committee_id=committee_id,
        args=list(args),
        kwargs=kwargs,
        attempts=attempt,
        error=f"{type(error).__name__}: {error}"[:2000],
        traceback="".join(traceback.format_exception(error))[-20000:],
    )
    logger.error("%s failed for good after %d attempt(s), kept for a retry: %s", this.name, attempt, error)


def enqueue_on_commit(task_: Task, *args, **kwargs) -> None:
    """Enqueue the task once the current transaction commits (at once outside one).

    robust: the change is saved whatever happens to the enqueue; a queue that
    refuses is logged, not raised into a request that already did its work.
    """
    on_commit(partial(task_.enqueue, *args, **kwargs), robust=True)


def retry_failed(failed: FailedTask, *, by) -> None:
    """Enqueue the dead letter's call again, from its first attempt, and mark it retried (once)."""
    try:
        candidate = import_string(failed.task_path)
    except ImportError:
        candidate = None
    if not isinstance(candidate, Task):
        raise NotATask(f"{failed.task_path} is not a task of this version of the site.")
    claimed = FailedTask.objects.filter(pk=failed.pk, retried_at__isnull=True).update(
        retried_at=timezone.now(), retried_by=by if by is not None and by.is_authenticated else None
    )
    if claimed:  # two chairs pressing the button enqueue it once
        enqueue_on_commit(candidate, *failed.args, **failed.kwargs)


def queue_health() -> dict:
    """For /healthz (PMC_HEALTH_TASK_QUEUE): how long the task that has waited longest to run has waited.

    Reported, not failed on: a worker that lags must not take the web servers out of the load balancer.
    """
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"ok": True, "status": "immediate: tasks run in the request"}
    ready = DBTaskResult.objects.ready()
    waiting_since = [
        ready.filter(run_after=get_date_max()).aggregate(oldest=Min("enqueued_at"))["oldest"],
        ready.exclude(run_after=get_date_max()).aggregate(oldest=Min("run_after"))["oldest"],
    ]
    oldest = min((when for when in waiting_since if when is not None), default=None)
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"ok": True, "ready": ready.count(), "lag_seconds": round(max(lag, 0.0), 1)}
