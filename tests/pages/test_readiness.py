"""The chair's readiness board: each team's state, leads and last edit, the count, its query budget, its button."""

from datetime import date
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from meetings.models import FailedTask, Meeting, ReminderSent
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_committee, make_team, make_user
from tests.support.html_tree import Element, parse_html

BOARD = "/runtime/2030-01-08/readiness/"
REMIND = "/runtime/2030-01-08/readiness/remind/"


def rows_by_team(response) -> dict[str, Element]:
    table = parse_html(response.content.decode()).find("table", class_="readiness")
    return {row.find("th").text.split(" ")[0]: row for row in table.find("tbody").find_all("tr")}


def count_line(response) -> str:
    return parse_html(response.content.decode()).find("p", class_="count-line").text


def state_of(row: Element) -> str:
    return row.find("span", class_="state").text


def messages_of(response) -> list[str]:
    return [li.text for li in parse_html(response.content.decode()).find_all("li", class_="message")]


@pytest.fixture
def board_meeting(people) -> Meeting:
    """2030-01-08 with Diego unchanged from 2029-12-25, CLI written anew, Garden empty."""
    make_team(people["runtime"], "Garden", leads=[make_user("garden-lead")], lead_names="Julz Friedman", position=3)
    earlier = create_meeting(people["runtime"], day=date(2029, 12, 25))
    save_report(earlier.reports.get(team=people["team_x"]), body="- Same as ever\n", by=people["lead_x"])
    save_report(earlier.reports.get(team=people["team_y"]), body="- Old news\n", by=people["lead_y"])
    publish_meeting(earlier)
    meeting = create_meeting(people["runtime"], day=date(2030, 1, 8))
    save_report(meeting.reports.get(team=people["team_x"]), body="- Same as ever\n", by=people["lead_x"])
    save_report(meeting.reports.get(team=people["team_y"]), body="- Fresh news\n", by=people["chair"])
    return meeting


def test_the_board_shows_each_teams_state_and_the_count(client, people, board_meeting):
    client.force_login(people["chair"])

    response = client.get(BOARD)

    assert response.status_code == 200
    rows = rows_by_team(response)
    assert {team: state_of(row) for team, row in rows.items()} == {
        "Diego": "unchanged from last meeting",
        "CLI": "written",
        "Garden": "empty",
    }
    assert count_line(response) == "2 of 3 teams reported (1 unchanged from last meeting)."


def test_the_board_names_the_leads_and_the_last_edit(client, people, board_meeting):
    cli = board_meeting.reports.get(team=people["team_y"])
    client.force_login(people["chair"])

    rows = rows_by_team(client.get(BOARD))

    leads = rows["CLI"].find_all("td")[0].text
    assert leads.startswith("Abby Chau") and "lead-y" in leads
    assert "Julz Friedman" in rows["Garden"].text and "garden-lead" in rows["Garden"].text
    when = dateformat.format(timezone.localtime(cli.updated_at), "j M H:i")
    assert rows["CLI"].find("td", class_="last-edit").text == f"{when} by @chair"  # no name given: the handle
    assert rows["Garden"].find("td", class_="last-edit").text == "—"


def test_the_chairs_page_links_to_the_board(client, people, board_meeting):
    client.force_login(people["chair"])
    page = parse_html(client.get("/runtime/2030-01-08/edit/").content.decode())
    assert BOARD in [a.attrs.get("href") for a in page.find_all("a")]


@pytest.mark.parametrize(
    ("who", "status"),
    [("chair", 200), ("superuser", 200), ("lead_x", 403), ("other_chair", 404), ("member", 404)],
)
def test_only_the_committees_chairs_see_the_board(client, people, board_meeting, who, status):
    client.force_login(people[who])
    assert client.get(BOARD).status_code == status


def test_anonymous_visitors_are_asked_to_sign_in(client, board_meeting):
    response = client.get(BOARD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- query budget ---------------------------------------------------------------------------------------


def committee_with_teams(count: int) -> Meeting:
    """A committee of `count` teams, each with a lead and a co-lead, half of them reported before."""
    committee = make_committee(f"Size{count}")
    chair = make_user(f"chair-{count}")
    committee.chairs.add(chair)
    for number in range(count):
        team = make_team(committee, f"Team{number}", leads=[make_user(f"lead-{count}-{number}")], position=number)
        team.co_leads.add(make_user(f"co-lead-{count}-{number}", email=f"co{number}@example.org"))
    earlier = create_meeting(committee, day=date(2029, 12, 25))
    meeting = create_meeting(committee, day=date(2030, 1, 8))
    for report in [*earlier.reports.all()[: count // 2], *meeting.reports.all()[: count // 3]]:
        save_report(report, body=f"- {report.team_name}\n", by=chair)
    ReminderSent.objects.create(meeting=meeting, user=meeting.reports.last().team.leads.get())
    return meeting


def board_queries(client, meeting: Meeting) -> int:
    client.force_login(meeting.committee.chairs.get())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/{meeting.committee.slug}/2030-01-08/readiness/")
    assert response.status_code == 200
    assert len(rows_by_team(response)) == meeting.reports.count()
    return len(queries)


@pytest.mark.parametrize("teams", [2, 20])
def test_the_board_stays_within_its_query_budget(client, db, django_assert_max_num_queries, teams):
    meeting = committee_with_teams(teams)
    client.force_login(meeting.committee.chairs.get())
    with django_assert_max_num_queries(10):
        client.get(f"/{meeting.committee.slug}/2030-01-08/readiness/")


def test_the_board_makes_as_many_queries_for_20_teams_as_for_2(client, db):
    assert board_queries(client, committee_with_teams(2)) == board_queries(client, committee_with_teams(20))


# --- the reminder button -----------------------------------------------------------------------------------


@pytest.fixture
def with_addresses(people):
    for key in ("lead_x", "lead_y"):
        people[key].email = f"{people[key].username}@example.org"
        people[key].save()


def test_the_button_reminds_the_leads_of_empty_sections_once(client, people, draft, with_addresses):
    save_report(draft.reports.get(team=people["team_y"]), body="- Written\n", by=people["lead_y"])
    client.force_login(people["chair"])

    response = client.post(REMIND, follow=True)

    assert [message.to for message in mail.outbox] == [["lead-x@example.org"]]
    assert "1 reminder queued, going out by e-mail now (lead-x)." in messages_of(response)
    assert "reminded" in rows_by_team(response)["Diego"].text
    again = client.post(REMIND, follow=True)
    assert len(mail.outbox) == 1
    assert any(message.startswith("No reminder sent: each lead") for message in messages_of(again))


def test_a_reminder_that_cannot_be_sent_waits_among_the_failed_tasks_and_its_retry_sends_it(
    client, people, draft, with_addresses, monkeypatch
):
    client.force_login(people["chair"])
    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", mock.Mock(side_effect=OSError("mail server down")))
        client.post(REMIND)

    assert mail.outbox == [] and not ReminderSent.objects.exists(), "not recorded as sent"
    [failed] = FailedTask.objects.all()
    assert failed.description == f"Reminders to the leads of {draft}"
    assert "lead-x: mail server down" in failed.error and "lead-y: mail server down" in failed.error

    client.post(f"/runtime/failed-tasks/{failed.pk}/retry/")

    assert sorted(message.to[0] for message in mail.outbox) == ["lead-x@example.org", "lead-y@example.org"]


def test_the_button_is_offered_for_drafts_only(client, people, draft, with_addresses):
    client.force_login(people["chair"])
    assert parse_html(client.get(BOARD).content.decode()).find("form", action=REMIND) is not None

    publish_meeting(draft)

    assert parse_html(client.get(BOARD).content.decode()).find("form", action=REMIND) is None
    assert client.post(REMIND).status_code == 302
    assert mail.outbox == [] and not ReminderSent.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 404)])
def test_only_chairs_may_press_the_button(client, people, draft, with_addresses, who, status):
    client.force_login(people[who])
    assert client.post(REMIND).status_code == status
    assert mail.outbox == []


def test_the_button_needs_a_post(client, people, draft):
    client.force_login(people["chair"])
    assert client.get(REMIND).status_code == 405


# --- leading somewhere: invitations, the final call ------------------------------------------------------------


def test_a_team_without_a_lead_account_has_the_invite_action_beside_it(client, people):
    garden = make_team(people["runtime"], "Garden", lead_names="Julz Friedman", position=3)
    create_meeting(people["runtime"], day=date(2030, 1, 8))
    client.force_login(people["chair"])

    rows = rows_by_team(client.get(BOARD))

    [invite] = rows["Garden"].find("p", class_="no-lead").find_all("a")
    assert invite.attrs["href"] == f"/runtime/roster/?team={garden.pk}#invite"
    assert rows["Diego"].find("p", class_="no-lead") is None


@pytest.fixture
def meeting_today(people) -> Meeting:
    for key in ("lead_x", "lead_y"):
        people[key].email = f"{people[key].username}@example.org"
        people[key].save()
    return create_meeting(people["runtime"], day=timezone.localdate())


def test_on_the_meeting_day_a_final_call_follows_the_reminder(client, people, meeting_today):
    board = f"/runtime/{meeting_today.date.isoformat()}/readiness/"
    client.force_login(people["chair"])
    client.post(board + "remind/")
    assert len(mail.outbox) == 2
    page = parse_html(client.get(board).content.decode())
    assert page.find("button", value="final_call") is not None

    response = client.post(board + "remind/", {"kind": "final_call"}, follow=True)

    assert messages_of(response) == ["2 final calls queued, going out by e-mail now (lead-x, lead-y)."]
    assert [message.subject.split(":")[0] for message in mail.outbox[2:]] == ["Final call", "Final call"]


def test_before_the_meeting_day_there_is_no_final_call(client, people, draft):
    client.force_login(people["chair"])
    assert parse_html(client.get(BOARD).content.decode()).find("button", value="final_call") is None

    response = client.post(REMIND, {"kind": "final_call"}, follow=True)

    assert messages_of(response) == ["The final call can be sent on the meeting's day only."]
    assert mail.outbox == []
