"""“No update this cycle” from the lead's pages (views/lead.py report_no_update), and where it shows afterwards."""

import io

import pytest
from pypdf import PdfReader

from meetings.models import NO_UPDATE_TEXT, BacklogReport, Revision
from meetings.services.editing import mark_no_update, save_report
from meetings.services.publishing import publish_meeting
from tests.support.html_tree import parse_html

MEETING = "/runtime/2030-01-08"
NO_UPDATE = f"{MEETING}/reports/diego/no-update/"
EDIT = f"{MEETING}/reports/diego/edit/"


def form_to(response, url: str) -> dict[str, str]:
    """The hidden fields of the page's one form that posts to `url`, as the button sends them."""
    [form] = [f for f in parse_html(response.content.decode()).find_all("form") if f.attrs.get("action") == url]
    return {
        field.attrs["name"]: field.attrs.get("value", "") for field in form.find_all("input") if "name" in field.attrs
    }


def diego(draft) -> BacklogReport:
    return draft.reports.get(team__slug="diego")


def test_one_click_on_my_sections_says_no_update_and_comes_back_there(client, people, draft):
    client.force_login(people["lead_x"])

    response = client.post(NO_UPDATE, form_to(client.get("/my-sections/"), NO_UPDATE), follow=True)

    assert response.redirect_chain[-1][0] == "/my-sections/"
    report = diego(draft)
    assert (report.no_update, report.body) == (True, NO_UPDATE_TEXT)
    page = parse_html(response.content.decode())
    row = next(row for row in page.find("tbody").find_all("tr") if "Diego" in row.text)
    assert row.find("span", class_="state").text == "no update this cycle"
    assert not any(form.attrs.get("action") == NO_UPDATE for form in row.find_all("form"))


def test_one_click_on_the_editor_says_no_update_and_the_editor_says_so(client, people, draft):
    client.force_login(people["lead_x"])

    response = client.post(NO_UPDATE, form_to(client.get(EDIT), NO_UPDATE), follow=True)

    assert response.redirect_chain[-1][0] == EDIT
    assert diego(draft).no_update
    assert "This section says “No update this cycle.”" in parse_html(response.content.decode()).text


def test_a_click_on_a_page_read_before_someone_saved_changes_nothing(client, people, draft):
    client.force_login(people["lead_x"])
    stale = form_to(client.get(EDIT), NO_UPDATE)
    client.post(EDIT, {"body": "- Written meanwhile\n", "version": 1})

    response = client.post(NO_UPDATE, stale, follow=True)

    assert "saved the Diego section meanwhile" in response.content.decode()
    assert (diego(draft).no_update, diego(draft).body) == (False, "- Written meanwhile\n")


@pytest.fixture
def written(people, draft) -> BacklogReport:
    report = diego(draft)
    save_report(report, body="- Shipped the parser\n", by=people["lead_x"])
    return report


@pytest.mark.parametrize(("page", "back"), [("/my-sections/", "/my-sections/"), (EDIT, EDIT)])
def test_a_written_section_is_not_replaced_without_asking_first(client, people, written, page, back):
    client.force_login(people["lead_x"])

    response = client.post(NO_UPDATE, form_to(client.get(page), NO_UPDATE))

    assert response.status_code == 200
    asked = parse_html(response.content.decode())
    assert "The text stays in the section's history" in asked.text
    assert "Shipped the parser" in asked.find("div", class_="replaced-text").text
    assert form_to(response, NO_UPDATE)["confirm"] == "true"
    [keep] = [a for a in asked.find_all("a") if a.text == "No, keep the text"]
    assert keep.attrs["href"] == back
    assert diego(written.meeting).body == "- Shipped the parser\n"


def test_the_confirmation_works_without_javascript_and_keeps_the_text_in_the_history(client, people, written):
    client.force_login(people["lead_x"])
    asked = client.post(NO_UPDATE, form_to(client.get("/my-sections/"), NO_UPDATE))

    response = client.post(NO_UPDATE, form_to(asked, NO_UPDATE), follow=True)

    assert response.redirect_chain[-1][0] == "/my-sections/"
    assert (diego(written.meeting).no_update, diego(written.meeting).body) == (True, NO_UPDATE_TEXT)
    latest = Revision.objects.filter(report=written).latest("created_at")
    assert (latest.before, latest.after) == ("- Shipped the parser\n", NO_UPDATE_TEXT)


def test_an_empty_section_still_takes_one_click(client, people, draft):
    client.force_login(people["lead_x"])

    response = client.post(NO_UPDATE, form_to(client.get(EDIT), NO_UPDATE))

    assert response.status_code == 302
    assert diego(draft).no_update


@pytest.mark.parametrize("who", ["lead_y", "member", "lead_x_elsewhere"])
def test_only_who_may_edit_the_report_can_say_no_update(client, people, draft, who):
    client.force_login(people[who])

    response = client.post(NO_UPDATE, {"version": 1, "back": "sections"})

    assert response.status_code in (403, 404)
    assert not diego(draft).no_update


def test_readiness_counts_no_update_as_a_report_of_its_own_kind(client, people, draft):
    mark_no_update(diego(draft), by=people["lead_x"], expected_version=1)
    client.force_login(people["chair"])

    page = parse_html(client.get(f"{MEETING}/readiness/").content.decode())

    assert page.find("tr", id="team-diego").find("span", class_="state").text == "no update this cycle"
    assert page.find("tr", id="team-cli").find("span", class_="state").text == "empty"
    assert "1 of 2 teams reported" in page.text and "1 with no update this cycle" in page.text


@pytest.fixture
def published_without_update(people, draft):
    mark_no_update(diego(draft), by=people["lead_x"], expected_version=1)
    publish_meeting(draft)
    return draft


def test_the_published_page_pdf_and_markdown_say_no_update(client, published_without_update):
    section = parse_html(client.get(f"{MEETING}/").content.decode()).find("section", id="diego")
    assert "no-update" in section.attrs["class"] and NO_UPDATE_TEXT in section.text
    assert NO_UPDATE_TEXT in client.get(f"{MEETING}.md").content.decode()
    pdf = PdfReader(io.BytesIO(client.get(f"{MEETING}.pdf").content))
    assert NO_UPDATE_TEXT in "".join(page.extract_text() for page in pdf.pages)


def test_the_team_timeline_shows_a_no_update_report_not_a_gap(client, published_without_update):
    page = parse_html(client.get("/runtime/teams/diego/").content.decode())

    [entry] = page.find_all("article", class_="timeline-report")
    assert "no-update" in entry.attrs["class"] and NO_UPDATE_TEXT in entry.text
    assert page.find("p", class_="gap") is None
