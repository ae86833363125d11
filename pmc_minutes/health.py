"""`/healthz` for load balancers: is this instance able to serve? JSON, 200 when it can, else 503.

Every check passing gives 200 "ok". A failing cache gives 200 "degraded": the
pages are still served (meetings/lib/redis_cache.py makes a Redis outage an
empty cache), and taking every instance out of the balancer because their
shared Redis is down would turn a slow site into no site. The cache's check
says {"ok": false} all the same, for monitoring. Any other failing check
gives 503 "unavailable".

Answered by a middleware placed before Django's own, so that a probe is never
redirected to HTTPS, refused for its Host header (balancers probe by address),
throttled, cached or counted as a session. The body names each check and its
time; a failure gives only the error's class (the endpoint is public), the
log line has the whole exception.

The task queue is checked through a hook: PMC_HEALTH_TASK_QUEUE names a
callable (dotted path) returning a dict with at least `ok` (bool), e.g.
`{"ok": True, "lag_seconds": 1.5}`; unset, the queue is reported as
"not configured" and does not fail the probe.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string

PATH = "/healthz"
logger = logging.getLogger(__name__)


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    # A key of its own per probe: instances probed at once never read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    # The tolerant Redis cache's view that raises: its outage must show here, not read as a miss.
    store = getattr(cache, "strict", cache)
    store.set(key, value, timeout=30)
    try:
        if store.get(key) != value:
            raise RuntimeError("the cache did not return what was just stored")
    finally:
        store.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_storage() -> dict:
    """Uploads can be stored: the media folder is writable, or the remote store answers a listing."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        root.mkdir(parents=True, exist_ok=True)  # a fresh install has no upload yet
        probe = root / f".healthz-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    else:
        storage.listdir("")
    return {"backend": type(storage).__name__}


def check_task_queue() -> dict:
    hook = getattr(settings, "PMC_HEALTH_TASK_QUEUE", "")
    if not hook:
        return {"status": "not configured"}
    result = dict(import_string(hook)())
    if not result.get("ok", False):
        raise RuntimeError(result.get("status") or "the task queue reports a problem")
    result.pop("ok", None)
    return result


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "task_queue": check_task_queue,
}
# The checks whose failure leaves the instance serving (slower): "degraded", still 200.
DEGRADING = frozenset({"cache"})


def run_checks() -> tuple[str, dict]:
    """The status ("ok", "degraded" or "unavailable") and each check's result."""
    results, failed = {}, set()
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except Exception as error:  # any failure is the answer, never a 500
            logger.exception("health check %s failed", name)
            result = {"ok": False, "error": type(error).__name__, **_detail(error)}
            failed.add(name)
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    status = "ok" if not failed else "degraded" if failed <= DEGRADING else "unavailable"
    return status, results


def _detail(error: Exception) -> dict:
    # Our own RuntimeErrors carry a sentence meant for operators; others may name hosts or paths.
    return {"detail": str(error)} if type(error) is RuntimeError else {}


def healthz() -> HttpResponse:
    status, results = run_checks()
    body = {"status": status, "checks": results}
    response = HttpResponse(
        json.dumps(body), content_type="application/json", status=503 if status == "unavailable" else 200
    )
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers GET/HEAD /healthz before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") == PATH and request.method in {"GET", "HEAD"}:
            return healthz()
        return self.get_response(request)
