"""The live room's sockets, driven through the real ASGI application with real sessions."""

import pytest

from tests.support import live_room

# Before the application is imported: it imports the room's service.
STAND_IN = live_room.install_if_absent()


@pytest.fixture(autouse=True)
def fresh_rooms():
    live_room.ROOMS.clear()
    yield
    live_room.ROOMS.clear()
