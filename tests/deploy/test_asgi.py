"""The ASGI application served by the production command (the Procfile's gunicorn with uvicorn workers): pages,
static files and the live room's sockets.

One server for the module, in README's production environment, with collected static files and a real socket.
(`runserver` and `make run` serve the same application with daphne.)
"""

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.production import production_env, web_command

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "minutes.example.org"  # production_env's ALLOWED_HOSTS


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("asgi")
    env = production_env(STATIC_ROOT=str(folder / "static"), MEDIA_ROOT=str(folder / "media"))
    env["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, capture_output=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = web_command(port)
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5)  # noqa: S310 (local)
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (folder / "server.log").read_text()
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def get(base: str, path: str, **headers: str):
    # As the router forwards it: TLS ended in front, the site's own host.
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", **headers}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (local)
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310 (local)


def test_pages_are_served_with_their_request_id_and_the_socket_origin_allowed(server):
    with get(server, "/", **{"X-Request-ID": "probe-7"}) as response:
        assert response.status == 200
        assert response.headers["X-Request-ID"] == "probe-7"
        policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' wss://minutes.example.org" in policy


def test_static_files_are_served_through_the_asgi_application(server):
    with get(server, "/static/favicon.svg") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("image/svg")
        assert response.read() == (BASE_DIR / "static" / "favicon.svg").read_bytes()


def handshake(base: str, path: str, origin: str) -> bytes:
    """A WebSocket opening as a browser sends it, and the server's answer up to its first frame's first bytes."""
    port = int(base.rsplit(":", 1)[1])
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n"
        "X-Forwarded-Proto: https\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request.encode())
        answer = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(4096)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            answer += chunk
            head, _, frames = answer.partition(b"\r\n\r\n")
            if (head and not head.startswith(b"HTTP/1.1 101")) or len(frames) >= 4:
                break  # refused, or the first frame's header and close code are in
    return answer


def test_an_anonymous_socket_is_accepted_then_closed_with_4403(server):
    answer = handshake(server, "/ws/live/runtime/2030-01-08/diego/", f"https://{HOST}")
    head, _, frames = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101")
    assert frames[:1] == b"\x88"  # a close frame...
    assert frames[2:4] == (4403).to_bytes(2, "big")  # ...with the code y-websocket clients take as final


def test_a_socket_from_another_origin_is_refused_at_the_handshake(server):
    answer = handshake(server, "/ws/live/runtime/2030-01-08/diego/", "https://evil.example")
    assert answer.startswith(b"HTTP/1.1 403")
