"""The archive's own decision lines offered to the chair after an import (views/decisions.candidates): accepted
into a decision in place, or left as text one by one; never converted silently."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import CandidateKind, Decision, DismissedCandidate, Meeting
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome, import_data
from tests.support.accounts import sign_in
from tests.support.html_tree import parse_html
from tests.support.pages import form_errors

pytestmark = pytest.mark.django_db

URL = "/runtime/2018-07-10/decisions/candidates/"

MINUTES_FILE = """# Runtime PMC Meeting 2018-07-10

## Agenda

* Announcements
* Backlog Reviews

## Announcements

- Summit next month.
- **Agreed:** the summit is in Basel
- Vote: Go 1.22 for every team

## Backlog Reviews

### Diego - Eric Malm

- Shipped cell rebalancing.
We decided to retire the old scheduler.

### CLI - Abby Chau

- Decision: v7 is the default
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


def offered(client) -> list[str]:
    return [fields_of(form)["text"] for form in forms_of(client.get(URL))]


def test_an_import_records_no_decision_and_the_chair_is_offered_the_archives_lines(client, people, imported):
    assert not Decision.objects.exists()
    client.force_login(people["chair"])

    response = client.get(URL)

    assert response.status_code == 200
    titles = [h.text for h in parse_html(response.content.decode()).find_all("h2")]
    assert titles == ["Announcements, line 2", "Announcements, line 3", "Diego, line 2", "CLI, line 1"]
    assert offered(client) == [
        "The summit is in Basel",
        "Go 1.22 for every team",
        "We decided to retire the old scheduler.",
        "V7 is the default",
    ]


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 403), ("anonymous", 302)])
def test_only_the_chair_reviews_candidate_decisions(client, people, imported, who, status):
    sign_in(client, people, who)
    assert client.get(URL).status_code == status


def test_accepting_a_candidate_makes_its_line_a_decision_in_place(client, people, imported):
    client.force_login(people["chair"])
    form = forms_of(client.get(URL))[2]

    response = client.post(
        URL,
        {
            **fields_of(form),
            "text": "Retire the old scheduler",
            "votes_for": "5",
            "votes_against": "0",
            "votes_abstain": "1",
            "accept": "",
        },
    )

    assert response.status_code == 302
    report = imported.reports.get(team=people["team_x"])
    assert report.body.endswith(
        "- Shipped cell rebalancing.\n\n> **Decision:** Retire the old scheduler (for 5, against 0, abstain 1)"
    )
    decision = Decision.objects.get()
    assert (decision.text, decision.votes_for, decision.section) == ("Retire the old scheduler", 5, "Diego")
    assert "We decided to retire the old scheduler." not in offered(client)
    # The decisions page, empty for the archive before, now shows it.
    assert "Retire the old scheduler" in client.get("/runtime/decisions/").content.decode()


def test_leaving_a_candidate_as_text_stops_offering_it_and_changes_nothing(client, people, imported):
    client.force_login(people["chair"])
    form = forms_of(client.get(URL))[0]

    response = client.post(URL, {**fields_of(form), "dismiss": ""})

    assert response.status_code == 302
    left = DismissedCandidate.objects.get()
    assert (left.text, left.kind) == ("The summit is in Basel", CandidateKind.DECISION)
    assert offered(client)[0] == "Go 1.22 for every team"
    assert meeting_to_markdown(Meeting.objects.get(pk=imported.pk)) == MINUTES_FILE
    assert not Decision.objects.exists()


def test_a_line_left_as_a_decision_is_still_offered_as_an_action_and_back(client, people, imported):
    # The two lists are separate: leaving "Decision: v7…" as text says nothing of it as an action, and the
    # other way round.
    DismissedCandidate.objects.create(
        meeting=imported, kind=CandidateKind.ACTION, anchor="cli", text="V7 is the default"
    )
    client.force_login(people["chair"])
    assert "V7 is the default" in offered(client)


def test_accepting_an_empty_decision_keeps_the_form_with_its_error(client, people, imported):
    client.force_login(people["chair"])
    form = forms_of(client.get(URL))[0]

    response = client.post(URL, {**fields_of(form), "text": "", "accept": ""})

    assert response.status_code == 400
    assert form_errors(response)
    assert meeting_to_markdown(Meeting.objects.get(pk=imported.pk)) == MINUTES_FILE


def test_a_line_changed_since_the_page_was_read_is_not_accepted(client, people, imported):
    client.force_login(people["chair"])
    form = fields_of(forms_of(client.get(URL))[0])

    response = client.post(URL, {**form, "seen": "Something else", "accept": ""}, follow=True)

    assert "has changed or was dealt with" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_chairs_page_of_an_imported_meeting_links_to_its_candidate_decisions(client, people, imported, draft):
    client.force_login(people["chair"])

    assert URL in client.get("/runtime/2018-07-10/edit/").content.decode()
    assert "decisions/candidates/" not in client.get("/runtime/2030-01-08/edit/").content.decode()


def test_the_import_page_offers_each_imported_files_candidate_decisions(client, people):
    client.force_login(people["chair"])
    upload = SimpleUploadedFile("2018-07-10-runtime.md", MINUTES_FILE.encode(), content_type="text/markdown")

    response = client.post("/runtime/import/", {"files": [upload]})

    assert response.status_code == 200
    links = parse_html(response.content.decode()).find("main").find_all("a")
    assert URL in [link.attrs.get("href") for link in links]
