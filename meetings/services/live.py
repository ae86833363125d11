"""The live room's document of a section: one Yjs document per report or agenda item, kept in step with its body.

The body stays the minutes' text; a room holds it as a pycrdt `Doc` (Text "body") in each app server with a
connection to it. The database is where the servers meet: `LiveState` is the document as its text was last
saved as the body, `LiveUpdate` the log of what was applied since, by every server. A server logs and saves what
its own clients send; what other servers relay it applies (Yjs updates are idempotent) without logging. A body
saved outside the room (a form, the API) is merged into the state once, under a lock on its `LiveState`, as a
text diff against the state it was saved from, so every character keeps its identity and nothing is doubled.
"""

import asyncio
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.contrib.auth import get_user_model
from django.db import transaction
from pycrdt import Doc, Text

from ..lib.rendering import MAX_MARKDOWN_CHARS, MarkdownTooComplex, check_markdown
from ..lib.textedits import text_edits, utf8_offset
from ..models import AgendaItem, BacklogReport, LiveState, LiveUpdate, Revision, RevisionSource
from .editing import save_item, save_section_body
from .live_events import section_changed
from .search_index import reindex_meeting

logger = logging.getLogger(__name__)

TEXT_NAME = "body"
SEED_CLIENT_ID = 0  # every process seeds a text with the same update: no duplicate if two do it
LOG_BATCH_SECONDS = 0.2
# The section's Markdown is at most a second behind what is typed: saved after a pause in typing, and under
# continuous typing a second after the first unsaved change (the log, every LOG_BATCH_SECONDS, covers a crash).
SAVE_PAUSE_SECONDS = 1.0
SAVE_AT_MOST_SECONDS = 1.0
BACKUP_SAVE_SECONDS = 5.0  # another server's change: its own server saves it; this one only in case that one died
# The search index (and the decisions and actions read from the text) follows the room's saves this far behind at
# most: rebuilding a meeting's index at every save, once a second in each of twenty rooms, held up every room.
INDEX_SECONDS = 10.0
# One revision per author while they keep writing; a new one after this pause or once someone else wrote.
REVISION_PAUSE = timedelta(seconds=60)
AMENDED_LIVE = "Amended live"  # the reason an amendment made in the room records
# A whole text pasted at once, in UTF-8 (up to 4 bytes a character), with room for the update's own encoding.
MAX_UPDATE_BYTES = 4 * MAX_MARKDOWN_CHARS + 65_536
_NOTHING = b"\x00\x00"  # the update of a transaction that changed nothing

Section = BacklogReport | AgendaItem

# Called as hook(room, local) on the room's event loop after its text changed: `local` when this process made the
# change (its own client, merge_text, an outside save it merged), not when it took in another server's.
text_changed: list[Callable[["Room", bool], None]] = [
    lambda room, local: section_changed(room, local=local, loop=room._loop),  # the meeting page's followers
]


class RoomError(Exception):
    """An update the room refuses (not applied), with a message for the writer."""


def room_group(kind: str, section_id: int) -> str:
    """The channel-layer group of a section's connections on every server."""
    return f"live.{kind}.{section_id}"


class Room:
    """The live document of one section in this process; made by `open_room` (or by `merge_text`, for one save)."""

    def __init__(self, kind: str, section_id: int, *, lineage):
        self.kind = kind
        self.section_id = section_id
        self.lineage = str(lineage)
        self.origin = uuid.uuid4().hex  # this copy of the document: relayed updates name it, so it skips its own
        self._lock = threading.RLock()  # the document and what waits to be written
        self._write_lock = threading.Lock()  # one writer to the database at a time
        self._doc = Doc()
        self._text = self._doc.get(TEXT_NAME, type=Text)
        # A copy kept in step, on which a client's update is tried before the document takes it: trying it on a copy
        # made for each keystroke cost the whole document's encoding every time.
        self._shadow = Doc()
        self._changes: list[bytes] = []
        self._subscription = self._doc.observe(lambda event: self._changes.append(event.update))
        self._observers: list[tuple[Callable[[bytes], None], object]] = []
        self._presence: list[tuple[Callable[[list], None], object]] = []
        self._connections = 0
        self._pending: list[LiveUpdate] = []  # applied, not yet in the log
        self._authors: list[int | None] = []  # who changed the text since the last save, in order
        self._loop: asyncio.AbstractEventLoop | None = None
        self._log_timer: asyncio.TimerHandle | None = None
        self._save_timer: asyncio.TimerHandle | None = None
        self._first_unsaved: float | None = None
        self._tasks: set[asyncio.Task] = set()
        self._caught_up_at = time.monotonic()
        self._unsaved = False  # opened with text the body does not have yet (a restart's log)
        self._unindexed = False  # saved since the meeting's search index was last rebuilt
        self._index_timer: asyncio.TimerHandle | None = None

    # The interface of the WebSocket consumer.

    def sync_step1(self) -> bytes:
        """The document's state vector, for SyncStep1."""
        with self._lock:
            return self._doc.get_state()

    def answer_step1(self, state_vector: bytes) -> bytes:
        """What a peer with this state vector lacks, for SyncStep2."""
        try:
            with self._lock:
                return self._doc.get_update(state_vector)
        except Exception as error:  # pycrdt raises its own on bytes that are not a state vector
            raise RoomError("This is not a Yjs state vector.") from error

    async def apply(self, update: bytes, *, by, sender: object = None) -> list[bytes]:
        """Apply a client's update (an Update or a SyncStep2), log it and schedule the save; the changes it made.

        Raises RoomError, without applying anything, for bytes that are not an
        update or an update that would make the text one the forms refuse.
        Observers registered with `key=sender` are not told of it (they sent it).
        """
        changes = self._apply(update, author=by)
        if changes:
            self._schedule()
        self._notify(changes, sender=sender, local=True)
        return changes

    async def apply_remote(self, update: bytes, *, by: int | None) -> None:
        """Apply an update another server's room took from its client: not logged (that server logs it).

        A save is still scheduled, late: should that server die before saving, the text reaches the body anyway.
        """
        try:
            with self._lock:
                self._doc.apply_update(bytes(update))
                changes = self._drain()
                if changes:
                    self._authors.append(by)
        except Exception:  # relayed by our own servers: checked where it came from
            logger.warning("The live room of %s %s ignored an update it could not apply.", self.kind, self.section_id)
            return
        if changes:
            self._schedule(own=False)
        self._notify(changes, local=False)

    async def catch_up(self, *, older_than: float = 0.0) -> None:
        """Take in what the database has that this copy lacks (an update relayed through Redis may be dropped)."""
        if time.monotonic() - self._caught_up_at < older_than:
            return
        self._caught_up_at = time.monotonic()
        await sync_to_async(self.catch_up_now)()

    def observe(self, callback: Callable[[bytes], None], *, key: object = None) -> None:
        """Call `callback(update)` after each change of the document, except those applied with `sender=key`.

        It runs on the event loop the room was last used from (a change made by
        `merge_text` in another thread is handed over to it).
        """
        self._observers.append((callback, key))

    def unobserve(self, callback: Callable[[bytes], None]) -> None:
        self._observers = [(known, key) for known, key in self._observers if known != callback]

    def observe_presence(self, callback: Callable[[list], None], *, key: object) -> None:
        """Call `callback(states)` with the cursors another connection here announces (`share_presence`)."""
        self._presence.append((callback, key))

    def unobserve_presence(self, key: object) -> None:
        self._presence = [(known, owner) for known, owner in self._presence if owner != key]

    def share_presence(self, states: list) -> None:
        """Hand awareness states to every connection of this process, the sender's too (y-websocket echoes them):
        directly, not once per connection through the channel layer."""
        for callback, _key in list(self._presence):
            callback(states)

    async def leave(self) -> None:
        """A connection left: save what it wrote, and close the room when no one is left."""
        await sync_to_async(_leave)(self)

    @property
    def text(self) -> str:
        with self._lock:
            return str(self._text)

    # Applying.

    def _drain(self, *, tried: bool = False) -> list[bytes]:
        """The document's changes since the last drain, also applied to the shadow copy (unless `tried` there)."""
        changes = [change for change in self._changes if change != _NOTHING]
        self._changes.clear()
        if not tried:
            for change in changes:
                self._shadow.apply_update(change)
        return changes

    def _try(self, update: bytes) -> None:
        """Raise RoomError unless the update, applied to the shadow copy, leaves a text the forms take.

        On a refusal the copy is made again from the document, which never took the update.
        """
        try:
            try:
                self._shadow.apply_update(update)
                text = str(self._shadow.get(TEXT_NAME, type=Text))
            except Exception as error:  # pycrdt's own errors: bytes that are no update, a "body" of another type
                raise RoomError("This is not a Yjs update of the section's text.") from error
            if set(self._shadow.keys()) != {TEXT_NAME}:
                # Anything else in the document would be stored and sent to everyone, unchecked and unsaved.
                raise RoomError("The room holds the section's text only.")
            if text != str(self._text):
                try:
                    check_markdown(text)
                except MarkdownTooComplex as error:
                    raise RoomError(str(error)) from None
        except RoomError:
            self._shadow = Doc()
            self._shadow.apply_update(self._doc.get_update())
            raise

    def _apply(self, update: bytes, *, author) -> list[bytes]:
        """Apply an update after trying it on the shadow copy; the changes it made (none for one already known)."""
        if len(update) > MAX_UPDATE_BYTES:
            raise RoomError("This change is too large to take at once.")
        with self._lock:
            self._try(bytes(update))
            self._doc.apply_update(bytes(update))
            changes = self._drain(tried=True)
            author_id = author.pk if author is not None and author.is_authenticated else None
            for change in changes:
                self._pending.append(LiveUpdate(update=change, author_id=author_id, **self._where()))
                self._authors.append(author_id)
            return changes

    def _take_in(self, state: LiveState, rows: list[LiveUpdate]) -> list[bytes]:
        """Apply the stored state and log (what this copy already has changes nothing); the changes they made.

        The state was saved with its revision; a row that brings something new is its author's unsaved text.
        """
        with self._lock:
            self._doc.apply_update(bytes(state.state))
            changes = self._drain()
            for row in rows:
                self._doc.apply_update(bytes(row.update))
                new = self._drain()
                if new:
                    changes += new
                    self._authors.append(row.author_id)
        return changes

    def _merge_outside(self, state: LiveState, section: Section) -> tuple[bytes | None, list[bytes]]:
        """Merge a body saved outside the room into `state` (saved by the caller) and the document.

        The diff is made on a copy of the state that body's predecessor was saved
        from, so it undoes nothing typed in the room since: the two merge as
        concurrent edits. Returns the update (None if the text is the same) and the document's changes.
        """
        fork = Doc()
        fork.apply_update(bytes(state.state))
        before = fork.get_state()
        _edit(fork.get(TEXT_NAME, type=Text), _text_of(bytes(state.state)), section.body)
        update = fork.get_update(before)
        state.state, state.version, state.markdown_sha = fork.get_update(), section.version, _sha(section.body)
        if update == _NOTHING:
            return None, []
        with self._lock:
            self._doc.apply_update(update)
            return update, self._drain()

    def _notify(self, changes: list[bytes], *, sender: object = None, local: bool) -> None:
        if not changes:
            return
        calls = [
            (callback, change)
            for change in changes
            for callback, key in self._observers
            if key is None or key != sender
        ]
        calls += [(hook, self, local) for hook in text_changed]
        loop = self._loop
        for callback, *args in calls:
            if loop is not None and loop.is_running() and not _in_loop(loop):
                loop.call_soon_threadsafe(callback, *args)
            else:
                callback(*args)

    # Writing.

    def _where(self) -> dict:
        return {f"{self.kind}_id": self.section_id}

    def _schedule(self, *, own: bool = True) -> None:
        """Log the batch soon, and save after a pause (or, under continuous typing, at most SAVE_AT_MOST later).

        Not `own` (another server's update): only make sure a save comes, BACKUP_SAVE_SECONDS later at the latest.
        """
        loop = self._loop = asyncio.get_running_loop()
        now = loop.time()
        if not own:
            if self._save_timer is None:
                self._first_unsaved = now
                self._save_timer = loop.call_later(BACKUP_SAVE_SECONDS, self._spawn, self._save_later)
            return
        if self._log_timer is None:
            self._log_timer = loop.call_later(LOG_BATCH_SECONDS, self._spawn, self._log_later)
        if self._first_unsaved is None:
            self._first_unsaved = now
        if self._save_timer is not None:
            self._save_timer.cancel()
        delay = max(0.0, min(SAVE_PAUSE_SECONDS, self._first_unsaved + SAVE_AT_MOST_SECONDS - now))
        self._save_timer = loop.call_later(delay, self._spawn, self._save_later)

    def _spawn(self, work) -> None:
        task = asyncio.ensure_future(work())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _log_later(self) -> None:
        self._log_timer = None
        try:
            await sync_to_async(self.write_log)()
        except Exception:
            logger.exception(
                "The live room of %s %s could not write its log; it tries again.", self.kind, self.section_id
            )

    async def _save_later(self) -> None:
        self._save_timer, self._first_unsaved = None, None
        try:
            await sync_to_async(self.save)()
        except Exception:
            logger.exception("The live room of %s %s could not save; it tries again.", self.kind, self.section_id)
        if self._unindexed and self._index_timer is None:
            self._index_timer = asyncio.get_running_loop().call_later(INDEX_SECONDS, self._spawn, self._index_later)

    async def _index_later(self) -> None:
        self._index_timer = None
        try:
            await sync_to_async(self.index)()
        except Exception:
            logger.exception("The live room of %s %s could not update the search index.", self.kind, self.section_id)

    def _cancel_timers(self) -> None:
        for timer in (self._log_timer, self._save_timer, self._index_timer):
            if timer is not None:
                timer.cancel()
        self._log_timer = self._save_timer = self._first_unsaved = self._index_timer = None

    def write_log(self) -> None:
        """Append the changes applied since the last batch to the log."""
        with self._write_lock:
            self._write_log()

    def _write_log(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return
        model = BacklogReport if self.kind == "report" else AgendaItem
        if not model.objects.filter(pk=self.section_id).exists():
            raise RoomError("This section is no longer part of the minutes.")  # nothing left to log against
        try:
            LiveUpdate.objects.bulk_create(batch)
        except Exception:
            with self._lock:
                self._pending[:0] = batch  # kept for the next try, in order
            raise

    def save(self) -> None:
        """Save the document's text as the section's body (a live revision) and make its state the stored one.

        Every server's logged updates are taken in first, and a body saved
        meanwhile outside the room is merged, once: the saved text is everyone's.
        """
        with self._write_lock:
            self._settle(save=True)

    def index(self) -> None:
        """Bring the meeting's search index up to the text the room saved, if it is behind."""
        with self._write_lock:
            if not self._unindexed:
                return
            self._unindexed = False
            try:
                reindex_meeting(self._fresh().meeting)
            except Exception:
                self._unindexed = True
                raise

    def catch_up_now(self) -> None:
        """Take in the stored state and log; merge a body saved outside the room if no one has yet."""
        rows = list(LiveUpdate.objects.filter(**self._where()).order_by("pk"))
        # Read after the log: a save squashing those rows in between has put them in this state.
        state = LiveState.objects.filter(**self._where()).first()
        if state is None:
            raise RoomError("This section is no longer part of the minutes.")
        changes = self._take_in(state, rows)
        self._notify(changes, local=False)
        if self._fresh().version != state.version:
            with self._write_lock:
                self._settle(save=False)

    def _settle(self, *, save: bool) -> None:
        """Under the lock of the section's LiveState: take in every server's log, merge an outside body, save."""
        self._write_log()
        caught: list[bytes] = []
        merged: list[bytes] = []
        outside: list[bytes] = []
        with transaction.atomic():
            state = LiveState.objects.select_for_update().filter(**self._where()).first()
            if state is None:
                raise RoomError("This section is no longer part of the minutes.")
            rows = list(LiveUpdate.objects.filter(**self._where()).order_by("pk"))
            caught = self._take_in(state, rows)
            self._caught_up_at = time.monotonic()
            changed = False
            for _attempt in range(3):
                section = self._fresh()
                if section.version != state.version:
                    update, changes = self._merge_outside(state, section)
                    changed = True
                    if update is not None:
                        outside.append(update)
                        merged += changes
                if not save:
                    break
                with self._lock:  # the text and the state it renders from, at one moment
                    text, snapshot = str(self._text), self._doc.get_update()
                    authors, self._authors = self._authors, []
                if text == section.body and not rows:
                    break  # nothing new since the state was saved
                if text == section.body or self._save_body(section, text, authors):
                    state.state, state.version, state.markdown_sha = snapshot, section.version, _sha(text)
                    LiveUpdate.objects.filter(pk__in=[row.pk for row in rows]).delete()  # all in the state now
                    changed = True
                    break
                with self._lock:
                    self._authors[:0] = authors  # someone saved in between: theirs is merged on the next attempt
            else:
                logger.warning(
                    "The live room of %s %s lost three saves in a row to other writers.", self.kind, self.section_id
                )
            if changed:
                state.save()
        self._notify(caught, local=False)
        self._notify(merged, local=True)
        for update in outside:
            self._tell_others(update)

    def _fresh(self) -> Section:
        """The section as stored now; RoomError once it was removed (its state and log went with it)."""
        model = BacklogReport if self.kind == "report" else AgendaItem
        try:
            return model.objects.select_related("meeting").get(pk=self.section_id)
        except model.DoesNotExist:
            raise RoomError("This section is no longer part of the minutes.") from None

    def _save_body(self, section: Section, text: str, authors: list[int | None]) -> bool:
        """Save the text with its revision, extending the author's live revision if it is open."""
        author_id = next((author for author in reversed(authors) if author is not None), None)
        author = None if author_id is None else get_user_model().objects.filter(pk=author_id).first()
        reason = AMENDED_LIVE if section.meeting.is_published else ""
        saved = _save_section(
            section,
            text,
            by=author,
            expected_version=section.version,
            source=RevisionSource.LIVE,
            reason=reason,
            index=False,
        )
        if saved:
            self._unindexed = True
            if len(set(authors)) <= 1:
                _coalesce(section)
        return saved

    def _tell_others(self, update: bytes) -> None:
        """Relay an update this process made (a merged outside save) to the rooms of the other servers."""
        layer = get_channel_layer()
        if layer is None or isinstance(layer, InMemoryChannelLayer):
            return  # one process: its room was told directly
        message = {"type": "room.update", "update": update, "by": None, "origin": self.origin}
        group = room_group(self.kind, self.section_id)
        try:
            if _running_loop() is None:
                async_to_sync(layer.group_send)(group, message)
            else:
                self._spawn(lambda: layer.group_send(group, message))
        except Exception:  # the others catch up from the database (consumers ask every few seconds)
            logger.warning("The live room of %s %s could not tell the other servers.", self.kind, self.section_id)


def _text_of(state: bytes) -> str:
    doc = Doc()
    doc.apply_update(state)
    return str(doc.get(TEXT_NAME, type=Text))


def _edit(text: Text, before: str, after: str) -> None:
    """Turn the Text from `before` into `after` by inserting and deleting where they differ, in one transaction."""
    with text.doc.transaction():
        for edit in reversed(text_edits(before, after)):
            start = utf8_offset(before, edit.start)
            end = utf8_offset(before, edit.start + edit.delete)
            if end > start:
                del text[start:end]
            if edit.insert:
                text.insert(start, edit.insert)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    return _running_loop() is loop


def _save_section(
    section: Section, body: str, *, by, expected_version: int | None, source, reason: str, index=True, **fields
) -> bool:
    version = section.version if expected_version is None else expected_version
    if fields and isinstance(section, AgendaItem):
        title, label = fields.get("title", section.title), fields.get("agenda_label", section.agenda_label)
        return save_item(
            section,
            body=body,
            title=title,
            agenda_label=label,
            by=by,
            expected_version=version,
            source=source,
            reason=reason,
            index=index,
        )
    return save_section_body(section, body, by=by, expected_version=version, source=source, reason=reason, index=index)


def _coalesce(section: Section) -> None:
    """Fold the revision just recorded into the one before, when it is the same author's open live revision."""
    target = section.revision_target
    latest = list(Revision.objects.filter(meeting=section.meeting_id, target=target).order_by("-created_at", "-pk")[:2])
    if len(latest) < 2:
        return
    new, previous = latest
    if (
        new.source == previous.source == RevisionSource.LIVE
        and new.author_id == previous.author_id
        and new.after_publication == previous.after_publication
        and previous.after == new.before
        and new.created_at - previous.created_at <= REVISION_PAUSE
    ):
        previous.after, previous.created_at = new.after, new.created_at
        previous.save(update_fields=["after", "created_at"])
        new.delete()


# The rooms of this process.

_rooms: dict[tuple[str, int], Room] = {}
_rooms_lock = threading.RLock()


def _key(section: Section) -> tuple[str, int]:
    if isinstance(section, BacklogReport):
        return ("report", section.pk)
    if isinstance(section, AgendaItem):
        return ("item", section.pk)
    raise TypeError(f"A live room is for a report or an agenda item, not {type(section).__name__}.")


async def open_room(section: Section) -> Room:
    """The section's room in this process, opened from the database if no one is in it; counts one connection."""
    room = await sync_to_async(_join)(section)
    room._loop = asyncio.get_running_loop()
    if room._unsaved:
        room._unsaved = False
        room._schedule()  # updates logged but not saved before a restart: save them
    return room


def _join(section: Section) -> Room:
    key = _key(section)
    with _rooms_lock:
        room = _rooms.get(key)
        if room is None:
            room = _rooms[key] = _load(section)
        room._connections += 1
        return room


def _load(section: Section) -> Room:
    """Open a section's document: its state and log taken in, and a body changed outside merged in as a diff."""
    kind, pk = _key(section)
    section = type(section).objects.get(pk=pk)
    where = {kind: section}
    state = LiveState.objects.filter(**where).first()
    if state is None:
        seed = Doc(client_id=SEED_CLIENT_ID)
        seed.get(TEXT_NAME, type=Text).insert(0, section.body)
        state, _ = LiveState.objects.get_or_create(
            **where,
            defaults={
                "state": seed.get_update(),
                "lineage": uuid.uuid4(),
                "markdown_sha": _sha(section.body),
                "version": section.version,
            },
        )
    room = Room(kind, pk, lineage=state.lineage)
    room.catch_up_now()
    room._unsaved = room.text != room._fresh().body
    return room


def _leave(room: Room) -> None:
    with _rooms_lock:
        room._connections -= 1
        try:
            room.save()
            if room._connections <= 0:
                room.index()
        finally:
            if room._connections <= 0:
                room._cancel_timers()
                _rooms.pop((room.kind, room.section_id), None)


def merge_text(
    section: Section,
    text: str,
    *,
    by,
    expected_version: int | None = None,
    source=RevisionSource.WEB,
    reason: str = "",
    **fields,
) -> bool:
    """Save a new body written outside the room (a form, the API); False if someone saved since `expected_version`.

    With a room open on any server, what it holds (its log) is saved first, so a
    form read before is out of date; then the new text is saved and merged into
    the document as a diff, which the people in the room see. An agenda item's
    `title` and `agenda_label` may come in `fields`. On False, `section` is reloaded.
    """
    try:
        check_markdown(text)
    except MarkdownTooComplex as error:
        raise RoomError(str(error)) from None
    kind, pk = _key(section)
    with _rooms_lock:
        room = _rooms.get((kind, pk))
    if room is None:
        state = LiveState.objects.filter(**{kind: pk}).first()
        if state is None:  # never live: a save as any other
            return _save_section(
                section, text, by=by, expected_version=expected_version, source=source, reason=reason, **fields
            )
        room = Room(kind, pk, lineage=state.lineage)  # the document as the database has it, for this save
    with room._write_lock:
        room._settle(save=True)  # what the room holds first: a form read before it was saved is then out of date
        with transaction.atomic():
            state = LiveState.objects.select_for_update().get(**room._where())
            fresh = room._fresh()
            stale = expected_version is not None and expected_version != fresh.version
            saved = not stale and _save_section(
                fresh, text, by=by, expected_version=fresh.version, source=source, reason=reason, **fields
            )
            if saved:
                update, changes = room._merge_outside(state, fresh)
                state.save()
                room._unindexed = False  # this save indexed the meeting, the room's text with it
    section.refresh_from_db()
    if not saved:
        return False
    room._notify(changes, local=True)
    if update is not None:
        room._tell_others(update)
    return True


def flush_rooms() -> None:
    """Save every open room of this process (on shutdown, and in tests)."""
    with _rooms_lock:
        rooms = list(_rooms.values())
    for room in rooms:
        room.save()
        room.index()
