"""The chair prepares the next meeting and publishes it."""

import re

from playwright.sync_api import expect

from meetings.models import Meeting

from .browsing import assert_accessible, save_screenshots, screenshot, scroll_overflow, sign_in, tab_to


def test_chair_creates_fills_in_and_publishes_the_next_meeting(page):
    sign_in(page, "chair")
    page.goto("/runtime/")
    page.get_by_role("link", name="New meeting").click()

    # Two weeks after the latest meeting (the draft of 2018-06-26) is offered.
    expect(page.get_by_label("Date")).to_have_value("2018-07-10")
    page.get_by_role("button", name="Create the meeting").click()
    expect(page).to_have_url(re.compile("/runtime/2018-07-10/edit/$"))
    expect(page.get_by_role("status")).to_contain_text("team sections to fill in")

    # Pre-filled: a section for every reporting team, with its leads, and the last roadmap.
    expected_teams = list(
        Meeting.objects.get(committee__slug="runtime", date="2018-06-26").reports.values_list("team_name", flat=True)
    )
    assert "Diego" in expected_teams and "CLI" in expected_teams
    board = page.get_by_role("region", name=re.compile("Team reports"))
    expect(board).to_contain_text(f"0 of {len(expected_teams)} written")
    expect(board.locator("tbody th[scope=row]")).to_have_text(expected_teams)
    expect(board.get_by_role("row", name=re.compile("^Diego"))).to_contain_text("Eric Malm")
    roadmap = page.locator("table.roadmap")
    expect(roadmap.get_by_role("row", name=re.compile("^Soon"))).to_contain_text("cf-deployment GA")
    expect(roadmap.get_by_role("row", name=re.compile("^Future"))).to_contain_text("large-footprint app instances")

    page.get_by_role("link", name="Edit “Announcements”").click()
    notes = page.get_by_label("Notes")
    notes.fill("- The **Runtime PMC** welcomes the new Eirini team.\n- Next meeting in two weeks.")
    expect(page.locator(".markdownx-preview strong")).to_have_text("Runtime PMC")
    screenshot(page, "chair-1-edit-announcements")
    page.get_by_role("button", name="Save").click()
    # Back at the section saved, with the message in sight.
    expect(page).to_have_url(re.compile("/runtime/2018-07-10/edit/#section-announcements$"))
    announcements = page.get_by_role("region", name="Announcements")
    expect(announcements).to_contain_text("welcomes the new Eirini team")
    expect(announcements).to_be_in_viewport()
    expect(page.get_by_role("status")).to_contain_text("Saved “Announcements”")
    expect(page.get_by_role("status")).to_be_in_viewport()

    page.get_by_role("navigation", name="Chair's actions").get_by_role("link", name="Who has reported").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has reported")
    expect(page.locator(".count-line")).to_contain_text(f"0 of {len(expected_teams)} teams reported")
    expect(page.locator("#team-diego")).to_contain_text("diego-lead")
    screenshot(page, "chair-2-readiness")
    assert_accessible(page, "readiness")

    # Publishing with the keyboard alone: Tab to the action, Enter, read what goes out, Tab to the button, Enter.
    page.get_by_role("link", name="Back to the chair's page").click()
    tab_to(page, page.get_by_role("link", name="Publish the minutes…"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/runtime/2018-07-10/publish/$"))
    summary = page.get_by_role("region", name="What will go out")
    expect(summary).to_contain_text(f"0 of {len(expected_teams)} teams wrote a report")
    expect(summary).to_contain_text("No report from: ")
    expect(summary).to_contain_text("not recorded")
    assert not Meeting.objects.get(committee__slug="runtime", date="2018-07-10").is_published  # asking is not doing
    publish = page.get_by_role("button", name="Publish the minutes")
    tab_to(page, publish)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/runtime/2018-07-10/$"))
    expect(page.get_by_role("status")).to_contain_text("is published")
    expect(page.locator(".meta")).to_contain_text("published")
    expect(page.get_by_role("region", name="Announcements")).to_contain_text("welcomes the new Eirini team")
    screenshot(page, "chair-3-published")
    assert Meeting.objects.get(committee__slug="runtime", date="2018-07-10").is_published


def test_the_chairs_page_the_publish_question_and_the_cancel_question(new_context):
    desktop = new_context().new_page()
    sign_in(desktop, "chair")
    desktop.goto("/runtime/2018-06-26/edit/")
    bar = desktop.get_by_role("navigation", name="Chair's actions")
    expect(bar.get_by_role("link")).to_have_text(
        [
            "Publish the minutes…",
            "Preview",
            "Live room",
            "Edit the agenda",
            "Who has reported",
            "Record who attended",
            "History",
        ]
    )
    # Cancelling is apart from the other actions, at the end, and only asks.
    danger = desktop.get_by_role("region", name="Cancel the meeting")
    expect(bar.get_by_role("link", name=re.compile("Cancel"))).to_have_count(0)
    screenshot(desktop, "chair-page-desktop")
    danger.get_by_role("link", name="Cancel the meeting…").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Cancel the meeting?")
    desktop.get_by_role("link", name="No, keep it").click()
    assert Meeting.objects.get(committee__slug="runtime", date="2018-06-26").status == "draft"

    bar.get_by_role("link", name="Publish the minutes…").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Publish the minutes?")
    screenshot(desktop, "chair-publish-confirmation")

    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    sign_in(phone, "chair")
    phone.goto("/runtime/2018-06-26/edit/")
    expect(phone.get_by_role("link", name="Publish the minutes…")).to_be_visible()
    assert scroll_overflow(phone) == 0, "the chair's page scrolls sideways on a phone"
    screenshot(phone, "chair-page-phone")


def test_the_chair_edits_the_agenda_of_one_meeting(page):
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-26/edit/")
    page.get_by_role("region", name="Agenda").get_by_role("link", name="Edit the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the agenda")

    page.get_by_label("Presenter of Announcements").fill("Chip Childers")
    page.get_by_label("Minutes for Announcements").fill("10")
    page.get_by_label("Heading of the new section").first.fill("Security")
    page.get_by_label("Label in the agenda of the new section").first.fill("Security update")
    page.get_by_label("Order of the new section").first.fill("1")
    page.get_by_role("button", name="Save the agenda").click()

    expect(page).to_have_url(re.compile("/runtime/2018-06-26/edit/#section-agenda$"))
    expect(page.get_by_role("status")).to_contain_text("Saved the agenda")
    agenda = page.locator("ol.agenda li")
    expect(agenda.first).to_have_text("Security update")
    expect(page.locator("ol.agenda")).to_contain_text("Announcements (Chip Childers, 10 min)")
    expect(page.get_by_role("region", name="Security")).to_be_attached()
    meeting = Meeting.objects.get(committee__slug="runtime", date="2018-06-26")
    assert meeting.items.values_list("title", flat=True).first() == "Security"


def test_the_chair_records_attendance_from_the_roster_by_name(page):
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-26/attendance/")
    people = page.get_by_role("group", name="The committee's people")
    eric = people.get_by_role("checkbox", name="Eric Malm")
    expect(eric).to_be_visible()
    # The checkbox, the name and the affiliation on one line.
    row = page.locator(".attendee-account", has=page.get_by_role("checkbox", name="Eric Malm"))
    boxes = [row.locator(sel).bounding_box() for sel in ("input[type=checkbox]", "label >> nth=0", "input[type=text]")]
    assert max(box["y"] for box in boxes) - min(box["y"] for box in boxes) < 20, boxes
    eric.check()
    page.get_by_label("Affiliation of Eric Malm").fill("Pivotal")
    screenshot(page, "chair-attendance-form")
    assert_accessible(page, "attendance")
    page.get_by_role("button", name="Save the attendance").click()

    expect(page).to_have_url(re.compile("/runtime/2018-06-26/edit/#section-attendees$"))
    attendees = page.get_by_role("region", name="Attendees")
    expect(attendees).to_contain_text("Eric Malm, Pivotal")
    expect(attendees).to_be_in_viewport()
    expect(page.get_by_role("status")).to_be_in_viewport()


def test_the_chair_records_a_decision_and_an_action_from_a_section_and_comes_back_to_it(page):
    """The "+ Decision" and "+ Action" of each section of the chair's page; saving returns to that section."""
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-26/edit/")
    announcements = page.get_by_role("region", name="Announcements")
    expect(announcements.get_by_role("link", name=re.compile(r"^\+ Decision"))).to_be_visible()
    assert_accessible(page, "chair-page-plus-links")
    save_screenshots(page, "noloss-chair-page")

    announcements.get_by_role("link", name=re.compile(r"^\+ Decision")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a decision in Announcements")
    assert_accessible(page, "decision-new-from-section")
    page.get_by_label("Decision", exact=True).fill("Meet every week until the v7 release")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded the decision in Announcements")
    assert page.url.endswith("/runtime/2018-06-26/edit/#section-announcements")
    expect(announcements).to_contain_text("Meet every week until the v7 release")

    cli = page.get_by_role("region", name=re.compile("^CLI"))
    cli.get_by_role("link", name=re.compile(r"^\+ Action")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an action in the CLI report")
    assert_accessible(page, "action-new-from-report")
    page.get_by_label("What").fill("Write the v7 migration guide")
    page.get_by_label("Who", exact=True).select_option("cli")
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded the action in the CLI report")
    assert page.url.endswith("/runtime/2018-06-26/edit/#cli")
    expect(page.get_by_role("region", name=re.compile("^CLI"))).to_contain_text("Write the v7 migration guide")
