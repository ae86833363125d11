"""The live rooms of the test process (meetings/services/live.py keeps them per process)."""

from meetings.services import live


def drop_rooms() -> None:
    """What a killed process leaves: no room in memory, no save, only what reached the database."""
    for room in list(live._rooms.values()):
        room._cancel_timers()
    live._rooms.clear()
