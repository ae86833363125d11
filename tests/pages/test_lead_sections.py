"""A lead's start page: the sections they owe, their state, and starting from their last report; co-leads."""

from datetime import date, timedelta

import pytest
from django.utils import dateformat, timezone

from meetings import permissions
from meetings.format.actions import ActionLine
from meetings.models import ActionItem, ActionOutcome, ActionStatus, BacklogReport, Meeting, Revision
from meetings.services.actions import record_action
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from meetings.services.scheduling import create_meeting
from tests.support.builders import make_user
from tests.support.html_tree import Element, parse_html
from tests.support.pages import browser_form, form_errors

MY_SECTIONS = "/my-sections/"


def meeting_on(people, day: date, *, diego: str = "", published: bool = False) -> Meeting:
    """A Runtime meeting as a chair creates it, with the Diego report written by its lead."""
    meeting = create_meeting(people["runtime"], day=day)
    if diego:
        save_report(meeting.reports.get(team=people["team_x"]), body=diego, by=people["lead_x"])
    if published:
        publish_meeting(meeting)
    return meeting


def diego(meeting: Meeting, people) -> BacklogReport:
    return meeting.reports.get(team=people["team_x"])


def rows_by_edit_link(response) -> dict[str, Element]:
    """The rows of the page's table, by the link to the section they are about."""
    rows = {}
    for row in parse_html(response.content.decode()).find("tbody").find_all("tr"):
        links = [a.attrs["href"] for a in row.find_all("a") if a.attrs["href"].endswith("/edit/")]
        assert len(links) == 1, row.text
        rows[links[0]] = row
    return rows


def state_of(row: Element) -> str:
    return row.find("span", class_="state").text


def start_links(row: Element) -> list[str]:
    return [a.attrs["href"] for a in row.find_all("a") if "start=previous" in a.attrs["href"]]


@pytest.fixture
def history_of_diego(people, draft):
    """Diego's reports: two published meetings, then three drafts (the `draft` one is 2030-01-08)."""
    meeting_on(people, date(2029, 12, 11), diego="- Older\n", published=True)
    meeting_on(people, date(2029, 12, 25), diego="- Same\n", published=True)
    save_report(diego(draft, people), body="- Same\n", by=people["lead_x"])
    return {
        "unchanged": draft,
        "written": meeting_on(people, date(2030, 1, 22), diego="- New\n"),
        "empty": meeting_on(people, date(2030, 2, 5)),
    }


def test_each_owed_section_shows_its_state(client, people, history_of_diego):
    client.force_login(people["lead_x"])

    rows = rows_by_edit_link(client.get(MY_SECTIONS))

    expected = {
        "unchanged from last meeting": history_of_diego["unchanged"],
        "written": history_of_diego["written"],
        "empty": history_of_diego["empty"],
    }
    assert {diego(meeting, people).get_edit_url(): state for state, meeting in expected.items()} == {
        link: state_of(row) for link, row in rows.items()
    }


def test_unchanged_means_the_same_text_as_the_teams_latest_earlier_written_report(client, people, draft):
    meeting_on(people, date(2029, 12, 11), diego="- Said long ago\n", published=True)
    meeting_on(people, date(2029, 12, 25), diego="- Said last time\n", published=True)
    later = meeting_on(people, date(2030, 1, 22), diego="- Said last time\n")
    save_report(
        diego(draft, people), body="- Said long ago\n", by=people["lead_x"]
    )  # as two meetings ago, not as the last
    client.force_login(people["lead_x"])

    rows = rows_by_edit_link(client.get(MY_SECTIONS))

    assert state_of(rows[diego(draft, people).get_edit_url()]) == "written"
    assert state_of(rows[diego(later, people).get_edit_url()]) == "written"  # 2030-01-08 said otherwise
    # An emptied report is not a report: the comparison skips it.
    save_report(diego(draft, people), body="", by=people["lead_x"])
    rows = rows_by_edit_link(client.get(MY_SECTIONS))
    assert state_of(rows[diego(later, people).get_edit_url()]) == "unchanged from last meeting"


def test_each_owed_section_shows_its_last_edit(client, people, history_of_diego):
    report = diego(history_of_diego["written"], people)
    client.force_login(people["lead_x"])

    rows = rows_by_edit_link(client.get(MY_SECTIONS))

    last_edit = rows[report.get_edit_url()].find_all("td")[2].text  # by name (lead-x is Eric Malm)
    assert last_edit == f"{dateformat.format(timezone.localtime(report.updated_at), 'j M H:i')} by Eric Malm"
    assert rows[diego(history_of_diego["empty"], people).get_edit_url()].find_all("td")[2].text == "—"


def test_an_empty_section_offers_to_start_from_the_last_report(client, people, history_of_diego):
    empty = diego(history_of_diego["empty"], people)
    client.force_login(people["lead_x"])

    rows = rows_by_edit_link(client.get(MY_SECTIONS))

    assert start_links(rows[empty.get_edit_url()]) == [empty.get_edit_url() + "?start=previous"]
    assert start_links(rows[diego(history_of_diego["written"], people).get_edit_url()]) == []


def test_starting_from_the_last_report_fills_the_form_without_saving(client, people, history_of_diego):
    empty = diego(history_of_diego["empty"], people)
    client.force_login(people["lead_x"])

    response = client.get(empty.get_edit_url() + "?start=previous")

    assert response.status_code == 200
    form = browser_form(response)
    assert (form["body"], form["version"]) == ("- New\n", "1")  # the latest earlier written report, 2030-01-22's
    assert "not saved yet" in response.content.decode()
    stored = BacklogReport.objects.get(pk=empty.pk)
    assert (stored.body, stored.version, stored.updated_at) == ("", 1, None)
    assert not Revision.objects.filter(report=empty).exists()
    assert browser_form(client.get(empty.get_edit_url()))["body"] == ""  # still empty without ?start

    # Saving that form is what makes it the report, as one revision.
    assert client.post(empty.get_edit_url(), browser_form(response)).status_code == 302
    [revision] = Revision.objects.filter(report=empty)
    assert (revision.before, revision.after, revision.author) == ("", "- New\n", people["lead_x"])


def test_without_an_earlier_report_there_is_nothing_to_start_from(client, people, draft):
    report = diego(draft, people)
    client.force_login(people["lead_x"])

    assert start_links(rows_by_edit_link(client.get(MY_SECTIONS))[report.get_edit_url()]) == []
    assert browser_form(client.get(report.get_edit_url() + "?start=previous"))["body"] == ""
    assert not Revision.objects.exists()


# --- co-leads -------------------------------------------------------------------------------------


@pytest.fixture
def co_lead(people):
    user = make_user("co-lead", first_name="Casey", last_name="Colead")
    people["team_x"].co_leads.add(user)
    return user


@pytest.fixture
def meeting_with_co_lead(people, co_lead) -> Meeting:
    """A draft created after the co-lead joined Diego, so its roster is today's."""
    return create_meeting(people["runtime"], day=date(2030, 1, 8))


def test_a_co_lead_may_edit_the_teams_report_in_a_draft_only(people, co_lead, meeting_with_co_lead):
    published = meeting_on(people, date(2029, 12, 25), published=True)
    assert permissions.can_view_meeting(co_lead, meeting_with_co_lead)
    assert permissions.can_edit_report(co_lead, diego(meeting_with_co_lead, people))
    assert not permissions.can_edit_report(co_lead, meeting_with_co_lead.reports.get(team=people["team_y"]))
    assert not permissions.can_edit_report(co_lead, diego(published, people))
    assert permissions.editable_reports(co_lead, meeting_with_co_lead) == {diego(meeting_with_co_lead, people).pk}


def test_a_co_lead_edits_the_teams_report_through_the_form(client, people, co_lead, meeting_with_co_lead):
    report = diego(meeting_with_co_lead, people)
    client.force_login(co_lead)
    response = client.get(report.get_edit_url())
    assert response.status_code == 200

    assert (
        client.post(report.get_edit_url(), {**browser_form(response), "body": "- By the co-lead\n"}).status_code == 302
    )

    report.refresh_from_db()
    assert (report.body, report.updated_by) == ("- By the co-lead\n", co_lead)
    other = "/runtime/2030-01-08/reports/cli/edit/"
    assert client.post(other, {"body": "Not my team", "version": "1"}).status_code == 403


def test_a_co_lead_finds_the_section_in_my_sections(client, people, co_lead, meeting_with_co_lead):
    client.force_login(co_lead)
    rows = rows_by_edit_link(client.get(MY_SECTIONS))
    assert list(rows) == [diego(meeting_with_co_lead, people).get_edit_url()]


def test_a_co_lead_is_not_named_in_the_report(client, people, co_lead, meeting_with_co_lead):
    report = diego(meeting_with_co_lead, people)
    assert (report.leads, report.heading) == ("Eric Malm", "### Diego - Eric Malm")
    client.force_login(people["chair"])
    page = client.get("/runtime/2030-01-08/").content.decode()
    assert "Eric Malm" in page
    assert "Colead" not in page and "co-lead" not in page


def test_chairs_and_superusers_find_the_drafts_they_chair(client, people, draft):
    for who in ("chair", "superuser"):
        client.force_login(people[who])
        assert draft.get_edit_url() in client.get("/my-sections/").content.decode(), who
    client.force_login(people["other_chair"])
    assert draft.get_edit_url() not in client.get("/my-sections/").content.decode()


# --- when, in words, soonest first ----------------------------------------------------------------------


def test_sections_are_listed_by_meeting_date_with_when_in_words(client, people):
    today = timezone.localdate()
    for days in (3, -2, 0):  # created out of order
        meeting_on(people, today + timedelta(days=days))
    client.force_login(people["lead_x"])

    rows = parse_html(client.get(MY_SECTIONS).content.decode()).find("tbody").find_all("tr")

    whens = [row.find("span", class_="when") for row in rows]
    assert [when.find("time").attrs["datetime"] for when in whens] == [
        (today + timedelta(days=days)).isoformat() for days in (-2, 0, 3)
    ]
    assert [when.text.split(" · ")[1] for when in whens] == ["2 days ago", "today", "in 3 days"]


# --- closing one's own actions where they are listed -----------------------------------------------------


@pytest.fixture
def cli_action(people, draft) -> ActionItem:
    """An action of the CLI team (led by lead_y) agreed in the draft of 2030-01-08."""
    item = draft.items.get(title="Announcements")
    assert record_action(item, action=ActionLine("cli", "Cut v7"), by=people["chair"], expected_version=item.version)
    return ActionItem.objects.get(text="Cut v7")


@pytest.fixture
def next_draft(people, draft) -> Meeting:
    return create_meeting(people["runtime"], day=date(2030, 1, 22))


def outcome_form(response, action: ActionItem) -> Element | None:
    return parse_html(response.content.decode()).by_id(f"action-{action.pk}").find("form")


@pytest.mark.parametrize(("button", "status", "closed"), [("done", "done", True), ("dropped", "dropped", True)])
def test_the_owner_closes_an_action_on_my_sections_and_comes_back_there(
    client, people, cli_action, next_draft, button, status, closed
):
    client.force_login(people["lead_y"])
    form = outcome_form(client.get(MY_SECTIONS), cli_action)
    assert [b.attrs["value"] for b in form.find_all("button")] == ["done", "dropped", "carried"]
    fields = {i.attrs["name"]: i.attrs.get("value", "") for i in form.find_all("input")}

    response = client.post(form.attrs["action"], {**fields, "outcome": button, "note": "Shipped"}, follow=True)

    assert response.redirect_chain[-1][0] == "/my-sections/#my-actions"
    cli_action.refresh_from_db()
    assert (cli_action.status, cli_action.closed_in) == (status, next_draft)
    assert ActionOutcome.objects.get().note == "Shipped"
    assert "Cut v7" not in parse_html(response.content.decode()).by_id("my-actions").next_element().text


def test_carried_with_a_note_keeps_the_action_open_and_listed(client, people, cli_action, next_draft):
    client.force_login(people["lead_y"])
    form = outcome_form(client.get(MY_SECTIONS), cli_action)

    response = client.post(
        form.attrs["action"], {"next": "/my-sections/#my-actions", "outcome": "carried", "note": "Waits for v6.3"}
    )

    assert response["Location"] == "/my-sections/#my-actions"
    cli_action.refresh_from_db()
    assert cli_action.status == ActionStatus.OPEN
    assert (ActionOutcome.objects.get().outcome, ActionOutcome.objects.get().note) == ("carried", "Waits for v6.3")
    assert outcome_form(client.get(MY_SECTIONS), cli_action) is not None


def test_without_a_later_draft_there_is_nothing_to_close_in_yet(client, people, cli_action):
    client.force_login(people["lead_y"])

    response = client.get(MY_SECTIONS)

    assert outcome_form(response, cli_action) is None
    assert "once the chair creates it" in parse_html(response.content.decode()).by_id(f"action-{cli_action.pk}").text


def test_a_later_published_meeting_is_not_where_the_owner_closes_it(client, people, cli_action, next_draft):
    publish_meeting(next_draft)
    client.force_login(people["lead_y"])

    assert outcome_form(client.get(MY_SECTIONS), cli_action) is None


def test_pressing_no_button_is_a_clear_error_and_keeps_the_way_back(client, people, cli_action, next_draft):
    client.force_login(people["lead_y"])
    form = outcome_form(client.get(MY_SECTIONS), cli_action)

    response = client.post(form.attrs["action"], {"next": "/my-sections/#my-actions", "note": "Kept"})

    assert response.status_code == 400
    assert form_errors(response) == ["Choose what became of the action: done, dropped or carried."]
    page = parse_html(response.content.decode())
    assert page.find("input", name="next").attrs["value"] == "/my-sections/#my-actions"
    assert page.find("textarea", name="note").text == "Kept"
    assert not ActionOutcome.objects.exists()
