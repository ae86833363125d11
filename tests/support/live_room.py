"""The live room's document for the socket's tests: meetings.services.live when it exists, else a stand-in.

The stand-in keeps one pycrdt Doc per section in memory, with the interface the consumer is written against
(open_room, RoomError, sync_step1, answer_step1, apply, observe, unobserve, leave), and records who applied what,
so that tests can tell an update applied from one dropped. It persists nothing.
"""

import importlib.util
import sys
import types

from pycrdt import Doc


class RoomError(Exception):
    pass


class StandInRoom:
    def __init__(self):
        self.doc = Doc()
        self.applied: list[tuple[bytes, object]] = []
        self.observers = []
        self.connections = 0

    def sync_step1(self) -> bytes:
        return self.doc.get_state()

    def answer_step1(self, state_vector: bytes) -> bytes:
        try:
            return self.doc.get_update(state_vector)
        except Exception as error:
            raise RoomError("Not a state vector.") from error

    async def apply(self, update: bytes, *, by) -> None:
        try:
            self.doc.apply_update(update)
        except Exception as error:
            raise RoomError("Not an update.") from error
        self.applied.append((update, by))
        for callback in list(self.observers):
            callback(update)

    def observe(self, callback) -> None:
        self.observers.append(callback)

    def unobserve(self, callback) -> None:
        self.observers.remove(callback)

    async def leave(self) -> None:
        self.connections -= 1


ROOMS: dict[tuple[str, int], StandInRoom] = {}


async def open_room(section) -> StandInRoom:
    room = ROOMS.setdefault((type(section).__name__, section.pk), StandInRoom())
    room.connections += 1
    return room


def install_if_absent() -> bool:
    """Put the stand-in in place of meetings.services.live unless the real one exists; True if it did."""
    # Found, not imported: this runs before Django is set up (tests/deploy/test_asgi.py's server too).
    if importlib.util.find_spec("meetings.services.live") is not None:
        return False
    module = types.ModuleType("meetings.services.live")
    module.open_room, module.RoomError = open_room, RoomError
    sys.modules["meetings.services.live"] = module
    return True


def room_for(section):
    """The stand-in's room of a section (None with the real service, whose own tests cover it)."""
    return ROOMS.get((type(section).__name__, section.pk))
