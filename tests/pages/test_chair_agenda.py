"""The agenda page of one meeting: rename, reorder, add and remove its sections, with a presenter and a time each."""

import io

import pytest
from pypdf import PdfReader

from meetings.demo import SEED
from meetings.models import AgendaItem, Revision
from meetings.services.editing import AgendaRow, save_agenda, save_item
from meetings.services.exporting import meeting_to_markdown
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form, form_errors

DRAFT = "/runtime/2030-01-08/"  # the `draft` fixture
AGENDA = DRAFT + "agenda/edit/"


def rows_of(form: dict) -> dict[str, str]:
    """Each row's prefix (rows-N) by the heading it shows."""
    return {form[key]: key.removesuffix("-title") for key in form if key.endswith("-title") and form[key]}


def titles(meeting) -> list[str]:
    return list(meeting.items.order_by("position").values_list("title", flat=True))


def agenda(meeting) -> list[str]:
    return [item.agenda_label for item in meeting.items.exclude(agenda_position=None).order_by("agenda_position")]


@pytest.fixture
def page(client, people, draft) -> dict:
    client.force_login(people["chair"])
    return browser_form(client.get(AGENDA))


def test_the_agenda_section_links_to_the_agenda_page_not_an_empty_box(client, people, draft):
    client.force_login(people["chair"])
    section = parse_html(client.get(DRAFT + "edit/").content.decode()).by_id("section-agenda")
    assert [a.attrs["href"] for a in section.find(class_="edit-link").find_all("a")] == [AGENDA]


def test_the_page_lists_every_section_in_order(page, draft):
    assert list(rows_of(page)) == titles(draft)
    assert page["rows-TOTAL_FORMS"] == str(len(titles(draft)) + 2)  # and two empty rows to add sections


def test_the_chair_renames_reorders_and_adds(client, draft, page):
    rows = rows_of(page)
    discussion, announcements = rows["Discussion"], rows["Announcements"]
    new = f"rows-{len(rows)}"
    data = {
        **page,
        f"{announcements}-title": "News",
        f"{announcements}-agenda_label": "News",
        f"{discussion}-order": "5",  # before everything else (10, 20, ...)
        f"{discussion}-agenda_label": "Discussion",
        f"{new}-title": "Security",
        f"{new}-agenda_label": "Security update",
        f"{new}-presenter": "Dieu Cao",
        f"{new}-duration_minutes": "10",
    }

    response = client.post(AGENDA, data)

    assert response.status_code == 302
    assert response["Location"] == DRAFT + "edit/#section-agenda"
    assert titles(draft)[:3] == ["Discussion", "Agenda", "News"]
    assert titles(draft)[-1] == "Security"
    assert agenda(draft) == ["Discussion", "News", "PMC Lifecycle Activities", "Backlog Review",
                             "CF Feature Roadmap Review", "Security update"]  # fmt: skip
    draft.refresh_from_db()
    assert draft.agenda_version == 2
    assert Revision.objects.filter(meeting=draft, target="agenda").count() == 1


def test_presenter_and_time_show_in_the_agenda_of_the_page_pdf_and_markdown_only_when_set(client, draft, page):
    rows = rows_of(page)
    client.post(
        AGENDA, {**page, f"{rows['Announcements']}-presenter": "Chip", f"{rows['Announcements']}-duration_minutes": "5"}
    )

    html = parse_html(client.get(DRAFT).content.decode())
    entries = [" ".join(li.text.split()) for li in html.find("ol", class_="agenda").find_all("li")]
    assert entries[0] == "Announcements (Chip, 5 min)"
    assert entries[1] == "PMC Lifecycle Activities"  # nothing set: nothing added
    markdown = client.get(DRAFT[:-1] + ".md").content.decode()
    assert "* Announcements (Chip, 5 min)\n* PMC Lifecycle Activities\n" in markdown


def test_a_notes_section_without_text_is_removed_at_once(client, draft, page):
    rows = rows_of(page)
    response = client.post(AGENDA, {**page, f"{rows['Discussion']}-remove": "on"})
    assert response.status_code == 302
    assert "Discussion" not in titles(draft)


def test_removing_a_section_with_text_asks_first_and_keeps_the_text_in_the_history(client, people, draft, page):
    item = draft.items.get(title="Announcements")
    assert save_item(item, body="- Keep me\n", title=item.title, agenda_label=item.agenda_label,
                     by=people["chair"], expected_version=item.version)  # fmt: skip
    page = browser_form(client.get(AGENDA))
    data = {**page, f"{rows_of(page)['Announcements']}-remove": "on"}

    asked = client.post(AGENDA, data)

    assert asked.status_code == 200
    assert "Remove sections that have notes?" in asked.content.decode()
    assert "Announcements" in titles(draft)

    response = client.post(AGENDA, {**data, "confirm_remove": "on"})

    assert response.status_code == 302
    assert "Announcements" not in titles(draft)
    kept = Revision.objects.filter(meeting=draft, target="item:announcements").first()
    assert (kept.before, kept.after) == ("- Keep me\n", "")


def test_the_structural_sections_cannot_be_removed(page):
    rows = rows_of(page)
    assert f"{rows['Backlog Reviews']}-remove" not in page
    assert all(f"{rows[title]}-remove" not in page for title in ("Agenda", "CF Feature Roadmap Review"))


def test_a_save_from_an_older_version_is_refused(client, people, draft, page):
    assert save_agenda(draft, rows=[], by=people["chair"], expected_version=draft.agenda_version)

    response = client.post(AGENDA, {**page, f"{rows_of(page)['Discussion']}-title": "Mine"}, follow=True)

    assert "Someone saved the agenda while you were editing it" in response.content.decode()
    assert "Mine" not in titles(draft)


def test_two_sections_may_not_share_a_heading(client, draft, page):
    response = client.post(AGENDA, {**page, f"{rows_of(page)['Discussion']}-title": "Announcements"})
    assert response.status_code == 200
    assert form_errors(response) == ["Two sections are headed “Announcements”; give each its own heading."]


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 404), ("other_chair", 404)])
def test_only_chairs_edit_the_agenda(client, people, draft, who, status):
    client.force_login(people[who])
    assert client.get(AGENDA).status_code == status
    assert (
        client.post(AGENDA, {"rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0", "version": "1"}).status_code == status
    )


def test_an_untouched_imported_meeting_exports_its_file_byte_for_byte(seed_meeting):
    assert meeting_to_markdown(seed_meeting).encode() == SEED.read_bytes()


def test_an_imported_meeting_with_a_presenter_changes_only_that_line(people, seed_meeting):
    items = list(seed_meeting.items.all())
    rows = [AgendaRow(item.pk, item.title, item.agenda_label) for item in items]
    first = next(i for i, item in enumerate(items) if item.agenda_label)
    rows[first].presenter = "Dieu Cao"
    assert save_agenda(seed_meeting, rows=rows, expected_version=seed_meeting.agenda_version, reason="Who spoke")

    before, after = SEED.read_text(encoding="utf-8").splitlines(), meeting_to_markdown(seed_meeting).splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [(f"* {items[first].agenda_label}", f"* {items[first].agenda_label} (Dieu Cao)")]
    assert Revision.objects.get(meeting=seed_meeting, target="agenda").reason == "Who spoke"
    assert AgendaItem.objects.get(pk=items[first].pk).version == items[first].version + 1


def test_each_field_is_labelled_with_its_section_and_only_notes_offer_remove(client, people, draft):
    client.force_login(people["chair"])
    page = parse_html(client.get(AGENDA).content.decode())
    labels = {label.attrs["for"]: label.text for label in page.find("table", class_="agenda-rows").find_all("label")}
    assert labels["id_rows-1-presenter"] == "Presenter of Announcements"
    assert labels["id_rows-1-remove"] == "Remove Announcements"
    assert labels["id_rows-7-title"] == "Heading of the new section"
    assert "id_rows-0-remove" not in labels  # the agenda itself


def test_the_pdf_agenda_shows_presenter_and_time(client, draft, page):
    rows = rows_of(page)
    data = {**page, f"{rows['Announcements']}-presenter": "Chip", f"{rows['Announcements']}-duration_minutes": "5"}
    client.post(AGENDA, data)

    reader = PdfReader(io.BytesIO(client.get(DRAFT[:-1] + ".pdf").content))
    text = " ".join(" ".join(pdf_page.extract_text() for pdf_page in reader.pages).split())
    assert "Announcements (Chip, 5 min)" in text
    assert "PMC Lifecycle Activities (" not in text
