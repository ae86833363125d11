"""A committee's settings page: who may reach it, the cadence and its time zone, the default agenda, and where
its minutes files write their team sections."""

from datetime import date, time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from meetings import permissions
from meetings.format.choices import TeamLayout
from meetings.models import AgendaTemplateItem, Committee, ItemKind
from meetings.models.committee import DEFAULT_AGENDA
from meetings.services.scheduling import create_meeting
from tests.support.accounts import login_redirect, sign_in
from tests.support.corpus import LAYOUTS
from tests.support.pages import browser_form, form_errors

SETTINGS = "/runtime/settings/"


def agenda_rows(committee: Committee) -> list[tuple[str, str, str]]:
    return [(item.title, item.kind, item.agenda_label) for item in committee.agenda_template.all()]


def with_item(data: dict, index: int, **fields) -> dict:
    """The settings form's data with fields of the agenda's item `index` changed."""
    return {**data, **{f"agenda-{index}-{name}": value for name, value in fields.items()}}


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("member", 403), ("lead_x", 403), ("other_chair", 403), ("chair", 200), ("superuser", 200)],
)
def test_only_the_committees_chairs_reach_its_settings(client, people, who, status):
    sign_in(client, people, who)

    response = client.get(SETTINGS)

    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == login_redirect(SETTINGS)
    user = people[who] if who != "anonymous" else AnonymousUser()
    assert permissions.can_manage_committee(user, people["runtime"]) is (status == 200)


def test_a_lead_cannot_change_the_settings_by_posting(client, people):
    client.force_login(people["lead_x"])

    response = client.post(SETTINGS, {"description": "Taken over", "timezone": "UTC"})

    assert response.status_code == 403
    people["runtime"].refresh_from_db()
    assert people["runtime"].description == ""


def test_the_chair_sets_the_cadence_and_the_committees_details(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))
    data.update(
        {
            "description": "The runtime of the platform.",
            "timezone": "America/Los_Angeles",
            "cadence_weeks": "2",
            "weekday": "1",
            "start_time": "08:30",
            "duration_minutes": "45",
            "meeting_link": "https://zoom.example.org/j/123",
            "roadmap_disclaimer": "*Plans, not promises.*",
            "team_groups": " Active ,Incubating,, Under Review ",
            "list_address": "runtime-pmc@lists.example.org",
        }
    )

    response = client.post(SETTINGS, data)

    assert response.status_code == 302, form_errors(response)
    committee = Committee.objects.get(slug="runtime")
    assert (committee.timezone, committee.cadence_weeks, committee.weekday) == ("America/Los_Angeles", 2, 1)
    assert (committee.start_time, committee.duration_minutes) == (time(8, 30), 45)
    assert committee.meeting_link == "https://zoom.example.org/j/123"
    assert committee.roadmap_disclaimer == "*Plans, not promises.*"
    assert committee.list_address == "runtime-pmc@lists.example.org"
    assert committee.description == "The runtime of the platform."
    # The groups are tidied: trimmed, empty ones dropped, in the order given.
    assert committee.team_groups == "Active, Incubating, Under Review"
    assert committee.group_names == ["Active", "Incubating", "Under Review"]


def test_the_chair_names_the_repository_its_commits_link_to(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))

    response = client.post(SETTINGS, {**data, "repository_url": "https://github.com/cloudfoundry/pmc-notes.git/"})

    assert response.status_code == 302, form_errors(response)
    assert Committee.objects.get(slug="runtime").repository_url == "https://github.com/cloudfoundry/pmc-notes"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "America", "../../etc/passwd", "localtime", "utc+2"])
def test_a_time_zone_not_in_the_iana_database_is_refused(client, people, zone):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))

    response = client.post(SETTINGS, {**data, "timezone": zone, "description": "Not saved"})

    assert response.status_code == 200
    assert any("not a time zone of the IANA database" in error for error in form_errors(response))
    people["runtime"].refresh_from_db()
    assert (people["runtime"].timezone, people["runtime"].description) == ("UTC", "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cadence_weeks", "0", "greater than or equal to 1"),
        ("duration_minutes", "2000", "less than or equal to 1440"),
        ("start_time", "25:00", "Enter a valid time"),
        ("meeting_link", "not a link", "Enter a valid URL"),
        ("repository_url", "github.com cloudfoundry", "Enter a valid URL"),
        ("list_address", "runtime at lists", "Enter a valid email address"),
        ("team_groups", "Active, Incubating, active", "“active” is listed twice"),
    ],
)
def test_invalid_settings_are_explained_and_not_saved(client, people, field, value, message):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))

    response = client.post(SETTINGS, {**data, field: value})

    assert response.status_code == 200
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert Committee.objects.get(slug="runtime").team_groups == ""
    assert not AgendaTemplateItem.objects.exists()  # nothing of the page was saved


def test_a_committee_without_its_own_agenda_starts_from_the_standard_one(client, people):
    client.force_login(people["chair"])

    data = browser_form(client.get(SETTINGS))

    assert data["agenda-INITIAL_FORMS"] == str(len(DEFAULT_AGENDA))
    shown = [
        (data[f"agenda-{i}-title"], data[f"agenda-{i}-kind"], data[f"agenda-{i}-agenda_label"])
        for i in range(len(DEFAULT_AGENDA))
    ]
    assert shown == DEFAULT_AGENDA


def test_the_chair_edits_reorders_removes_and_adds_agenda_items(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))
    # Standard agenda: 0 Agenda, 1 Announcements, 2 PMC Lifecycle Activities, 3 Discussion, 4 Backlog, 5 Roadmap.
    data = with_item(data, 1, title="News", agenda_label="News")
    data = with_item(data, 3, ORDER="1")  # Discussion first (ties keep the page's order: before Agenda)
    data = with_item(data, 2, DELETE="on")
    extra = len(DEFAULT_AGENDA)
    data = with_item(data, extra, title="Any other business", kind="notes", agenda_label="AOB", ORDER="99")

    response = client.post(SETTINGS, data)

    assert response.status_code == 302, form_errors(response)
    committee = people["runtime"]
    assert agenda_rows(committee) == [
        ("Agenda", "agenda", ""),
        ("Discussion", "notes", ""),
        ("News", "notes", "News"),
        ("Backlog Reviews", "backlog", "Backlog Review"),
        ("CF Feature Roadmap Review", "roadmap", "CF Feature Roadmap Review"),
        ("Any other business", "notes", "AOB"),
    ]
    # A new meeting starts with it.
    meeting = create_meeting(committee, day=date(2030, 3, 5))
    assert [item.title for item in meeting.items.all()] == [title for title, _, _ in agenda_rows(committee)]

    # And the page shows it back as saved, ready for the next change.
    again = browser_form(client.get(SETTINGS))
    assert again["agenda-INITIAL_FORMS"] == "6"
    assert again["agenda-5-title"] == "Any other business"


def test_the_agenda_holds_the_backlog_reviews_once(client, people):
    client.force_login(people["chair"])
    data = with_item(browser_form(client.get(SETTINGS)), 3, kind=ItemKind.BACKLOG)

    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    assert any("Only one item may hold the backlog reviews" in error for error in form_errors(response))
    assert not AgendaTemplateItem.objects.exists()


def test_the_agenda_keeps_at_least_one_item(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))
    for index in range(len(DEFAULT_AGENDA)):
        data = with_item(data, index, DELETE="on")

    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    assert any("at least 1" in error for error in form_errors(response)), form_errors(response)


def test_the_committee_page_links_its_chairs_to_settings_and_roster(client, people):
    client.force_login(people["chair"])
    page = client.get("/runtime/").content.decode()
    assert 'href="/runtime/settings/"' in page and 'href="/runtime/roster/"' in page

    client.force_login(people["lead_x"])
    page = client.get("/runtime/").content.decode()
    assert "/runtime/settings/" not in page and "/runtime/roster/" not in page


# --- where the minutes files write their team sections ---------------------------------------------

IMPORT = "/runtime/import/"
NOTES_FILE = LAYOUTS / "Runtime/2015/2015-11-09-runtime.md"  # notes-style, and detected so
# No “Notes” in the title and no table of contents: detection reads its `##` sections as the chair's.
PLAIN_NOTES = "# Runtime PMC Meeting 2030-02-05\n\n## CLI - Abby Chau\n\n- shipped the plugin repository\n"


def import_page(client, text: str, name: str = "2030-02-05-runtime.md"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/markdown")
    response = client.post(IMPORT, {"files": [upload]})
    assert response.status_code == 200
    [result] = response.context["results"]
    assert escape(result.message) in response.content.decode()  # the chair reads it on the page
    return result


def set_layout(client, layout: str):
    data = browser_form(client.get(SETTINGS))
    return client.post(SETTINGS, {**data, "team_layout": layout})


def test_the_chair_sets_where_the_team_sections_are_and_imports_then_read_them_there(client, people):
    client.force_login(people["chair"])
    assert browser_form(client.get(SETTINGS))["team_layout"] == ""  # detected in each file, until set

    response = set_layout(client, TeamLayout.NOTES)

    assert response.status_code == 302, form_errors(response)
    assert Committee.objects.get(slug="runtime").team_layout == TeamLayout.NOTES
    assert browser_form(client.get(SETTINGS))["team_layout"] == TeamLayout.NOTES
    notes = NOTES_FILE.read_text(encoding="utf-8")
    assert import_page(client, notes, NOTES_FILE.name).message.endswith("the committee's setting")
    # The file imported again, as revised since: read in the committee's layout, and the page says so.
    result = import_page(client, notes.replace("two security updates", "three security updates"), NOTES_FILE.name)
    assert result.outcome == "updated", result.message
    assert result.message.endswith("layout: notes-style (## per team), the committee's setting")
    assert [r.team_name for r in result.meeting.reports.all()] == ["CLI", "Diego", "Stacks"]
    # A file detection would read as the chair's sections only: its `##` sections are the teams now.
    result = import_page(client, PLAIN_NOTES)
    assert result.message == "1 team report; layout: notes-style (## per team), the committee's setting"
    assert [(r.team_id, r.leads) for r in result.meeting.reports.all()] == [(people["team_y"].pk, "Abby Chau")]


def test_the_settings_page_saves_as_shown_after_a_notes_style_file_was_imported(client, people):
    client.force_login(people["chair"])
    import_page(client, NOTES_FILE.read_text(encoding="utf-8"), NOTES_FILE.name)

    response = set_layout(client, TeamLayout.NOTES)

    assert response.status_code == 302


def test_the_same_file_imported_again_after_the_setting_changed_is_read_in_the_new_layout(client, people):
    client.force_login(people["chair"])
    assert set_layout(client, "").status_code == 302  # the committee's own agenda: none is adopted from the file
    import_page(client, PLAIN_NOTES)
    assert set_layout(client, TeamLayout.NOTES).status_code == 302

    result = import_page(client, PLAIN_NOTES)

    assert "the committee's setting" in result.message
    assert result.meeting.reports.count() == 1


def test_setting_notes_style_after_a_first_import_reads_its_sections_as_teams(client, people):
    client.force_login(people["chair"])
    import_page(client, PLAIN_NOTES)
    assert set_layout(client, TeamLayout.NOTES).status_code == 302

    result = import_page(client, PLAIN_NOTES + "- and bash completion\n")

    assert result.outcome == "updated"
    assert [r.team_id for r in result.meeting.reports.all()] == [people["team_y"].pk]


@pytest.mark.parametrize("who", ["anonymous", "lead_x"])
def test_only_a_chair_changes_where_the_team_sections_are(client, people, who):
    sign_in(client, people, who)

    response = client.post(SETTINGS, {"timezone": "UTC", "cadence_weeks": "2", "team_layout": TeamLayout.NOTES})

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == login_redirect(SETTINGS)
    else:
        assert response.status_code == 403
    assert Committee.objects.get(slug="runtime").team_layout == ""


def test_a_layout_that_is_not_one_of_the_choices_is_refused(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))

    response = client.post(SETTINGS, {**data, "team_layout": "wiki"})

    assert response.status_code == 200
    assert any("Select a valid choice" in error for error in form_errors(response)), form_errors(response)
    assert Committee.objects.get(slug="runtime").team_layout == ""


def test_the_chair_lists_the_committees_placeholder_lines_and_they_stop_counting_as_reports(client, people):
    meeting = create_meeting(people["runtime"], day=date(2030, 1, 8))
    diego = meeting.reports.get(team=people["team_x"])
    diego.body = "- Updates:\n- Risks:\n"
    diego.save()
    client.force_login(people["chair"])
    assert "1 of 2 teams reported" in client.get("/runtime/2030-01-08/readiness/").content.decode()
    data = browser_form(client.get(SETTINGS))
    data["placeholders"] = "  - Updates: \r\n\r\n- Risks:\r\n- updates:\r\n"

    response = client.post(SETTINGS, data)

    assert response.status_code == 302, form_errors(response)
    committee = Committee.objects.get(slug="runtime")
    assert committee.placeholders == "- Updates:\n- Risks:\n- updates:"  # trimmed, blank lines dropped
    assert "0 of 2 teams reported" in client.get("/runtime/2030-01-08/readiness/").content.decode()


def test_too_many_placeholder_lines_are_refused(client, people):
    client.force_login(people["chair"])
    data = browser_form(client.get(SETTINGS))
    data["placeholders"] = "\n".join(f"line {n}" for n in range(51))

    response = client.post(SETTINGS, data)

    assert response.status_code == 200
    assert "at most 50 lines" in " ".join(form_errors(response))
    assert Committee.objects.get(slug="runtime").placeholders == ""
