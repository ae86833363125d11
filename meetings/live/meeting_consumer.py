"""The meeting's socket: what its followers (its page, its room) are told as it happens, and who is there.

Whoever may read the meeting connects, anonymous readers of published minutes too; the others are closed with 4403,
and the right is asked again every PMC_LIVE_RECHECK_SECONDS. The meeting's events (services/live_events.py) go out as
JSON text frames; those meant for the committee only (a draft's text, anything private) reach its chairs and leads
alone. Presence: chairs and leads are named (name and colour set here, the section they say they are in); everyone
else is counted, never named. A published page asks with ?changing: while none of the meeting's sections changed
lately it is closed with 4404 after one cache read (no query), and asks again later.
"""

import asyncio
import json
import logging
import re
import time
from datetime import date
from types import SimpleNamespace

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .. import permissions
from ..models import Meeting
from ..models.people import person_name, public_name
from ..queries.minutes import written_sections
from ..services.live_events import live_mark_key, meeting_group
from ..views.lookup import get_meeting
from .base import LiveConsumer
from .consumers import MALFORMED, REFUSED, SERVER_ERROR, user_colour

logger = logging.getLogger(__name__)

NOT_CHANGING = 4404  # a published meeting nobody is changing: nothing to follow now
HEARTBEAT_SECONDS = 20  # proxies close sockets that say nothing for a minute
PRESENCE_REFRESH_SECONDS = 60  # each connection tells the others it is still there...
PRESENCE_EXPIRY_SECONDS = 150  # ...and is forgotten when it stopped (its server died without a goodbye)
PRESENCE_COALESCE_SECONDS = 0.05  # a newcomer's replies arrive together: one presence frame for them
MAX_MESSAGE_CHARS = 1000
ANCHOR = re.compile(r"[-a-zA-Z0-9_]{1,200}")


def find_meeting(user, committee: str, day: str) -> tuple[Meeting, bool]:
    """The meeting the user may read, and whether they are of its committee (see drafts and private notes).

    Raises PermissionDenied or Http404 as the views' lookups do. A deactivated account is an anonymous reader.
    """
    if user.is_authenticated and not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
        user = AnonymousUser()
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such date.") from None
    meeting = get_meeting(SimpleNamespace(user=user), committee, when)
    return meeting, permissions.can_see_private_notes(user, meeting)


def section_anchors(meeting: Meeting) -> set[str]:
    return {section.anchor for section in written_sections(meeting) if section.field == "body"}


class MeetingConsumer(LiveConsumer):
    meeting = None
    ticker = None
    flusher = None
    closing = False
    member = False

    async def connect(self):
        self.user = self.scope["user"]
        self.route = self.scope["url_route"]["kwargs"]
        self.while_changing = b"changing" in self.scope.get("query_string", b"").split(b"&")
        # Accepted before refusing, as the section's socket: a close code in 4400-4499 is final to the client.
        await self.accept()
        if self.while_changing and not await self._changing():
            await self._close(NOT_CHANGING)
            return
        try:
            self.meeting, self.member = await self._look_up()
        except (PermissionDenied, Http404):
            await self._close(REFUSED)
            return
        self.group = meeting_group(self.meeting.pk)
        self.anchors: set[str] | None = None  # read on the first "here"
        self.me = await self._entry()
        self.present: dict[str, dict] = {self.channel_name: self.me}  # every connection of the meeting, by channel
        self.seen: dict[str, float] = {}
        self.told = None  # the last presence frame sent
        self.checked_at = self.sent_at = time.monotonic()
        self.announced_at = time.monotonic()
        await self.channel_layer.group_add(self.group, self.channel_name)
        # Every connection, on every server, adds this one and answers with its own entry.
        await self._broadcast({"type": "presence.hello", "entry": self.me})
        self._presence_changed()
        self.ticker = asyncio.create_task(self._tick())

    async def disconnect(self, code):
        for task in (self.ticker, self.flusher):
            if task is not None:
                task.cancel()
        if self.meeting is None:
            return
        meeting, self.meeting = self.meeting, None
        await self.channel_layer.group_send(
            meeting_group(meeting.pk), {"type": "presence.gone", "channel": self.channel_name}
        )
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if self.meeting is None or self.closing:
            return
        try:
            if text_data is None or len(text_data) > MAX_MESSAGE_CHARS:
                raise ValueError("not a short JSON text")
            message = json.loads(text_data)
            if not isinstance(message, dict):
                raise ValueError("not an object")
        except ValueError:
            await self._close(MALFORMED)
            return
        if message.get("type") == "here":
            await self._here(message.get("anchor"))
        # Other types are ignored: a newer page may say more than this server knows.

    async def _here(self, anchor) -> None:
        """The person is now in that section (None: in none); readers who are not named say nothing."""
        if anchor is not None and (not isinstance(anchor, str) or not ANCHOR.fullmatch(anchor)):
            await self._close(MALFORMED)
            return
        if not self.member or anchor == self.me["anchor"]:
            return
        if anchor is not None:
            if self.anchors is None:
                self.anchors = await database_sync_to_async(section_anchors)(self.meeting)
            if anchor not in self.anchors:
                anchor = None
        self.me = {**self.me, "anchor": anchor}
        await self._broadcast({"type": "presence.entry", "entry": self.me})

    # The meeting's events.

    async def meeting_event(self, message):
        if self.meeting is None or self.closing:
            return
        if message.get("committee_only") and not self.member:
            return  # a draft's text or a private note: the committee's only
        await self._send_json(message["event"])

    # Presence.

    async def presence_hello(self, message):
        entry = message["entry"]
        if self.meeting is None or entry["channel"] == self.channel_name:
            return
        self._add(entry)
        await self.channel_layer.send(entry["channel"], {"type": "presence.entry", "entry": self.me})

    async def presence_entry(self, message):
        if self.meeting is not None:
            self._add(message["entry"])

    async def presence_gone(self, message):
        if self.meeting is not None and self.present.pop(message["channel"], None) is not None:
            self.seen.pop(message["channel"], None)
            self._presence_changed()

    def _add(self, entry: dict) -> None:
        self.seen[entry["channel"]] = time.monotonic()  # this server's clock: others' may differ
        if self.present.get(entry["channel"]) != entry:
            self.present[entry["channel"]] = entry
            self._presence_changed()

    def _presence_changed(self) -> None:
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.create_task(self._tell_presence())

    async def _tell_presence(self) -> None:
        await asyncio.sleep(PRESENCE_COALESCE_SECONDS)
        if self.meeting is None or self.closing:
            return
        frame = presence_frame(self.present.values(), inside=self.member)
        if frame != self.told:
            self.told = frame
            await self._send_json(frame)

    async def _entry(self) -> dict:
        """What the others know of this connection: a name and colour of the server's for the committee's people."""
        entry = {"channel": self.channel_name, "who": None, "name": None, "colour": None, "anchor": None}
        if self.member:
            name = await database_sync_to_async(public_name)(self.user)
            # Inside the committee a person without a name is known by their handle, as their cursor is.
            handle = await database_sync_to_async(person_name)(self.user) or f"@{self.user.username}"
            entry.update(who=self.user.pk, name=name, handle=handle, colour=user_colour(self.user.pk))
        return entry

    # Rights, and keeping the link.

    async def _tick(self) -> None:
        interval = min(HEARTBEAT_SECONDS, max(settings.PMC_LIVE_RECHECK_SECONDS, 0.5))
        try:
            while not self.closing:
                await asyncio.sleep(interval)
                now = time.monotonic()
                if now - self.checked_at >= settings.PMC_LIVE_RECHECK_SECONDS and not await self._may_still_read():
                    return
                if now - self.announced_at >= PRESENCE_REFRESH_SECONDS:
                    self.announced_at = now
                    await self._broadcast({"type": "presence.entry", "entry": self.me})
                gone = [channel for channel, at in self.seen.items() if now - at > PRESENCE_EXPIRY_SECONDS]
                for channel in gone:
                    self.present.pop(channel, None)
                    self.seen.pop(channel, None)
                if gone:
                    self._presence_changed()
                if now - self.sent_at >= HEARTBEAT_SECONDS:
                    await self._send_json({"type": "ping"})
        except asyncio.CancelledError:
            raise
        except Exception:
            # Rights that cannot be asked are not assumed: 1011 is not final, the client comes back and is asked anew.
            logger.exception("The meeting socket could not check a connection's rights")
            await self._close(SERVER_ERROR)

    async def _may_still_read(self) -> bool:
        self.checked_at = time.monotonic()
        if self.while_changing and not await self._changing():
            await self._close(NOT_CHANGING)
            return False
        try:
            _, member = await self._look_up()
        except (PermissionDenied, Http404):
            await self._close(REFUSED)
            return False
        if member != self.member:  # a lead whose team was taken away is no longer named, nor told the committee's
            self.member = member
            self.me = await self._entry()
            await self._broadcast({"type": "presence.entry", "entry": self.me})
        return True

    async def _changing(self) -> bool:
        return bool(await cache.aget(live_mark_key(self.route["committee"], self.route["date"])))

    async def _look_up(self) -> tuple[Meeting, bool]:
        return await database_sync_to_async(find_meeting)(self.user, self.route["committee"], self.route["date"])

    async def _broadcast(self, message: dict) -> None:
        await self.channel_layer.group_send(self.group, message)

    async def _send_json(self, data: dict) -> None:
        self.sent_at = time.monotonic()
        await self.send(text_data=json.dumps(data))

    async def _close(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)


def presence_frame(entries, *, inside: bool = False) -> dict:
    """{"type": "presence", "people": [{"name", "colour", "anchor"}], "others": n}: each named person once (in a
    section if any of their tabs is), everyone else as a count. `inside` (the committee's own people) get handles
    for the people with no name; the public never sees a username."""
    people: dict[int, dict] = {}
    others = 0
    for entry in entries:
        if entry["who"] is None:
            others += 1
            continue
        known = people.get(entry["who"])
        if known is None or (known["anchor"] is None and entry["anchor"] is not None):
            name = entry.get("handle", entry["name"]) if inside else entry["name"]
            people[entry["who"]] = {"name": name, "colour": entry["colour"], "anchor": entry["anchor"]}
    named = sorted(people.values(), key=lambda person: (person["name"].casefold(), person["colour"]))
    return {"type": "presence", "people": named, "others": others}
