"""What waits to go out on one live-room socket: every frame the server sends its client goes through here.

Sending is the outbox's own task, never a handler's: a handler that awaited a send waited for a slow client while
the keystrokes behind it in the socket's queue waited too. A socket sends one frame at a time; what gathers
meanwhile goes as one frame: the document's updates merged into one (Yjs merges them losslessly), each cursor's
latest awareness state only (a state replaces the one before it, by its clock).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from pycrdt import merge_updates

from ..lib import yprotocol
from ..lib.yprotocol import AwarenessState

logger = logging.getLogger(__name__)


class Outbox:
    def __init__(self, send: Callable[[bytes], Awaitable[None]]):
        self._send = send
        self._frames: list[bytes] = []
        self._updates: list[bytes] = []
        self._states: dict[int, AwarenessState] = {}
        self._task: asyncio.Task | None = None
        self.closed = False

    def frame(self, frame: bytes) -> None:
        """A frame that goes as it is, after those before it (the sync steps, a heartbeat)."""
        self._frames.append(frame)
        self._wake()

    def update(self, update: bytes) -> None:
        """A change of the room's document, for this socket's client."""
        self._updates.append(update)
        self._wake()

    def awareness(self, states: list[AwarenessState]) -> None:
        """Cursors of the room's writers, for this socket's client."""
        for state in states:
            known = self._states.get(state.client_id)
            if known is None or known.clock <= state.clock:
                self._states[state.client_id] = state
        self._wake()

    def close(self) -> None:
        self.closed = True
        if self._task is not None:
            self._task.cancel()

    def _wake(self) -> None:
        if not self.closed and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        try:
            while not self.closed and (self._frames or self._updates or self._states):
                while self._frames:
                    await self._send(self._frames.pop(0))
                if self._updates:
                    updates, self._updates = self._updates, []
                    update = updates[0] if len(updates) == 1 else merge_updates(*updates)
                    await self._send(yprotocol.encode_sync(yprotocol.SYNC_UPDATE, update))
                if self._states:
                    states, self._states = list(self._states.values()), {}
                    await self._send(yprotocol.encode_awareness(yprotocol.encode_awareness_update(states)))
        except Exception:  # the socket closed meanwhile: nothing to tell it any more
            logger.debug("A live room's frame was not sent to a closed socket", exc_info=True)
            self.close()
