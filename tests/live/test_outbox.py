"""What waits for a live-room socket (meetings/live/outbox.py): merged while a frame is on its way, never lost."""

import asyncio

from pycrdt import Doc, Text

from meetings.lib import yprotocol
from meetings.lib.yprotocol import AwarenessState
from meetings.live.outbox import Outbox
from tests.support.live import run_coroutine


class SlowSocket:
    """A socket whose sends take a while, as a reader's does when the server is busy."""

    def __init__(self, seconds: float = 0.05):
        self.seconds = seconds
        self.frames: list[yprotocol.Message] = []

    async def send(self, frame: bytes) -> None:
        await asyncio.sleep(self.seconds)
        self.frames.append(yprotocol.decode(frame))


def keystrokes(text: str) -> list[bytes]:
    doc = Doc(client_id=7)
    body = doc.get("body", type=Text)
    updates = []
    for character in text:
        before = doc.get_state()
        body += character
        updates.append(doc.get_update(before))
    return updates


def test_updates_that_gather_while_a_frame_is_sent_go_as_one_and_together_make_the_text():
    socket = SlowSocket()

    async def scenario():
        outbox = Outbox(socket.send)
        for update in keystrokes("Shipped"):
            outbox.update(update)
            await asyncio.sleep(0)  # the first one is already on its way
        while len(socket.frames) < 2:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)

    run_coroutine(scenario)

    assert len(socket.frames) == 2  # the first keystroke, then the six that waited for it, merged
    reader = Doc()
    for frame in socket.frames:
        assert (frame.type, frame.subtype) == (yprotocol.SYNC, yprotocol.SYNC_UPDATE)
        reader.apply_update(frame.payload)
    assert str(reader.get("body", type=Text)) == "Shipped"


def test_only_each_cursor_s_latest_state_waits():
    socket = SlowSocket()

    async def scenario():
        outbox = Outbox(socket.send)
        outbox.awareness([AwarenessState(1, 1, {"cursor": 1})])
        await asyncio.sleep(0)
        outbox.awareness([AwarenessState(1, 3, {"cursor": 3}), AwarenessState(2, 1, {"cursor": 9})])
        outbox.awareness([AwarenessState(1, 2, {"cursor": 2})])  # older than what waits: not sent
        await asyncio.sleep(0.2)

    run_coroutine(scenario)

    sent = [yprotocol.decode_awareness(frame.payload) for frame in socket.frames]
    assert sent == [
        [AwarenessState(1, 1, {"cursor": 1})],
        [AwarenessState(1, 3, {"cursor": 3}), AwarenessState(2, 1, {"cursor": 9})],
    ]


def test_a_closed_socket_ends_the_sending_quietly():
    async def gone(frame: bytes) -> None:
        raise ConnectionResetError

    async def scenario():
        outbox = Outbox(gone)
        outbox.update(keystrokes("x")[0])
        await asyncio.sleep(0.01)
        assert outbox.closed
        outbox.update(keystrokes("y")[0])  # nothing more is tried
        await asyncio.sleep(0.01)

    run_coroutine(scenario)
