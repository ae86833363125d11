"""The minutes as a PDF, typeset by WeasyPrint from the print template.

WeasyPrint fetches what the HTML links to (stylesheets, images). Minutes hold
text written by many people, so the fetcher only serves the app's own static
and uploaded files from disk and refuses everything else: no network, no other
files on the server.

Rendering is bounded, because a hostile or pathological report (a table of
thousands of rows, lists nested thousands deep) can keep WeasyPrint busy for
minutes and it cannot be interrupted from within its thread. The source HTML is
capped at PMC_PDF_MAX_SOURCE_BYTES, and WeasyPrint runs in a forked child
process that is killed after PMC_PDF_TIMEOUT_SECONDS. Forking (not spawning)
costs milliseconds: the child already has Django and WeasyPrint loaded and
the page's HTML already built; it never touches the database, and it exits with
os._exit, so the parent's connections are left alone.
"""

import logging
import mimetypes
import multiprocessing
import os
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .models import Meeting
from .queries.minutes import gather

logger = logging.getLogger(__name__)

# Without a request (e.g. from a command), relative links resolve against a
# made-up origin, and only its /static/ and /media/ paths are ever served.
DEFAULT_BASE_URL = "https://pmc-minutes.invalid/"

# The CSS page sizes PMC_PDF_PAGE_SIZE may name, by their lower-case spelling.
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


class PdfUnavailable(Exception):
    """The PDF cannot be made; the message says why, in words for a reader."""


class PdfTooLarge(PdfUnavailable):
    """The minutes are too long to typeset as a PDF."""


class PdfTimeout(PdfUnavailable):
    """Typesetting took longer than PMC_PDF_TIMEOUT_SECONDS; the renderer was stopped."""


class PdfFailed(PdfUnavailable):
    """The renderer failed (or its process died) on this document."""


class NotFetched(ValueError):
    """A URL the PDF may not read: WeasyPrint then leaves the resource out."""


class LocalFilesFetcher(URLFetcher):
    """Serves the site's /static/ and /media/ files from disk; refuses every other URL."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url

    def fetch(self, url, headers=None):
        try:
            path = self._local_path(url)
        except SuspiciousFileOperation:
            path = None  # a ../ escape, caught by the static files finders
        if path is None:
            raise NotFetched(f"not fetched (only the app's own files are): {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def _local_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != self.base_url:
            return None
        path = unquote(parts.path)
        static_prefix, media_prefix = "/" + settings.STATIC_URL.lstrip("/"), "/" + settings.MEDIA_URL.lstrip("/")
        if path.startswith(static_prefix):
            found = finders.find(path.removeprefix(static_prefix))
            candidate = Path(found) if found else Path(settings.STATIC_ROOT) / path.removeprefix(static_prefix)
            root = None if found else Path(settings.STATIC_ROOT)
        elif path.startswith(media_prefix):
            root = Path(settings.MEDIA_ROOT)
            candidate = root / path.removeprefix(media_prefix)
        else:
            return None
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


def minutes_html(meeting: Meeting) -> str:
    """The HTML the PDF is made from."""
    return render_to_string(
        "pdf/minutes.html",
        {"meeting": meeting, "minutes": gather(meeting), "page_size": page_size()},
    )


def render_pdf(meeting: Meeting, request=None) -> bytes:
    """The PDF of the minutes; with a request, relative links point to this site.

    Raises PdfUnavailable (too large, too slow, failed) instead of hanging.
    """
    base_url = request.build_absolute_uri("/") if request is not None else DEFAULT_BASE_URL
    return html_to_pdf(minutes_html(meeting), base_url)


def html_to_pdf(html: str, base_url: str = DEFAULT_BASE_URL) -> bytes:
    """Typeset the HTML, within the configured size and time limits."""
    size, limit = len(html.encode()), settings.PMC_PDF_MAX_SOURCE_BYTES
    if size > limit:
        raise PdfTooLarge(
            f"These minutes are too long to typeset as a PDF ({size / 2**20:.1f} MB of HTML; "
            f"the limit is {limit / 2**20:.1f} MB)."
        )
    timeout = settings.PMC_PDF_TIMEOUT_SECONDS
    if not timeout or "fork" not in multiprocessing.get_all_start_methods():
        return _write_pdf(html, base_url)  # unbounded: only the size limit applies
    try:
        return _write_pdf_in_child(html, base_url, timeout)
    except PdfUnavailable as error:
        logger.warning("PDF not made (%s bytes of HTML): %s", size, error)
        raise


def _write_pdf(html: str, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url, url_fetcher=LocalFilesFetcher(base_url)).write_pdf()


_warm_up_lock = threading.Lock()
_warmed_up = False


def _warm_up() -> None:
    """Load the fonts and the print stylesheet once in this process, so that every forked child starts warm."""
    global _warmed_up
    with _warm_up_lock:
        if not _warmed_up:
            # A trusted one-line document: safe to typeset in-process.
            _write_pdf(
                f'<link rel="stylesheet" href="/{settings.STATIC_URL.lstrip("/")}css/print.css"><p>PMC</p>',
                DEFAULT_BASE_URL,
            )
            _warmed_up = True


def _write_pdf_in_child(html: str, base_url: str, timeout: float) -> bytes:
    _warm_up()  # saves each child a few tenths of a second
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(html, base_url, sender), daemon=True)
    child.start()
    sender.close()  # the child holds the only writing end: EOF when it dies
    try:
        if not receiver.poll(timeout):
            raise PdfTimeout(f"These minutes took longer than {timeout:g} seconds to typeset as a PDF.")
        try:
            ok, payload = receiver.recv()
        except EOFError:
            raise PdfFailed("The PDF renderer stopped before it finished these minutes.") from None
        child.join(timeout=1)  # it has sent everything and is exiting
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if not ok:
        raise PdfFailed(f"The PDF renderer failed on these minutes ({payload}).")
    return payload


def _child_main(html: str, base_url: str, sender) -> None:
    """In the forked child: typeset, send (ok, pdf) or (False, error) back, exit without cleanup."""
    try:
        result = (True, _write_pdf(html, base_url))
    except Exception as error:
        result = (False, f"{type(error).__name__}: {str(error)[:200]}")
    try:
        sender.send(result)
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers, no closing of the parent's database connections
