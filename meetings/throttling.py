"""Throttling: the client address that sign-in throttling (django-axes) counts failures against, password
reset requests counted per address and per e-mail, and API requests: writes per account, reads per token or,
without one, per client address.

The counts live in the cache, shared by every server when it is Redis. While
Redis is out (meetings/lib/redis_cache.py), what a count guards decides:
API reads are not counted (they fail open: they change nothing, cost what a
page costs, and refusing them would take the API down with the cache), while
password resets (which send e-mail) and API writes are counted by each
process on its own, so the limit still holds, per process rather than for the
whole site. Sign-in lockouts never depend on the cache: django-axes keeps its
failures in the database.
"""

import hashlib
import logging
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django.shortcuts import render

from .lib.redis_cache import UNAVAILABLE

logger = logging.getLogger(__name__)

# Where limits that must hold are counted while the shared cache is out: this process's memory.
_local_counts = LocMemCache("pmc-minutes-throttling", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def client_ip(request: HttpRequest) -> str:
    """The peer's address, or behind the proxy (BEHIND_PROXY=1) the one the proxy added.

    Only the last X-Forwarded-For entry is written by our proxy; earlier ones
    come from the client and could be made up to dodge the lockout.
    """
    if settings.SECURE_PROXY_SSL_HEADER:  # set exactly when BEHIND_PROXY is on
        added_by_proxy = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if added_by_proxy:
            return added_by_proxy
    return request.META.get("REMOTE_ADDR", "")


def throttle_password_resets(view):
    """Decorate the password reset view: past the limit for the client's address or the e-mail asked for, 429.

    Every request counts, for an account or not, so the answer never tells
    whether an address has one. Counted in the cache (shared by the workers
    when REDIS_URL is set).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "POST":
            email = request.POST.get("email", "").strip().lower()
            counts = [_count(f"password-reset:address:{client_ip(request)}"), _count(f"password-reset:email:{email}")]
            if max(counts) > settings.PASSWORD_RESET_LIMIT:
                window = settings.PASSWORD_RESET_WINDOW
                response = render(request, "registration/password_reset_throttled.html", {"window": window}, status=429)
                response["Retry-After"] = str(int(window.total_seconds()))
                return response
        return view(request, *args, **kwargs)

    return wrapper


def api_retry_after(who: str, *, write: bool) -> int | None:
    """Count this API request of `who`; None while within its limit a window, else the seconds to wait.

    `who` is the account for a write (`PMC_API_RATE_LIMIT`: a second token
    adds nothing to it), the token or the client's address for a read
    (`PMC_API_READ_RATE_LIMIT`). Fixed windows of `PMC_API_RATE_WINDOW_SECONDS`,
    numbered from the epoch, so that every worker agrees when the next one
    starts (the Retry-After). While the shared cache is out, reads pass
    uncounted and writes count per process.
    """
    window = settings.PMC_API_RATE_WINDOW_SECONDS
    limit = settings.PMC_API_RATE_LIMIT if write else settings.PMC_API_READ_RATE_LIMIT
    now = time.time()
    kind = "write" if write else "read"
    count = _count(f"api:{kind}:{who}:{int(now // window)}", timeout=window, fail_open=not write)
    if count <= limit:
        return None
    return max(1, math.ceil(window - now % window))


def _count(name: str, timeout: int | None = None, *, fail_open: bool = False) -> int:
    """This request counted under `name` in the current window; the count so far.

    While the shared cache is out: 0 with `fail_open` (never over the limit), else this process's count.
    """
    # Hashed: a cache key must be short and plain, whatever was typed into the form.
    key = "throttle:" + hashlib.blake2b(name.encode(), digest_size=16).hexdigest()
    timeout = timeout or int(settings.PASSWORD_RESET_WINDOW.total_seconds())
    # The tolerant cache's own view that raises: a miss must not read as a fresh window.
    store = getattr(cache, "strict", cache)
    try:
        return _increment(store, key, timeout)
    except UNAVAILABLE:
        if fail_open:
            return 0
        logger.info("the cache is unavailable: %s counted by this process alone", name.split(":", 1)[0])
        return _increment(_local_counts, key, timeout)


def _increment(store, key: str, timeout: int) -> int:
    store.add(key, 0, timeout=timeout)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr: a new window
        store.add(key, 1, timeout=timeout)
        return 1
