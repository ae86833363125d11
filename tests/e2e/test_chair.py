"""The chair prepares the next meeting and publishes it."""

import re

from playwright.sync_api import expect

from meetings.models import Meeting

from .browsing import assert_accessible, screenshot, sign_in, tab_to


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
    expect(page).to_have_url(re.compile("/runtime/2018-07-10/edit/"))
    expect(page.get_by_role("region", name="Announcements")).to_contain_text("welcomes the new Eirini team")

    page.get_by_role("link", name=re.compile("readiness board")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has reported")
    expect(page.locator(".count-line")).to_contain_text(f"0 of {len(expected_teams)} teams reported")
    expect(page.locator("#team-diego")).to_contain_text("diego-lead")
    screenshot(page, "chair-2-readiness")
    assert_accessible(page, "readiness")

    # Publishing with the keyboard alone: Tab to the button, Enter.
    page.get_by_role("link", name="Back to the chair's page").click()
    publish = page.get_by_role("button", name="Publish the minutes")
    tab_to(page, publish)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/runtime/2018-07-10/$"))
    expect(page.get_by_role("status")).to_contain_text("is published")
    expect(page.locator(".meta")).to_contain_text("published")
    expect(page.get_by_role("region", name="Announcements")).to_contain_text("welcomes the new Eirini team")
    screenshot(page, "chair-3-published")
    assert Meeting.objects.get(committee__slug="runtime", date="2018-07-10").is_published
