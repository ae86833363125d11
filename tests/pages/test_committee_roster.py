"""The roster: teams, their status and leads, and how a change reaches the minutes not yet written."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import BacklogReport, Meeting, Team, TeamAlias, TeamStatus
from meetings.services.editing import save_report
from meetings.services.importing import import_data
from meetings.services.publishing import publish_meeting
from meetings.services.roster import update_open_reports
from meetings.services.scheduling import create_meeting
from tests.support.accounts import login_redirect, sign_in
from tests.support.builders import make_team, make_user
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, cells, form_errors, roster_rows

ROSTER = "/runtime/roster/"
DIEGO = "/runtime/roster/diego/"


def report_of(meeting: Meeting, team: Team) -> BacklogReport:
    return BacklogReport.objects.get(meeting=meeting, team=team)


@pytest.fixture
def minutes(people, draft):
    """Runtime's minutes around the roster: a published meeting, and two drafts (one with Diego written)."""
    published = create_meeting(people["runtime"], day=date(2029, 12, 25))
    save_report(report_of(published, people["team_x"]), body="- Published work\n", by=people["lead_x"])
    publish_meeting(published)
    written = create_meeting(people["runtime"], day=date(2030, 1, 22))
    save_report(report_of(written, people["team_x"]), body="- Already written\n", by=people["lead_x"])
    return {"published": published, "empty": draft, "written": written}


def edit_team(client, url: str, **changes):
    """Post the team's form as the page shows it, with some fields changed."""
    data = browser_form(client.get(url))
    data.update(changes)
    return client.post(url, data)


# --- who may ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [ROSTER, DIEGO])
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("member", 403), ("lead_x", 403), ("other_chair", 403), ("chair", 200), ("superuser", 200)],
)
def test_only_the_committees_chairs_reach_the_roster(client, people, url, who, status):
    sign_in(client, people, who)

    response = client.get(url)

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == login_redirect(url)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (ROSTER, {"action": "add-team", "team-name": "Sneaky", "team-status": "active"}),
        (DIEGO, {"name": "Renamed", "status": "active", "position": "0"}),
        ("/runtime/roster/diego/remove/", {"role": "lead"}),
    ],
)
def test_a_lead_cannot_change_the_roster(client, people, url, data):
    client.force_login(people["lead_x"])

    assert client.post(url, {**data, "user": people["lead_x"].pk}).status_code == 403

    team = Team.objects.get(pk=people["team_x"].pk)
    assert (team.name, list(team.leads.all())) == ("Diego", [people["lead_x"]])
    assert not people["runtime"].teams.filter(name="Sneaky").exists()


# --- the roster page -------------------------------------------------------------------------------


def test_the_roster_lists_every_team_with_status_group_and_leads(client, people):
    people["team_y"].group = "Incubating"
    people["team_y"].status = TeamStatus.INCUBATING
    people["team_y"].save()
    co_lead = make_user("co-lead")
    people["team_x"].co_leads.add(co_lead)
    client.force_login(people["chair"])

    rows = roster_rows(client.get(ROSTER))

    assert list(rows) == ["Diego", "CLI", "Old Team"]  # Extensions' Diego is another committee's
    diego, cli, old = (cells(rows[name]) for name in ("Diego", "CLI", "Old Team"))
    assert diego[:2] == ["Active", "—"]
    assert "Eric Malm (lead-x)" in diego[2]
    assert "co-lead" in diego[3]
    assert cli[:2] == ["Incubating", "Incubating"]
    assert "Abby Chau" in cli[2] and "(lead-y)" in cli[2]  # names as written, and the accounts
    assert old[0] == "Retired"


def test_the_roster_shows_each_teams_last_written_report(client, people, minutes):
    client.force_login(people["chair"])

    rows = roster_rows(client.get(ROSTER))

    # Diego wrote in the published meeting and in the later draft; the empty draft does not count.
    last = rows["Diego"].find("td", class_="last-report").text
    assert last == "2030-01-22"
    # CLI never wrote: it stands out.
    assert rows["CLI"].find("td", class_="last-report").text == "never quiet"
    # A retired team is not expected to report.
    assert rows["Old Team"].find("td", class_="last-report").text == "never"


def test_a_team_silent_for_three_cycles_is_shown_quiet(client, people):
    committee = people["runtime"]
    recent = timezone.localdate() - timedelta(weeks=2)
    long_ago = timezone.localdate() - timedelta(weeks=3 * committee.cadence_weeks + 1)
    for day, team in ((recent, people["team_x"]), (long_ago, people["team_y"])):
        meeting = create_meeting(committee, day=day)
        save_report(report_of(meeting, team), body="- Something\n")
        publish_meeting(meeting)
    client.force_login(people["chair"])

    rows = roster_rows(client.get(ROSTER))

    assert rows["Diego"].find("span", class_="badge") is None
    assert rows["CLI"].find("span", class_="badge").text == "quiet"


def test_the_roster_takes_the_same_number_of_queries_however_many_teams(client, people, minutes):
    client.force_login(people["chair"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(ROSTER).status_code == 200
    for index in range(6):
        lead = make_user(f"lead-{index}")
        team = make_team(people["runtime"], f"Team {index}", leads=[lead], position=10 + index)
        team.co_leads.add(make_user(f"co-lead-{index}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(ROSTER)

    assert len(roster_rows(response)) == 9
    assert len(many) == len(few) <= 12


# --- adding a team ---------------------------------------------------------------------------------


def test_an_active_team_added_gets_an_empty_report_in_draft_meetings_only(client, people, minutes):
    client.force_login(people["chair"])
    data = {**browser_form(client.get(ROSTER), action="add-team"), "team-name": "BOSH", "team-status": "active"}

    response = client.post(ROSTER, data)

    assert response.status_code == 302
    assert response["Location"] == "/runtime/roster/bosh/"
    team = people["runtime"].teams.get(slug="bosh")
    assert team.position == 3  # after the existing teams
    assert not minutes["published"].reports.filter(team=team).exists()
    for meeting in (minutes["empty"], minutes["written"]):
        report = report_of(meeting, team)
        assert (report.heading, report.body) == ("### BOSH", "")
        # In roster order: after Diego and CLI.
        assert [r.team_name for r in meeting.reports.order_by("position")] == ["Diego", "CLI", "BOSH"]


def test_a_proposed_team_added_owes_no_report(client, people, minutes):
    client.force_login(people["chair"])
    data = {**browser_form(client.get(ROSTER), action="add-team"), "team-name": "Idea"}
    assert data["team-status"] == TeamStatus.PROPOSED  # the form's default

    assert client.post(ROSTER, data).status_code == 302

    team = people["runtime"].teams.get(slug="idea")
    assert not team.reports.exists()


def test_a_team_name_taken_in_the_committee_is_refused(client, people):
    client.force_login(people["chair"])
    data = {**browser_form(client.get(ROSTER), action="add-team"), "team-name": " diego "}

    response = client.post(ROSTER, data)

    assert response.status_code == 200
    assert any("already has a team named “Diego”" in error for error in form_errors(response))
    assert people["runtime"].teams.count() == 3


def test_a_team_takes_a_group_from_the_committees_groups(client, people):
    people["runtime"].team_groups = "Active, Incubating"
    people["runtime"].save()
    client.force_login(people["chair"])
    form = browser_form(client.get(ROSTER), action="add-team")

    refused = client.post(ROSTER, {**form, "team-name": "X", "team-group": "Elsewhere"})
    accepted = client.post(ROSTER, {**form, "team-name": "Y", "team-group": "Incubating"})

    assert any("Select a valid choice" in error for error in form_errors(refused))
    assert accepted.status_code == 302
    assert people["runtime"].teams.get(slug="y").group == "Incubating"


# --- editing a team: what the minutes keep -----------------------------------------------------------


def test_a_rename_updates_empty_draft_reports_and_keeps_written_minutes(client, people, minutes):
    client.force_login(people["chair"])

    response = edit_team(client, DIEGO, name="Diego Core")

    assert response.status_code == 302, form_errors(response)
    client.get(response["Location"])  # the page that shows the confirmation
    team = Team.objects.get(pk=people["team_x"].pk)
    # The slug stays: old minutes' anchors (#diego) and the timeline's address are public links.
    assert (team.name, team.slug) == ("Diego Core", "diego")
    empty = report_of(minutes["empty"], team)
    assert (empty.team_name, empty.heading) == ("Diego Core", "### Diego Core - Eric Malm")
    # A report already written keeps the name it was written under, draft or published.
    for kept in (report_of(minutes["written"], team), report_of(minutes["published"], team)):
        assert (kept.team_name, kept.heading) == ("Diego", "### Diego - Eric Malm")
    published_page = client.get(minutes["published"].get_absolute_url()).content.decode()
    assert "Diego" in published_page and "Diego Core" not in published_page
    assert client.get(DIEGO).status_code == 200
    assert client.get("/runtime/teams/diego/").status_code == 200


def test_renaming_to_another_teams_name_is_refused(client, people):
    client.force_login(people["chair"])

    response = edit_team(client, DIEGO, name="cli")

    assert response.status_code == 200
    assert any("already has a team named “CLI”" in error for error in form_errors(response))
    assert Team.objects.get(pk=people["team_x"].pk).name == "Diego"


def test_new_lead_names_reach_empty_draft_reports_only(client, people, minutes):
    client.force_login(people["chair"])

    assert edit_team(client, DIEGO, lead_names="Eric Malm / Jen Spinney").status_code == 302

    team = people["team_x"]
    assert report_of(minutes["empty"], team).heading == "### Diego - Eric Malm / Jen Spinney"
    assert report_of(minutes["empty"], team).leads == "Eric Malm / Jen Spinney"
    assert report_of(minutes["written"], team).leads == "Eric Malm"
    assert report_of(minutes["published"], team).leads == "Eric Malm"


def test_a_report_written_meanwhile_keeps_its_heading(people, minutes, monkeypatch):
    """The roster's update is guarded by the report's version: a lead who saves in between keeps their heading."""
    team = people["team_x"]
    report = report_of(minutes["empty"], team)
    compose = BacklogReport.compose_heading

    def lead_saves_meanwhile(self, layout):
        # The lead's save lands after the roster read the report as empty, before it writes.
        BacklogReport.objects.filter(pk=report.pk, version=1).update(body="- Written meanwhile\n", version=2)
        return compose(self, layout)

    monkeypatch.setattr(BacklogReport, "compose_heading", lead_saves_meanwhile)
    team.lead_names = "Someone Else"
    team.save()

    update_open_reports(team)

    stored = BacklogReport.objects.get(pk=report.pk)
    assert (stored.body, stored.leads, stored.heading) == (
        "- Written meanwhile\n",
        "Eric Malm",
        "### Diego - Eric Malm",
    )


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (TeamStatus.PROPOSED, TeamStatus.INCUBATING, True),
        (TeamStatus.PROPOSED, TeamStatus.ACTIVE, True),
        (TeamStatus.INCUBATING, TeamStatus.ACTIVE, True),
        (TeamStatus.ACTIVE, TeamStatus.RETIRED, True),
        (TeamStatus.RETIRED, TeamStatus.ACTIVE, True),
        (TeamStatus.INCUBATING, TeamStatus.RETIRED, True),
        (TeamStatus.ACTIVE, TeamStatus.PROPOSED, False),
        (TeamStatus.ACTIVE, TeamStatus.INCUBATING, False),
        (TeamStatus.INCUBATING, TeamStatus.PROPOSED, False),
        (TeamStatus.RETIRED, TeamStatus.PROPOSED, False),
    ],
)
def test_status_transitions(client, people, start, target, allowed):
    Team.objects.filter(pk=people["team_x"].pk).update(status=start)
    client.force_login(people["chair"])

    response = edit_team(client, DIEGO, status=target)

    assert Team.objects.get(pk=people["team_x"].pk).status == (target if allowed else start)
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert any("Select a valid choice" in error for error in form_errors(response))


def test_the_form_offers_only_the_statuses_a_team_may_move_to(client, people):
    client.force_login(people["chair"])
    page = client.get(DIEGO).content.decode()
    assert 'value="retired"' in page and 'value="active"' in page
    assert 'value="proposed"' not in page and 'value="incubating"' not in page


def test_incubating_shows_in_the_heading_of_empty_draft_reports(client, people, minutes):
    Team.objects.filter(pk=people["team_x"].pk).update(status=TeamStatus.PROPOSED)
    people["team_x"].refresh_from_db()
    client.force_login(people["chair"])

    assert edit_team(client, DIEGO, status=TeamStatus.INCUBATING).status_code == 302

    empty = report_of(minutes["empty"], people["team_x"])
    assert (empty.status_label, empty.heading) == ("incubating", "### Diego (incubating) - Eric Malm")
    assert report_of(minutes["written"], people["team_x"]).heading == "### Diego - Eric Malm"


def test_a_retired_team_leaves_drafts_where_nothing_was_written(client, people, minutes):
    cli = people["team_y"]
    emptied = report_of(minutes["written"], cli)
    save_report(emptied, body="- Oops\n")
    save_report(emptied, body="")  # written then emptied: it has a history, so it stays
    client.force_login(people["chair"])

    assert edit_team(client, "/runtime/roster/cli/", status=TeamStatus.RETIRED).status_code == 302

    assert not minutes["empty"].reports.filter(team=cli).exists()
    kept = report_of(minutes["written"], cli)
    assert (kept.status_label, kept.heading) == ("retired", "### CLI (retired) - Abby Chau")
    assert report_of(minutes["published"], cli).heading == "### CLI - Abby Chau"
    # Diego, still active and written in one draft, is untouched.
    assert report_of(minutes["written"], people["team_x"]).body == "- Already written\n"


def test_a_team_made_active_again_gets_a_report_in_drafts(client, people, minutes):
    client.force_login(people["chair"])

    assert edit_team(client, "/runtime/roster/old-team/", status=TeamStatus.ACTIVE).status_code == 302

    old_team = people["runtime"].teams.get(slug="old-team")
    for meeting in (minutes["empty"], minutes["written"]):
        assert [r.team_name for r in meeting.reports.order_by("position")] == ["Diego", "CLI", "Old Team"]
    assert not minutes["published"].reports.filter(team=old_team).exists()


def test_the_roster_lists_active_teams_first_by_name_whatever_their_position(client, people):
    make_team(people["runtime"], "Abacus", status=TeamStatus.INCUBATING, position=9)
    make_team(people["runtime"], "zebra", position=8)
    make_team(people["runtime"], "Ancient", status=TeamStatus.RETIRED, position=7)
    client.force_login(people["chair"])

    assert list(roster_rows(client.get(ROSTER))) == ["CLI", "Diego", "zebra", "Abacus", "Ancient", "Old Team"]

    assert edit_team(client, DIEGO, position="0").status_code == 302  # the position orders the minutes' sections

    assert list(roster_rows(client.get(ROSTER)))[:2] == ["CLI", "Diego"]


def test_the_retired_teams_are_folded_under_their_count(client, people):
    client.force_login(people["chair"])
    page = parse_html(client.get(ROSTER).content.decode())

    [folded] = page.find_all("details", class_="retired-teams")
    assert folded.find("summary").text == "1 retired team"
    assert "open" not in folded.attrs
    assert [row.find("th").text for row in folded.find("tbody").find_all("tr")] == ["Old Team"]
    current = page.find("table", class_="roster")
    assert [row.find("th").text for row in current.find("tbody").find_all("tr")] == ["CLI", "Diego"]


# --- leads -----------------------------------------------------------------------------------------


def test_leads_are_chosen_from_the_committees_people_or_by_username(client, people, minutes):
    newcomer = make_user("newcomer", first_name="Nia", last_name="Newcomer")
    client.force_login(people["chair"])
    page = client.get(DIEGO)
    offered = browser_form(page)
    assert offered["leads"] == str(people["lead_x"].pk)  # ticked: the current lead
    boxes = parse_html(page.content.decode()).find_all("input", name="leads")
    # Offered: who leads or chairs in Runtime; not the newcomer, nor Extensions' people.
    assert {box.attrs["value"] for box in boxes} == {str(people[who].pk) for who in ("lead_x", "lead_y", "chair")}

    response = client.post(DIEGO, {**offered, "add_leads": "newcomer, lead-y"})

    assert response.status_code == 302, form_errors(response)
    team = Team.objects.get(pk=people["team_x"].pk)
    assert set(team.leads.all()) == {people["lead_x"], people["lead_y"], newcomer}
    empty = report_of(minutes["empty"], team)
    assert empty.leads == team.leads_display
    assert "Nia Newcomer" in empty.leads and "Eric Malm" in empty.leads
    assert report_of(minutes["written"], team).leads == "Eric Malm"


def test_an_unknown_username_is_refused(client, people):
    client.force_login(people["chair"])

    response = edit_team(client, DIEGO, add_co_leads="nobody, lead-y")

    assert response.status_code == 200
    assert any("No account named “nobody”" in error for error in form_errors(response))
    assert not people["team_x"].co_leads.exists()


def test_unticking_a_lead_and_adding_a_co_lead(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(DIEGO))
    data.pop("leads")

    response = client.post(DIEGO, {**data, "add_co_leads": "lead-x"})

    assert response.status_code == 302, form_errors(response)
    team = Team.objects.get(pk=people["team_x"].pk)
    assert list(team.leads.all()) == []
    assert list(team.co_leads.all()) == [people["lead_x"]]


@pytest.mark.parametrize("role", ["lead", "co-lead"])
def test_the_chair_removes_a_lead_or_co_lead_and_the_account_stays(client, people, minutes, role):
    team = people["team_x"]
    person = people["lead_x"]
    if role == "co-lead":
        team.leads.clear()
        team.co_leads.add(person)
    client.force_login(people["chair"])

    response = client.post("/runtime/roster/diego/remove/", {"role": role, "user": person.pk})

    assert response.status_code == 302
    assert not team.leads.exists() and not team.co_leads.exists()
    person.refresh_from_db()  # the account is kept
    assert person.is_active
    if role == "lead":
        empty = report_of(minutes["empty"], team)
        assert (empty.leads, empty.heading) == ("", "### Diego")
        assert report_of(minutes["written"], team).leads == "Eric Malm"


def test_removing_someone_who_is_not_a_lead_is_a_404(client, people):
    client.force_login(people["chair"])
    response = client.post("/runtime/roster/diego/remove/", {"role": "lead", "user": people["lead_y"].pk})
    assert response.status_code == 404
    assert client.post("/runtime/roster/diego/remove/", {"role": "boss", "user": "x"}).status_code == 400
    # "²" is a digit to str.isdigit but not a number to int(): a 400, not a 500.
    assert client.post("/runtime/roster/diego/remove/", {"role": "lead", "user": "²"}).status_code == 400
    assert list(people["team_y"].leads.all()) == [people["lead_y"]]


def test_a_renamed_team_is_still_matched_by_the_importer_under_either_name(client, people):
    client.force_login(people["chair"])
    assert edit_team(client, DIEGO, name="Diego Core").status_code == 302
    teams_before = Team.objects.count()

    for day, heading in (("2031-01-07", "Diego Core"), ("2017-01-10", "Diego")):
        text = f"# Runtime PMC Meeting {day}\n\n## Backlog Reviews\n\n### {heading} - Eric Malm\n\n- shipped\n"
        result = import_data(text.encode(), Path(f"{day}-runtime.md"), "runtime")
        assert result.meeting is not None, result.message
        assert result.meeting.reports.get().team_id == people["team_x"].pk

    assert Team.objects.count() == teams_before


# --- headings that mean a team ---------------------------------------------------------------------

CLI = "/runtime/roster/cli/"


def notes_file(day: str, heading: str) -> bytes:
    return f"# Runtime PMC Notes as of {day}\n\n## {heading}\n\n- plugins install from the repository\n".encode()


def import_notes(day: str, heading: str):
    result = import_data(notes_file(day, heading), Path(f"{day}-runtime.md"), "runtime")
    assert result.meeting is not None, result.message
    return result.meeting.reports.get()


def test_a_heading_the_chair_maps_to_a_team_files_its_sections_there(client, people):
    client.force_login(people["chair"])
    teams_before = Team.objects.count()

    response = edit_team(client, CLI, headings="Update on CLI\nCommand Line Interface")

    assert response.status_code == 302, form_errors(response)
    aliases = TeamAlias.objects.filter(committee=people["runtime"])
    assert sorted(aliases.values_list("heading", "team__name")) == [
        ("Command Line Interface", "CLI"),
        ("Update on CLI", "CLI"),
    ]
    assert browser_form(client.get(CLI))["headings"] == "Command Line Interface\nUpdate on CLI"

    report = import_notes("2031-01-07", "Update on CLI (Someone)")
    assert (report.team_id, report.heading, report.leads) == (
        people["team_y"].pk,
        "## Update on CLI (Someone)",
        "Someone",
    )
    # A later import remembers it, under a heading that is not the team's name at all; the team keeps its name.
    report = import_notes("2031-01-21", "Command Line Interface - Someone")
    assert report.team_id == people["team_y"].pk
    assert Team.objects.count() == teams_before
    assert Team.objects.get(pk=people["team_y"].pk).name == "CLI"


def test_a_heading_another_team_already_has_is_refused(client, people):
    TeamAlias.objects.create(
        committee=people["runtime"], team=people["team_x"], key="commandlineinterface", heading="Command Line Interface"
    )
    client.force_login(people["chair"])

    response = edit_team(client, CLI, headings="Update on CLI\n## Command Line Interface", name="CLI Renamed")

    assert response.status_code == 200
    assert any("“Command Line Interface” already means Diego." in error for error in form_errors(response)), (
        form_errors(response)
    )
    assert list(TeamAlias.objects.values_list("heading", "team__name")) == [("Command Line Interface", "Diego")]
    assert Team.objects.get(pk=people["team_y"].pk).name == "CLI"  # nothing of the form was saved


def test_a_heading_that_is_another_teams_name_is_refused(client, people):
    client.force_login(people["chair"])

    response = edit_team(client, CLI, headings="Diego")

    assert response.status_code == 200
    assert any("“Diego” is the name of the team Diego." in error for error in form_errors(response))
    assert not TeamAlias.objects.exists()


def test_a_mapped_heading_is_the_team_in_a_backlog_style_file_too(client, people):
    client.force_login(people["chair"])
    assert edit_team(client, CLI, headings="Update on CLI").status_code == 302
    text = "# Runtime PMC Meeting 2031-01-07\n\n## Backlog Reviews\n\n### Update on CLI - Someone\n\n- shipped\n"

    result = import_data(text.encode(), Path("2031-01-07-runtime.md"), "runtime")

    assert result.meeting.reports.get().team_id == people["team_y"].pk


def test_a_heading_read_as_another_teams_name_is_refused(client, people):
    """“Update on CLI” is read as CLI: mapped to Diego, it would take CLI's reports to Diego."""
    client.force_login(people["chair"])

    response = edit_team(client, DIEGO, headings="Update on CLI")

    assert response.status_code == 200
    assert any("“Update on CLI” is read as the team CLI" in error for error in form_errors(response)), form_errors(
        response
    )
    assert not TeamAlias.objects.exists()
