"""Attendance: recorded by the chair, shown after the agenda in page, PDF and Markdown; the 2015 files intact."""

import io

import pytest
from pypdf import PdfReader

from meetings.demo import SEED
from meetings.models import Attendee, Meeting, Profile
from meetings.services.exporting import meeting_to_markdown
from meetings.services.importing import Outcome, import_file
from meetings.services.roundtrip import IDENTICAL, WHITESPACE_ONLY, compare
from meetings.services.scheduling import create_meeting
from tests.support.corpus import FIXTURES
from tests.support.html_tree import parse_html
from tests.support.pages import browser_form

ATTENDANCE = "/runtime/2030-01-08/attendance/"
FILE_2015 = FIXTURES / "Runtime" / "2015" / "2015-03-10-runtime.md"  # has a “## Attendees” section after its agenda


def tick(response, *users, **changes) -> dict:
    """The attendance form as the page shows it, with these accounts ticked."""
    form = browser_form(response)
    form["users"] = [str(user.pk) for user in users]
    form.update(changes)
    return form


def account_labels(response) -> list[str]:
    page = parse_html(response.content.decode())
    return [row.find("label").text for row in page.find_all("div", class_="attendee-account")]


@pytest.fixture
def recorded(client, people, draft) -> Meeting:
    """lead-x (Eric Malm) of Pivotal and the chair (Dieu Cao on her profile) ticked; two other people typed in."""
    Profile.objects.create(user=people["chair"], display_name="Dieu Cao")
    client.force_login(people["chair"])
    form = tick(client.get(ATTENDANCE), people["lead_x"], people["chair"])
    form[f"affiliation_{people['lead_x'].pk}"] = "Pivotal"
    form["others"] = "Chip Childers, Cloud Foundry Foundation\n* Steve Winkler\n\n"
    response = client.post(ATTENDANCE, form)
    assert response.status_code == 302, response.content.decode()
    return draft


def test_the_roster_accounts_are_offered(client, people, draft):
    client.force_login(people["chair"])
    # The chair and Runtime's leads by name (a username only to say the name is missing), then the leads the
    # minutes name without an account (CLI's Abby Chau); not the member, nor the lead of another committee's team.
    assert account_labels(client.get(ATTENDANCE)) == [
        "chair (no name yet)",
        "Eric Malm",
        "lead-y (no name yet)",
        "Abby Chau",
    ]


def test_the_chair_records_accounts_and_other_names(people, recorded):
    assert [(a.name, a.affiliation, a.user) for a in recorded.attendees.all()] == [
        ("Dieu Cao", "", people["chair"]),  # ticked accounts first, in the roster's order
        ("Eric Malm", "Pivotal", people["lead_x"]),
        ("Chip Childers", "Cloud Foundry Foundation", None),
        ("Steve Winkler", "", None),
    ]


def test_the_form_shows_what_was_recorded_and_replaces_it(client, people, recorded):
    response = client.get(ATTENDANCE)
    form = browser_form(response)
    assert form["others"].strip() == "Chip Childers, Cloud Foundry Foundation\nSteve Winkler"
    assert form[f"affiliation_{people['lead_x'].pk}"] == "Pivotal"

    client.post(ATTENDANCE, tick(response, people["chair"], others=""))

    assert [a.name for a in recorded.attendees.all()] == ["Dieu Cao"]


def test_an_accounts_affiliation_is_remembered_from_an_earlier_meeting(client, people, recorded):
    later = create_meeting(people["runtime"], day=recorded.date.replace(day=22))
    form = browser_form(client.get(f"/runtime/{later.date.isoformat()}/attendance/"))
    assert form[f"affiliation_{people['lead_x'].pk}"] == "Pivotal"


def test_a_name_listed_twice_is_refused(client, people, draft):
    client.force_login(people["chair"])
    form = tick(client.get(ATTENDANCE), people["lead_x"], others="Eric Malm, Pivotal")

    response = client.post(ATTENDANCE, form)

    assert response.status_code == 200
    assert "Eric Malm is listed twice" in response.content.decode()
    assert not Attendee.objects.exists()


def test_an_account_without_a_name_cannot_be_listed_under_its_username(client, people, draft):
    client.force_login(people["chair"])

    response = client.post(ATTENDANCE, tick(client.get(ATTENDANCE), people["lead_y"]))

    assert response.status_code == 200
    assert "lead-y has no name yet, and the minutes never show a username" in response.content.decode()
    assert not Attendee.objects.exists()


def test_a_lead_the_minutes_name_without_an_account_is_ticked_by_name(client, people, draft):
    client.force_login(people["chair"])
    form = browser_form(client.get(ATTENDANCE))
    [number] = [key.rpartition("_")[2] for key in form if key.startswith("affiliation_name_")]

    response = client.post(ATTENDANCE, {**form, "names": "Abby Chau", f"affiliation_name_{number}": "SAP"})

    assert response.status_code == 302
    assert [(a.name, a.affiliation, a.user) for a in draft.attendees.all()] == [("Abby Chau", "SAP", None)]
    # Shown ticked the next time, not as a typed-in line.
    again = browser_form(client.get(ATTENDANCE))
    assert (again["names"], again["others"].strip()) == ("Abby Chau", "")


def test_the_profiles_affiliation_is_offered(client, people, draft):
    Profile.objects.create(user=people["lead_x"], display_name="Eric Malm", affiliation="VMware")
    client.force_login(people["chair"])
    assert browser_form(client.get(ATTENDANCE))[f"affiliation_{people['lead_x'].pk}"] == "VMware"


def test_each_person_is_one_row_with_its_checkbox(client, people, draft):
    client.force_login(people["chair"])
    page = parse_html(client.get(ATTENDANCE).content.decode())
    for row in page.find_all("div", class_="attendee-account"):
        boxes = [i for i in row.find_all("input") if i.attrs.get("type") == "checkbox"]
        [label] = [label for label in row.find_all("label") if "visually-hidden" not in label.attrs.get("class", "")]
        assert len(boxes) == 1 and label.attrs["for"] == boxes[0].attrs["id"]


@pytest.mark.parametrize(("who", "status"), [("lead_x", 403), ("member", 404)])
def test_only_chairs_record_attendance(client, people, draft, who, status):
    client.force_login(people[who])
    assert client.get(ATTENDANCE).status_code == status
    assert client.post(ATTENDANCE, {"others": "Mallory, Evil Corp"}).status_code == status
    assert not Attendee.objects.exists()


def test_the_chairs_page_links_to_the_attendance(client, people, draft):
    client.force_login(people["chair"])
    page = parse_html(client.get("/runtime/2030-01-08/edit/").content.decode())
    assert ATTENDANCE in [a.attrs.get("href") for a in page.find_all("a")]


# --- where attendance shows --------------------------------------------------------------------------------

EXPECTED_LINES = "* Dieu Cao\n* Eric Malm, Pivotal\n* Chip Childers, Cloud Foundry Foundation\n* Steve Winkler"


def test_the_markdown_lists_attendees_after_the_agenda(client, recorded):
    markdown = client.get("/runtime/2030-01-08.md").content.decode()

    agenda_end = markdown.index("## Agenda")
    attendees = markdown.index(f"## Attendees\n\n{EXPECTED_LINES}\n\n## Announcements")
    assert agenda_end < attendees
    assert markdown.count("## Attendees") == 1


def test_the_page_shows_attendees_after_the_agenda(client, recorded):
    page = parse_html(client.get("/runtime/2030-01-08/").content.decode())

    sections = [section.attrs["id"] for section in page.find_all("section", class_="minutes-section")]
    assert sections[:3] == ["section-agenda", "section-attendees", "section-announcements"]
    items = [li.text for li in page.by_id("section-attendees").find_all("li")]
    assert items == ["Dieu Cao", "Eric Malm, Pivotal", "Chip Childers, Cloud Foundry Foundation", "Steve Winkler"]


def test_the_pdf_shows_attendees_after_the_agenda(client, recorded):
    response = client.get("/runtime/2030-01-08.pdf")

    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Attendees" in text
    in_agenda = text.index("Announcements")  # the agenda's bullet, then the section's heading
    heading = text.index("Announcements", in_agenda + 1)
    assert in_agenda < text.index("Attendees") < text.index("Chip Childers") < text.index("Steve Winkler") < heading
    assert "Chip Childers, Cloud Foundry Foundation" in text and "Eric Malm, Pivotal" in text


def test_exported_attendance_imports_back_to_the_same_file(people, recorded, tmp_path):
    exported = meeting_to_markdown(recorded)
    path = tmp_path / "2030-01-08-extensions.md"
    path.write_text(exported, encoding="utf-8")

    result = import_file(path, "extensions")

    assert meeting_to_markdown(result.meeting) == exported


# --- the 2015 archive ---------------------------------------------------------------------------------------


@pytest.fixture
def meeting_2015(db):
    source = FILE_2015
    result = import_file(source, "runtime")
    assert result.meeting is not None, result.message
    return source.read_text(encoding="utf-8"), result.meeting


def unchanged(original: str, exported: str) -> bool:
    """The round-trip check's verdict: every non-blank line back, in order (trailing whitespace aside)."""
    return compare(original, exported).verdict in (IDENTICAL, WHITESPACE_ONLY)


def test_a_2015_file_with_attendees_exports_unchanged(meeting_2015):
    original, meeting = meeting_2015
    assert "## Attendees" in original
    assert unchanged(original, meeting_to_markdown(meeting))


def test_recording_attendance_does_not_add_a_second_section_to_imported_attendees(client, people, meeting_2015):
    original, meeting = meeting_2015
    Attendee.objects.create(meeting=meeting, name="Someone New", affiliation="Acme")

    exported = meeting_to_markdown(meeting)
    assert unchanged(original, exported)  # the imported text stays the record
    assert exported.count("## Attendees") == 1 and "Someone New" not in exported
    page = parse_html(client.get("/runtime/2015-03-10/").content.decode())
    titles = [h2.text for h2 in page.find_all("h2")]
    assert titles.count("Attendees") == 1
    assert "Someone New" not in page.text


def test_reimporting_a_2015_file_with_attendance_recorded_leaves_it_unchanged(meeting_2015, tmp_path):
    original, meeting = meeting_2015
    Attendee.objects.create(meeting=meeting, name="Someone New", affiliation="Acme")
    copy = tmp_path / "Runtime" / "2015" / "2015-03-10-runtime.md"
    copy.parent.mkdir(parents=True)
    copy.write_text(original, encoding="utf-8")

    result = import_file(copy, "runtime")

    assert result.outcome == Outcome.UNCHANGED
    assert unchanged(original, meeting_to_markdown(result.meeting))


def test_reimporting_a_file_keeps_attendance_recorded_in_the_site_and_changes_nothing(seed_meeting):
    Attendee.objects.create(meeting=seed_meeting, name="Dieu Cao", affiliation="Pivotal")

    result = import_file(SEED, "runtime")

    assert result.outcome == Outcome.UNCHANGED
    assert list(seed_meeting.attendees.values_list("name", flat=True)) == ["Dieu Cao"]
