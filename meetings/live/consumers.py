"""The live room's socket: one section of a meeting, spoken in y-websocket's protocol (meetings/lib/yprotocol.py).

Connect is a view's lookup and permission check: whoever may not read the section is closed with 4403 (a close
code y-websocket clients take as final); whoever may read but not write gets a read-only connection, whose
document frames and awareness are dropped here, frame by frame, while its state vector is still answered. The
right to write is asked again every PMC_LIVE_RECHECK_SECONDS by a timer (a frame asks only when the timer is
late, so that keystrokes do not wait for the database), so a lead whose team was taken away, or whose meeting was
published meanwhile, is closed with 4403.

The document is the room's (meetings/services/live.py), one copy per app server: a client's update is applied to
this server's copy, which sends it to the other connections here, and relayed through the section's channel-layer
group to the other servers, whose copies apply it and send it to theirs. Awareness goes the same two ways: through
the room to this server's connections, through the group to the others'. What a socket is sent waits in its
Outbox (outbox.py), which merges what gathers while a frame is on its way.
"""

import asyncio
import colorsys
import hashlib
import logging
import time
from datetime import date
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404

from .. import permissions
from ..lib import yprotocol
from ..lib.yprotocol import AwarenessState, ProtocolError
from ..models import AgendaItem, BacklogReport
from ..models.people import person_name
from ..queries.minutes import written_sections
from ..services.live import RoomError, open_room, room_group
from ..views.lookup import get_meeting
from .base import LiveConsumer
from .outbox import Outbox

logger = logging.getLogger(__name__)

REFUSED = 4403  # not signed in, may not read the section, or no longer may write it
MALFORMED = 4400  # not y-websocket's protocol
TOO_LARGE = 4413
SERVER_ERROR = 1011
# y-websocket reconnects after 30 s without a message: something goes out well before.
HEARTBEAT_SECONDS = 20
# Awareness client ids one connection may hold (a tab has one; a few more across its reconnections): what it
# sends for more is dropped, so that a writer cannot grow the server's memory or fill others' screens.
MAX_CLIENTS_PER_CONNECTION = 8
# An empty awareness update: harmless to every client, and it counts as a message.
_HEARTBEAT = yprotocol.encode_awareness(yprotocol.encode_awareness_update([]))


def find_section(user, committee: str, day: str, anchor: str) -> tuple[AgendaItem | BacklogReport, bool]:
    """The section with that anchor on the meeting page, and whether the user may write it (else read it).

    Raises PermissionDenied or Http404 as the views' lookups do, for anyone not signed in too.
    """
    if not user.is_authenticated or not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
        raise PermissionDenied
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such date.") from None
    meeting = get_meeting(SimpleNamespace(user=user), committee, when)
    # Asked again every few seconds for every connection: the reports' teams read with them, not one by one.
    prefetch_related_objects([meeting], Prefetch("reports", BacklogReport.objects.select_related("team")), "items")
    found = next((s for s in written_sections(meeting) if s.anchor == anchor and s.field == "body"), None)
    if found is None:
        raise Http404("No such section.")
    section = found.section
    section.meeting = meeting
    if isinstance(section, BacklogReport):
        return section, permissions.can_edit_report(user, section)
    return section, permissions.can_take_notes(user, meeting)


def user_colour(user_id: int) -> str:
    """A #rrggbb colour of the user's own, the same on every connection and server."""
    hue = int.from_bytes(hashlib.sha256(str(user_id).encode()).digest()[:2], "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.45, 0.7)
    return "#{:02x}{:02x}{:02x}".format(*(round(channel * 255) for channel in (red, green, blue)))


def other_servers(layer) -> bool:
    """Whether other app servers may hold copies of a room: not with the in-memory layer, which is this process's."""
    return not isinstance(layer, InMemoryChannelLayer)


def group_name(section: AgendaItem | BacklogReport) -> str:
    return room_group("report" if isinstance(section, BacklogReport) else "item", section.pk)


class SectionConsumer(LiveConsumer):
    room = None
    ticker = None
    can_write = False
    closing = False

    async def connect(self):
        self.user = self.scope["user"]
        self.route = self.scope["url_route"]["kwargs"]
        # Accepted before refusing: a WebSocket refused at the handshake tells the client nothing, and
        # y-websocket retries it forever; a close code in 4400-4499 it takes as final.
        await self.accept()
        self.outbox = Outbox(self._send)
        try:
            section, self.can_write = await self._look_up()
        except (PermissionDenied, Http404):
            await self._refuse(REFUSED)
            return
        self.group = group_name(section)
        # What others see of this connection, whatever its client says (awareness is client-forged).
        self.name = await database_sync_to_async(person_name)(self.user) or f"@{self.user.username}"
        self.colour = user_colour(self.user.pk)
        self.owned: dict[int, AwarenessState] = {}  # the awareness states this connection's clients sent
        self.checked_at = time.monotonic()
        self.sent_at = time.monotonic()
        self.room = await open_room(section)
        self.room.observe(self._forward, key=self.channel_name)
        self.room.observe_presence(self.outbox.awareness, key=self.channel_name)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.outbox.frame(yprotocol.encode_sync(yprotocol.SYNC_STEP1, self.room.sync_step1()))
        await self._ask_awareness()
        self.ticker = asyncio.create_task(self._tick())

    async def disconnect(self, code):
        if self.ticker is not None:
            self.ticker.cancel()
        if self.room is None:
            return
        self.outbox.close()
        self.room.unobserve(self._forward)
        self.room.unobserve_presence(self.channel_name)
        if self.owned:
            await self._share_awareness([AwarenessState(s.client_id, s.clock + 1, None) for s in self.owned.values()])
        await self.channel_layer.group_discard(self.group, self.channel_name)
        room, self.room = self.room, None
        await room.leave()  # saves: on a server's shutdown too, which closes every socket first

    async def receive(self, text_data=None, bytes_data=None):
        if self.room is None or self.closing:
            return
        if bytes_data is None:
            await self._refuse(MALFORMED)
            return
        if len(bytes_data) > settings.PMC_LIVE_MAX_FRAME_BYTES:
            await self._refuse(TOO_LARGE)
            return
        try:
            message = yprotocol.decode(bytes_data)
            if message.type == yprotocol.SYNC:
                await self._on_sync(message, bytes_data)
            elif message.type == yprotocol.AWARENESS:
                await self._on_awareness(message.payload)
            else:
                await self._ask_awareness()
        except (ProtocolError, RoomError):
            await self._refuse(MALFORMED)

    async def _refuse(self, code: int) -> None:
        """Close; frames already on their way are not acted on."""
        self.closing, self.can_write = True, False
        self.outbox.close()
        await self.close(code=code)

    async def _on_sync(self, message, frame: bytes) -> None:
        if message.subtype == yprotocol.SYNC_STEP1:
            self.outbox.frame(yprotocol.encode_sync(yprotocol.SYNC_STEP2, self.room.answer_step1(message.payload)))
            return
        # SyncStep2 and Update both change the document (a reconnecting client's offline edits come as step 2).
        # The ticker asks for the right to write again on time; a frame asks only when it is late (a stalled loop),
        # so a keystroke does not wait for the database.
        if not self.can_write or not await self._may_still_write(settings.PMC_LIVE_RECHECK_SECONDS * 2):
            return
        await self.room.apply(message.payload, by=self.user, sender=self.channel_name)
        if other_servers(self.channel_layer):
            # The other servers' copies of the room (this server's connections were sent it by the room).
            await self.channel_layer.group_send(
                self.group,
                {"type": "room.update", "update": message.payload, "by": self.user.pk, "origin": self.room.origin},
            )

    def _forward(self, update: bytes) -> None:
        """The room's document changed (another connection here, another server, a form): tell this client."""
        if not self.closing and self.room is not None:
            self.outbox.update(update)

    async def room_update(self, event):
        """Another server's client changed the document: apply it to this server's copy (once for all here)."""
        if self.room is not None and event["origin"] != self.room.origin:
            await self.room.apply_remote(event["update"], by=event["by"])

    async def _on_awareness(self, update: bytes) -> None:
        states = yprotocol.decode_awareness(update)
        if not self.can_write:
            return  # a reader is nobody's cursor: its states could only be forged
        rewritten = []
        for state in states:
            if state.client_id not in self.owned and (
                state.state is None or len(self.owned) >= MAX_CLIENTS_PER_CONNECTION
            ):
                continue  # past the cap, or another connection's client to remove
            if state.state is not None:
                user = state.state.get("user")
                user = dict(user) if isinstance(user, dict) else {}
                user.update(name=self.name, color=self.colour, colorLight=self.colour + "33")
                state = AwarenessState(state.client_id, state.clock, {**state.state, "user": user})
                self.owned[state.client_id] = state
            else:
                self.owned.pop(state.client_id, None)
            rewritten.append(state)
        if rewritten:
            await self._share_awareness(rewritten)

    async def _ask_awareness(self) -> None:
        """Every connection of the room, on every server, sends this one its clients' states."""
        await self.channel_layer.group_send(self.group, {"type": "room.awareness_query", "to": self.channel_name})

    async def _share_awareness(self, states: list[AwarenessState]) -> None:
        """To every connection of the room: this server's through the room, the others' through the group."""
        self.room.share_presence(states)
        if other_servers(self.channel_layer):
            update = yprotocol.encode_awareness_update(states)
            await self.channel_layer.group_send(
                self.group, {"type": "room.awareness", "update": update, "origin": self.room.origin}
            )

    async def room_awareness(self, event):
        """Cursors from another server's connections (this server's own came through the room), or asked for."""
        if self.room is not None and event["origin"] != self.room.origin:
            self.outbox.awareness(yprotocol.decode_awareness(event["update"]))

    async def room_awareness_query(self, event):
        if self.owned and self.room is not None:
            update = yprotocol.encode_awareness_update(list(self.owned.values()))
            await self.channel_layer.send(event["to"], {"type": "room.awareness", "update": update, "origin": ""})

    async def _send(self, frame: bytes) -> None:
        self.sent_at = time.monotonic()
        await self.send(bytes_data=frame)

    async def _look_up(self):
        route = self.route
        return await database_sync_to_async(find_section)(self.user, route["committee"], route["date"], route["anchor"])

    async def _may_still_write(self, older_than: float | None = None) -> bool:
        """Asks again when the last answer is older than that (PMC_LIVE_RECHECK_SECONDS); closes with 4403 on a no."""
        limit = settings.PMC_LIVE_RECHECK_SECONDS if older_than is None else older_than
        if time.monotonic() - self.checked_at < limit:
            return True
        try:
            _, can_write = await self._look_up()
        except (PermissionDenied, Http404):
            can_write = False
        self.checked_at = time.monotonic()
        if not can_write:
            await self._refuse(REFUSED)
        return can_write

    async def _tick(self) -> None:
        """Keeps the link alive, and asks the connection's rights again while it does not write."""
        interval = min(HEARTBEAT_SECONDS, max(settings.PMC_LIVE_RECHECK_SECONDS, 0.5))
        try:
            while not self.closing:
                await asyncio.sleep(interval)
                if self.can_write:
                    await self._may_still_write()
                elif not self.closing:
                    await self._may_still_read()
                if not self.closing and self.room is not None:
                    await self.room.catch_up(older_than=interval / 2)  # once per room, whichever connection asks
                if not self.closing and time.monotonic() - self.sent_at >= HEARTBEAT_SECONDS:
                    self.outbox.frame(_HEARTBEAT)
        except Exception:
            # Rights that cannot be asked are not assumed: the client reconnects (1011 is not final) and is asked anew.
            logger.exception("The live room could not check a connection's rights")
            await self._refuse(SERVER_ERROR)

    async def _may_still_read(self) -> bool:
        try:
            await self._look_up()
        except (PermissionDenied, Http404):
            await self._refuse(REFUSED)
            return False
        return True
