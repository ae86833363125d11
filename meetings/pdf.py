"""The minutes as a PDF, typeset by WeasyPrint from the print template.

WeasyPrint fetches what the HTML links to (stylesheets, images). Minutes hold
text written by many people, so the fetcher only serves the app's own static
files from disk and the pictures uploaded in the editor from the media storage
(MEDIA_ROOT or an S3 bucket, whichever is the default storage), and refuses
everything else: no network, no other files on the server.

Rendering is bounded, because a hostile or pathological report (a table of
thousands of rows, lists nested thousands deep) can keep WeasyPrint busy for
minutes and it cannot be interrupted from within its thread. The source HTML is
capped at PMC_PDF_MAX_SOURCE_BYTES, and WeasyPrint runs in a forked child
process that is killed after PMC_PDF_TIMEOUT_SECONDS. Forking (not spawning)
costs milliseconds: the child already has Django and WeasyPrint loaded and
the page's HTML already built; it never touches the database, and it exits with
os._exit, so the parent's connections are left alone. The child's address
space is capped at what it was forked with plus PMC_PDF_MAX_MEMORY_MB, so a
hostile table fails alone instead of taking the server's memory.

Rendering is also scarce. At most PMC_PDF_MAX_CONCURRENT documents are typeset
at once: by all the app servers together when the cache is Redis (REDIS_URL;
`SharedRenderSlots`), else (or while Redis is out) by the processes of one
server (`RenderSlots`, lock files); past that, a reader is told at once to come back (PdfBusy, a 503 with
Retry-After), never queued behind a slow render. Publishing or amending minutes
typesets their PDF in the background (meetings/prerender.py) into the cache the PDF
view reads, so a burst of readers after a release finds it ready. And a
PDF that failed for a version of the minutes is remembered in the cache for that
version (`render_pdf(..., version=)`): readers looping on it cost one render,
not one each. An amendment gives a new version, which is tried again.
"""

import fcntl
import logging
import mimetypes
import multiprocessing
import os
import re
import resource
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.storage import Storage, storages
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .lib.redis_cache import UNAVAILABLE
from .lib.rendering import print_poor_link_urls
from .lib.uploads import CONTENT_TYPES
from .models import Meeting
from .queries.minutes import gather

logger = logging.getLogger(__name__)

# Without a request (e.g. from a command), relative links resolve against a
# made-up origin, and only its /static/ and /media/ paths are ever served.
DEFAULT_BASE_URL = "https://pmc-minutes.invalid/"

# The CSS page sizes PMC_PDF_PAGE_SIZE may name, by their lower-case spelling.
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


# How long a timeout is remembered (a failure otherwise lasts as long as its
# version): a timeout may be the machine's load rather than the document's fault.
TIMEOUT_REMEMBERED_SECONDS = 3600
# Retry-After of a busy server: most renders take well under a second, and a
# few seconds is long enough not to invite a loop of retries.
BUSY_RETRY_SECONDS = 5
# How much lower the renderer's CPU priority is than its worker's (nice(2); 19 is the lowest).
RENDERER_NICENESS = 10


class PdfUnavailable(Exception):
    """The PDF cannot be made; the message says why, in words for a reader.

    `retry_after` is the seconds after which asking again could help, or None
    when the same minutes would fail the same way.
    """

    retry_after: int | None = None


class PdfTooLarge(PdfUnavailable):
    """The minutes are too long to typeset as a PDF."""


class PdfTimeout(PdfUnavailable):
    """Typesetting took longer than PMC_PDF_TIMEOUT_SECONDS; the renderer was stopped."""

    retry_after = TIMEOUT_REMEMBERED_SECONDS


class PdfFailed(PdfUnavailable):
    """The renderer failed (or its process died, or ran out of memory) on this document."""


class PdfBusy(PdfUnavailable):
    """Every render slot is taken: come back in a few seconds. Never remembered."""

    retry_after = BUSY_RETRY_SECONDS


class NotFetched(ValueError):
    """A URL the PDF may not read: WeasyPrint then leaves the resource out."""


# A stored upload's name below the uploads folder: plain segments, no ../ (checked apart), a picture's extension.
_UPLOAD_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_./-]*\.(?P<extension>[A-Za-z0-9]+)")


class LocalFilesFetcher(URLFetcher):
    """Serves the site's /static/ files and its uploaded pictures; refuses every other URL."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url

    def fetch(self, url, headers=None):
        name = self._upload_name(url)
        if name is not None:
            return self._fetch_upload(url, name)
        try:
            path = self._local_path(url)
        except SuspiciousFileOperation:
            path = None  # a ../ escape, caught by the static files finders
        if path is None:
            raise NotFetched(f"not fetched (only the app's own files are): {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    @cached_property
    def storage(self) -> Storage:
        """The media storage, an instance of its own.

        The renderer runs in a forked child, which must not share the worker's
        open connections to a remote store (an S3 bucket) with the worker's threads.
        """
        return storages.create_storage(settings.STORAGES["default"])

    @cached_property
    def uploads_url(self) -> str:
        """The absolute URL under which the storage serves the uploaded pictures (…/media/uploads/ on disk)."""
        folder, probe = settings.MARKDOWNX_MEDIA_PATH.strip("/"), "probe.png"
        url = urljoin(self.base_url, self.storage.url(f"{folder}/{probe}"))
        return url.removesuffix(probe) if url.endswith(probe) else ""

    def _upload_name(self, url: str) -> str | None:
        """The storage name of an uploaded picture at `url`, or None for any other URL."""
        parts = urlsplit(url)
        address = f"{parts.scheme}://{parts.netloc}{parts.path}"
        if not self.uploads_url or not address.startswith(self.uploads_url):
            return None
        rest = unquote(address.removeprefix(self.uploads_url))
        match = _UPLOAD_NAME.fullmatch(rest)
        if match is None or ".." in rest.split("/") or match["extension"].lower() not in CONTENT_TYPES:
            raise NotFetched(f"not fetched (not an uploaded picture): {url[:200]}")
        return f"{settings.MARKDOWNX_MEDIA_PATH.strip('/')}/{rest}"

    def _fetch_upload(self, url: str, name: str) -> URLFetcherResponse:
        """The picture read through the storage, within the editor's upload limits (size and type)."""
        limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
        try:
            with self.storage.open(name, "rb") as file:
                body = file.read(limit + 1)
        except (OSError, SuspiciousFileOperation) as error:  # not stored (any more), or a store that failed
            raise NotFetched(f"not fetched ({type(error).__name__}): {url[:200]}") from None
        if len(body) > limit:
            raise NotFetched(f"not fetched (larger than an upload may be): {url[:200]}")
        content_type = CONTENT_TYPES[PurePosixPath(name).suffix.lower().removeprefix(".")]
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _local_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != self.base_url:
            return None
        path = unquote(parts.path)
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if not path.startswith(static_prefix):
            return None
        found = finders.find(path.removeprefix(static_prefix))
        candidate = Path(found) if found else Path(settings.STATIC_ROOT) / path.removeprefix(static_prefix)
        root = None if found else Path(settings.STATIC_ROOT)
        candidate = candidate.resolve()
        if root is not None and not candidate.is_relative_to(root.resolve()):
            return None  # a ../ escape
        return candidate if candidate.is_file() else None


def page_size() -> str:
    """The CSS page size of PMC_PDF_PAGE_SIZE; anything else is a configuration error, not a silent A4."""
    configured = str(settings.PMC_PDF_PAGE_SIZE)
    try:
        return PAGE_SIZES[configured.strip().lower()]
    except KeyError:
        choices = " or ".join(PAGE_SIZES.values())
        raise ImproperlyConfigured(f"PMC_PDF_PAGE_SIZE must be {choices}, not {configured!r}") from None


def minutes_html(meeting: Meeting, base_url: str = DEFAULT_BASE_URL) -> str:
    """The HTML the PDF is made from; it names the minutes' page on the site at `base_url`."""
    page_url = urljoin(base_url, meeting.get_absolute_url())
    html = render_to_string(
        "pdf/minutes.html",
        {"meeting": meeting, "minutes": gather(meeting), "page_size": page_size(), "page_url": page_url},
    )
    return print_poor_link_urls(html, base_url)


def render_pdf(meeting: Meeting, request=None, *, version: str | None = None, base_url: str | None = None) -> bytes:
    """The PDF of the minutes; with a request (or the site's `base_url`), relative links point to this site.

    Raises PdfUnavailable (too large, too slow, failed, busy) instead of
    hanging. With the `version` of the minutes (meetings/caching.py), a failure
    is remembered for it and raised again at once, without typesetting.
    """
    key = f"minutes:{meeting.pk}:{version}:pdf-failed" if version else None
    if key and (remembered := _remembered_failure(key)):
        raise remembered
    if base_url is None:
        base_url = request.build_absolute_uri("/") if request is not None else DEFAULT_BASE_URL
    try:
        # The slot first: past the limit a reader is refused before the minutes' HTML is even built.
        with render_slot():
            return html_to_pdf(minutes_html(meeting, base_url), base_url)
    except PdfBusy:
        raise  # the server's state, not the document's
    except PdfUnavailable as error:
        if key:
            _remember_failure(key, error)
        raise


# The failures that can be remembered, by the name stored in the cache.
_REMEMBERED = {kind.__name__: kind for kind in (PdfTooLarge, PdfTimeout, PdfFailed)}
# A failure that retrying cannot mend lasts as long as a cached page of its version
# (caching.ENTRY_TIMEOUT): a new version is a new key anyway.
FAILURE_TIMEOUT = 7 * 24 * 3600


def _remember_failure(key: str, error: PdfUnavailable) -> None:
    kind = type(error).__name__ if type(error).__name__ in _REMEMBERED else PdfFailed.__name__
    lasts = error.retry_after or FAILURE_TIMEOUT
    retry_at = time.time() + error.retry_after if error.retry_after else None
    cache.set(key, (kind, str(error), retry_at), lasts)


def _remembered_failure(key: str) -> PdfUnavailable | None:
    entry = cache.get(key)
    if entry is None:
        return None
    kind, message, retry_at = entry
    error = _REMEMBERED.get(kind, PdfFailed)(message)
    error.retry_after = max(1, round(retry_at - time.time())) if retry_at else None
    return error


class RenderSlots:
    """At most `count` renders at once among the processes that share `folder`: one lock file per slot.

    flock locks belong to an open file, so they exclude the threads of one
    process as well as other processes, and the kernel drops them when the
    process holding them dies: a worker killed mid-render frees its slot (once
    its renderer, which inherited the lock, is gone too). The limit across
    servers (`SharedRenderSlots`, Redis) offers the same `acquire` and `release`.
    """

    def __init__(self, folder: Path, count: int) -> None:
        self.folder, self.count = folder, count

    def acquire(self) -> int | None:
        """A token for a free slot (its locked file), or None when every slot is taken; never waits."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for slot in range(self.count):
            fd = os.open(self.folder / f"slot-{slot}", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    def release(self, token: int) -> None:
        # Unlocked before closing: a renderer forked meanwhile by another thread holds a copy of the file.
        fcntl.flock(token, fcntl.LOCK_UN)
        os.close(token)


class SharedRenderSlots:
    """At most `count` renders at once among every server that shares the Redis cache: one key per slot.

    A slot is taken with SET NX (`cache.add`) under a random token and a lease
    a little longer than a render may last (the renderer is killed at
    PMC_PDF_TIMEOUT_SECONDS), so a slot whose worker died frees itself when its
    lease ends; it is released only by the token that took it.

    While Redis is out, this server's own slots (`fallback`, lock files) stand
    in: renders stay bounded, per server rather than across servers, and never
    wait on Redis. A slot taken in Redis that cannot be released (Redis went
    down meanwhile) is freed by its lease.
    """

    def __init__(self, store, count: int, lease: int, fallback: RenderSlots) -> None:
        # The cache's view that raises on an outage (meetings/lib/redis_cache.py): a miss is not a free slot.
        self.store, self.count, self.lease, self.fallback = getattr(store, "strict", store), count, lease, fallback

    def acquire(self) -> tuple[str, str] | int | None:
        token = uuid.uuid4().hex
        try:
            for slot in range(self.count):
                key = f"pmc-pdf-slot:{slot}"
                if self.store.add(key, token, self.lease):
                    return key, token
            return None
        except UNAVAILABLE:
            logger.info("the cache is unavailable: PDF renders bounded by this server's slots")
            return self.fallback.acquire()

    def release(self, token: tuple[str, str] | int) -> None:
        if isinstance(token, int):
            self.fallback.release(token)
            return
        key, mine = token
        try:
            if self.store.get(key) == mine:  # a lease that ran out may belong to another render now
                self.store.delete(key)
        except UNAVAILABLE:
            pass  # the lease ends by itself


def render_slots() -> RenderSlots | SharedRenderSlots:
    """The slots shared by every server through Redis, else those of this server (`local_render_slots`)."""
    store = caches["default"]
    if isinstance(store, RedisCache):
        lease = int(settings.PMC_PDF_TIMEOUT_SECONDS or 60) + 30
        return SharedRenderSlots(store, settings.PMC_PDF_MAX_CONCURRENT, lease, local_render_slots())
    return local_render_slots()


def local_render_slots() -> RenderSlots:
    """The slots of this server: PMC_PDF_SLOTS_DIR, else a temporary folder named after the server.

    gunicorn's workers are the children of one master, so by default the folder
    is named after the parent process (and the user): the workers of one server
    share it, while other servers and test runs on the machine have their own.
    """
    folder = settings.PMC_PDF_SLOTS_DIR or Path(
        tempfile.gettempdir(), f"pmc-minutes-pdf-slots-{os.getuid()}-{os.getppid()}"
    )
    return RenderSlots(Path(folder), settings.PMC_PDF_MAX_CONCURRENT)


# The slot this thread holds already (render_pdf takes it before building the HTML, html_to_pdf asks again).
_holding = threading.local()


@contextmanager
def render_slot() -> Iterator[None]:
    """Hold one render slot, or raise PdfBusy at once when there is none (PMC_PDF_MAX_CONCURRENT 0: no limit).

    Re-entrant within a thread: one render takes one slot, however many of its steps ask for it.
    """
    slots = render_slots()
    if slots.count <= 0 or getattr(_holding, "slot", False):
        yield
        return
    token = slots.acquire()
    if token is None:
        raise PdfBusy("The server is typesetting other PDFs right now; try again in a few seconds.")
    _holding.slot = True
    try:
        yield
    finally:
        _holding.slot = False
        slots.release(token)


def html_to_pdf(html: str, base_url: str = DEFAULT_BASE_URL) -> bytes:
    """Typeset the HTML, within the configured size and time limits."""
    size, limit = len(html.encode()), settings.PMC_PDF_MAX_SOURCE_BYTES
    if size > limit:
        raise PdfTooLarge(
            f"These minutes are too long to typeset as a PDF ({size / 2**20:.1f} MB of HTML; "
            f"the limit is {limit / 2**20:.1f} MB)."
        )
    timeout = settings.PMC_PDF_TIMEOUT_SECONDS
    with render_slot():
        if not timeout or "fork" not in multiprocessing.get_all_start_methods():
            return _write_pdf(html, base_url)  # unbounded: only the size and concurrency limits apply
        try:
            return _write_pdf_in_child(html, base_url, timeout)
        except PdfUnavailable as error:
            logger.warning("PDF not made (%s bytes of HTML): %s", size, error)
            raise


def _write_pdf(html: str, base_url: str) -> bytes:
    # Tagged (PDF/UA-1): screen readers read the headings, lists and tables, and the text reflows.
    return HTML(string=html, base_url=base_url, url_fetcher=LocalFilesFetcher(base_url)).write_pdf(
        pdf_variant="pdf/ua-1"
    )


_warm_up_lock = threading.Lock()
_warmed_up = False


def warm_up() -> None:
    """Load the fonts and the print stylesheet once in this process, so that every forked child starts warm."""
    global _warmed_up
    with _warm_up_lock:
        if not _warmed_up:
            # A trusted one-line document: safe to typeset in-process.
            _write_pdf(
                f'<html lang="en"><title>PMC</title><link rel="stylesheet" '
                f'href="/{settings.STATIC_URL.lstrip("/")}css/print.css"><p>PMC</p>',
                DEFAULT_BASE_URL,
            )
            _warmed_up = True


def _write_pdf_in_child(html: str, base_url: str, timeout: float) -> bytes:
    warm_up()  # saves each child a few tenths of a second
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    memory = settings.PMC_PDF_MAX_MEMORY_MB
    child = context.Process(target=_child_main, args=(html, base_url, sender, memory, timeout), daemon=True)
    child.start()
    sender.close()  # the child holds the only writing end: EOF when it dies
    try:
        if not receiver.poll(timeout):
            raise PdfTimeout(f"These minutes took longer than {timeout:g} seconds to typeset as a PDF.")
        try:
            outcome, payload = receiver.recv()
        except EOFError:
            # Killed or crashed: C code that cannot allocate aborts rather than raise MemoryError.
            raise PdfFailed(
                f"The PDF renderer stopped before it finished these minutes "
                f"(it may have needed more than {memory} MB of memory)."
            ) from None
        child.join(timeout=1)  # it has sent everything and is exiting
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if outcome == "memory":
        raise PdfFailed(f"These minutes need more than {memory} MB of memory to typeset as a PDF.")
    if outcome != "pdf":
        raise PdfFailed(f"The PDF renderer failed on these minutes ({payload}).")
    return payload


def _child_main(html: str, base_url: str, sender, memory_mb: int, timeout: float) -> None:
    """In the forked child: cap its memory, typeset, send ("pdf", bytes) or the failure back, exit without cleanup."""
    try:
        _cap_resources(memory_mb, timeout)
        result = ("pdf", _write_pdf(html, base_url))
    except MemoryError:
        result = ("memory", "")  # what it held is freed as the exception unwinds: there is room to send this
    except Exception as error:
        result = ("failed", f"{type(error).__name__}: {str(error)[:200]}")
    try:
        sender.send(result)
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers, no closing of the parent's database connections


def _cap_resources(memory_mb: int, timeout: float) -> None:
    """Cap this process's address space at its size now plus `memory_mb`, and its CPU time; lower its priority.

    Relative to the size it was forked with, because that (the worker's Django,
    WeasyPrint, fonts, thread stacks) differs from one server to the next. The
    CPU limit is a backstop in case the parent dies before it can kill us.
    """
    if memory_mb > 0:
        try:
            with open("/proc/self/statm") as statm:
                current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            current = None  # not Linux: no way to tell the size, so no cap rather than a wrong one
        if current is not None:
            limit = current + memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Below the web workers on the CPU: a burst of renders must not slow the readers of pages.
    os.nice(RENDERER_NICENESS)
    seconds = int(timeout) + 10
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def pdf_headers(meeting: Meeting) -> dict[str, str]:
    """The headers of a PDF response, the same whether the view or the pre-rendering made it."""
    return {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{meeting.date.isoformat()}-{meeting.committee.slug}.pdf"',
    }
