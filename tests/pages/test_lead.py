"""A lead's pages through HTTP: editing their own report, and the sections they owe."""

import re
from datetime import date

import pytest
from django.utils.html import escape

from meetings.services.editing import save_report
from meetings.services.scheduling import create_meeting
from tests.support.pages import browser_form, edit_links

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
DRAFT_EDIT = DRAFT + "edit/"
REPORT_X = DRAFT + "reports/diego/edit/"
REPORT_Y = DRAFT + "reports/cli/edit/"
PUBLISHED = "/runtime/2029-12-25/"


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
    fields = browser_form(response)
    assert (fields["body"], fields["version"]) == ("", "1")


def test_the_report_editor_tells_the_browser_the_servers_upload_limits(client, people, draft, settings):
    """The editor refuses a picture before sending it with the limits the server then applies again."""
    client.force_login(people["lead_x"])
    page = client.get(REPORT_X).content.decode()
    textarea = re.search(r"<textarea [^>]*>", page)[0]
    assert 'data-upload-types="image/jpeg,image/png,image/gif,image/webp"' in textarea
    assert f'data-upload-max-bytes="{settings.MARKDOWNX_UPLOAD_MAX_SIZE}"' in textarea
    # The picture's thumbnail before its upload is a blob: URL: the editor's policy allows those, other pages not.
    assert "img-src 'self' https: blob:" in client.get(REPORT_X)["Content-Security-Policy"]
    assert "blob:" not in client.get("/runtime/")["Content-Security-Policy"]
    # Save is in the form's action bar (sticky on a phone), and works as a plain submit without JavaScript.
    assert re.search(r'<div class="editor-actions"><button type="submit" class="button">Save</button>', page)


def test_lead_saves_their_report_and_lands_on_its_anchor(client, people, draft):
    client.force_login(people["lead_x"])
    fields = browser_form(client.get(REPORT_X))

    response = client.post(REPORT_X, {**fields, "body": "- Shipped **cell rebalancing**\n"})

    assert response.status_code == 302
    assert response["Location"] == DRAFT + "#diego"
    report = draft.reports.get(team=people["team_x"])
    assert (report.body, report.version, report.updated_by) == ("- Shipped **cell rebalancing**\n", 2, people["lead_x"])
    assert "<strong>cell rebalancing</strong>" in client.get(DRAFT).content.decode()
    assert browser_form(client.get(REPORT_X))["version"] == "2"


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
    fields = browser_form(client.get(REPORT_X))
    # Meanwhile the chair saves the section.
    save_report(
        draft.reports.get(team=people["team_x"]), body="Chair's words\n", by=people["chair"], expected_version=1
    )

    response = client.post(REPORT_X, {**fields, "body": "Lead's <own> words\n"})

    assert response.status_code == 409
    form = browser_form(response)
    assert form["body"] == "Lead's <own> words\n"  # the user's text, intact (and escaped in the page)
    assert form["version"] == "2"  # saving the merge again is against the text now shown
    assert escape("Chair's words") in response.content.decode()  # the text saved in between, shown
    report = draft.reports.get(team=people["team_x"])
    assert (report.body, report.version) == ("Chair's words\n", 2)

    merged = client.post(REPORT_X, {**form, "body": "Chair's words\nLead's words\n"})
    assert merged.status_code == 302
    assert draft.reports.get(team=people["team_x"]).body == "Chair's words\nLead's words\n"


# --- the lead's start page --------------------------------------------------------------------


def _row_of(page: str, link: str) -> str:
    rows = [row for row in page.split("<tr") if link in row]
    assert len(rows) == 1, f"expected one row linking to {link}"
    return rows[0]


def test_my_sections_lists_the_leads_sections_in_unpublished_meetings(client, people, draft, published):
    later = create_meeting(people["runtime"], day=date(2030, 1, 22))
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
