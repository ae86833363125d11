"""y-websocket's wire format (yjs/y-protocols PROTOCOL.md): frames in and out, awareness updates.

A frame is a varuint message type, then for sync messages a varuint subtype and a length-prefixed payload,
for awareness a length-prefixed awareness update. Integers are lib0 varuints: seven bits a byte, low bits
first, the high bit set while more follow. Whatever a client sends is decoded here before anything acts on
it: anything malformed is a `ProtocolError`, never another exception, and no length is trusted beyond the
bytes actually received (so nothing allocates what a frame only claims).
"""

import json
from dataclasses import dataclass

SYNC = 0
AWARENESS = 1
QUERY_AWARENESS = 3  # y-websocket's request for every awareness state; no payload

SYNC_STEP1 = 0  # the sender's state vector
SYNC_STEP2 = 1  # the updates the receiver lacks (a reconnecting client's offline edits arrive here)
SYNC_UPDATE = 2

# lib0 writes JavaScript's safe integers (53 bits) at most: 8 bytes of 7 bits.
_MAX_VARUINT_BYTES = 8


class ProtocolError(ValueError):
    """A frame that is not y-websocket's protocol."""


@dataclass(frozen=True)
class Message:
    type: int
    subtype: int | None  # sync messages only
    payload: bytes


def read_varuint(data: bytes, at: int = 0) -> tuple[int, int]:
    """The varuint at `at`, and the position after it."""
    value = shift = 0
    for count in range(_MAX_VARUINT_BYTES):
        if at + count >= len(data):
            raise ProtocolError("The frame ends inside a number.")
        byte = data[at + count]
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at + count + 1
    raise ProtocolError("A number in the frame is too long.")


def write_varuint(value: int) -> bytes:
    if value < 0:
        raise ValueError("A varuint cannot be negative.")
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varbytes(data: bytes, at: int = 0) -> tuple[bytes, int]:
    """The length-prefixed bytes at `at`, and the position after them."""
    length, at = read_varuint(data, at)
    if length > len(data) - at:
        raise ProtocolError("The frame is shorter than the length it gives.")
    return bytes(data[at : at + length]), at + length


def write_varbytes(payload: bytes) -> bytes:
    return write_varuint(len(payload)) + payload


def decode(frame: bytes) -> Message:
    """The frame's type, subtype (sync only) and payload."""
    if not isinstance(frame, bytes | bytearray):
        raise ProtocolError("A frame is binary.")
    kind, at = read_varuint(frame)
    subtype = None
    if kind == SYNC:
        subtype, at = read_varuint(frame, at)
        if subtype not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise ProtocolError(f"Unknown sync message {subtype}.")
        payload, at = read_varbytes(frame, at)
    elif kind == AWARENESS:
        payload, at = read_varbytes(frame, at)
    elif kind == QUERY_AWARENESS:
        payload = b""
    else:
        raise ProtocolError(f"Unknown message type {kind}.")
    if at != len(frame):
        raise ProtocolError("The frame has bytes after its message.")
    return Message(kind, subtype, payload)


def encode_sync(subtype: int, payload: bytes) -> bytes:
    return write_varuint(SYNC) + write_varuint(subtype) + write_varbytes(payload)


def encode_awareness(update: bytes) -> bytes:
    return write_varuint(AWARENESS) + write_varbytes(update)


@dataclass(frozen=True)
class AwarenessState:
    client_id: int
    clock: int
    state: dict | None  # None: the client is gone


def decode_awareness(update: bytes) -> list[AwarenessState]:
    """Each client's state in an awareness update (y-protocols awareness.js `applyAwarenessUpdate`)."""
    count, at = read_varuint(update)
    # Each entry takes at least three bytes: a count beyond that is a lie, not a reason to loop.
    if count > (len(update) - at) // 3:
        raise ProtocolError("The awareness update counts more clients than it holds.")
    states = []
    for _ in range(count):
        client_id, at = read_varuint(update, at)
        clock, at = read_varuint(update, at)
        text, at = read_varbytes(update, at)
        try:
            state = json.loads(text.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise ProtocolError("An awareness state is not JSON.") from error
        if state is not None and not isinstance(state, dict):
            raise ProtocolError("An awareness state is not a JSON object.")
        states.append(AwarenessState(client_id, clock, state))
    if at != len(update):
        raise ProtocolError("The awareness update has bytes after its clients.")
    return states


def encode_awareness_update(states: list[AwarenessState]) -> bytes:
    out = bytearray(write_varuint(len(states)))
    for entry in states:
        text = json.dumps(entry.state, separators=(",", ":"), ensure_ascii=False).encode()
        out += write_varuint(entry.client_id) + write_varuint(entry.clock) + write_varbytes(text)
    return bytes(out)
