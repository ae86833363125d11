"""A redis-server of a test's own on a free port (Debian's `redis-server`): nothing else's keys, nothing on disk."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server(folder: Path, port: int | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """Its URL and process (a test may stop it early); skipped without redis-server, failed under CI.

    On a free port, or on `port` (a Redis coming back where it was).
    """
    server_binary = shutil.which("redis-server")
    if server_binary is None:
        message = "redis-server is not installed (apt install redis-server): this test needs a Redis of its own"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)  # a green CI must mean Redis was tried
        pytest.skip(message)
    port = port or free_port()
    server = subprocess.Popen(
        [server_binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0", server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=10)
