"""Writing private notes (views/notes.py): who may, and that the editor marks them private."""

import pytest

from meetings.services.publishing import publish_meeting
from tests.support.html_tree import parse_html

MEETING = "/runtime/2030-01-08"
REPORT_NOTE = f"{MEETING}/reports/diego/note/"


def test_the_editor_has_a_note_form_marked_private(client, people, draft):
    client.force_login(people["lead_x"])

    panel = parse_html(client.get(f"{MEETING}/reports/diego/edit/").content.decode()).find(
        "section", class_="private-note-panel"
    )

    assert "Private" in panel.find("h2").text
    assert "Only this committee's chairs and leads see it" in panel.text
    assert panel.find("form").attrs["action"] == REPORT_NOTE


def test_the_lead_writes_a_note_in_their_report(client, people, draft):
    client.force_login(people["lead_x"])

    assert client.post(REPORT_NOTE, {"private_note": "Ask about the flake"}).status_code == 302

    report = draft.reports.get(team__slug="diego")
    assert (report.private_note, report.body, report.version) == ("Ask about the flake", "", 1)
    assert not report.revisions.exists()  # a note is not the minutes: no revision in their history


@pytest.mark.parametrize("who", ["lead_y", "member"])
def test_others_cannot_write_in_the_teams_note(client, people, draft, who):
    client.force_login(people[who])

    assert client.post(REPORT_NOTE, {"private_note": "mine"}).status_code in (403, 404)
    assert draft.reports.get(team__slug="diego").private_note == ""


def test_a_chairs_section_note_is_the_chairs(client, people, draft):
    discussion = draft.items.get(title="Discussion")
    url = f"{MEETING}/items/{discussion.pk}/note/"
    client.force_login(people["lead_x"])
    assert client.post(url, {"private_note": "lead's"}).status_code == 403

    client.force_login(people["chair"])
    assert client.post(url, {"private_note": "chair's"}).status_code == 302
    discussion.refresh_from_db()
    assert discussion.private_note == "chair's"
    assert "private-note-panel" in client.get(f"{MEETING}/items/{discussion.pk}/edit/").content.decode()


def test_a_lead_cannot_write_a_note_once_published_but_the_chair_can(client, people, draft):
    publish_meeting(draft)
    client.force_login(people["lead_x"])
    assert client.post(REPORT_NOTE, {"private_note": "late"}).status_code == 403

    client.force_login(people["chair"])
    assert client.post(REPORT_NOTE, {"private_note": "chair's late note"}).status_code == 302
    assert draft.reports.get(team__slug="diego").private_note == "chair's late note"
