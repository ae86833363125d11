"""The archive's own action lines offered to the chair after an import (views/actions.candidates): accepted into
an action in place, or left as text; never converted silently."""

from pathlib import Path

import pytest

from meetings.models import ActionItem, DismissedCandidate, Meeting
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome, import_data
from tests.support.accounts import sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import form_errors

pytestmark = pytest.mark.django_db

URL = "/runtime/2018-07-10/actions/candidates/"

MINUTES_FILE = """# Runtime PMC Meeting 2018-07-10

## Agenda

* Announcements
* Backlog Reviews

## Announcements

- Summit next month.
- [ ] Book the summit room

## Backlog Reviews

### Diego - Eric Malm

- Shipped cell rebalancing.
AI: Eric to write the RFC

### CLI - Abby Chau

- Nothing owed.
"""


@pytest.fixture
def imported(people) -> Meeting:
    result = import_data(MINUTES_FILE.encode(), Path("2018-07-10-runtime.md"), "runtime")
    assert result.outcome == Outcome.IMPORTED, result.message
    return result.meeting


def forms_of(response):
    return parse_html(response.content.decode()).find_all("form", class_="form")


def fields_of(form) -> dict[str, str]:
    return {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input") if i.attrs.get("name")}


def test_an_import_converts_no_candidate_and_the_chair_is_offered_them(client, people, imported):
    assert not ActionItem.objects.exists()
    client.force_login(people["chair"])

    response = client.get(URL)

    assert response.status_code == 200
    titles = [h.text for h in parse_html(response.content.decode()).find_all("h2")]
    assert titles == ["Announcements, line 2", "Diego, line 2"]
    assert [fields_of(form)["text"] for form in forms_of(response)] == ["Book the summit room", "Eric to write the RFC"]


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 403), ("anonymous", 302)])
def test_only_the_chair_reviews_candidates(client, people, imported, who, status):
    sign_in(client, people, who)
    assert client.get(URL).status_code == status


def test_accepting_a_candidate_makes_its_line_an_action_in_place(client, people, imported):
    client.force_login(people["chair"])
    form = forms_of(client.get(URL))[1]

    response = client.post(URL, {**fields_of(form), "owner": "lead-x", "due": "2018-08-01", "accept": ""})

    assert response.status_code == 302
    report = imported.reports.get(team=people["team_x"])
    assert report.body.endswith("- Shipped cell rebalancing.\n- [ ] @lead-x: Eric to write the RFC (due 2018-08-01)")
    action = ActionItem.objects.get()
    assert (action.owner_user, action.created_by, action.section) == (people["lead_x"], people["chair"], "Diego")
    assert [fields_of(f)["text"] for f in forms_of(client.get(URL))] == ["Book the summit room"]
    assert "- [ ] @lead-x: Eric to write the RFC (due 2018-08-01)\n" in meeting_to_markdown(imported)


def test_leaving_a_candidate_as_text_stops_offering_it_and_changes_nothing(client, people, imported):
    client.force_login(people["chair"])
    form = forms_of(client.get(URL))[0]

    response = client.post(URL, {**fields_of(form), "dismiss": ""})

    assert response.status_code == 302
    assert DismissedCandidate.objects.get().text == "Book the summit room"
    assert [fields_of(f)["text"] for f in forms_of(client.get(URL))] == ["Eric to write the RFC"]
    assert meeting_to_markdown(Meeting.objects.get(pk=imported.pk)) == MINUTES_FILE
    assert not ActionItem.objects.exists()


def test_accepting_without_an_owner_keeps_the_form_with_its_error(client, people, imported):
    client.force_login(people["chair"])
    form = forms_of(client.get(URL))[0]

    response = client.post(URL, {**fields_of(form), "owner": "", "accept": ""})

    assert response.status_code == 400
    assert form_errors(response)
    assert meeting_to_markdown(Meeting.objects.get(pk=imported.pk)) == MINUTES_FILE


def test_a_line_changed_since_the_page_was_read_is_not_accepted(client, people, imported):
    client.force_login(people["chair"])
    form = fields_of(forms_of(client.get(URL))[0])

    response = client.post(URL, {**form, "seen": "Something else", "owner": "cli", "accept": ""}, follow=True)

    assert "has changed or was dealt with" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_the_chairs_page_of_an_imported_meeting_links_to_its_candidates(client, people, imported, draft):
    client.force_login(people["chair"])

    assert URL in client.get("/runtime/2018-07-10/edit/").content.decode()
    assert "actions/candidates/" not in client.get("/runtime/2030-01-08/edit/").content.decode()  # made in the site
