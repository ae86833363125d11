"""The chair runs the meeting in the live room, in Chromium on the ASGI server (the demo's draft): starts it, moves
the current item while a lead reading the meeting page sees the marker move without a reload, takes attendance by
clicking names, records a decision inline, and ends it on the publish review."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from meetings.models import AgendaItem, Attendee, MeetingRun

from .browsing import assert_accessible, eventually, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = date(2018, 6, 26)
MEETING = "/runtime/2018-06-26/"
ROOM = MEETING + "live/"


def badge(page, anchor: str):
    return page.locator(f'[id="{anchor}"] .run-now-badge').first


def test_the_chair_runs_the_meeting_and_a_reader_follows_it(live_context):
    chair = live_context().new_page()
    sign_in(chair, "chair")
    chair.goto(ROOM)
    reader = live_context().new_page()
    sign_in(reader, "diego-lead")
    reader.goto(MEETING)

    chair.get_by_role("button", name="Start the meeting").click()
    expect(chair.locator("[data-run-status]")).to_contain_text("Started at")
    assert_accessible(chair, "live-run-started")

    chair.get_by_role("button", name="Discuss Announcements now").click()
    expect(badge(chair, "section-announcements")).to_be_visible()
    expect(badge(reader, "section-announcements")).to_be_visible()  # no reload: the meeting's socket told it
    expect(reader.locator("[data-run-current-link]")).to_have_text("Announcements")

    chair.get_by_role("button", name="Discuss Diego now").click()
    expect(badge(reader, "diego")).to_be_visible()
    expect(badge(reader, "section-announcements")).to_have_count(0)
    expect(chair.locator("[data-run-current-clock] [data-run-elapsed]")).to_have_text("0:01", timeout=5000)

    eric = chair.locator('button[data-run-name="Eric Malm"]')
    eric.click()
    expect(eric).to_have_attribute("aria-pressed", "true")
    eventually(
        lambda: list(Attendee.objects.filter(meeting__date=DRAFT).values_list("name", flat=True)),
        lambda names: names == ["Eric Malm"],
    )

    tools = chair.locator('[data-run-tools="section-discussion"]')
    tools.get_by_text("Record a decision here").click()
    tools.get_by_label("Decision", exact=True).fill("Adopt the Xenial stemcell")
    tools.get_by_role("button", name="Record the decision").click()
    expect(chair.locator("[data-run-announce]")).to_have_text("Recorded the decision in Discussion.")
    eventually(
        lambda: AgendaItem.objects.get(meeting__date=DRAFT, title="Discussion").body,
        lambda body: body.endswith("> **Decision:** Adopt the Xenial stemcell\n"),
    )

    chair.get_by_role("button", name="End the meeting").click()
    expect(chair).to_have_url(f"{chair.url.split(MEETING)[0]}{MEETING}publish/")
    run = MeetingRun.objects.get(meeting__date=DRAFT)
    assert run.ended_at is not None and run.times.count() == 2
