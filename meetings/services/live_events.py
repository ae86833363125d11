"""What happens in a meeting's live room, told to everyone following the meeting (its page, its room) on any server.

A meeting's events go to one channel-layer group; meetings/live/ forwards them to the browsers allowed to read them.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def meeting_group(meeting_id: int) -> str:
    return f"live.meeting.{meeting_id}"


async def apublish(meeting_id: int, event: dict) -> None:
    """Send `event` (a JSON-serialisable dict with a "type": "section", "run", "attendance", ...) to the meeting's followers."""
    await get_channel_layer().group_send(meeting_group(meeting_id), {"type": "meeting.event", "event": event})


def publish(meeting_id: int, event: dict) -> None:
    """As apublish, from synchronous code (a view, a service)."""
    async_to_sync(apublish)(meeting_id, event)
