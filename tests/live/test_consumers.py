"""The live room's socket (meetings/live/consumers.py) through pmc_minutes.asgi, with real sessions and origins.

Each test is one coroutine run to its end in a thread of its own (tests/support/live.py).
Clients are pycrdt Docs speaking y-websocket's protocol.
"""

import asyncio
import functools
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from pycrdt import Doc, Text

from meetings.lib import yprotocol
from meetings.lib.yprotocol import AwarenessState
from meetings.live import consumers
from meetings.queries.minutes import written_sections
from meetings.services.live import merge_text
from meetings.services.publishing import publish_meeting
from pmc_minutes.asgi import application
from tests.support.live import run_coroutine

ORIGIN = "http://localhost"
# The consumer's database calls close the connection they used (Channels' database_sync_to_async, as in
# production): the test's data must be committed, not in a transaction of the test's own.
pytestmark = pytest.mark.django_db(transaction=True)


def synchronously(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        return run_coroutine(test, *args, **kwargs)

    return run


def anchor_of(meeting, title: str) -> str:
    return next(s.anchor for s in written_sections(meeting) if s.title == title and s.field == "body")


class Peer:
    """One browser tab: a socket and its Yjs document."""

    def __init__(self, communicator):
        self.socket = communicator
        self.doc = Doc()
        self.doc["body"] = self.text = Text()

    async def receive(self) -> yprotocol.Message:
        return yprotocol.decode(await self.socket.receive_from(timeout=2))

    async def sync(self) -> None:
        """Send our state vector, take what we lack from the server's step 2."""
        await self.socket.send_to(bytes_data=yprotocol.encode_sync(yprotocol.SYNC_STEP1, self.doc.get_state()))
        message = await self.receive_sync(yprotocol.SYNC_STEP2)
        self.doc.apply_update(message.payload)

    async def receive_sync(self, subtype: int) -> yprotocol.Message:
        while True:
            message = await self.receive()
            if (message.type, message.subtype) == (yprotocol.SYNC, subtype):
                return message

    async def type(self, words: str, subtype: int = yprotocol.SYNC_UPDATE) -> bytes:
        before = self.doc.get_state()
        self.text += words
        update = self.doc.get_update(before)
        await self.socket.send_to(bytes_data=yprotocol.encode_sync(subtype, update))
        return update

    async def say_awareness(self, client_id: int, state: dict) -> None:
        update = yprotocol.encode_awareness_update([AwarenessState(client_id, 1, state)])
        await self.socket.send_to(bytes_data=yprotocol.encode_awareness(update))

    async def closed_with(self) -> int:
        while True:
            output = await self.socket.receive_output(timeout=2)
            if output["type"] == "websocket.close":
                return output.get("code")


async def connect(
    user, committee: str, date, anchor: str, *, origin: str = ORIGIN, app=application
) -> tuple[Peer, bool]:
    """A socket to the section as `user` (None: anonymous), signed in through a real session cookie."""
    headers = [(b"origin", origin.encode())]
    if user is not None:
        client = Client()
        await sync_to_async(client.force_login)(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(app, f"/ws/live/{committee}/{date}/{anchor}/", headers=headers)
    connected, _ = await communicator.connect(timeout=2)
    return Peer(communicator), connected


async def joined(user, meeting, anchor: str, *, app=application) -> Peer:
    """Connected, and past the server's opening state vector."""
    peer, connected = await connect(user, meeting.committee.slug, meeting.date, anchor, app=app)
    assert connected
    await peer.receive_sync(yprotocol.SYNC_STEP1)
    return peer


async def room_contents(user, meeting, anchor: str) -> str:
    """What a fresh client gets of the section's document."""
    peer = await joined(user, meeting, anchor)
    await peer.sync()
    await peer.socket.disconnect()
    return str(peer.text)


@synchronously
async def test_an_anonymous_visitor_is_closed_with_4403(people, draft):
    peer, connected = await connect(None, "runtime", draft.date, "diego")
    assert connected  # accepted, then closed with a code y-websocket does not retry
    assert await peer.closed_with() == 4403


@synchronously
async def test_a_visitor_who_may_not_see_the_draft_is_closed_with_4403(people, draft):
    peer, _ = await connect(people["member"], "runtime", draft.date, "diego")
    assert await peer.closed_with() == 4403


@synchronously
async def test_a_section_that_does_not_exist_is_closed_with_4403(people, draft):
    peer, _ = await connect(people["chair"], "runtime", draft.date, "no-such-team")
    assert await peer.closed_with() == 4403


@synchronously
async def test_an_impossible_date_is_closed_with_4403(people, draft):
    peer, _ = await connect(people["chair"], "runtime", "2030-02-30", "diego")
    assert await peer.closed_with() == 4403


@synchronously
async def test_a_socket_from_another_origin_is_refused(people, draft):
    _, connected = await connect(people["lead_x"], "runtime", draft.date, "diego", origin="https://evil.example")
    assert not connected


@synchronously
async def test_the_server_opens_with_its_state_vector(people, draft):
    peer, connected = await connect(people["lead_x"], "runtime", draft.date, "diego")
    assert connected
    first = await peer.receive()
    assert (first.type, first.subtype) == (yprotocol.SYNC, yprotocol.SYNC_STEP1)
    await peer.socket.disconnect()


@synchronously
async def test_two_writers_updates_converge(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    chair = await joined(people["chair"], draft, "diego")
    await lead.sync()
    await chair.sync()
    await lead.type("Shipped v2.")
    chair.doc.apply_update((await chair.receive_sync(yprotocol.SYNC_UPDATE)).payload)
    await chair.type(" Next: v3.")
    lead.doc.apply_update((await lead.receive_sync(yprotocol.SYNC_UPDATE)).payload)
    assert str(lead.text) == str(chair.text) == "Shipped v2. Next: v3."
    assert await lead.socket.receive_nothing(timeout=0.1)  # its own update is not echoed back
    assert await room_contents(people["chair"], draft, "diego") == "Shipped v2. Next: v3."
    await lead.socket.disconnect()
    await chair.socket.disconnect()


@synchronously
async def test_offline_edits_sent_as_sync_step2_are_applied(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.type("Written offline.", subtype=yprotocol.SYNC_STEP2)
    await lead.socket.disconnect()
    assert await room_contents(people["chair"], draft, "diego") == "Written offline."


@synchronously
async def test_a_lead_reads_another_team_s_section_but_its_updates_go_nowhere(people, draft):
    writer = await joined(people["lead_y"], draft, "cli")
    reader = await joined(people["lead_x"], draft, "cli")
    await reader.sync()  # its state vector is answered
    for subtype in (yprotocol.SYNC_UPDATE, yprotocol.SYNC_STEP2):
        await reader.type("Forged.", subtype=subtype)
    assert await writer.socket.receive_nothing(timeout=0.2)  # not broadcast
    assert await room_contents(people["lead_y"], draft, "cli") == ""  # not applied
    await writer.socket.disconnect()
    await reader.socket.disconnect()


@synchronously
async def test_a_lead_only_reads_the_chair_s_discussion(people, draft):
    anchor = await sync_to_async(anchor_of)(draft, "Discussion")
    chair = await joined(people["chair"], draft, anchor)
    lead = await joined(people["lead_x"], draft, anchor)
    await lead.type("Not mine to write.")
    assert await chair.socket.receive_nothing(timeout=0.2)
    await chair.type("The chair's notes.")
    assert str(text_of(await lead.receive_sync(yprotocol.SYNC_UPDATE))) == "The chair's notes."
    await chair.socket.disconnect()
    await lead.socket.disconnect()


def text_of(message) -> Text:
    doc = Doc()
    doc["body"] = text = Text()
    doc.apply_update(message.payload)
    return text


@synchronously
async def test_awareness_names_and_colours_are_the_connection_s_own(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    chair = await joined(people["chair"], draft, "diego")
    forged = {"user": {"name": "The Chair", "color": "red;background:url(x)"}, "cursor": {"anchor": 3}}
    await lead.say_awareness(1234, forged)
    for peer in (lead, chair):  # the sender gets it too
        message = await peer.receive()
        while message.type != yprotocol.AWARENESS or not yprotocol.decode_awareness(message.payload):
            message = await peer.receive()
        [state] = yprotocol.decode_awareness(message.payload)
        assert state.client_id == 1234
        assert state.state["user"]["name"] == "Eric Malm"
        assert state.state["user"]["color"] == consumers.user_colour(people["lead_x"].pk)
        assert len(state.state["user"]["color"]) == 7 and state.state["user"]["color"].startswith("#")
        assert state.state["cursor"] == {"anchor": 3}
    await chair.socket.disconnect()
    # Its clients' states are removed for the others when it leaves.
    await lead.socket.disconnect()


@synchronously
async def test_a_leaving_writer_s_awareness_is_removed_for_the_others(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    chair = await joined(people["chair"], draft, "diego")
    await lead.say_awareness(77, {"user": {}})
    await lead.socket.disconnect()
    removed = []
    while not removed:
        message = await chair.receive()
        if message.type == yprotocol.AWARENESS:
            removed = [s for s in yprotocol.decode_awareness(message.payload) if s.client_id == 77 and s.state is None]
    await chair.socket.disconnect()


@synchronously
async def test_a_writer_holds_a_few_awareness_clients_and_removes_only_its_own(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    chair = await joined(people["chair"], draft, "diego")
    await chair.say_awareness(1, {"user": {}})
    many = [AwarenessState(100 + n, 1, {"user": {}}) for n in range(50)] + [AwarenessState(1, 2, None)]
    await lead.socket.send_to(bytes_data=yprotocol.encode_awareness(yprotocol.encode_awareness_update(many)))
    seen = []
    while not any(s.client_id >= 100 for s in seen):
        message = await chair.receive()
        if message.type == yprotocol.AWARENESS:
            seen = yprotocol.decode_awareness(message.payload)
    assert len(seen) == consumers.MAX_CLIENTS_PER_CONNECTION
    assert all(s.state is not None for s in seen)  # the chair's client 1 is not the lead's to remove
    await lead.socket.disconnect()
    await chair.socket.disconnect()


@synchronously
async def test_a_newcomer_is_sent_the_states_already_there(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.say_awareness(55, {"user": {}})
    await lead.receive()  # its own state, echoed
    chair = await joined(people["chair"], draft, "diego")
    message = await chair.receive()
    while message.type != yprotocol.AWARENESS or not yprotocol.decode_awareness(message.payload):
        message = await chair.receive()
    assert [s.client_id for s in yprotocol.decode_awareness(message.payload)] == [55]
    await lead.socket.disconnect()
    await chair.socket.disconnect()


@synchronously
async def test_a_reader_s_awareness_is_dropped(people, draft):
    writer = await joined(people["lead_y"], draft, "cli")
    reader = await joined(people["lead_x"], draft, "cli")
    await reader.say_awareness(9, {"user": {"name": "Abby Chau"}})
    assert await writer.socket.receive_nothing(timeout=0.2)
    await writer.socket.disconnect()
    await reader.socket.disconnect()


@synchronously
async def test_a_frame_over_the_limit_is_closed_with_4413(people, draft, settings):
    settings.PMC_LIVE_MAX_FRAME_BYTES = 1000
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.type("x" * 2000)
    assert await lead.closed_with() == 4413
    assert await room_contents(people["chair"], draft, "diego") == ""


@synchronously
async def test_a_malformed_frame_is_closed_with_4400(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.socket.send_to(bytes_data=b"\x00\x02\xff\xff\xff\xff\x0f")
    assert await lead.closed_with() == 4400


@synchronously
async def test_a_lead_whose_team_was_taken_away_stops_writing(people, draft, settings):
    settings.PMC_LIVE_RECHECK_SECONDS = 0
    lead = await joined(people["lead_x"], draft, "diego")
    await sync_to_async(people["team_x"].leads.remove)(people["lead_x"])
    await lead.type("After the change.")
    assert await lead.closed_with() == 4403
    assert await room_contents(people["chair"], draft, "diego") == ""


@synchronously
async def test_a_lead_stops_writing_once_the_meeting_is_published(people, draft, settings):
    settings.PMC_LIVE_RECHECK_SECONDS = 0
    lead = await joined(people["lead_x"], draft, "diego")
    await sync_to_async(publish_meeting)(draft, by=people["chair"])
    await lead.type("Too late.")
    assert await lead.closed_with() == 4403
    assert await room_contents(people["chair"], draft, "diego") == ""


@synchronously
async def test_a_silent_writer_who_lost_the_right_is_closed_without_writing(people, draft, settings):
    settings.PMC_LIVE_RECHECK_SECONDS = 0.05
    lead = await joined(people["lead_x"], draft, "diego")
    await sync_to_async(people["team_x"].leads.remove)(people["lead_x"])
    assert await lead.closed_with() == 4403


@synchronously
async def test_an_idle_connection_is_sent_something_before_y_websocket_gives_up(people, draft, settings, monkeypatch):
    monkeypatch.setattr(consumers, "HEARTBEAT_SECONDS", 0.2)
    settings.PMC_LIVE_RECHECK_SECONDS = 0.1
    reader = await joined(people["lead_x"], draft, "cli")
    message = await reader.receive()
    assert message.type == yprotocol.AWARENESS
    assert yprotocol.decode_awareness(message.payload) == []  # an empty update: a message, and nothing else
    await reader.socket.disconnect()


@synchronously
async def test_a_keystroke_reaches_the_others_while_the_database_thread_is_busy(people, draft):
    lead = await joined(people["lead_x"], draft, "diego")
    chair = await joined(people["chair"], draft, "diego")
    await lead.sync()
    await chair.sync()
    released = threading.Event()
    # The one thread all sync_to_async work runs in (saves, rights checks), held for longer than the wait below.
    held = asyncio.ensure_future(sync_to_async(released.wait)(5))
    try:
        await asyncio.sleep(0.05)
        await lead.type("Shipped v2.")
        chair.doc.apply_update((await chair.receive_sync(yprotocol.SYNC_UPDATE)).payload)
        assert str(chair.text) == "Shipped v2."
    finally:
        released.set()
        await held
    await lead.socket.disconnect()
    await chair.socket.disconnect()


@synchronously
async def test_what_a_writer_sent_before_closing_is_kept_though_the_server_can_no_longer_answer(people, draft):
    gone = False

    async def server(scope, receive, send):
        async def send_until_gone(message):
            if gone:
                raise OSError("the client closed its socket")  # as uvicorn's ClientDisconnected
            await send(message)

        await application(scope, receive, send_until_gone)

    lead = await joined(people["lead_x"], draft, "diego", app=server)
    await lead.sync()
    gone = True
    # Its last frames, queued in the server behind the close: a cursor (echoed to it), a resync, a keystroke.
    await lead.say_awareness(5, {"cursor": {"anchor": 0}})
    await lead.socket.send_to(bytes_data=yprotocol.encode_sync(yprotocol.SYNC_STEP1, lead.doc.get_state()))
    await lead.type("The last words.")
    await lead.socket.send_input({"type": "websocket.disconnect", "code": 1000})
    await lead.socket.wait(timeout=5)

    report = await sync_to_async(draft.reports.get)(team=people["team_x"])
    assert report.body == "The last words."  # saved as its connection left


# Several app servers: the room's copy on each applies what the others' clients send, through the channel layer.


@synchronously
async def test_a_client_s_update_is_relayed_to_the_other_servers_copies(people, draft, monkeypatch):
    monkeypatch.setattr(consumers, "other_servers", lambda layer: True)  # a shared layer (Redis), stood in for here
    layer = get_channel_layer()
    other_server = await layer.new_channel()
    report = await sync_to_async(draft.reports.get)(team=people["team_x"])
    await layer.group_add(consumers.group_name(report), other_server)
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.sync()

    update = await lead.type("Shipped v2.")

    while (message := await layer.receive(other_server))["type"] != "room.update":
        pass
    assert (message["update"], message["by"]) == (update, people["lead_x"].pk)
    assert message["origin"]  # this server's copy, which skips it when it comes back
    await lead.socket.disconnect()


@synchronously
async def test_an_update_relayed_from_another_server_reaches_the_clients_here(people, draft):
    report = await sync_to_async(draft.reports.get)(team=people["team_x"])
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.sync()
    elsewhere = Doc()
    elsewhere.apply_update(lead.doc.get_update())
    before = elsewhere.get_state()
    elsewhere.get("body", type=Text).insert(0, "From the other server. ")
    update = elsewhere.get_update(before)

    relayed = {"type": "room.update", "update": update, "by": people["chair"].pk, "origin": "another-server"}
    await get_channel_layer().group_send(consumers.group_name(report), relayed)

    lead.doc.apply_update((await lead.receive_sync(yprotocol.SYNC_UPDATE)).payload)
    assert str(lead.text) == "From the other server. "
    assert await room_contents(people["chair"], draft, "diego") == "From the other server. "
    await lead.socket.disconnect()


@synchronously
async def test_a_form_save_while_the_room_is_open_reaches_its_clients(people, draft):
    report = await sync_to_async(draft.reports.get)(team=people["team_x"])
    lead = await joined(people["lead_x"], draft, "diego")
    await lead.sync()
    await lead.type("Typed live.")
    await lead.socket.receive_nothing(timeout=0.1)

    saved = await sync_to_async(merge_text)(report, "Typed live.\nSaved by the form.\n", by=people["chair"])

    assert saved
    while str(lead.text) != "Typed live.\nSaved by the form.\n":
        lead.doc.apply_update((await lead.receive_sync(yprotocol.SYNC_UPDATE)).payload)
    await report.arefresh_from_db()
    assert report.body == "Typed live.\nSaved by the form.\n"
    await lead.socket.disconnect()


async def awareness_of(peer: Peer, client_id: int) -> AwarenessState:
    while True:
        message = await peer.receive()
        if message.type == yprotocol.AWARENESS:
            found = [s for s in yprotocol.decode_awareness(message.payload) if s.client_id == client_id]
            if found:
                return found[0]


@synchronously
async def test_cursors_go_to_the_other_servers_and_theirs_come_here(people, draft, monkeypatch):
    monkeypatch.setattr(consumers, "other_servers", lambda layer: True)  # a shared layer (Redis), stood in for here
    layer = get_channel_layer()
    other_server = await layer.new_channel()
    report = await sync_to_async(draft.reports.get)(team=people["team_x"])
    await layer.group_add(consumers.group_name(report), other_server)
    lead = await joined(people["lead_x"], draft, "diego")

    await lead.say_awareness(11, {"cursor": {"anchor": 2}})

    while (message := await layer.receive(other_server))["type"] != "room.awareness":
        pass
    [state] = yprotocol.decode_awareness(message["update"])
    assert (state.client_id, state.state["user"]["name"]) == (11, "Eric Malm")  # the server's name, not the client's
    assert (await awareness_of(lead, 11)).state["cursor"] == {"anchor": 2}  # echoed here once, through the room

    elsewhere = [AwarenessState(99, 1, {"user": {"name": "Abby Chau"}})]
    relayed = {"type": "room.awareness", "update": yprotocol.encode_awareness_update(elsewhere), "origin": "another"}
    await layer.group_send(consumers.group_name(report), relayed)
    assert (await awareness_of(lead, 99)).state["user"]["name"] == "Abby Chau"
    assert await lead.socket.receive_nothing(timeout=0.1)  # its own state did not come back a second time
    await lead.socket.disconnect()
