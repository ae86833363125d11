"""The chair's pages through HTTP: creating a meeting, editing the chair's sections and the roadmap, publishing."""

from datetime import date
from urllib.parse import quote

import pytest
from django.utils import dateformat, timezone

from meetings.models import Attendee, Horizon, Meeting, MeetingStatus
from meetings.services.editing import save_report
from tests.support.accounts import sign_in
from tests.support.builders import import_seed
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, edit_links

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
DRAFT_EDIT = DRAFT + "edit/"
PUBLISHED = "/runtime/2029-12-25/"
NEW_MEETING = "/runtime/meetings/new/"


# --- creating a meeting -----------------------------------------------------------------------


def test_chair_creates_a_meeting_through_the_form(client, people, draft):
    client.force_login(people["chair"])
    page = client.get(NEW_MEETING)
    assert page.status_code == 200
    assert browser_form(page)["date"] == "2030-01-22"  # two weeks after the latest meeting

    response = client.post(NEW_MEETING, {"date": "2030-01-22", "title": ""})

    assert response.status_code == 302
    assert response["Location"] == "/runtime/2030-01-22/edit/"
    meeting = Meeting.objects.get(committee=people["runtime"], date=date(2030, 1, 22))
    assert (meeting.title, meeting.status) == ("Runtime PMC Meeting 2030-01-22", MeetingStatus.DRAFT)
    assert sorted(meeting.reports.values_list("team__slug", flat=True)) == ["cli", "diego"]
    edit_page = client.get(response["Location"])
    assert edit_page.status_code == 200
    assert edit_links(edit_page) == {
        "/runtime/2030-01-22/reports/diego/edit/",
        "/runtime/2030-01-22/reports/cli/edit/",
    }


def test_the_new_meetings_date_follows_the_committees_cadence(client, people, draft):
    people["runtime"].cadence_weeks = 1
    people["runtime"].save()
    client.force_login(people["chair"])
    assert browser_form(client.get(NEW_MEETING))["date"] == "2030-01-15"  # a week after the latest meeting


def test_a_taken_date_is_a_form_error_not_a_server_error(client, people, draft):
    client.force_login(people["chair"])
    response = client.post(NEW_MEETING, {"date": "2030-01-08", "title": "Again"})
    assert response.status_code == 200
    assert "There is already a meeting on 2030-01-08" in response.content.decode()
    assert Meeting.objects.filter(committee=people["runtime"]).count() == 1
    assert Meeting.objects.get(committee=people["runtime"]).title == "Runtime PMC Meeting 2030-01-08"


def test_an_impossible_date_is_a_form_error(client, people, draft):
    client.force_login(people["chair"])
    response = client.post(NEW_MEETING, {"date": "2030-02-30"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("lead_x", 403), ("other_chair", 403), ("chair", 200), ("superuser", 200)],
)
def test_only_the_committees_chairs_may_create_its_meetings(client, people, who, status):
    sign_in(client, people, who)
    assert client.get(NEW_MEETING).status_code == status
    response = client.post(NEW_MEETING, {"date": "2031-01-01"})
    assert Meeting.objects.filter(date=date(2031, 1, 1)).exists() is (status == 200)
    assert response.status_code == (302 if status == 200 else status)


# --- the chair's sections, the roadmap, publishing ---------------------------------------------


def test_chair_edits_a_notes_item(client, people, draft):
    item = draft.items.get(title="Announcements")
    url = f"{DRAFT}items/{item.pk}/edit/"
    client.force_login(people["chair"])
    page = client.get(url)
    assert page.status_code == 200
    fields = browser_form(page)
    assert fields["title"] == "Announcements"

    response = client.post(url, {**fields, "body": "- The PMC welcomes Eirini.\n"})

    assert response.status_code == 302
    assert response["Location"] == DRAFT_EDIT + "#section-announcements"  # back to the section saved
    item.refresh_from_db()
    assert (item.title, item.body) == ("Announcements", "- The PMC welcomes Eirini.\n")
    assert "The PMC welcomes Eirini." in client.get(DRAFT).content.decode()


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 404), ("other_chair", 404)])
def test_only_chairs_may_edit_the_chairs_sections(client, people, draft, who, status):
    item = draft.items.get(title="Announcements")
    url = f"{DRAFT}items/{item.pk}/edit/"
    sign_in(client, people, who)
    assert client.get(url).status_code == status
    assert client.post(url, {"title": "Hacked", "agenda_label": "", "body": "hacked"}).status_code == status
    item.refresh_from_db()
    assert (item.title, item.body) == ("Announcements", "")


def test_chair_edits_the_roadmap_outline(client, people, draft):
    url = DRAFT + "roadmap/edit/"
    client.force_login(people["chair"])
    fields = browser_form(client.get(url))
    outline = "## Soon\n**cf-deployment GA:**\n- Cell rebalancing (Diego)\n\n## Next\n- Server side manifests (CLI)\n"

    response = client.post(url, {**fields, "outline": outline})

    assert response.status_code == 302
    assert response["Location"] == DRAFT_EDIT + "#section-cf-feature-roadmap-review"
    entries = [
        (e.horizon, e.text, e.is_heading, [t.slug for t in e.teams.all()])
        for e in draft.roadmap_entries.prefetch_related("teams").order_by("position")
    ]
    assert entries == [
        (Horizon.SOON, "**cf-deployment GA:**", True, []),
        (Horizon.SOON, "Cell rebalancing (Diego)", False, ["diego"]),
        (Horizon.SOON, "", False, []),
        (Horizon.NEXT, "Server side manifests (CLI)", False, ["cli"]),
        (Horizon.NEXT, "", False, []),
    ]
    # The page shows the outline saved, ready for the next edit.
    assert browser_form(client.get(url))["outline"].replace("\r\n", "\n") == outline


def test_a_bad_roadmap_outline_is_a_clear_form_error(client, people, draft):
    url = DRAFT + "roadmap/edit/"
    client.force_login(people["chair"])
    client.post(url, {**browser_form(client.get(url)), "outline": "## Soon\n- Kept\n"})

    response = client.post(url, {"outline": "- Orphan entry\n## Someday\n- Never\n"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 1: start with a horizon heading such as “## Soon” before the entries." in page
    assert "Line 2: “Someday” is not a horizon" in page
    assert "- Orphan entry" in browser_form(response)["outline"]  # the chair's text is kept to fix
    assert list(draft.roadmap_entries.values_list("text", flat=True)) == ["Kept", ""]


def test_chair_publishes_and_unpublishes(client, people, draft):
    url = DRAFT + "publish/"
    client.force_login(people["chair"])

    response = client.post(url, {"action": "publish"})
    assert (response.status_code, response["Location"]) == (302, DRAFT)
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.PUBLISHED and draft.published_at is not None
    client.logout()
    assert client.get(DRAFT).status_code == 200  # public now

    client.force_login(people["chair"])
    response = client.post(url, {"action": "unpublish"})
    assert (response.status_code, response["Location"]) == (302, DRAFT_EDIT)
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == (MeetingStatus.DRAFT, None)
    client.logout()
    assert client.get(DRAFT).status_code == 404


def test_publishing_asks_first_and_takes_a_post(client, people, draft):
    client.force_login(people["chair"])
    assert client.get(DRAFT + "publish/").status_code == 200  # the summary and the button, nothing published
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 404), ("other_chair", 404)])
def test_only_chairs_may_publish(client, people, draft, who, status):
    sign_in(client, people, who)
    assert client.post(DRAFT + "publish/", {"action": "publish"}).status_code == status
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT


def test_leads_may_not_unpublish(client, people, published):
    client.force_login(people["lead_x"])
    assert client.post(PUBLISHED + "publish/", {"action": "unpublish"}).status_code == 403
    published.refresh_from_db()
    assert published.is_published


# --- publishing asks first; the action bar ------------------------------------------------------------


def test_the_publish_page_says_what_will_go_out_before_anything_is_published(client, people, draft):
    save_report(draft.reports.get(team=people["team_x"]), body="- Shipped\n", by=people["lead_x"])
    client.force_login(people["chair"])

    page = parse_html(client.get(DRAFT + "publish/").content.decode())

    summary = page.find("section", class_="publish-summary")
    assert " ".join(summary.find("li", class_="summary-reports").text.split()) == "1 of 2 teams wrote a report."
    assert "No report from: CLI." in summary.find("li", class_="summary-empty").text
    assert "not recorded" in summary.find("li", class_="summary-attendance").text
    assert page.find("button", value="publish") is not None
    draft.refresh_from_db()
    assert draft.status == MeetingStatus.DRAFT


def test_the_publish_page_counts_the_attendance_recorded(client, people, draft):
    Attendee.objects.create(meeting=draft, name="Chip Childers", position=0)
    client.force_login(people["chair"])
    page = parse_html(client.get(DRAFT + "publish/").content.decode())
    assert "1 attendee recorded" in page.find("li", class_="summary-attendance").text


def test_the_chairs_page_has_its_actions_in_a_bar_and_publishing_is_a_question(client, people, draft):
    client.force_login(people["chair"])
    page = parse_html(client.get(DRAFT_EDIT).content.decode())

    bar = page.find("nav", class_="action-bar")
    links = {a.text: a.attrs["href"] for a in bar.find_all("a")}
    assert links["Publish the minutes…"] == DRAFT + "publish/"
    assert links["Edit the agenda"] == DRAFT + "agenda/edit/"
    assert all("button" in a.attrs.get("class", "") for a in bar.find_all("a"))
    # No form on the page publishes in one click.
    assert page.find("form", action=DRAFT + "publish/") is None
    assert page.find("p", class_="chair-status").find("a") is None  # no links inside the sentence


# --- returning where you were -------------------------------------------------------------------------


def test_a_save_returns_to_a_safe_next(client, people, draft):
    item = draft.items.get(title="Announcements")
    url = f"{DRAFT}items/{item.pk}/edit/?next={quote(DRAFT + 'readiness/#team-cli')}"
    client.force_login(people["chair"])
    fields = browser_form(client.get(url))
    assert fields["next"] == DRAFT + "readiness/#team-cli"

    response = client.post(url, {**fields, "body": "- Noted\n"})

    assert response["Location"] == DRAFT + "readiness/#team-cli"


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)"])
def test_a_next_elsewhere_is_ignored(client, people, draft, target):
    item = draft.items.get(title="Announcements")
    url = f"{DRAFT}items/{item.pk}/edit/"
    client.force_login(people["chair"])
    fields = browser_form(client.get(url))

    response = client.post(url, {**fields, "body": "- Noted\n", "next": target})

    assert response["Location"] == DRAFT_EDIT + "#section-announcements"


def test_the_chairs_page_sends_report_editors_back_to_the_team_on_it(client, people, draft):
    client.force_login(people["chair"])
    page = client.get(DRAFT_EDIT).content.decode()
    link = f"/runtime/2030-01-08/reports/diego/edit/?next={quote(DRAFT_EDIT + '#diego')}"
    assert f'href="{link}"' in page

    form = browser_form(client.get(link))
    response = client.post(link, {**form, "body": "- From the chair\n"})

    assert response["Location"] == DRAFT_EDIT + "#diego"


def test_a_lead_returns_to_the_teams_section_of_the_minutes(client, people, draft):
    url = DRAFT + "reports/diego/edit/"
    client.force_login(people["lead_x"])
    response = client.post(url, {**browser_form(client.get(url)), "body": "- Written\n"}, follow=True)
    assert response.redirect_chain == [(DRAFT + "#diego", 302)]
    assert "Saved the Diego section" in response.content.decode()


def test_the_attendance_returns_to_its_section(client, people, draft):
    url = DRAFT + "attendance/"
    client.force_login(people["chair"])
    response = client.post(url, {**browser_form(client.get(url)), "others": "Chip Childers, CFF"})
    assert response["Location"] == DRAFT_EDIT + "#section-attendees"


def test_the_chairs_page_of_imported_minutes_says_they_were_published_before_their_import(client, people):
    seed = import_seed()
    imported = dateformat.format(timezone.localtime(seed.imported_at), "j F Y, H:i")
    client.force_login(people["chair"])

    page = " ".join(parse_html(client.get("/runtime/2018-06-12/edit/").content.decode()).text.split())

    assert f"Published before its import on {imported}." in page
