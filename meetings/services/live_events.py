"""What happens in a meeting's live room, told to everyone following the meeting (its page, its room) on any server.

A meeting's events go to one channel-layer group; meetings/live/meeting_consumer.py forwards them to the browsers
allowed to read them. A section's text, changed in a room of this process, goes out as the HTML its meeting page
shows, rendered here once per change (at most every SECTION_THROTTLE_SECONDS per section, the last state always
sent), never per follower. Its readers: the meeting's committee while it is a draft, everyone once it is public.
"""

import asyncio
import logging
import time
from datetime import date

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.template.loader import render_to_string

from ..models import AgendaItem, BacklogReport
from ..queries.minutes import number_anchors

logger = logging.getLogger(__name__)

SECTION_THROTTLE_SECONDS = 0.25
# A published meeting's page connects only while its sections change (meeting_consumer.py): this long after the last.
LIVE_MARK_SECONDS = 600
FORGET_AFTER_SECTIONS = 256  # throttles kept before the idle ones are forgotten


def meeting_group(meeting_id: int) -> str:
    return f"live.meeting.{meeting_id}"


def live_mark_key(committee: str, day: date | str) -> str:
    """The cache key saying that a meeting's sections changed lately, by what a socket's URL names."""
    return f"live:changing:{committee}:{day}"


async def apublish(meeting_id: int, event: dict, *, committee_only: bool = False) -> None:
    """Send `event` (a JSON-serialisable dict with a "type": "section", "run", "attendance"...) to the followers.

    `committee_only`: for the committee's chairs and leads (who see drafts and private notes), no one else.
    """
    message = {"type": "meeting.event", "event": event, "committee_only": committee_only}
    await get_channel_layer().group_send(meeting_group(meeting_id), message)


def publish(meeting_id: int, event: dict, *, committee_only: bool = False) -> None:
    """As apublish, from synchronous code (a view, a service)."""
    async_to_sync(apublish)(meeting_id, event, committee_only=committee_only)


def render_section_body(section: AgendaItem | BacklogReport) -> str:
    """The section's body as its meeting page shows it (the partial the page includes), without its private note."""
    kind = "report" if isinstance(section, BacklogReport) else section.kind
    return render_to_string("meetings/includes/section_body.html", {"section": section, "kind": kind})


def section_event(section: AgendaItem | BacklogReport, text: str) -> tuple[int, dict, bool] | None:
    """(meeting id, the "section" event of `text` as the section's body, whether only the committee may read it)."""
    if isinstance(section, BacklogReport):
        anchor = section.team.slug
    else:
        items = list(AgendaItem.objects.filter(meeting=section.meeting_id).only("pk", "title", "position"))
        taken = BacklogReport.objects.filter(meeting=section.meeting_id).values_list("team__slug", flat=True)
        number_anchors(items, taken=list(taken))
        anchor = next((item.page_anchor for item in items if item.pk == section.pk), None)
        if anchor is None:
            return None  # removed meanwhile: no page shows it
    section.body = text  # not saved: the room's text, ahead of the debounced save
    meeting = section.meeting
    event = {"type": "section", "anchor": anchor, "html": render_section_body(section)}
    cache.set(live_mark_key(meeting.committee.slug, meeting.date.isoformat()), True, LIVE_MARK_SECONDS)
    return meeting.pk, event, not meeting.is_published


def _load(kind: str, section_id: int) -> AgendaItem | BacklogReport | None:
    model = BacklogReport if kind == "report" else AgendaItem
    related = ["meeting__committee", "team"] if kind == "report" else ["meeting__committee"]
    return model.objects.select_related(*related).filter(pk=section_id).first()


def _event_of(room) -> tuple[int, dict, bool] | None:
    section = _load(room.kind, room.section_id)
    return None if section is None else section_event(section, room.text)


class _Pending:
    """One section's throttle: when its last event went out, and the send waiting, if any."""

    def __init__(self) -> None:
        self.sent_at = float("-inf")
        self.timer: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # the timer's: one that stopped never fires


_pending: dict[tuple[str, int], _Pending] = {}
_tasks: set[asyncio.Task] = set()


def section_changed(room, *, local: bool, loop: asyncio.AbstractEventLoop | None = None) -> None:
    """A room's text changed: its followers get the new text soon. Only the server that applied a change locally
    tells it (others' rooms apply the same change as a remote one); callable from any thread.

    `room` has `kind`, `section_id` and `text` (services/live.py's Room); `loop` is the one it runs its timers on.
    """
    if not local:
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is not None:
        _schedule(room, running)
    elif loop is not None and loop.is_running():
        loop.call_soon_threadsafe(_schedule, room, loop)
    else:
        # A writer outside any event loop (a form, the API) with no loop to wait on: told at once. Their save
        # is done; a follower missing it is no reason to fail it.
        try:
            event = _event_of(room)
            if event is not None:
                meeting_id, body, committee_only = event
                publish(meeting_id, body, committee_only=committee_only)
        except Exception:
            logger.exception("The live section %s %s could not be told to its followers", room.kind, room.section_id)


def _schedule(room, loop: asyncio.AbstractEventLoop) -> None:
    key = (room.kind, room.section_id)
    pending = _pending.setdefault(key, _Pending())
    if pending.timer is not None and pending.loop is loop:
        return  # the send waiting reads the text when it goes: the last state
    delay = max(0.0, pending.sent_at + SECTION_THROTTLE_SECONDS - time.monotonic())
    pending.timer, pending.loop = loop.call_later(delay, _spawn, room, pending), loop


def _spawn(room, pending: _Pending) -> None:
    pending.timer = None
    pending.sent_at = now = time.monotonic()
    if len(_pending) > FORGET_AFTER_SECTIONS:  # the sections nobody changed for a while
        for key, idle in list(_pending.items()):
            if idle.timer is None and now - idle.sent_at > 60:
                del _pending[key]
    task = asyncio.ensure_future(_send(room))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _send(room) -> None:
    try:
        event = await sync_to_async(_event_of)(room)
        if event is not None:
            meeting_id, body, committee_only = event
            await apublish(meeting_id, body, committee_only=committee_only)
    except Exception:
        # The followers miss this state, not the next one; the text itself is the room's to save.
        logger.exception("The live section %s %s could not be told to its followers", room.kind, room.section_id)
