"""The chair's sections over the socket (meetings/live/consumers.py find_section): the chair and the meeting's
note-takers write them; other leads only read them, and a note-taker no longer named stops writing."""

import pytest
from asgiref.sync import sync_to_async

from meetings.lib import yprotocol
from tests.live.test_consumers import anchor_of, joined, room_contents, synchronously, text_of

pytestmark = pytest.mark.django_db(transaction=True)


@synchronously
async def test_a_note_taker_writes_the_discussion_with_the_chair(people, draft):
    await sync_to_async(draft.note_takers.add)(people["lead_x"])
    anchor = await sync_to_async(anchor_of)(draft, "Discussion")
    chair = await joined(people["chair"], draft, anchor)
    taker = await joined(people["lead_x"], draft, anchor)
    await taker.type("Noted by the note-taker.")
    assert str(text_of(await chair.receive_sync(yprotocol.SYNC_UPDATE))) == "Noted by the note-taker."
    assert await room_contents(people["chair"], draft, anchor) == "Noted by the note-taker."
    await chair.socket.disconnect()
    await taker.socket.disconnect()


@synchronously
async def test_a_lead_not_named_only_reads_the_discussion_while_another_takes_notes(people, draft):
    await sync_to_async(draft.note_takers.add)(people["lead_x"])
    anchor = await sync_to_async(anchor_of)(draft, "Discussion")
    taker = await joined(people["lead_x"], draft, anchor)
    other = await joined(people["lead_y"], draft, anchor)
    await other.type("Not named.")
    assert await taker.socket.receive_nothing(timeout=0.2)
    assert await room_contents(people["chair"], draft, anchor) == ""
    await taker.socket.disconnect()
    await other.socket.disconnect()


@synchronously
async def test_a_note_taker_no_longer_named_stops_writing(people, draft, settings):
    settings.PMC_LIVE_RECHECK_SECONDS = 0
    await sync_to_async(draft.note_takers.add)(people["lead_x"])
    anchor = await sync_to_async(anchor_of)(draft, "Discussion")
    taker = await joined(people["lead_x"], draft, anchor)
    await sync_to_async(draft.note_takers.remove)(people["lead_x"])
    await taker.type("After being unnamed.")
    assert await taker.closed_with() == 4403
    assert await room_contents(people["chair"], draft, anchor) == ""
