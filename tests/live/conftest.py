"""The live room's sockets, driven through the real ASGI application with real sessions."""

import pytest

from tests.support.live import drop_rooms


@pytest.fixture(autouse=True)
def fresh_rooms():
    """Rooms are per process: a test's rooms (and their section ids) must not meet the next test's."""
    drop_rooms()
    yield
    drop_rooms()
