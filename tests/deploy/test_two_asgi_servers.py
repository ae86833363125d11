"""Two app servers on one Redis and one PostgreSQL database, each the Procfile's production command, with the live
room's clients (pycrdt documents over real WebSockets, signed in by a session cookie).

A keystroke on one server reaches a reader on the other; both servers save and the text is stored once; a
form saved on one reaches the room's clients on the other; a server stopped with SIGTERM saves what was typed.
Redis is a redis-server of the test's own (Debian's `redis-server`; without it the test is skipped, or fails
under CI). PostgreSQL only, as test_two_instances.py: SQLite's file is no database server.
"""

import asyncio
import secrets
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.test import Client
from pycrdt import Doc, Text
from websockets.asyncio.client import connect

from meetings.lib import yprotocol
from meetings.models import BacklogReport
from tests.support.live import run_coroutine
from tests.support.production import BASE_DIR, web_command
from tests.support.redis_server import free_port, redis_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("two servers share a PostgreSQL database (set DATABASE_URL); SQLite is one process's file")


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    with redis_server(tmp_path) as (url, _):
        yield url


@pytest.fixture
def environment(redis_url, tmp_path) -> dict[str, str]:
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "pmc_minutes.settings",
        "DEBUG": "1",  # plain HTTP on 127.0.0.1; everything shared is as in production
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions this test signs in are checked against it
        # The test database pytest-django made, holding this test's committed rows.
        "DATABASE_URL": f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}",
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PMC_PDF_SLOTS_DIR": str(tmp_path / "pdf-slots"),
    }


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """The production web command on a free port; its address and process (a test may stop it)."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(web_command(port), cwd=BASE_DIR, env=env, stdout=output, stderr=output)
        base = f"127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://{base}/healthz", timeout=5)
                    break
                except OSError:
                    assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            yield base, process
        finally:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)  # a session row in the shared database
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class LiveClient:
    """A browser's Yjs document on one server's socket to the section."""

    def __init__(self, socket):
        self.socket, self.doc = socket, Doc()
        self.text = self.doc.get("body", type=Text)

    @classmethod
    async def open(cls, base: str, path: str, cookie: str) -> "LiveClient":
        socket = await connect(f"ws://{base}{path}", origin=f"http://{base}", additional_headers={"Cookie": cookie})
        client = cls(socket)
        await client.socket.send(yprotocol.encode_sync(yprotocol.SYNC_STEP1, client.doc.get_state()))
        await client.until(lambda: True, subtype=yprotocol.SYNC_STEP2)
        return client

    async def type(self, words: str) -> None:
        before = self.doc.get_state()
        self.text += words
        await self.socket.send(yprotocol.encode_sync(yprotocol.SYNC_UPDATE, self.doc.get_update(before)))

    async def until(self, condition, *, subtype: int = yprotocol.SYNC_UPDATE, seconds: float = 10) -> None:
        """Apply what the server sends until `condition()` holds after a frame of that subtype."""
        async with asyncio.timeout(seconds):
            while True:
                message = yprotocol.decode(await self.socket.recv())
                if message.type != yprotocol.SYNC or message.subtype == yprotocol.SYNC_STEP1:
                    continue  # awareness, and the server's state vector
                self.doc.apply_update(message.payload)
                if message.subtype == subtype and condition():
                    return


def stored_body_becomes(report: BacklogReport, text: str, seconds: float = 15) -> str:
    """The report's stored body once it is `text`, or as it is after `seconds`."""
    deadline = time.monotonic() + seconds
    while (body := BacklogReport.objects.get(pk=report.pk).body) != text and time.monotonic() < deadline:
        time.sleep(0.1)
    return body


def test_a_keystroke_on_one_server_reaches_a_reader_on_the_other_and_the_text_is_stored_once(
    environment, tmp_path, people, draft
):
    report = draft.reports.get(team=people["team_x"])
    path = f"/ws/live/runtime/{draft.date}/diego/"
    lead, chair = session_cookie(people["lead_x"]), session_cookie(people["chair"])
    with ExitStack() as stack:
        (a, _), (b, _) = (stack.enter_context(server(environment, tmp_path / f"{name}.log")) for name in "ab")

        async def scenario():
            writer = await LiveClient.open(a, path, lead)
            reader = await LiveClient.open(b, path, chair)
            await writer.type("Typed on A.")
            await reader.until(lambda: str(reader.text) == "Typed on A.")
            await reader.type(" Answered on B.")
            await writer.until(lambda: str(writer.text) == "Typed on A. Answered on B.")
            await writer.socket.close()
            await reader.socket.close()

        run_coroutine(scenario)

        # Each server saved its own client's text (and B too what it took from A): one copy of it.
        assert stored_body_becomes(report, "Typed on A. Answered on B.") == "Typed on A. Answered on B."


def test_a_server_stopped_with_sigterm_saves_what_its_clients_typed(environment, tmp_path, people, draft):
    report = draft.reports.get(team=people["team_x"])
    path = f"/ws/live/runtime/{draft.date}/diego/"
    lead = session_cookie(people["lead_x"])
    with server(environment, tmp_path / "a.log") as (a, process):

        async def scenario():
            writer = await LiveClient.open(a, path, lead)
            await writer.type("Typed just before a deploy.")
            await writer.socket.send(yprotocol.encode_sync(yprotocol.SYNC_STEP1, writer.doc.get_state()))
            await writer.until(lambda: True, subtype=yprotocol.SYNC_STEP2)  # applied by the server
            process.send_signal(signal.SIGTERM)  # well before the save a pause in the typing would bring
            await writer.socket.wait_closed()
            return writer.socket.close_code

        # 1012: the server restarts, and y-websocket reconnects (to another worker or instance).
        assert run_coroutine(scenario) == 1012
        assert process.wait(timeout=30) == 0

    assert BacklogReport.objects.get(pk=report.pk).body == "Typed just before a deploy."


def post_form(base: str, path: str, cookie: str, fields: dict) -> int:
    """A form posted as a browser signed in would, with a CSRF cookie and token of its own; the status."""
    token = secrets.token_hex(16)  # Django takes an unmasked secret as the form's token too
    request = urllib.request.Request(
        f"http://{base}{path}",
        data=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode(),
        headers={"Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}"},
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_form_saved_on_one_server_reaches_the_room_s_clients_on_the_other(environment, tmp_path, people, draft):
    report = draft.reports.get(team=people["team_x"])
    lead, chair = session_cookie(people["lead_x"]), session_cookie(people["chair"])
    with ExitStack() as stack:
        (a, _), (b, _) = (stack.enter_context(server(environment, tmp_path / f"{name}.log")) for name in "ab")

        async def scenario():
            writer = await LiveClient.open(a, f"/ws/live/runtime/{draft.date}/diego/", lead)
            await writer.type("Typed live.\n")
            # Posted once A saved the typing: a form read before that is out of date (a 409, tested elsewhere).
            assert await sync_to_async(stored_body_becomes)(report, "Typed live.\n") == "Typed live.\n"
            version = await BacklogReport.objects.values_list("version", flat=True).aget(pk=report.pk)
            fields = {"body": "Typed live.\nSaved through the form on B.\n", "version": version, "reason": ""}
            edit = f"/runtime/{draft.date}/reports/diego/edit/"
            status = await asyncio.to_thread(post_form, b, edit, chair, fields)
            await writer.until(lambda: str(writer.text) == "Typed live.\nSaved through the form on B.\n")
            await writer.socket.close()
            return status

        assert run_coroutine(scenario) == 302
        assert stored_body_becomes(report, "Typed live.\nSaved through the form on B.\n") == (
            "Typed live.\nSaved through the form on B.\n"
        )
