"""Private notes never leave the committee's chairs and leads: every public URL, export, mail and the git mirror.

A meeting gets private notes (a lead's in their report, the chair's in a
chair's section), is published through the site (list e-mail, git mirror),
amended after publication (so its public history has something to show), and
then every public output is fetched as an anonymous reader and searched for
the notes' marker.
"""

import io
import zipfile

import pytest
from django.core import mail
from django.core.cache import cache
from pypdf import PdfReader

from meetings.models import AgendaItem, BacklogReport, SearchDocument
from tests.support.api import token_for
from tests.support.html_tree import parse_html
from tests.support.mirror import bare_repository, commits, file_at, use_mirror

MARKER = "Zqxwvprivatemarker"  # one word nobody writes: found in any output it reaches
MEETING = "/runtime/2030-01-08"
LIST = "runtime-pmc@lists.example.org"
API_MEETING = "/api/v1/committees/runtime/meetings/2030-01-08"


@pytest.fixture
def published_with_notes(client, people, draft, tmp_path, settings, local_remotes, django_capture_on_commit_callbacks):
    """The draft meeting written, noted privately by its lead and its chair, published and then amended."""
    settings.PMC_SITE_URL = "https://minutes.example.org"
    cache.clear()
    remote = bare_repository(tmp_path / "remote.git")
    committee = use_mirror(people["runtime"], remote)
    committee.list_address = LIST
    committee.save(update_fields=["list_address"])
    discussion = draft.items.get(title="Discussion")

    client.force_login(people["lead_x"])
    edit = f"{MEETING}/reports/diego/edit/"
    assert client.post(edit, {"body": "- Routing: done\n", "version": 1}).status_code == 302
    note = client.post(f"{MEETING}/reports/diego/note/", {"private_note": f"Lead's aside: {MARKER} in the lead note"})
    assert note.status_code == 302
    client.force_login(people["chair"])
    item_note = f"{MEETING}/items/{discussion.pk}/note/"
    assert client.post(item_note, {"private_note": f"Chair's aside {MARKER}"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{MEETING}/publish/", {"action": "publish"}).status_code == 302
    # An amendment after publication (public history), and the notes edited again on published minutes.
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client.post(
                edit, {"body": "- Routing: done\n- Logs: started\n", "version": 2, "reason": "Logs started"}
            ).status_code
            == 302
        )
    client.post(f"{MEETING}/reports/diego/note/", {"private_note": f"Still private: {MARKER}"})
    client.logout()
    return {"remote": remote, "meeting": draft}


def test_the_notes_are_stored_where_the_chairs_and_leads_wrote_them(published_with_notes, people):
    assert MARKER in BacklogReport.objects.get(meeting=published_with_notes["meeting"], team__slug="diego").private_note
    assert MARKER in AgendaItem.objects.get(meeting=published_with_notes["meeting"], title="Discussion").private_note


def public_urls(meeting) -> list[str]:
    revisions = [f"{MEETING}/history/{revision.pk}/" for revision in meeting.revisions.amendments()]
    assert revisions, "the amendment's page is one of the public URLs"
    return [
        "/",
        "/runtime/",
        f"{MEETING}/",
        f"{MEETING}.md",
        "/runtime/feed/",
        "/runtime/meetings.ics",
        "/runtime/roadmap/",
        "/runtime/actions/",
        "/runtime/actions/feed/",
        "/runtime/teams/diego/",
        "/runtime/teams/diego/feed/",
        f"{MEETING}/history/",
        f"{MEETING}/reports/diego/history/",
        "/sitemap.xml",
        *revisions,
        # The JSON API reads what the pages read.
        "/api/v1/committees/runtime/meetings",
        API_MEETING,
        "/api/v1/committees/runtime/meetings/latest",
        f"{API_MEETING}/reports/diego",
        "/api/v1/committees/runtime/teams/diego",
        f"/api/v1/search?q={MARKER}",
    ]


def test_no_public_page_feed_or_download_shows_a_private_note(client, published_with_notes):
    for url in public_urls(published_with_notes["meeting"]):
        response = client.get(url)
        if response.status_code == 302:  # the report's own history is for its people: sign-in, nothing shown
            assert "/accounts/login/" in response["Location"], url
            continue
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response) if response.streaming else response.content
        assert MARKER.encode() not in body, url
        assert b"Routing: done" in body or url not in (f"{MEETING}/", f"{MEETING}.md", API_MEETING), url


def test_the_pdf_does_not_have_it(client, published_with_notes):
    response = client.get(f"{MEETING}.pdf")

    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Routing: done" in text  # the text is read back from this PDF
    assert MARKER not in text


def test_the_archive_zip_does_not_have_it(client, published_with_notes):
    response = client.get("/runtime/archive.zip")

    assert response.status_code == 200
    content = b"".join(response) if response.streaming else response.content
    archive = zipfile.ZipFile(io.BytesIO(content))
    texts = [archive.read(name) for name in archive.namelist()]
    assert any(b"Routing: done" in text for text in texts)
    assert not any(MARKER.encode() in text for text in texts)


def test_search_does_not_find_it(client, published_with_notes):
    response = client.get("/search/", {"q": MARKER})

    assert response.status_code == 200
    assert parse_html(response.content.decode()).find("h2", id="results-title").text.startswith("0 results")
    assert not SearchDocument.objects.filter(text__icontains=MARKER).exists()
    found = client.get("/search/", {"q": "Routing"}).content.decode()
    assert "0 results" not in found  # the same search does find the minutes' own text


def test_the_git_mirror_and_the_list_email_do_not_have_it(published_with_notes):
    remote = published_with_notes["remote"]
    [amended, published] = commits(remote)
    for commit in (amended, published):
        assert MARKER.encode() not in file_at(remote, commit.files[0], commit.sha)
    assert b"Logs: started" in file_at(remote, amended.files[0], amended.sha)
    [announcement] = mail.outbox
    assert announcement.to == [LIST]
    assert "Routing: done" in announcement.body
    assert MARKER not in announcement.message().as_string()


@pytest.mark.parametrize("who", ["chair", "lead_x", "lead_y"])
def test_the_committees_chairs_and_leads_see_the_notes_on_the_meeting_page_marked_private(
    client, people, published_with_notes, who
):
    client.force_login(people[who])

    page = parse_html(client.get(f"{MEETING}/").content.decode())

    notes = page.find_all("aside", class_="private-note")
    assert len(notes) == 2
    assert all(MARKER in note.text and "Private" in note.text for note in notes)


@pytest.mark.parametrize("who", ["member", "lead_x_elsewhere", "other_chair"])
def test_people_outside_the_committee_do_not(client, people, published_with_notes, who):
    client.force_login(people[who])

    response = client.get(f"{MEETING}/")

    assert response.status_code == 200
    assert MARKER.encode() not in response.content


def test_the_api_never_gives_a_note_even_to_a_token_of_its_lead(client, published_with_notes, people):
    headers = {"Authorization": f"Bearer {token_for(people['lead_x'])}"}
    for url in (API_MEETING, f"{API_MEETING}/reports/diego"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200 and b"Routing: done" in response.content
        assert MARKER.encode() not in response.content, url
