"""Simulated Yjs clients of the live room (bench k): y-websocket's protocol over asyncio `websockets`, pycrdt documents.

`python -m bench.yclients` runs the clients of one plan in a process of its own, so that their CPU is not the
server's and is measured apart (bench/live.py starts one process for the writers, one for the readers). The plan
comes as one JSON line on stdin, then commands, a JSON line each: "go" (writers type for the plan's seconds) and
"finish" (every client waits until its document holds every keystroke typed, then closes). Events go out on stdout
as JSON lines. No Django here: a client knows its socket's address, its session cookie and its Origin only.
"""

import asyncio
import contextlib
import hashlib
import itertools
import json
import random
import resource
import sys
import time
from array import array
from collections import Counter

from pycrdt import (
    Assoc,
    Decoder,
    Doc,
    Encoder,
    Text,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
)
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

TEXT_NAME = "body"  # the section's text in the room's document (meetings/services/live.py)
CONNECT_AT_ONCE = 10  # handshakes in flight at a time, as people arriving rather than one burst
LAG_TICK = 0.05  # the event loop's lag is sampled this often
# What writers type, a word at a time.
VOCABULARY = (
    "release scheduler review migration placement the a of to fixed merged next cycle tests docs api "
    "decision action owner vote proposal budget roadmap security patch benchmark memory latency"
)


def keystrokes(writer: int, seed: int):
    """What writer `writer` (its Yjs client id) types, a character at a time: a line of its own, then words.

    The line starts with the id, so that each writer's keystrokes can be found in the text once (bench/live.py).
    """
    yield from f"\n{writer}: "
    vocabulary = VOCABULARY.split()
    words = random.Random(seed * 1000 + writer)  # noqa: S311 (a repeatable text, no secret)
    for count in itertools.count(1):
        yield from words.choice(vocabulary)
        yield "\n" if count % 12 == 0 else " "


def state_vector(doc: Doc) -> dict[int, int]:
    """The document's clock per client: how many characters each has inserted."""
    return decode_state_vector(doc.get_state())


def update_start(update: bytes) -> tuple[int, int] | None:
    """The client and first clock of an update's first run of items (a keystroke's update holds one)."""
    decoder = Decoder(update)
    if decoder.read_var_uint() == 0:  # clients
        return None
    decoder.read_var_uint()  # items of the first client
    return decoder.read_var_uint(), decoder.read_var_uint()


def decode_state_vector(encoded: bytes) -> dict[int, int]:
    """lib0's encoding: a count, then (client, clock) pairs."""
    decoder = Decoder(encoded)
    return {decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())}


def awareness_frame(client_id: int, clock: int, index: int) -> bytes:
    """The cursor a CodeMirror client announces after each keystroke (the server rewrites the user's name)."""
    state = {"user": {"name": f"writer {client_id}"}, "cursor": {"anchor": index, "head": index}}
    encoder = Encoder()
    for number in (1, client_id, clock):
        encoder.write_var_uint(number)
    encoder.write_var_string(json.dumps(state, separators=(",", ":")))
    return create_awareness_message(encoder.to_bytes())


class Client:
    def __init__(self, spec: dict, plan: dict) -> None:
        self.spec, self.plan = spec, plan
        self.writer = spec["role"] == "writer"
        self.doc = Doc(client_id=spec["client_id"]) if self.writer else Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.synced = asyncio.Event()
        self.changed = asyncio.Event()
        # When each keystroke of each writer of the room reached this client (readers: by the writer's clock).
        self.arrivals = {writer: array("d") for writer in spec["watch"]}
        self.sent = array("d")  # a writer's: when each of its keystrokes went out
        self.typed: list[str] = []
        self.healed = 0  # keystrokes that came first in a resync's answer (still on their way, or dropped)
        self.gaps = 0  # times an update came that could not be applied yet: one before it was dropped on the way
        self.highest: dict[int, int] = {}  # writers with updates waiting for a missing one: the clock they reach
        self.socket = None
        self.listener: asyncio.Task | None = None
        self.resyncer: asyncio.Task | None = None
        self.close_code: int | None = None

    async def open(self) -> None:
        self.socket = await connect(
            self.spec["url"],
            origin=self.spec["origin"],
            additional_headers={"Cookie": self.spec["cookie"]},
            proxy=None,  # only ever this machine's server
            max_size=None,
            open_timeout=60,
        )
        self.listener = asyncio.create_task(self.listen())
        await self.socket.send(create_sync_message(self.doc))  # what y-websocket sends first: its state vector
        self.resyncer = asyncio.create_task(self.resync())

    async def resync(self) -> None:
        """Send the state vector again now and then, as the site's editor does (y-websocket's resyncInterval)."""
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.sleep(self.plan["resync"])
                await self.socket.send(create_sync_message(self.doc))

    async def listen(self) -> None:
        try:
            async for frame in self.socket:
                await self.on_frame(frame)
        except ConnectionClosed:
            pass
        self.close_code = self.socket.close_code
        self.changed.set()
        self.synced.set()  # nothing more will come: whoever waits for the sync learns it from close_code

    async def on_frame(self, frame: bytes) -> None:
        if not isinstance(frame, bytes) or len(frame) < 2 or frame[0] != YMessageType.SYNC:
            return  # awareness (others' cursors) and heartbeats: nothing to measure
        start = update_start(read_message(frame[2:])) if frame[1] == YSyncMessageType.SYNC_UPDATE else None
        if start is not None and start[0] in self.arrivals and start[1] > state_vector(self.doc).get(start[0], 0):
            # An update from further on than this document: one before it was dropped on the way.
            self.gaps += start[0] not in self.highest
            self.highest[start[0]] = max(self.highest.get(start[0], 0), start[1] + 1)
        reply = handle_sync_message(frame[1:], self.doc)
        if reply is not None:
            await self.socket.send(reply)
        if frame[1] == YSyncMessageType.SYNC_STEP1:
            return
        now = time.monotonic()
        clocks = state_vector(self.doc)
        self.highest = {writer: end for writer, end in self.highest.items() if clocks.get(writer, 0) < end}
        for writer, arrived in self.arrivals.items():
            missing = clocks.get(writer, 0) - len(arrived)
            if missing > 0:
                arrived.extend(itertools.repeat(now, missing))
                if frame[1] == YSyncMessageType.SYNC_STEP2 and self.synced.is_set():
                    self.healed += missing
        if frame[1] == YSyncMessageType.SYNC_STEP2:
            self.synced.set()
        self.changed.set()

    async def type(self, seconds: float) -> None:
        """Type at the plan's rate, each keystroke after the writer's own last one, wherever others write."""
        loop = asyncio.get_running_loop()
        pace = random.Random(self.spec["client_id"])  # noqa: S311 (a repeatable pace)
        stream = keystrokes(self.spec["client_id"], self.plan["seed"])
        cursor = None
        deadline = next_at = loop.time()
        deadline += seconds
        while True:
            next_at += pace.uniform(0.5, 1.5) / self.plan["rate"]
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            if loop.time() >= deadline or self.close_code is not None:
                return
            character = next(stream)
            before = self.doc.get_state()
            index = len(self.text) if cursor is None else cursor.get_index()
            self.text.insert(index, character)
            cursor = self.text.sticky_index(index + 1, Assoc.BEFORE)
            update = self.doc.get_update(before)
            self.typed.append(character)
            self.sent.append(time.monotonic())
            await self.socket.send(create_update_message(update))
            if self.plan["awareness"]:
                await self.socket.send(awareness_frame(self.spec["client_id"], len(self.sent), index + 1))

    async def wait_for(self, expected: dict[int, int], timeout: float) -> bool:
        """Until this client holds every keystroke typed in its room; False if it does not in time."""
        deadline = time.monotonic() + timeout
        while not self._holds(expected):
            if self.close_code is not None or time.monotonic() > deadline:
                return False
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), max(0.01, deadline - time.monotonic()))
        return True

    def _holds(self, expected: dict[int, int]) -> bool:
        clocks = state_vector(self.doc)
        return all(clocks.get(writer, 0) >= expected.get(writer, 0) for writer in self.spec["watch"])

    async def close(self) -> None:
        self.resyncer.cancel()
        await self.socket.close()
        await self.listener


class LagSampler:
    """How late this process's event loop wakes up: a saturated client would show here, not as a slow server."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.task: asyncio.Task | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            planned = loop.time() + LAG_TICK
            await asyncio.sleep(LAG_TICK)
            self.lags.append(loop.time() - planned)

    def stop(self) -> dict:
        self.task.cancel()
        ordered = sorted(self.lags) or [0.0]
        return {"p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000, "max_ms": ordered[-1] * 1000}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


async def command(name: str) -> dict:
    line = await asyncio.to_thread(sys.stdin.readline)
    if not line:
        raise SystemExit("bench.yclients: stdin closed")
    message = json.loads(line)
    if message["cmd"] != name:
        raise SystemExit(f"bench.yclients: expected {name}, got {message['cmd']}")
    return message


def latencies(client: Client, sent: dict[int, list[float]], start: float, window: float) -> tuple[list[Counter], int]:
    """Keystroke-to-this-client latency, in tenths of a millisecond, counted per window of typing; and how many
    keystrokes typed never arrived."""
    windows: list[Counter] = []
    missing = 0
    for writer, times in sent.items():
        arrived = client.arrivals.get(writer)
        if arrived is None:
            continue
        missing += max(0, len(times) - len(arrived))
        for at, reached in zip(times, arrived, strict=False):
            slot = int((at - start) // window)
            while len(windows) <= slot:
                windows.append(Counter())
            windows[slot][max(0, round((reached - at) * 10_000))] += 1
    return windows, missing


def merge(into: list[Counter], more: list[Counter]) -> None:
    for slot, counts in enumerate(more):
        while len(into) <= slot:
            into.append(Counter())
        into[slot].update(counts)


async def run(plan: dict) -> None:
    clients = [Client(spec, plan) for spec in plan["clients"]]
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def join(client: Client) -> None:
        async with gate:
            await client.open()
            await asyncio.wait_for(client.synced.wait(), 60)

    started = time.monotonic()
    await asyncio.gather(*(join(client) for client in clients))
    refused = [client.close_code for client in clients if client.close_code is not None]
    emit("ready", seconds=time.monotonic() - started, refused=refused)

    go = await command("go")
    lag, cpu, wall = LagSampler(), cpu_seconds(), time.monotonic()
    lag.start()
    writers = [client for client in clients if client.writer]
    if writers:
        await asyncio.gather(*(client.type(go["seconds"]) for client in writers))
        emit(
            "typed",
            sent={client.spec["client_id"]: client.sent.tolist() for client in writers},
            typed={client.spec["client_id"]: "".join(client.typed) for client in writers},
        )
    finish = await command("finish")
    usage = {"cpu": (cpu_seconds() - cpu) / (time.monotonic() - wall), "lag": lag.stop()}
    expected = {int(writer): len(times) for writer, times in finish["sent"].items()}
    complete = await asyncio.gather(*(client.wait_for(expected, finish["timeout"]) for client in clients))
    sent = {int(writer): times for writer, times in finish["sent"].items()}
    windows: list[Counter] = []
    missing = healed = gaps = 0
    rooms: dict[str, dict] = {}
    for client, done in zip(clients, complete, strict=True):
        client_windows, client_missing = latencies(client, sent, finish["start"], finish["window"])
        if not client.writer:
            merge(windows, client_windows)
            missing += client_missing
            healed += client.healed
            gaps += client.gaps
        text = str(client.text)
        room = rooms.setdefault(str(client.spec["room"]), {"text": text, "shas": [], "incomplete": 0, "codes": []})
        room["shas"].append(hashlib.sha256(text.encode()).hexdigest())
        room["incomplete"] += not done
    await asyncio.gather(*(client.close() for client in clients))
    for client in clients:
        rooms[str(client.spec["room"])]["codes"].append(client.close_code)
    emit(
        "done",
        windows=[{str(key): count for key, count in counts.items()} for counts in windows],
        missing=missing,
        healed=healed,
        gaps=gaps,
        rooms=rooms,
        **usage,
    )


def main() -> None:
    plan = json.loads(sys.stdin.readline())
    asyncio.run(run(plan))


if __name__ == "__main__":
    main()
