"""y-websocket's wire format: frames as Yjs (here pycrdt, the same encoder) writes them, and malformed ones refused."""

import json

import pytest
from pycrdt import Doc, Text, create_sync_message, create_update_message

from meetings.lib import yprotocol
from meetings.lib.yprotocol import AwarenessState, ProtocolError


def test_a_state_vector_frame_written_by_yjs_decodes_to_sync_step1():
    doc = Doc()
    doc["body"] = text = Text()
    text += "hello"
    message = yprotocol.decode(create_sync_message(doc))
    assert (message.type, message.subtype) == (yprotocol.SYNC, yprotocol.SYNC_STEP1)
    assert message.payload == doc.get_state()


def test_an_update_frame_round_trips():
    update = b"\x01\x02\x03" * 100
    frame = yprotocol.encode_sync(yprotocol.SYNC_UPDATE, update)
    assert frame == create_update_message(update)
    assert yprotocol.decode(frame) == yprotocol.Message(yprotocol.SYNC, yprotocol.SYNC_UPDATE, update)


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**21, 2**53 - 1])
def test_varuints_round_trip(value):
    assert yprotocol.read_varuint(yprotocol.write_varuint(value)) == (value, len(yprotocol.write_varuint(value)))


def test_awareness_updates_round_trip():
    states = [AwarenessState(7, 3, {"user": {"name": "Eric", "color": "#aabbcc"}}), AwarenessState(9, 4, None)]
    frame = yprotocol.encode_awareness(yprotocol.encode_awareness_update(states))
    message = yprotocol.decode(frame)
    assert message.type == yprotocol.AWARENESS
    assert yprotocol.decode_awareness(message.payload) == states


def test_a_query_for_awareness_has_no_payload():
    assert yprotocol.decode(b"\x03") == yprotocol.Message(yprotocol.QUERY_AWARENESS, None, b"")


@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x80", id="truncated type"),
        pytest.param(b"\x00", id="no subtype"),
        pytest.param(b"\x00\x02", id="no payload length"),
        pytest.param(b"\x00\x02\xff", id="truncated length"),
        pytest.param(b"\x00\x02\x05ab", id="shorter than its length"),
        pytest.param(b"\x00\x02" + b"\xff\xff\xff\xff\x0f" + b"x", id="huge length"),
        pytest.param(b"\x00\x02" + b"\xff" * 50, id="endless varuint"),
        pytest.param(b"\x00\x07\x00", id="unknown sync subtype"),
        pytest.param(b"\x09\x00", id="unknown type"),
        pytest.param(b"\x00\x02\x01ab", id="trailing bytes"),
        pytest.param(b"\x01", id="awareness without payload"),
        pytest.param("\x00\x00\x00", id="text, not bytes"),
    ],
)
def test_malformed_frames_are_a_protocol_error(frame):
    with pytest.raises(ProtocolError):
        yprotocol.decode(frame)


def _state(client_id: int, text: bytes) -> bytes:
    return yprotocol.write_varuint(client_id) + b"\x01" + yprotocol.write_varbytes(text)


@pytest.mark.parametrize(
    "update",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xff\xff\xff\x0f", id="counts billions of clients"),
        pytest.param(b"\x01" + _state(1, b"{not json"), id="not JSON"),
        pytest.param(b"\x01" + _state(1, b"\xff\xfe"), id="not UTF-8"),
        pytest.param(b"\x01" + _state(1, b"[1, 2]"), id="not an object"),
        pytest.param(b"\x01" + _state(1, b"[" * 100_000), id="deeply nested"),
        pytest.param(b"\x01" + _state(1, b"{}") + b"x", id="trailing bytes"),
        pytest.param(b"\x02" + _state(1, b"{}") + b"\x05", id="truncated second client"),
    ],
)
def test_malformed_awareness_updates_are_a_protocol_error(update):
    with pytest.raises(ProtocolError):
        yprotocol.decode_awareness(update)


def test_an_awareness_removal_is_null():
    update = b"\x01" + _state(5, json.dumps(None).encode())
    assert yprotocol.decode_awareness(update) == [AwarenessState(5, 1, None)]
