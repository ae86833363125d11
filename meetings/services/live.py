"""The live room's document of a section: one Yjs document per report or agenda item, kept in step with its body.

The section's Markdown body stays the minutes' text. The room holds the same
text as a pycrdt `Doc` with a `Text` named "body", which any Yjs client can
sync with; every change applied to it is appended to an update log
(`LiveUpdate`, in batches of LOG_BATCH_SECONDS) and, debounced, saved as the
section's body through services/editing.py (its version check, Revision,
search index and mirror), after which the log is merged into the squashed
state (`LiveState`). Nothing is ever rebuilt from the text: a body changed
outside the room (a form, the API, an import, another process) enters the
document as a text diff made against the state it was saved from, so every
character keeps its identity and clients still holding an old copy merge
without duplicating it.

Threads: the consumer calls the room from its event loop; the ORM runs through
sync_to_async; `merge_text` and `flush_rooms` are called from synchronous code.
Each room has one lock for its document and what is waiting to be written,
held only for in-memory work, and one for its writes to the database, so a
keystroke never waits for a save.
"""

import asyncio
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.db import transaction
from pycrdt import Doc, Text, merge_updates

from ..lib.rendering import MAX_MARKDOWN_CHARS, MarkdownTooComplex, check_markdown
from ..lib.textedits import text_edits, utf8_offset
from ..models import AgendaItem, BacklogReport, LiveState, LiveUpdate, Revision, RevisionSource
from .editing import save_section_body
from .live_events import section_changed

logger = logging.getLogger(__name__)

TEXT_NAME = "body"
SEED_CLIENT_ID = 0  # every process seeds a text with the same update: no duplicate if two do it
LOG_BATCH_SECONDS = 0.2
SAVE_PAUSE_SECONDS = 1.0  # saved this long after the last change...
SAVE_AT_MOST_SECONDS = 5.0  # ...and at least this often while people keep typing
# One revision per author while they keep writing; a new one after this pause or once someone else wrote.
REVISION_PAUSE = timedelta(seconds=60)
AMENDED_LIVE = "Amended live"  # the reason an amendment made in the room records
# A whole text pasted at once, in UTF-8 (up to 4 bytes a character), with room for the update's own encoding.
MAX_UPDATE_BYTES = 4 * MAX_MARKDOWN_CHARS + 65_536

Section = BacklogReport | AgendaItem


class RoomError(Exception):
    """An update the room refuses (not applied), with a message for the writer."""


class Room:
    """The live document of one section in this process; made by `open_room`."""

    def __init__(self, section: Section, *, state: LiveState, updates: list[LiveUpdate]):
        self.kind = "report" if isinstance(section, BacklogReport) else "item"
        self.section_id = section.pk
        self.lineage = str(state.lineage)
        self._lock = threading.RLock()  # the document and what waits to be written
        self._write_lock = threading.Lock()  # one writer to the database at a time
        self._doc = Doc()
        self._text = self._doc.get(TEXT_NAME, type=Text)
        self._changes: list[bytes] = []
        self._subscription = self._doc.observe(lambda event: self._changes.append(event.update))
        self._observers: list[Callable[[bytes], None]] = []
        self._connections = 0
        self._pending: list[LiveUpdate] = []  # applied, not yet in the log
        self._authors: list[int | None] = []  # who changed the text since the last save, in order
        self._loop: asyncio.AbstractEventLoop | None = None
        self._log_timer: asyncio.TimerHandle | None = None
        self._save_timer: asyncio.TimerHandle | None = None
        self._first_unsaved: float | None = None
        self._tasks: set[asyncio.Task] = set()
        # The state the section's stored body was saved from, and that body: the base of a three-way merge.
        self._base_state = bytes(state.state)
        self._base_text = _text_of(self._base_state)
        self._doc.apply_update(self._base_state)
        self._seq = state.seq
        for row in updates:
            self._doc.apply_update(bytes(row.update))
            self._seq = row.seq
            self._authors.append(row.author_id)  # not saved before the process stopped: still theirs
        self._changes.clear()
        self._saved_seq = state.seq

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

    async def apply(self, update: bytes, *, by) -> None:
        """Apply a client's update (an Update or a SyncStep2), log it and schedule the save.

        Raises RoomError, without applying anything, for bytes that are not an
        update or an update that would make the text one the forms refuse.
        """
        changes = self._apply(update, author=by)
        if changes:
            self._schedule()
        self._notify(changes)

    def observe(self, callback: Callable[[bytes], None]) -> None:
        """Call `callback(update)` after each change of the document, whoever made it (the sender's own too).

        It runs on the event loop the room was last used from (a change made by
        `merge_text` in another thread is handed over to it).
        """
        self._observers.append(callback)

    def unobserve(self, callback: Callable[[bytes], None]) -> None:
        if callback in self._observers:
            self._observers.remove(callback)

    async def leave(self) -> None:
        """A connection left: save what it wrote, and close the room when no one is left."""
        await sync_to_async(_leave)(self)

    @property
    def text(self) -> str:
        with self._lock:
            return str(self._text)

    # Applying.

    def _apply(self, update: bytes, *, author) -> list[bytes]:
        """Apply an update after trying it on a copy; the changes it made (none for one already known)."""
        if len(update) > MAX_UPDATE_BYTES:
            raise RoomError("This change is too large to take at once.")
        with self._lock:
            trial = Doc()
            try:
                trial.apply_update(self._doc.get_update())
                trial.apply_update(bytes(update))
                text = str(trial.get(TEXT_NAME, type=Text))
            except Exception as error:  # pycrdt's own errors: bytes that are no update, a "body" of another type
                raise RoomError("This is not a Yjs update of the section's text.") from error
            if set(trial.keys()) != {TEXT_NAME}:
                # Anything else in the document would be stored and sent to everyone, unchecked and unsaved.
                raise RoomError("The room holds the section's text only.")
            if text != str(self._text):
                try:
                    check_markdown(text)
                except MarkdownTooComplex as error:
                    raise RoomError(str(error)) from None
            self._doc.apply_update(bytes(update))
            return self._record(author)

    def _record(self, author) -> list[bytes]:
        """Queue the changes the last transaction made for the log, with their author."""
        changes = [change for change in self._changes if change != b"\x00\x00"]
        self._changes.clear()
        author_id = author.pk if author is not None and author.is_authenticated else None
        for change in changes:
            self._seq += 1
            self._pending.append(
                LiveUpdate(seq=self._seq, update=change, author_id=author_id, **{f"{self.kind}_id": self.section_id})
            )
            self._authors.append(author_id)
        return changes

    def _take_outside(self, body: str) -> list[bytes]:
        """Merge a body saved outside the room: its diff from the base, made on a copy of the base, joins the document.

        Made against the state the stored body was saved from, the diff undoes
        nothing typed in the room since: the two merge as concurrent edits.
        """
        fork = Doc()
        fork.apply_update(self._base_state)
        before = fork.get_state()
        _edit(fork.get(TEXT_NAME, type=Text), self._base_text, body)
        with self._lock:
            self._doc.apply_update(fork.get_update(before))
            changes = self._record(None)
            self._authors = [author for author in self._authors if author is not None]  # the outside save has its own
        self._base_state, self._base_text = fork.get_update(), body
        return changes

    def _notify(self, changes: list[bytes], *, local: bool = True) -> None:
        loop = self._loop
        for change in changes:
            for callback in list(self._observers):
                if loop is not None and loop.is_running() and not _in_loop(loop):
                    loop.call_soon_threadsafe(callback, change)
                else:
                    callback(change)
        if changes:  # the meeting page's followers (a remote change is told by the server that applied it)
            section_changed(self, local=local, loop=loop)

    # Writing.

    def _schedule(self) -> None:
        """Log the batch soon, and save after a pause (or, under continuous typing, at most SAVE_AT_MOST later)."""
        loop = self._loop = asyncio.get_running_loop()
        now = loop.time()
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

    def _cancel_timers(self) -> None:
        for timer in (self._log_timer, self._save_timer):
            if timer is not None:
                timer.cancel()
        self._log_timer = self._save_timer = self._first_unsaved = None

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
        """Save the document's text as the section's body (a live revision), then squash the log into the state.

        A body saved meanwhile by anyone else is merged into the document first;
        the version check of the editing service makes sure nothing is overwritten.
        """
        with self._write_lock:
            self._write_log()
            for _attempt in range(3):
                section = self._fresh()
                if section.body != self._base_text:
                    changes = self._take_outside(section.body)
                    self._write_log()
                    self._notify(changes)
                with self._lock:
                    text, state, seq = str(self._text), self._doc.get_update(), self._seq
                    authors, self._authors = self._authors, []
                if seq == self._saved_seq and text == section.body:
                    return
                if text == section.body or self._save_body(section, text, authors):
                    self._base_state, self._base_text = state, text
                    self._squash(section, text=text, seq=seq)
                    return
                with self._lock:
                    self._authors[:0] = authors  # someone saved in between: theirs is merged on the next attempt
            logger.warning(
                "The live room of %s %s lost three saves in a row to other writers.", self.kind, self.section_id
            )

    def _fresh(self) -> Section:
        """The section as stored now; RoomError once it was removed (its state and log went with it)."""
        model = BacklogReport if self.kind == "report" else AgendaItem
        try:
            return model.objects.select_related("meeting").get(pk=self.section_id)
        except model.DoesNotExist:
            raise RoomError("This section is no longer part of the minutes.") from None

    def _save_body(self, section: Section, text: str, authors: list[int | None]) -> bool:
        """Save the text in one transaction with its revision, extending the author's live revision if it is open."""
        author_id = next((author for author in reversed(authors) if author is not None), None)
        author = None if author_id is None else get_user_model().objects.filter(pk=author_id).first()
        reason = AMENDED_LIVE if section.meeting.is_published else ""
        with transaction.atomic():
            saved = _save_section(
                section, text, by=author, expected_version=section.version, source=RevisionSource.LIVE, reason=reason
            )
            if saved and len(set(authors)) <= 1:
                _coalesce(section)
        return saved

    def _squash(self, section: Section, *, text: str, seq: int) -> None:
        """Merge the log up to `seq` into the state, which then renders to the body just saved."""
        where = {self.kind: section}
        with transaction.atomic():
            row = LiveState.objects.select_for_update().get(**where)
            logged = LiveUpdate.objects.filter(**where, seq__gt=row.seq, seq__lte=seq)
            updates = [bytes(update) for update in logged.values_list("update", flat=True)]
            if updates:
                row.state = merge_updates(bytes(row.state), *updates)
            row.seq, row.version, row.markdown_sha = max(row.seq, seq), section.version, _sha(text)
            row.save()
            LiveUpdate.objects.filter(**where, seq__lte=seq).delete()
        self._saved_seq = seq


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


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _save_section(section: Section, body: str, *, by, expected_version: int | None, source, reason: str) -> bool:
    version = section.version if expected_version is None else expected_version
    return save_section_body(section, body, by=by, expected_version=version, source=source, reason=reason)


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
    if room._seq != room._saved_seq or room.text != room._base_text:
        room._schedule()  # updates logged but not saved before a restart, or a body changed outside: save them
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
    """Open a section's document: its state and log replayed, and a body changed outside merged in as a diff."""
    kind = _key(section)[0]
    section = type(section).objects.select_related("meeting").get(pk=section.pk)
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
    updates = list(LiveUpdate.objects.filter(**where, seq__gt=state.seq).order_by("seq"))
    room = Room(section, state=state, updates=updates)
    if section.body != room._base_text:
        room._take_outside(section.body)
    return room


def _leave(room: Room) -> None:
    with _rooms_lock:
        room._connections -= 1
        try:
            room.save()
        finally:
            if room._connections <= 0:
                room._cancel_timers()
                _rooms.pop((room.kind, room.section_id), None)


def merge_text(
    section: Section, text: str, *, by, expected_version: int | None = None, source=RevisionSource.WEB, reason: str = ""
) -> bool:
    """Save a new body written outside the room (a form, the API); False if someone saved since `expected_version`.

    With the section's room open in this process, what the room holds is
    saved first, then the new text is saved and enters the document as a diff,
    so the people in the room see it. Without one, the body is saved as usual
    and the room opened next merges it the same way.
    """
    try:
        check_markdown(text)
    except MarkdownTooComplex as error:
        raise RoomError(str(error)) from None
    with _rooms_lock:
        room = _rooms.get(_key(section))
    if room is None:
        return _save_section(section, text, by=by, expected_version=expected_version, source=source, reason=reason)
    room.save()  # what the room holds first: a form read before it was saved is then out of date
    with room._write_lock:
        fresh = room._fresh()
        if expected_version is not None and expected_version != fresh.version:
            section.refresh_from_db()
            return False
        if not _save_section(fresh, text, by=by, expected_version=fresh.version, source=source, reason=reason):
            section.refresh_from_db()
            return False
        changes = room._take_outside(text)
        room._write_log()
    room._notify(changes)
    section.refresh_from_db()
    return True


def flush_rooms() -> None:
    """Save every open room of this process (on shutdown, and in tests)."""
    with _rooms_lock:
        rooms = list(_rooms.values())
    for room in rooms:
        room.save()
