"""The chair's and the leads' pages through HTTP: who gets what, and what the forms do."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from meetings.demo import load_demo
from meetings.models import BacklogReport, Horizon, Meeting, MeetingStatus
from meetings.services.editing import save_report
from meetings.services.publishing import publish_meeting
from tests.support.accounts import LOGIN, login_redirect, sign_in
from tests.support.builders import make_team
from tests.support.pages import page_form

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
DRAFT_EDIT = DRAFT + "edit/"
REPORT_X = DRAFT + "reports/diego/edit/"
REPORT_Y = DRAFT + "reports/cli/edit/"
PUBLISHED_DATE = date(2029, 12, 25)
PUBLISHED = "/runtime/2029-12-25/"
NEW_MEETING = "/runtime/meetings/new/"
EDIT_LINK = re.compile(r'href="(/[^"]*/reports/[^"/]+/edit/)"')


@pytest.fixture
def published(people, draft) -> Meeting:
    meeting = Meeting.objects.create_from_roster(people["runtime"], PUBLISHED_DATE)
    publish_meeting(meeting)
    return meeting


def edit_links(response) -> set[str]:
    return set(EDIT_LINK.findall(response.content.decode()))


# --- creating a meeting -----------------------------------------------------------------------


def test_chair_creates_a_meeting_through_the_form(client, people, draft):
    client.force_login(people["chair"])
    page = client.get(NEW_MEETING)
    assert page.status_code == 200
    assert page_form(page)["date"] == "2030-01-22"  # two weeks after the latest meeting

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
    assert page_form(client.get(NEW_MEETING))["date"] == "2030-01-15"  # a week after the latest meeting


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
    fields = page_form(page)
    assert fields["title"] == "Announcements"

    response = client.post(url, {**fields, "body": "- The PMC welcomes Eirini.\n"})

    assert response.status_code == 302
    assert response["Location"] == DRAFT_EDIT
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
    fields = page_form(client.get(url))
    outline = "## Soon\n**cf-deployment GA:**\n- Cell rebalancing (Diego)\n\n## Next\n- Server side manifests (CLI)\n"

    response = client.post(url, {**fields, "outline": outline})

    assert response.status_code == 302
    assert response["Location"] == DRAFT_EDIT
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
    assert page_form(client.get(url))["outline"].replace("\r\n", "\n") == outline


def test_a_bad_roadmap_outline_is_a_clear_form_error(client, people, draft):
    url = DRAFT + "roadmap/edit/"
    client.force_login(people["chair"])
    client.post(url, {**page_form(client.get(url)), "outline": "## Soon\n- Kept\n"})

    response = client.post(url, {"outline": "- Orphan entry\n## Someday\n- Never\n"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 1: start with a horizon heading such as “## Soon” before the entries." in page
    assert "Line 2: “Someday” is not a horizon" in page
    assert "- Orphan entry" in page_form(response)["outline"]  # the chair's text is kept to fix
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


def test_publishing_takes_a_post(client, people, draft):
    client.force_login(people["chair"])
    assert client.get(DRAFT + "publish/").status_code == 405
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


# --- a lead's own report ----------------------------------------------------------------------


def test_lead_gets_the_markdown_editor_for_their_report(client, people, draft):
    client.force_login(people["lead_x"])
    response = client.get(REPORT_X)
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'<textarea name="body"[^>]*class="markdownx-editor"', page)
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in page
    assert 'class="markdownx-preview"' in page
    assert "markdownx/js/markdownx.js" in page
    fields = page_form(response)
    assert (fields["body"], fields["version"]) == ("", "1")


def test_lead_saves_their_report_and_lands_on_its_anchor(client, people, draft):
    client.force_login(people["lead_x"])
    fields = page_form(client.get(REPORT_X))

    response = client.post(REPORT_X, {**fields, "body": "- Shipped **cell rebalancing**\n"})

    assert response.status_code == 302
    assert response["Location"] == DRAFT + "#diego"
    report = draft.reports.get(team=people["team_x"])
    assert (report.body, report.version, report.updated_by) == ("- Shipped **cell rebalancing**\n", 2, people["lead_x"])
    assert "<strong>cell rebalancing</strong>" in client.get(DRAFT).content.decode()
    assert page_form(client.get(REPORT_X))["version"] == "2"


def test_a_report_post_without_a_version_is_refused_by_the_form(client, people, draft):
    client.force_login(people["lead_x"])
    response = client.post(REPORT_X, {"body": "No version"})
    assert response.status_code == 200
    assert draft.reports.get(team=people["team_x"]).body == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_lead_may_not_edit_another_teams_report(client, people, draft, method):
    client.force_login(people["lead_x"])
    response = getattr(client, method)(REPORT_Y, {"body": "Not my team", "version": "1"})
    assert response.status_code == 403
    assert draft.reports.get(team=people["team_y"]).body == ""


def test_a_lead_may_not_edit_their_report_once_published(client, people, published):
    client.force_login(people["lead_x"])
    url = PUBLISHED + "reports/diego/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"body": "Too late", "version": "1"}).status_code == 403
    assert published.reports.get(team=people["team_x"]).body == ""


def test_a_leads_pages_offer_only_their_own_teams_edit_link(client, people, draft):
    client.force_login(people["lead_x"])
    assert edit_links(client.get(REPORT_X)) <= {REPORT_X}
    assert edit_links(client.get(DRAFT)) == {REPORT_X}
    client.force_login(people["chair"])
    assert edit_links(client.get(DRAFT)) == {REPORT_X, REPORT_Y}


def test_a_stale_save_returns_the_conflict_page_with_both_texts(client, people, draft):
    client.force_login(people["lead_x"])
    fields = page_form(client.get(REPORT_X))
    # Meanwhile the chair saves the section.
    save_report(
        draft.reports.get(team=people["team_x"]), body="Chair's words\n", by=people["chair"], expected_version=1
    )

    response = client.post(REPORT_X, {**fields, "body": "Lead's <own> words\n"})

    assert response.status_code == 409
    form = page_form(response)
    assert form["body"] == "Lead's <own> words\n"  # the user's text, intact (and escaped in the page)
    assert form["version"] == "2"  # saving the merge again is against the text now shown
    assert escape("Chair's words") in response.content.decode()  # the text saved in between, shown
    report = draft.reports.get(team=people["team_x"])
    assert (report.body, report.version) == ("Chair's words\n", 2)

    merged = client.post(REPORT_X, {**form, "body": "Chair's words\nLead's words\n"})
    assert merged.status_code == 302
    assert draft.reports.get(team=people["team_x"]).body == "Chair's words\nLead's words\n"


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("member", 404),
        ("other_chair", 404),
        ("lead_x_elsewhere", 404),
        ("chair", 200),
        ("lead_x", 200),
        ("lead_y", 200),
        ("superuser", 200),
    ],
)
def test_a_draft_is_seen_only_by_its_chairs_and_leads(client, people, draft, who, status):
    sign_in(client, people, who)
    assert client.get(DRAFT).status_code == status
    assert client.get("/runtime/2030-01-08.md").status_code == status


@pytest.mark.parametrize("who", ["anonymous", "member", "other_chair", "lead_x"])
def test_published_minutes_are_public(client, people, published, who):
    sign_in(client, people, who)
    assert client.get(PUBLISHED).status_code == 200


@pytest.mark.parametrize("who", ["member", "other_chair"])
def test_a_draft_edit_page_is_a_404_to_whoever_may_not_see_the_draft(client, people, draft, who):
    sign_in(client, people, who)
    assert client.get(REPORT_X).status_code == 404
    assert client.get(DRAFT_EDIT).status_code == 404


@pytest.mark.parametrize("meeting", ["draft", "published"])
@pytest.mark.parametrize(
    "page",
    ["edit/", "roadmap/edit/", "reports/diego/edit/", "item"],
)
def test_anonymous_users_are_sent_to_sign_in_from_edit_pages(client, people, draft, published, meeting, page):
    base = {"draft": DRAFT, "published": PUBLISHED}[meeting]
    if page == "item":
        target = draft if meeting == "draft" else published
        page = f"items/{target.items.first().pk}/edit/"
    url = base + page
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_redirect(url))


@pytest.mark.parametrize("url", [NEW_MEETING, "/my-sections/"])
def test_anonymous_users_are_sent_to_sign_in_from_the_chairs_and_leads_start_pages(client, db, url):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, login_redirect(url))


def test_lead_is_sent_to_the_page_they_asked_for_after_signing_in(client, people, draft):
    response = client.post(LOGIN, {"username": "lead-x", "password": "pw-lead-x", "next": REPORT_X})
    assert (response.status_code, response["Location"]) == (302, REPORT_X)
    assert client.get(REPORT_X).status_code == 200


# --- the lead's start page --------------------------------------------------------------------


def _row_of(page: str, link: str) -> str:
    rows = [row for row in page.split("<tr") if link in row]
    assert len(rows) == 1, f"expected one row linking to {link}"
    return rows[0]


def test_my_sections_lists_the_leads_sections_in_unpublished_meetings(client, people, draft, published):
    later = Meeting.objects.create_from_roster(people["runtime"], date(2030, 1, 22))
    save_report(later.reports.get(team=people["team_x"]), body="- Written\n", by=people["lead_x"])
    later_x = "/runtime/2030-01-22/reports/diego/edit/"
    client.force_login(people["lead_x"])

    response = client.get("/my-sections/")

    assert response.status_code == 200
    page = response.content.decode()
    assert edit_links(response) == {REPORT_X, later_x}  # not the published meeting, not CLI
    assert "empty" in _row_of(page, REPORT_X) and "written" not in _row_of(page, REPORT_X)
    assert "written" in _row_of(page, later_x) and "empty" not in _row_of(page, later_x)
    # The rows follow the meetings' dates.
    assert page.index(REPORT_X) < page.index(later_x)


def test_my_sections_of_someone_who_owes_nothing(client, people, draft):
    client.force_login(people["member"])
    response = client.get("/my-sections/")
    assert response.status_code == 200
    assert edit_links(response) == set()


def test_my_sections_shows_a_chair_the_drafts_they_chair(client, people, draft, published):
    client.force_login(people["chair"])
    page = client.get("/my-sections/").content.decode()
    assert f'href="{DRAFT_EDIT}"' in page
    assert f'href="{PUBLISHED}edit/"' not in page


# --- the editor's preview ---------------------------------------------------------------------

PREVIEW = "/markdownx/markdownify/"


def test_the_preview_is_refused_to_anonymous_users(client, db):
    response = client.post(PREVIEW, {"content": "**bold**"})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert b"<strong>" not in response.content


def test_the_preview_is_refused_to_members_who_edit_nothing(client, people):
    client.force_login(people["member"])
    assert client.post(PREVIEW, {"content": "**bold**"}).status_code == 403


def test_the_preview_renders_sanitised_markdown_for_a_lead(client, people):
    client.force_login(people["lead_x"])
    response = client.post(PREVIEW, {"content": "**bold**\n\n<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script" not in response.content.decode()
    assert client.post(PREVIEW, {}).status_code == 400
    assert client.get(PREVIEW).status_code == 405


# --- signing in -------------------------------------------------------------------------------


def test_signing_in_with_a_demo_style_account(client, people, draft):
    user = get_user_model().objects.create_user("diego-lead", email="diego-lead@example.org")
    user.set_password("demo-password")
    user.save()
    people["team_x"].leads.add(user)

    assert client.get(LOGIN).status_code == 200
    wrong = client.post(LOGIN, {"username": "diego-lead", "password": "not-it"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    response = client.post(LOGIN, {"username": "diego-lead", "password": "demo-password"})
    assert (response.status_code, response["Location"]) == (302, "/my-sections/")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert REPORT_X in edit_links(client.get("/my-sections/"))


def test_the_demo_accounts_sign_in_and_find_their_sections(client, db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password")
    list(load_demo())

    response = client.post(LOGIN, {"username": "diego-lead", "password": "demo-password"})

    assert (response.status_code, response["Location"]) == (302, "/my-sections/")
    assert edit_links(client.get("/my-sections/")) == {"/runtime/2018-06-26/reports/diego/edit/"}
    assert client.get("/runtime/2018-06-26/reports/diego/edit/").status_code == 200
    assert client.get("/runtime/2018-06-26/reports/cli/edit/").status_code == 403


# --- query budgets ----------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [DRAFT, DRAFT_EDIT, "/my-sections/"])
def test_pages_listing_reports_do_not_query_per_team(client, people, url):
    """One query per kind of object: more teams must not mean more queries."""
    client.force_login(people["chair"])
    for team in (people["team_x"], people["team_y"]):
        team.leads.add(people["chair"])  # so that /my-sections/ lists the chair's reports too
    Meeting.objects.create_from_roster(people["runtime"], date(2030, 1, 8))
    few = _queries(client, url)

    Meeting.objects.filter(date=date(2030, 1, 8)).delete()
    for i in range(6):
        make_team(people["runtime"], f"Team {i}", leads=[people["lead_x"], people["chair"]], position=10 + i)
    meeting = Meeting.objects.create_from_roster(people["runtime"], date(2030, 1, 8))
    for report in meeting.reports.all():
        BacklogReport.objects.filter(pk=report.pk).update(body="- Written", updated_by=people["lead_x"])
    assert _queries(client, url) == few


# --- what browsers send -----------------------------------------------------------------------


def test_a_browsers_crlf_line_ends_are_stored_as_the_minutes_write_them(client, people, draft):
    """Browsers send a textarea's lines ending in CRLF; saving the text unchanged must not make a new version."""
    client.force_login(people["lead_x"])
    fields = page_form(client.get(REPORT_X))
    assert client.post(REPORT_X, {**fields, "body": "- One\r\n- Two\r\n"}).status_code == 302
    report = draft.reports.get(team=people["team_x"])
    assert (report.body, report.version) == ("- One\n- Two\n", 2)

    fields = page_form(client.get(REPORT_X))
    assert client.post(REPORT_X, {**fields, "body": fields["body"].replace("\n", "\r\n")}).status_code == 302
    assert draft.reports.get(team=people["team_x"]).version == 2
    assert report.revisions.count() == 1


def test_a_chairs_notes_are_stored_with_lf_line_ends(client, people, draft):
    item = draft.items.get(title="Announcements")
    url = f"{DRAFT}items/{item.pk}/edit/"
    client.force_login(people["chair"])
    client.post(url, {**page_form(client.get(url)), "body": "- One\r\n- Two\r\n"})
    item.refresh_from_db()
    assert item.body == "- One\n- Two\n"
