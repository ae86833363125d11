"""Published minutes typeset into the cache in the background, so that a burst of readers finds the PDF ready.

Publishing or amending minutes sends `published_minutes_changed`
(services/mirroring.py, inside the change's transaction); once it commits,
`prerender_pdf` typesets the new version as the PDF view would for the site at
PMC_SITE_URL, under the same render slots and limits, and stores it under the
key the view reads (caching.site_cache_key).
"""

from django.conf import settings
from django.core.cache import cache

from . import caching, pdf
from .models import Meeting
from .services.background import background_task, enqueue_on_commit, published_minutes_changed


def _describe_prerender(meeting_id: int) -> tuple[str, int]:
    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    return f"Typeset the PDF of {meeting}", meeting.committee_id


@background_task(describe=_describe_prerender)
def prerender_pdf(meeting_id: int) -> str:
    """Background task: typeset published minutes into the cache the PDF view reads (for PMC_SITE_URL's links).

    Busy slots raise, so the task queue tries again later; minutes that cannot
    be typeset are remembered by render_pdf, and readers get the 503 page.
    """
    meeting = Meeting.objects.select_related("committee").filter(pk=meeting_id).first()
    if meeting is None or not settings.PMC_SITE_URL:
        return "skipped"  # gone; or no site address to build the cached copy's links from
    version = caching.current_version(meeting.committee.slug, meeting.date)
    if version is None or not version.is_published:
        return "skipped"
    site = settings.PMC_SITE_URL.rstrip("/") + "/"
    key = caching.site_cache_key(version, "pdf", site)
    if cache.get(key) is not None:
        return "cached"
    try:
        document = pdf.render_pdf(meeting, version=version.of("pdf"), base_url=site)
    except pdf.PdfBusy:
        raise
    except pdf.PdfUnavailable:
        return "unavailable"
    cache.set(key, (document, pdf.pdf_headers(meeting)), caching.ENTRY_TIMEOUT)
    return "rendered"


def _prerender_later(sender, meeting: Meeting, **kwargs) -> None:
    enqueue_on_commit(prerender_pdf, meeting.pk)


published_minutes_changed.connect(_prerender_later, dispatch_uid="meetings.prerender")
