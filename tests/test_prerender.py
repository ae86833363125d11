"""Publishing or amending minutes typesets their PDF in the background, into the cache the PDF view reads."""

from unittest import mock

import pytest
from django.core.cache import cache

from meetings import caching, pdf, prerender
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting

PDF = "/runtime/2030-01-08.pdf"


@pytest.fixture(autouse=True)
def site(settings):
    settings.PMC_SITE_URL = "http://testserver"  # the test client's own address
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def typesetting():
    """Counts the PDFs typeset, in the task or in a request."""
    with mock.patch.object(pdf, "html_to_pdf", wraps=pdf.html_to_pdf) as spy:
        yield spy


def test_publishing_typesets_the_pdf_once_it_commits_and_readers_get_that_copy(
    client, people, draft, typesetting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
        assert typesetting.call_count == 0, "not before the publication commits"
    assert typesetting.call_count == 1

    response = client.get(PDF)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'inline; filename="2030-01-08-runtime.pdf"'
    assert typesetting.call_count == 1, "the reader was served the pre-rendered copy"


def test_an_amendment_typesets_the_new_version(people, draft, typesetting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        publish_meeting(draft, by=people["chair"])
    report = draft.reports.get(team__slug="diego")

    with django_capture_on_commit_callbacks(execute=True):
        save_report(report, body="- Amended\n", by=people["chair"], expected_version=report.version)

    assert typesetting.call_count == 2
    version = caching.current_version("runtime", draft.date)
    assert cache.get(caching.site_cache_key(version, "pdf", "http://testserver/")) is not None


def test_a_draft_is_not_typeset(people, draft, typesetting, django_capture_on_commit_callbacks):
    report = draft.reports.get(team__slug="diego")
    with django_capture_on_commit_callbacks(execute=True):
        save_report(report, body="- Draft text\n", by=people["lead_x"], expected_version=report.version)

    assert typesetting.call_count == 0


def test_busy_renderers_make_the_task_try_again_later(people, draft, monkeypatch):
    publish_meeting(draft, by=people["chair"])  # the test's transaction never commits: the task is run below
    monkeypatch.setattr(pdf, "render_slot", mock.Mock(side_effect=pdf.PdfBusy("busy")))

    with pytest.raises(pdf.PdfBusy):
        prerender.prerender_pdf.call(draft.pk)


def test_without_a_site_address_nothing_is_typeset(people, draft, settings, typesetting):
    settings.PMC_SITE_URL = ""
    publish_meeting(draft, by=people["chair"])

    assert prerender.prerender_pdf.call(draft.pk) == "skipped"
    assert typesetting.call_count == 0
