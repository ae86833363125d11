"""A draft's action outcome stays with the draft: public readers see what published minutes say of an action.

One action, agreed in published minutes (2030-01-08), is marked done in a draft (2030-01-22). Every public
surface that says where an action stands (the actions page, the team's timeline, the API's minutes, the Atom
feed) must still call it open, with no link to the draft, until the draft is published.
"""

from datetime import date

import pytest

from meetings.format.actions import ActionLine
from meetings.models import ActionItem, Outcome
from meetings.services.actions import record_action, record_outcome
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.api import API
from tests.support.html_tree import parse_html

DRAFT_PAGE = "/runtime/2030-01-22/"


@pytest.fixture
def closed_in_a_draft(people, draft):
    """The CLI team's action of published minutes, marked done in a later draft; (action, the draft)."""
    item = draft.items.get(title="Announcements")
    assert record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=item.version)
    publish_meeting(draft)
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
    action = ActionItem.objects.get()
    record_outcome(action, meeting=later, outcome=Outcome.DONE, note="Released", by=people["chair"])
    return action, later


def links(node) -> set[str]:
    return {a.attrs.get("href", "") for a in node.find_all("a")}


def actions_table(client):
    return parse_html(client.get("/runtime/actions/").content.decode()).find("table", class_="actions-table")


def timeline_actions(client):
    page = parse_html(client.get("/runtime/teams/cli/").content.decode())
    return page.find("section", **{"aria-labelledby": "actions-title"})


def test_the_actions_page_shows_a_draft_outcome_to_no_anonymous_reader(client, closed_in_a_draft):
    table = actions_table(client)

    assert "Cut v7" in table.text
    assert table.find("tr", class_="status-open") is not None and "Done" not in table.text
    assert DRAFT_PAGE not in links(table) and "2030-01-22" not in table.text


def test_the_team_timeline_shows_a_draft_outcome_to_no_anonymous_reader(client, closed_in_a_draft):
    section = timeline_actions(client)

    assert "Cut v7" in section.text and "Open" in section.text
    assert "Done" not in section.text and "closed" not in section.text and DRAFT_PAGE not in links(section)


def test_the_apis_minutes_show_a_draft_outcome_to_no_anonymous_reader(client, closed_in_a_draft):
    [agreed] = client.get(f"{API}/committees/runtime/meetings/2030-01-08").json()["actions"]

    assert (agreed["text"], agreed["status"], agreed["closed_in"]) == ("Cut v7", "open", None)


def test_the_feed_shows_a_draft_outcome_to_no_anonymous_reader(client, closed_in_a_draft):
    feed = client.get("/runtime/actions/feed/").content.decode()

    assert "Cut v7" in feed and "(Done)" not in feed and "Released" not in feed


def test_once_the_draft_is_published_every_surface_says_done(client, closed_in_a_draft):
    _action, later = closed_in_a_draft
    client.get(f"{API}/committees/runtime/meetings/2030-01-08")  # cached while the outcome was a draft's

    publish_meeting(later)

    table = actions_table(client)
    assert table.find("tr", class_="status-done") is not None and DRAFT_PAGE in links(table)
    assert "closed" in timeline_actions(client).text and DRAFT_PAGE in links(timeline_actions(client))
    [agreed] = client.get(f"{API}/committees/runtime/meetings/2030-01-08").json()["actions"]
    assert (agreed["status"], agreed["closed_in"]) == ("done", "2030-01-22")
    assert "Cut v7 (Done)" in client.get("/runtime/actions/feed/").content.decode()


def test_the_committee_sees_the_draft_outcome_on_the_actions_page(client, people, closed_in_a_draft):
    client.force_login(people["lead_x"])  # a lead of the committee: reads its drafts

    table = actions_table(client)

    assert table.find("tr", class_="status-done") is not None and DRAFT_PAGE in links(table)


def test_a_published_meeting_lists_an_action_closed_in_an_earlier_draft_as_open(client, people, closed_in_a_draft):
    """An older draft's outcome does not take the action off the open list of later published minutes."""
    action, _later = closed_in_a_draft
    older_draft = create_meeting(people["runtime"], day=date(2030, 1, 15))
    record_outcome(action, meeting=older_draft, outcome=Outcome.DROPPED, note="", by=people["chair"])
    latest = create_meeting(people["runtime"], day=date(2030, 2, 5))
    publish_meeting(latest)

    [listed] = client.get(f"{API}/committees/runtime/meetings/2030-02-05").json()["open_actions"]

    assert (listed["text"], listed["status"], listed["closed_in"]) == ("Cut v7", "open", None)
    section = parse_html(client.get("/runtime/2030-02-05/").content.decode()).by_id("section-open-action-items")
    assert section is not None and "Cut v7" in section.text
