"""The meeting's socket (meetings/live/meeting_consumer.py) through pmc_minutes.asgi, with real sessions and origins.

Each test is one coroutine run to its end in a thread of its own (tests/support/live.py).
"""

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from meetings.live import meeting_consumer
from meetings.live.consumers import user_colour
from meetings.services import live_events
from meetings.services.live_events import apublish, live_mark_key
from meetings.services.publishing import publish_meeting
from pmc_minutes.asgi import application
from tests.live.test_consumers import ORIGIN, anchor_of, joined, synchronously

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_throttles():
    live_events._pending.clear()
    cache.clear()
    yield
    live_events._pending.clear()


class Follower:
    """One meeting page: its socket, and the JSON frames it is sent."""

    def __init__(self, communicator):
        self.socket = communicator

    async def next(self, kind: str, timeout: float = 2) -> dict:
        """The next frame of that type; frames of other types are passed over."""
        while True:
            frame = json.loads(await self.socket.receive_from(timeout=timeout))
            if frame["type"] == kind:
                return frame

    async def presence_where(self, test, timeout: float = 2) -> dict:
        """The first presence frame for which `test(frame)` holds."""
        while True:
            frame = await self.next("presence", timeout)
            if test(frame):
                return frame

    async def here(self, anchor) -> None:
        await self.socket.send_to(text_data=json.dumps({"type": "here", "anchor": anchor}))

    async def closed_with(self) -> int:
        while True:
            output = await self.socket.receive_output(timeout=2)
            if output["type"] == "websocket.close":
                return output.get("code")


async def follow(user, meeting, *, query: str = "", origin: str = ORIGIN) -> tuple[Follower, bool]:
    headers = [(b"origin", origin.encode())]
    if user is not None:
        client = Client()
        await sync_to_async(client.force_login)(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    path = f"/ws/live/runtime/{meeting.date}/{query}"  # the Runtime committee of tests/conftest.py
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=2)
    return Follower(communicator), connected


async def following(user, meeting, **options) -> Follower:
    """Connected, and past the presence frame that tells it who is there (itself included)."""
    follower, connected = await follow(user, meeting, **options)
    assert connected
    await follower.next("presence")
    return follower


@pytest.fixture
def published(draft, people):
    publish_meeting(draft, by=people["chair"])
    draft.refresh_from_db()
    assert draft.committee.slug == "runtime"  # read now: the async tests may not
    return draft


# Who may follow.


@synchronously
async def test_an_anonymous_visitor_of_a_draft_is_closed_with_4403(people, draft):
    follower, connected = await follow(None, draft)
    assert connected  # accepted, then closed with a code the page does not retry
    assert await follower.closed_with() == 4403


@synchronously
async def test_a_signed_in_visitor_who_may_not_see_the_draft_is_closed_with_4403(people, draft):
    follower, _ = await follow(people["member"], draft)
    assert await follower.closed_with() == 4403


@synchronously
async def test_a_lead_of_another_committee_is_closed_with_4403(people, draft):
    follower, _ = await follow(people["lead_x_elsewhere"], draft)
    assert await follower.closed_with() == 4403


@synchronously
async def test_a_socket_from_another_origin_is_refused(people, draft):
    _, connected = await follow(people["chair"], draft, origin="https://evil.example")
    assert not connected


@synchronously
async def test_anyone_follows_published_minutes_anonymous_readers_too(people, published):
    reader = await following(None, published)
    await apublish(published.pk, {"type": "run", "current": "diego"})
    assert await reader.next("run") == {"type": "run", "current": "diego"}


@synchronously
async def test_a_published_page_is_told_4404_while_nobody_changes_the_meeting(people, published):
    reader, connected = await follow(None, published, query="?changing")
    assert connected
    assert await reader.closed_with() == meeting_consumer.NOT_CHANGING
    await sync_to_async(cache.set)(live_mark_key("runtime", published.date), True)
    reader = await following(None, published, query="?changing")
    await apublish(published.pk, {"type": "attendance", "present": 3})
    assert (await reader.next("attendance"))["present"] == 3


@synchronously
async def test_a_reader_whose_meeting_went_back_to_draft_is_closed(people, published, settings):
    settings.PMC_LIVE_RECHECK_SECONDS = 0.05
    reader = await following(None, published)
    await sync_to_async(published.unpublish)()
    assert await reader.closed_with() == 4403


@synchronously
async def test_a_malformed_message_is_closed_with_4400(people, draft):
    chair = await following(people["chair"], draft)
    await chair.socket.send_to(text_data="{not json")
    assert await chair.closed_with() == 4400


# What followers are sent.


@synchronously
async def test_text_typed_in_a_section_reaches_the_meeting_s_followers_as_the_page_renders_it(people, draft):
    chair_page = await following(people["chair"], draft)
    lead_page = await following(people["lead_y"], draft)
    writer = await joined(people["lead_x"], draft, "diego")
    await writer.sync()
    await writer.type("Typed *live*.")
    expected = {"type": "section", "anchor": "diego", "html": "<p>Typed <em>live</em>.</p>\n"}
    assert await chair_page.next("section", timeout=1) == expected
    assert await lead_page.next("section", timeout=1) == expected
    await writer.socket.disconnect()


@synchronously
async def test_a_reader_never_receives_a_private_note_nor_a_draft_s_text(people, published):
    """The public reads the published text; the committee-only events (a draft's text, a private note) pass it by."""
    report = await sync_to_async(published.reports.get)(team=people["team_x"])
    report.private_note = "Budget talk: keep quiet."
    await sync_to_async(report.save)()
    reader = await following(None, published)
    chair_page = await following(people["chair"], published)
    writer = await joined(people["chair"], published, "diego")  # amending published minutes
    await writer.sync()
    await writer.type("Amended.")
    for page in (reader, chair_page):
        section = await page.next("section", timeout=1)
        assert section["html"] == "<p>Amended.</p>\n"
        assert "quiet" not in json.dumps(section)
    # Back to a draft: before the reader's rights are asked again, its text goes to the committee only.
    await sync_to_async(published.unpublish)()
    await writer.type(" Drafting again.")
    draft_text = await chair_page.next("section", timeout=1)
    assert "Drafting again." in draft_text["html"]
    await apublish(published.pk, {"type": "private", "note": "Budget talk: keep quiet."}, committee_only=True)
    assert (await chair_page.next("private"))["note"] == "Budget talk: keep quiet."
    await apublish(published.pk, {"type": "run", "current": None})  # for everyone: the reader's next frame
    frame = json.loads(await reader.socket.receive_from(timeout=2))
    while frame["type"] == "presence":
        frame = json.loads(await reader.socket.receive_from(timeout=2))
    assert frame == {"type": "run", "current": None}
    await writer.socket.disconnect()


# Presence.


@synchronously
async def test_presence_names_the_committee_s_people_with_the_server_s_colours_and_their_section(people, draft):
    chair = await following(people["chair"], draft)
    lead = await following(people["lead_x"], draft)
    both = await chair.presence_where(lambda frame: len(frame["people"]) == 2)
    assert both == {
        "type": "presence",
        "people": [
            # The chair has no name of their own: inside the committee their handle, as their cursor shows it.
            {"name": f"@{people['chair'].username}", "colour": user_colour(people["chair"].pk), "anchor": None},
            {"name": "Eric Malm", "colour": user_colour(people["lead_x"].pk), "anchor": None},
        ],
        "others": 0,
    }
    discussion = await sync_to_async(anchor_of)(draft, "Discussion")
    await lead.here("diego")
    moved = await chair.presence_where(lambda frame: any(p["anchor"] == "diego" for p in frame["people"]))
    assert [p["name"] for p in moved["people"] if p["anchor"] == "diego"] == ["Eric Malm"]
    await chair.here(discussion)
    await lead.presence_where(lambda frame: {p["anchor"] for p in frame["people"]} == {"diego", discussion})
    await lead.socket.disconnect()
    alone = await chair.presence_where(lambda frame: len(frame["people"]) == 1)
    assert alone["people"][0]["anchor"] == discussion


@synchronously
async def test_readers_who_are_not_of_the_committee_are_counted_never_named(people, published):
    chair = await following(people["chair"], published)
    anonymous = await following(None, published)
    member = await following(people["member"], published)
    await member.here("diego")  # says nothing: not named, so in no section
    frame = await chair.presence_where(lambda frame: frame["others"] == 2)
    assert frame["people"] == [
        {"name": f"@{people['chair'].username}", "colour": user_colour(people["chair"].pk), "anchor": None}
    ]
    # The public sees the people with no name as "a member", never their username.
    seen = await anonymous.presence_where(lambda frame: frame["others"] == 2)
    assert seen["people"] == [{"name": "a member", "colour": user_colour(people["chair"].pk), "anchor": None}]


@synchronously
async def test_a_section_that_is_not_the_meeting_s_is_no_place_to_be(people, draft):
    chair = await following(people["chair"], draft)
    lead = await following(people["lead_x"], draft)
    await lead.here("no-such-section")
    await lead.here("cli")
    frame = await chair.presence_where(lambda frame: any(p["anchor"] for p in frame["people"]))
    assert [p["anchor"] for p in frame["people"] if p["anchor"]] == ["cli"]
