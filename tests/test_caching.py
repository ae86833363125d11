"""Published minutes are rendered once per version, served from the cache, and validated over HTTP."""

from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.http import http_date

from meetings import caching, pdf
from meetings.format.reading import ParsedEntry
from meetings.models import Horizon, Meeting, RevisionSource
from meetings.services.attendance import record_attendance
from meetings.services.editing import move_report, restore_revision, save_item, save_report, save_roadmap
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from meetings.views import public
from tests.support.builders import SEED_DATE, import_seed, make_user

PAGE, PDF, MARKDOWN = "/runtime/2018-06-12/", "/runtime/2018-06-12.pdf", "/runtime/2018-06-12.md"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed(db) -> Meeting:
    return import_seed()


@pytest.fixture
def chair(seed):
    user = make_user("seed-chair", first_name="Dieu", last_name="Cao")  # attendance lists people by name
    seed.committee.chairs.add(user)
    return user


@pytest.fixture
def markdown_spy():
    with mock.patch.object(public, "meeting_to_markdown", wraps=public.meeting_to_markdown) as spy:
        yield spy


@pytest.fixture
def pdf_spy():
    """Counts the WeasyPrint renders, whichever process they then run in."""
    with mock.patch.object(pdf, "html_to_pdf", wraps=pdf.html_to_pdf) as spy:
        yield spy


def diego(meeting: Meeting):
    return meeting.reports.get(team__slug="diego")


class TestRenderedOncePerVersion:
    def test_a_second_pdf_download_is_served_from_the_cache(self, seed, client, pdf_spy):
        first, second = client.get(PDF), client.get(PDF)
        assert pdf_spy.call_count == 1
        assert second.status_code == 200
        assert second.content == first.content and second.content.startswith(b"%PDF")
        assert second["Content-Type"] == "application/pdf"
        assert second["Content-Disposition"] == first["Content-Disposition"]

    def test_a_signed_in_reader_gets_the_same_cached_pdf(self, seed, chair, client, pdf_spy):
        Client().get(PDF)
        client.force_login(chair)
        assert client.get(PDF).status_code == 200
        assert pdf_spy.call_count == 1

    def test_a_second_markdown_download_is_served_from_the_cache(self, seed, client, markdown_spy):
        first, second = client.get(MARKDOWN), client.get(MARKDOWN)
        assert markdown_spy.call_count == 1
        assert second.content == first.content
        assert second["Content-Type"] == "text/markdown; charset=utf-8"

    def test_a_cached_page_costs_one_query(self, seed, client, django_assert_num_queries):
        first = client.get(PAGE)
        with django_assert_num_queries(1):
            second = client.get(PAGE)
        assert second.content == first.content

    def test_query_strings_share_the_page_and_its_canonical_address(self, seed, client, django_assert_num_queries):
        first = client.get(PAGE + "?utm_source=chat")
        assert 'rel="canonical" href="http://testserver/runtime/2018-06-12/"' in first.content.decode()
        with django_assert_num_queries(1):  # any other query string is the same cached page
            second = client.get(PAGE + "?x=1")
        assert second.content == first.content

    def test_an_edit_gives_the_meeting_a_new_version_and_a_fresh_render(self, seed, client, markdown_spy):
        client.get(MARKDOWN)
        report = diego(seed)
        save_report(report, body="- Cells now drain gracefully", expected_version=report.version)
        assert "- Cells now drain gracefully" in client.get(MARKDOWN).content.decode()
        assert "Cells now drain gracefully" in client.get(PAGE).content.decode()
        assert markdown_spy.call_count == 2

    def test_an_edit_leaves_the_other_meetings_entries_alone(self, seed, client, markdown_spy):
        other = Meeting.objects.create(
            committee=seed.committee, date=date(2018, 6, 26), title="Next", status="published"
        )
        client.get(MARKDOWN), client.get(other.get_markdown_url())
        report = diego(seed)
        save_report(report, body="- Amended", expected_version=report.version)
        client.get(MARKDOWN), client.get(other.get_markdown_url())
        assert [call.args[0].pk for call in markdown_spy.call_args_list] == [seed.pk, other.pk, seed.pk]

    def test_drafts_are_never_cached(self, seed, chair, client, markdown_spy):
        seed.unpublish()
        client.force_login(chair)
        client.get(MARKDOWN), client.get(MARKDOWN)
        assert markdown_spy.call_count == 2

    def test_a_signed_in_reader_never_gets_the_anonymous_page(self, seed, chair, client):
        anonymous = Client().get(PAGE).content.decode()
        client.force_login(chair)
        mine = client.get(PAGE).content.decode()
        assert "Chair's page" in mine and "Chair's page" not in anonymous
        assert "Sign in" not in mine

    def test_an_unavailable_pdf_is_not_cached(self, seed, client, pdf_spy):
        with mock.patch.object(public, "render_pdf", side_effect=pdf.PdfUnavailable("too long")):
            refused = client.get(PDF)
        assert refused.status_code == 503
        assert "ETag" not in refused and "no-store" in refused["Cache-Control"]
        assert client.get(PDF).content.startswith(b"%PDF")
        assert pdf_spy.call_count == 1


def markdown_after(client) -> bytes:
    return client.get(MARKDOWN).content


# Each changes the minutes another way; the cached Markdown must follow every one.
def _amend_item(meeting, user):
    item = meeting.items.get(title="Discussion")
    assert save_item(
        item, body="New notes", title=item.title, agenda_label=item.agenda_label, expected_version=item.version
    )


def _save_roadmap(meeting, user):
    entries = [ParsedEntry(Horizon.SOON, "Brand new roadmap line", False, [])]
    assert save_roadmap(meeting, entries=entries, expected_version=meeting.roadmap_version)


def _restore(meeting, user):
    report = diego(meeting)
    original = report.body
    save_report(report, body="- Temporary", expected_version=report.version)
    first = report.revisions.filter(source=RevisionSource.IMPORT).first() or report.revisions.last()
    save_report(report, body=original + "\n- Restored later", expected_version=report.version)
    assert first is not None
    restore_revision(first, by=user)


def _attendance(meeting, user):
    record_attendance(meeting, accounts=[(user, "Pivotal")], others=[("Chip Childers", "Cloud Foundry Foundation")])


def _move_away(meeting, user):
    later = create_meeting(meeting.committee, day=date(2018, 6, 26))
    move_report(diego(meeting), to=later, by=user)


def _retitle(meeting, user):
    meeting.title = "Runtime PMC Meeting (retitled)"
    meeting.save()


def seed_version() -> caching.Version:
    return caching.current_version("runtime", SEED_DATE)


@pytest.mark.parametrize(
    "change", [_amend_item, _save_roadmap, _restore, _attendance, _move_away, _retitle], ids=lambda f: f.__name__[1:]
)
def test_every_kind_of_change_gives_a_new_version(seed, chair, client, change):
    before_version = seed_version()
    before = markdown_after(client)
    change(Meeting.objects.get(pk=seed.pk), chair)
    assert seed_version().content != before_version.content
    assert markdown_after(client) != before


def test_the_version_is_one_query_and_stable(seed, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = seed_version()
    assert first.meeting_id == seed.pk and first.is_published
    assert seed_version() == first


def test_unpublishing_changes_the_version(seed):
    before = seed_version()
    seed.unpublish()
    assert not seed_version().is_published
    assert seed_version().content != before.content


def test_there_is_no_version_of_a_meeting_that_does_not_exist(db):
    assert caching.current_version("runtime", SEED_DATE) is None


def test_publishing_a_later_meeting_changes_the_page_but_not_the_downloads(seed):
    before = seed_version()
    later = create_meeting(seed.committee, day=date(2018, 6, 26))
    publish_meeting(later)
    after = seed_version()
    assert after.page != before.page
    assert after.content == before.content
    assert after.page_modified >= later.updated_at > before.page_modified


class TestHttpValidation:
    @pytest.mark.parametrize("url", [PAGE, PDF, MARKDOWN])
    def test_public_responses_carry_validators_and_a_public_cache_control(self, seed, client, url, settings):
        response = client.get(url)
        assert response.status_code == 200
        assert response["ETag"].startswith('"') and response["Last-Modified"]
        assert set(response["Cache-Control"].split(", ")) == {"public", f"max-age={settings.PMC_PUBLIC_MAX_AGE}"}
        assert "Cookie" in response["Vary"]

    @pytest.mark.parametrize("url", [PAGE, PDF, MARKDOWN])
    def test_if_none_match_answers_304(self, seed, client, url, pdf_spy):
        etag = client.get(url)["ETag"]
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag and "public" in response["Cache-Control"]
        assert pdf_spy.call_count == (1 if url == PDF else 0)

    def test_if_modified_since_answers_304(self, seed, client):
        last_modified = client.get(MARKDOWN)["Last-Modified"]
        assert client.get(MARKDOWN, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
        assert client.get(MARKDOWN, HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200

    def test_a_304_costs_one_query(self, seed, client, django_assert_num_queries):
        etag = client.get(PAGE)["ETag"]
        with django_assert_num_queries(1):
            assert client.get(PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_an_amendment_changes_the_etag(self, seed, client):
        etag = client.get(PAGE)["ETag"]
        report = diego(seed)
        save_report(report, body="- Amended after publication", expected_version=report.version)
        response = client.get(PAGE, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200
        assert response["ETag"] != etag
        assert "Amended after publication" in response.content.decode()

    def test_a_drafts_pages_are_private_and_unvalidated(self, seed, chair, client):
        seed.unpublish()
        client.force_login(chair)
        for url in (PAGE, PDF, MARKDOWN):
            response = client.get(url)
            assert response.status_code == 200
            assert "ETag" not in response and "Last-Modified" not in response
            assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}
            assert "Cookie" in response["Vary"]

    def test_a_signed_in_readers_page_is_private(self, seed, chair, client):
        client.force_login(chair)
        response = client.get(PAGE)
        assert "ETag" not in response
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]

    def test_a_signed_in_readers_downloads_are_validated_but_private(self, seed, chair, client):
        client.force_login(chair)
        response = client.get(MARKDOWN)
        assert response["ETag"]
        assert "private" in response["Cache-Control"]
        assert client.get(MARKDOWN, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    def test_a_drafts_url_stays_a_404_for_the_public(self, seed, client):
        seed.unpublish()
        for url in (PAGE, PDF, MARKDOWN):
            assert client.get(url).status_code == 404
