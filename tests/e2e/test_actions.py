"""The chair records an action in one meeting; it is listed in the next meeting's "Open action items", where its
owner closes it."""

import re
from datetime import date

from playwright.sync_api import expect

from meetings.models import ActionItem, Committee
from meetings.services.scheduling import create_meeting

from .browsing import assert_accessible, screenshot, sign_in

MEETING_A = "/runtime/2018-06-26/"  # the demo's draft
MEETING_B = "/runtime/2018-07-10/"


def test_an_action_recorded_in_one_meeting_is_closed_by_its_owner_in_the_next(new_context):
    chair = new_context().new_page()
    sign_in(chair, "chair")
    chair.goto(MEETING_A + "edit/")
    chair.get_by_role("link", name="Edit “Announcements”").click()
    chair.get_by_role("link", name="Record an action").click()
    chair.get_by_label("What").fill("Publish the **v7 CLI** migration guide")
    chair.get_by_label("Who", exact=True).select_option("cli")
    chair.get_by_label("Due").fill("2018-07-09")
    assert_accessible(chair, "action-new")
    chair.get_by_role("button", name="Record the action").click()
    expect(chair.get_by_role("status")).to_contain_text("Recorded the action in Announcements")
    chair.goto(MEETING_A)
    expect(chair.get_by_role("region", name="Announcements")).to_contain_text("CLI: Publish the v7 CLI migration guide")

    create_meeting(Committee.objects.get(slug="runtime"), day=date(2018, 7, 10))

    owner = new_context().new_page()
    sign_in(owner, "cli-lead")
    owner.goto(MEETING_B)
    listed = owner.get_by_role("region", name="Open action items")
    expect(listed).to_contain_text("CLI: Publish the v7 CLI migration guide (due 2018-07-09)")
    expect(listed).to_contain_text("From 2018-06-26, Announcements · 14 days old")
    expect(listed.get_by_role("link", name=re.compile("2018-06-26, Announcements"))).to_have_attribute(
        "href", MEETING_A + "#section-announcements"
    )
    assert_accessible(owner, "meeting-open-actions")
    listed.get_by_label("Outcome", exact=True).select_option("done")
    listed.get_by_label("Note", exact=True).fill("Published on the wiki")
    listed.get_by_role("button", name=re.compile("Record the outcome")).click()

    expect(owner.get_by_role("status")).to_contain_text("Recorded the outcome of the action: Done.")
    listed = owner.get_by_role("region", name="Open action items")
    expect(listed).to_contain_text("Done: Published on the wiki")
    expect(listed.locator("form")).to_have_count(0)  # closed: nothing left to record
    screenshot(owner, "owner-closes-an-action")
    action = ActionItem.objects.get()
    assert (action.status, str(action.closed_in.date)) == ("done", "2018-07-10")
