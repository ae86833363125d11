"""Cancelling a meeting: kept for its chairs, never upcoming or owed, hidden from the public; its reports move on."""

from datetime import date

import pytest

from meetings.models import BacklogReport, Meeting, MeetingStatus
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.accounts import sign_in
from tests.support.html_tree import parse_html

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
CANCEL = DRAFT + "cancel/"


@pytest.fixture
def following(people, draft) -> Meeting:
    """The Runtime meeting after the draft."""
    return create_meeting(people["runtime"], day=date(2030, 1, 22))


def report(meeting: Meeting, team) -> BacklogReport:
    return meeting.reports.get(team=team)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_chair_cancels_a_meeting_from_the_chairs_page(client, people, draft):
    client.force_login(people["chair"])
    page = parse_html(client.get(draft.get_edit_url()).content.decode())
    # Set apart from the other actions, and only a link to the question: nothing is cancelled in one click.
    zone = page.find("section", class_="danger-zone")
    assert CANCEL in [a.attrs.get("href") for a in zone.find_all("a")]
    assert page.find("form", action=CANCEL) is None
    assert page.find(class_="chair-actions").find("a", href=CANCEL) is None
    question = client.get(CANCEL)
    assert question.status_code == 200
    assert parse_html(question.content.decode()).find("button", value="cancel") is not None
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT  # asking is not cancelling

    response = client.post(CANCEL, {"action": "cancel"}, follow=True)

    assert response.redirect_chain == [(draft.get_edit_url(), 302)]
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.CANCELLED
    page = parse_html(response.content.decode())
    assert "Cancelled" in page.find(class_="chair-actions").text
    # Taking it back and publishing are what is left to do with it; publishing is not offered.
    assert page.find("button", value="uncancel") is not None
    assert page.find("button", value="publish") is None


def test_a_cancelled_meeting_is_neither_upcoming_nor_owed(client, people, draft):
    save_report(draft.reports.get(team=people["team_x"]), body="- Half written\n", by=people["lead_x"])
    draft.cancel()

    assert draft not in Meeting.objects.upcoming()
    assert draft not in Meeting.objects.drafts()
    assert not BacklogReport.objects.owed_by(people["lead_x"]).exists()
    assert "8 January 2030" not in client.get("/").content.decode()
    archive = parse_html(client.get("/runtime/").content.decode())
    assert archive.find("ul", class_="upcoming") is None
    client.force_login(people["lead_x"])
    assert "2030-01-08" not in client.get("/my-sections/").content.decode()
    client.force_login(people["chair"])
    mine = parse_html(client.get("/my-sections/").content.decode())
    assert mine.find("a", href=draft.get_edit_url()) is None


def test_the_chairs_still_find_the_cancelled_meeting(client, people, draft):
    draft.cancel()
    client.force_login(people["chair"])

    archive = parse_html(client.get("/runtime/").content.decode())

    cancelled = archive.find("ul", class_="cancelled-meetings")
    assert [a.attrs["href"] for a in cancelled.find_all("a")] == [draft.get_edit_url()]
    assert "Cancelled" in cancelled.text
    assert archive.find("ul", class_="upcoming") is None
    meta = parse_html(client.get(DRAFT).content.decode()).find("p", class_="meta")
    assert "Cancelled" in meta.text


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("member", 404), ("chair", 200), ("lead_x", 200)])
def test_a_cancelled_meeting_is_hidden_from_the_public_like_a_draft(client, people, draft, who, status):
    draft.cancel()
    sign_in(client, people, who)
    assert client.get(DRAFT).status_code == status
    assert client.get(DRAFT.rstrip("/") + ".md").status_code == status


def test_uncancelling_makes_it_an_upcoming_draft_again(client, people, draft):
    draft.cancel()
    client.force_login(people["chair"])

    client.post(CANCEL, {"action": "uncancel"})

    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT
    assert draft in Meeting.objects.upcoming()
    assert report(draft, people["team_x"]) in BacklogReport.objects.owed_by(people["lead_x"])


def test_the_written_reports_move_to_the_next_meeting_in_one_action(client, people, draft, following):
    save_report(report(draft, people["team_x"]), body="- Cell rebalancing\n", by=people["lead_x"])
    save_report(report(draft, people["team_y"]), body="- CLI v7\n", by=people["lead_y"])
    save_report(report(following, people["team_y"]), body="- Already written for the 22nd\n", by=people["lead_y"])
    draft.cancel()
    client.force_login(people["chair"])
    page = parse_html(client.get(draft.get_edit_url()).content.decode())
    button = page.find("button", value="move_reports")
    assert button.text == "Move the written reports to 2030-01-22"
    assert page.find("input", name="target").attrs["value"] == str(following.pk)

    response = client.post(CANCEL, {"action": "move_reports", "target": following.pk}, follow=True)

    assert report(following, people["team_x"]).body == "- Cell rebalancing\n"
    assert report(draft, people["team_x"]).body == ""
    # The CLI report cannot move onto a written one: both stay, and the chair is told why.
    assert report(following, people["team_y"]).body == "- Already written for the 22nd\n"
    assert report(draft, people["team_y"]).body == "- CLI v7\n"
    assert messages_of(response) == [
        "Moved 1 written report to 2030-01-22: Diego.",
        "Not moved: The 2030-01-22 meeting already has a written CLI report; merge the two texts by hand instead.",
    ]


def test_reports_do_not_move_when_the_next_meeting_changed_since_the_page_was_shown(client, people, draft, following):
    save_report(report(draft, people["team_x"]), body="- Cell rebalancing\n", by=people["lead_x"])
    draft.cancel()
    sooner = create_meeting(people["runtime"], day=date(2030, 1, 15))
    client.force_login(people["chair"])

    response = client.post(CANCEL, {"action": "move_reports", "target": following.pk}, follow=True)

    assert messages_of(response) == ["The next meeting has changed since the page was shown; nothing was moved."]
    assert report(draft, people["team_x"]).body == "- Cell rebalancing\n"
    assert report(sooner, people["team_x"]).body == report(following, people["team_x"]).body == ""


def test_reports_move_only_out_of_a_cancelled_meeting(client, people, draft, following):
    save_report(report(draft, people["team_x"]), body="- Cell rebalancing\n", by=people["lead_x"])
    client.force_login(people["chair"])

    client.post(CANCEL, {"action": "move_reports", "target": following.pk})

    assert report(draft, people["team_x"]).body == "- Cell rebalancing\n"
    assert report(following, people["team_x"]).body == ""


@pytest.mark.parametrize(
    ("who", "status"), [("lead_x", 403), ("other_chair", 404), ("member", 404), ("anonymous", 404)]
)
def test_only_the_chair_may_cancel(client, people, draft, who, status):
    sign_in(client, people, who)
    assert client.post(CANCEL, {"action": "cancel"}).status_code == status
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT


def test_cancelling_asks_first_and_takes_a_post(client, people, draft):
    save_report(report(draft, people["team_x"]), body="- Written\n", by=people["lead_x"])
    client.force_login(people["chair"])

    page = client.get(CANCEL)

    assert page.status_code == 200
    text = " ".join(parse_html(page.content.decode()).find(class_="danger-zone").text.split())
    assert "its 2 team sections will no longer be owed" in text
    assert "The 1 report written so far stays" in text
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT


def test_published_minutes_cannot_be_cancelled(client, people, draft):
    publish_meeting(draft)
    client.force_login(people["chair"])

    assert client.post(CANCEL, {"action": "cancel"}).status_code == 403

    draft.refresh_from_db()
    assert draft.is_published
    with pytest.raises(ValueError, match="unpublish them first"):
        draft.cancel()
