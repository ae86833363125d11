"""Django's Redis cache, for which a Redis that is down is an empty cache rather than an error on every page.

The site keeps only copies in the cache (rendered minutes, Markdown, failed
PDFs) and counts (throttling), so while Redis is out every read is a miss and
every write is dropped: pages are rendered afresh from the database, slower
but served. What needs Redis to be right asks `strict`, the same cache
without the tolerance, and handles UNAVAILABLE itself (meetings/pdf.py's
render slots, meetings/throttling.py's counts, /healthz).

After a failure neither view tries Redis again for RETRY_SECONDS (the strict
one raises at once meanwhile): a Redis that is unreachable (rather than
refusing) would otherwise cost every cache call its connect timeout. The
outage is logged as a warning at most once per WARNING_SECONDS per server;
the recovery once, when it comes. Both are OPTIONS beside redis-py's own
(socket_connect_timeout, socket_timeout).
"""

import functools
import logging
import threading
import time
from dataclasses import dataclass

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a Redis that is down, restarting or unreachable raises (BusyLoadingError is a ConnectionError).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


@dataclass
class _Outage:
    down_until: float = 0.0  # time.monotonic() before which Redis is not tried
    warned_at: float | None = None
    down: bool = False


# Django makes one cache object per thread; the outage is one per server, shared by them all.
_outages: dict[tuple[str, ...], _Outage] = {}
_outages_lock = threading.Lock()


class TolerantRedisCache(RedisCache):
    """RedisCache whose operations treat a connection error or timeout as a miss: get gives the default,
    add and has_key False, incr ValueError (no such key), set and delete do nothing."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        self.warning_seconds = float(options.pop("WARNING_SECONDS", 60))
        super().__init__(server, {**params, "OPTIONS": options})
        with _outages_lock:
            self._outage = _outages.setdefault(tuple(self._servers), _Outage())

    @functools.cached_property
    def strict(self) -> "StrictView":
        """This cache (same keys, same connections) without the tolerance: an outage raises UNAVAILABLE."""
        return StrictView(self)

    def _tolerate(self, operation, *args, miss=None, **kwargs):
        try:
            return self._guarded(operation, *args, **kwargs)
        except UNAVAILABLE:
            return miss

    def _guarded(self, operation, *args, **kwargs):
        """The operation's result; UNAVAILABLE when it fails so, or at once while an outage is known."""
        outage = self._outage
        if outage.down and time.monotonic() < outage.down_until:
            raise RedisConnectionError("the cache (Redis) was unavailable moments ago; not tried again yet")
        try:
            result = operation(*args, **kwargs)
        except UNAVAILABLE as error:
            self._went_down(error)
            raise
        if outage.down:
            outage.down = False
            logger.warning("the cache (Redis) answers again")
        return result

    def _went_down(self, error: Exception) -> None:
        outage, now = self._outage, time.monotonic()
        outage.down, outage.down_until = True, now + self.retry_seconds
        if outage.warned_at is None or now - outage.warned_at >= self.warning_seconds:
            outage.warned_at = now
            logger.warning(
                "the cache (Redis) is unavailable (%s: %s); serving without it, trying again every %g s",
                type(error).__name__,
                error,
                self.retry_seconds,
            )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(super().add, key, value, timeout, version, miss=False)

    def get(self, key, default=None, version=None):
        return self._tolerate(super().get, key, default, version, miss=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerate(super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(super().touch, key, timeout, version, miss=False)

    def delete(self, key, version=None):
        return self._tolerate(super().delete, key, version, miss=False)

    def get_many(self, keys, version=None):
        return self._tolerate(super().get_many, keys, version, miss={})

    def has_key(self, key, version=None):
        return self._tolerate(super().has_key, key, version, miss=False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._tolerate(super().incr, key, delta, version, miss=missing)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys not stored: all of them.
        return self._tolerate(super().set_many, data, timeout, version, miss=list(data))

    def delete_many(self, keys, version=None):
        self._tolerate(super().delete_many, keys, version)

    def clear(self):
        return self._tolerate(super().clear, miss=False)


class StrictView:
    """A TolerantRedisCache's operations that raise UNAVAILABLE on an outage instead of answering a miss."""

    OPERATIONS = frozenset({"add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many"})

    def __init__(self, cache: TolerantRedisCache) -> None:
        self._tolerant = cache

    def __getattr__(self, name: str):
        if name not in self.OPERATIONS:
            raise AttributeError(name)
        # RedisCache's own operation (without the tolerance), on the same object: same keys, same connections.
        operation = getattr(super(TolerantRedisCache, self._tolerant), name)
        return functools.partial(self._tolerant._guarded, operation)
