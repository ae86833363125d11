"""A meeting's live events (services/live_events.py): a room's change told to its group, as its page shows it."""

import asyncio
import re
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connections
from django.test import Client
from pycrdt import Doc, Text

from meetings.models import BacklogReport
from meetings.queries.minutes import written_sections
from meetings.services import live_events
from meetings.services.editing import save_report
from meetings.services.live import merge_text, open_room
from meetings.services.live_events import live_mark_key, meeting_group, render_section_body, section_event
from meetings.services.publishing import publish_meeting
from tests.support.live import drop_rooms, run_coroutine


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Rooms and throttles are per process: a test's must not meet the next test's (ids are reused)."""
    live_events._pending.clear()
    yield
    drop_rooms()
    live_events._pending.clear()


@pytest.fixture
def report(draft, people) -> BacklogReport:
    report = draft.reports.select_related("meeting__committee", "team").get(team=people["team_x"])
    assert save_report(report, body="Shipped cells.\n", by=people["lead_x"], expected_version=1)
    return report


async def type_into(room, doc: Doc, words: str, *, by) -> None:
    """Append words as a browser's Yjs client does, after taking the room's state."""
    doc.apply_update(room.answer_step1(doc.get_state()))
    before = doc.get_state()
    text = doc.get("body", type=Text)
    text += words
    await room.apply(doc.get_update(before), by=by)


async def listen(meeting_id: int) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(meeting_group(meeting_id), channel)
    return channel


async def next_event(channel: str, timeout: float = 2) -> dict:
    async with asyncio.timeout(timeout):
        return await get_channel_layer().receive(channel)


def from_another_thread(function, *args, **kwargs):
    """Call as a view's thread does, and close that thread's database connection as its request would."""
    try:
        return function(*args, **kwargs)
    finally:
        connections.close_all()


def page_body(client: Client, meeting, anchor: str) -> str:
    """What the meeting page has in the section's body wrapper."""
    page = client.get(meeting.get_absolute_url()).content.decode()
    found = re.search(rf'<div class="section-body" data-live-body="{anchor}">(.*?)</div>\n', page, re.S)
    assert found, f"no body wrapper for {anchor}"
    return found.group(1)


def test_the_event_s_html_is_what_the_meeting_page_shows(report, people, client):
    client.force_login(people["chair"])
    _, event, _ = section_event(report, report.body)
    assert event == {"type": "section", "anchor": "diego", "html": page_body(client, report.meeting, "diego")}
    assert "<p>Shipped cells.</p>" in event["html"]


def test_an_empty_report_and_an_empty_chair_section_read_as_the_page_says(draft, people, client):
    client.force_login(people["chair"])
    report = draft.reports.select_related("meeting__committee", "team").get(team=people["team_y"])
    discussion = next(s for s in written_sections(draft) if s.title == "Discussion")
    _, event, _ = section_event(report, "")
    assert event["html"] == '<p class="empty">No report.</p>' == page_body(client, draft, "cli")
    _, event, _ = section_event(discussion.section, "")
    assert event["anchor"] == discussion.anchor
    assert event["html"] == '<p class="empty">Nothing recorded.</p>' == page_body(client, draft, discussion.anchor)


def test_the_event_renders_the_text_given_and_never_the_private_note(report):
    report.private_note = "Budget talk: keep quiet."
    report.save()
    _, event, _ = section_event(report, "Now **live**.")
    assert event["html"] == "<p>Now <strong>live</strong>.</p>\n"
    assert "quiet" not in event["html"]
    assert BacklogReport.objects.get(pk=report.pk).body == "Shipped cells.\n"  # rendered, not saved


def test_a_draft_s_text_is_for_its_committee_only_and_published_minutes_for_everyone(report, people):
    meeting_id, _, committee_only = section_event(report, "Draft text.")
    assert (meeting_id, committee_only) == (report.meeting_id, True)
    publish_meeting(report.meeting, by=people["chair"])
    report.refresh_from_db()
    assert section_event(report, "Amended.")[2] is False


def test_an_event_marks_its_meeting_as_changing_for_the_pages_that_follow_only_then(report):
    key = live_mark_key("runtime", report.meeting.date.isoformat())
    cache.delete(key)
    section_event(report, "Typed.")
    assert cache.get(key) is True


def test_render_section_body_of_a_roadmap_item_keeps_the_page_s_rendering(draft, people, client):
    client.force_login(people["chair"])
    roadmap = draft.items.get(kind="roadmap")
    roadmap.body = "Shipping *soon*."
    roadmap.save()
    anchor = next(s.anchor for s in written_sections(draft) if s.section == roadmap)
    assert render_section_body(roadmap) == "<p>Shipping <em>soon</em>.</p>\n" == page_body(client, draft, anchor)


@pytest.mark.django_db(transaction=True)
def test_typing_in_a_room_reaches_the_meeting_s_group_throttled_with_the_last_state(report, people):
    doc = Doc()
    received = []

    async def scenario():
        channel = await listen(report.meeting_id)
        room = await open_room(report)
        started = time.monotonic()
        for word in ["One", " two", " three", " four", " five"]:
            await type_into(room, doc, word, by=people["lead_x"])
        while not received or "five" not in received[-1][1]["event"]["html"]:
            message = await next_event(channel)
            received.append((time.monotonic() - started, message))
        await room.leave()

    run_coroutine(scenario)

    *_, (_, last) = received
    assert last == {
        "type": "meeting.event",
        "event": {"type": "section", "anchor": "diego", "html": "<p>Shipped cells.\nOne two three four five</p>\n"},
        "committee_only": True,
    }
    # Five keystrokes at once: the first change at once, then the last state after the throttle, not five renders.
    assert len(received) <= 2
    assert received[0][0] < 1.0
    if len(received) == 2:
        assert received[1][0] - received[0][0] >= live_events.SECTION_THROTTLE_SECONDS * 0.9


@pytest.mark.django_db(transaction=True)
def test_a_form_s_text_merged_into_an_open_room_is_told_too(report, people):
    async def scenario():
        channel = await listen(report.meeting_id)
        room = await open_room(report)
        saved = await sync_to_async(from_another_thread, thread_sensitive=False)(
            merge_text, report, "From the form.\n", by=people["lead_x"], expected_version=report.version
        )
        assert saved
        message = await next_event(channel)
        await room.leave()
        return message

    message = run_coroutine(scenario)
    assert message["event"]["html"] == "<p>From the form.</p>\n"


def test_a_change_applied_as_a_remote_one_is_left_to_the_server_that_applied_it(report):
    room = SimpleNamespace(kind="report", section_id=report.pk, text="Typed elsewhere.")
    live_events.section_changed(room, local=False)
    assert live_events._pending == {}  # nothing scheduled, nothing rendered


@pytest.mark.django_db(transaction=True)  # the room opens in a thread of its own, with its own connection
def test_a_form_s_save_stands_when_its_followers_cannot_be_told(report, people, monkeypatch):
    async def opened():
        return await open_room(report)

    run_coroutine(opened)  # its loop is gone: the form's change is told at once, from the form's thread

    tried = []

    def broken(*args, **kwargs):
        tried.append(args)
        raise ConnectionError("the channel layer is down")

    monkeypatch.setattr(live_events, "publish", broken)
    # From a thread with no event loop, as a view's: not the test's, where Playwright's may run (whole suite).
    with ThreadPoolExecutor(max_workers=1) as pool:
        saved = pool.submit(
            from_another_thread,
            merge_text,
            report,
            "Saved anyway.\n",
            by=people["lead_x"],
            expected_version=report.version,
        )
        assert saved.result()
    assert BacklogReport.objects.get(pk=report.pk).body == "Saved anyway.\n"
    assert tried  # it was tried, and failed
