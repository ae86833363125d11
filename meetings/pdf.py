"""The minutes as a PDF, typeset by WeasyPrint from the print template.

WeasyPrint fetches what the HTML links to (stylesheets, images). Minutes hold
text written by many people, so the fetcher only serves the app's own static
and uploaded files from disk and refuses everything else: no network, no other
files on the server.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .minutes import gather
from .models import Meeting

# Without a request (e.g. from a command), relative links resolve against a
# made-up origin, and only its /static/ and /media/ paths are ever served.
DEFAULT_BASE_URL = "https://pmc-minutes.invalid/"

# The CSS page sizes PMC_PDF_PAGE_SIZE may name, by their lower-case spelling.
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


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
    """The PDF of the minutes; with a request, relative links point to this site."""
    base_url = request.build_absolute_uri("/") if request is not None else DEFAULT_BASE_URL
    html = HTML(string=minutes_html(meeting), base_url=base_url, url_fetcher=LocalFilesFetcher(base_url))
    return html.write_pdf()
