"""Request ids on responses and on every log line of a request; JSON log lines; Sentry only when asked."""

import io
import json
import logging
import logging.config
import re
import socket
import subprocess
import time
import urllib.request

import pytest
from asgiref.sync import sync_to_async
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from pmc_minutes.observability import RequestIdFilter, WebSocketRequestId, logging_config
from tests.support.live import run_coroutine
from tests.support.production import BASE_DIR, production_env, production_settings, run, web_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The app's logging as LOG_FORMAT=json sets it up, written to a buffer."""
    buffer = io.StringIO()
    config = logging_config(log_format="json", level="INFO")
    config["handlers"]["console"]["stream"] = buffer
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(config)
    yield buffer
    root.handlers, root.level = saved[0], saved[1]


def lines(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_response_carries_a_new_request_id(client):
    first, second = client.get("/"), client.get("/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxy_s_request_id_is_kept(client):
    response = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"


def test_a_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get("/", HTTP_X_REQUEST_ID='x" level="ERROR')
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_log_lines_are_json_objects_with_the_request_id(client, json_log):
    response = client.get("/no-such-committee-at-all/", HTTP_X_REQUEST_ID="req-123")
    assert response.status_code == 404
    records = lines(json_log)
    not_found = [r for r in records if r["logger"] == "django.request"]
    assert not_found, records
    assert not_found[0]["request_id"] == "req-123"
    assert not_found[0]["level"] == "WARNING"
    assert "Not Found" in not_found[0]["message"]
    assert {"time", "level", "logger", "request_id", "message"} <= set(not_found[0])


@pytest.mark.urls("tests.deploy.logging_urls")
def test_every_line_of_a_failing_request_has_its_id(client, json_log):
    client.raise_request_exception = False
    logging.getLogger("meetings").warning("outside any request")
    assert client.get("/fail/", HTTP_X_REQUEST_ID="abc").status_code == 500
    records = lines(json_log)
    assert [(r["message"].splitlines()[0], r["request_id"]) for r in records] == [
        ("outside any request", "-"),
        ("working on it", "abc"),
        ("Internal Server Error: /fail/", "abc"),
    ]
    assert "RuntimeError: boom" in records[-1]["exc_info"]


def socket_through_the_request_id(headers: list) -> tuple[list[dict], list[dict]]:
    """A WebSocket app that logs a line, wrapped as pmc_minutes/asgi.py wraps the live room; what it sent, logged."""
    buffer, sent = io.StringIO(), []
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("meetings.live")
    logger.addHandler(handler)

    async def app(scope, receive, send):
        await send({"type": "websocket.accept", "headers": [(b"sec-websocket-extensions", b"none")]})
        await sync_to_async(logger.warning)("in the room")  # as the consumer's database calls run

    async def send(message):
        sent.append(message)

    try:
        run_coroutine(WebSocketRequestId(app), {"type": "websocket", "headers": headers}, None, send)
    finally:
        logger.removeHandler(handler)
    return sent, buffer.getvalue()


def test_a_socket_s_lines_and_handshake_carry_the_proxy_s_request_id():
    sent, logged = socket_through_the_request_id([(b"x-request-id", b"lb-9.1")])
    assert sent[0]["headers"] == [(b"sec-websocket-extensions", b"none"), (b"x-request-id", b"lb-9.1")]
    assert logged == "lb-9.1 in the room\n"


def test_a_socket_without_a_usable_request_id_gets_a_new_one():
    sent, logged = socket_through_the_request_id([(b"x-request-id", b'x" level="ERROR')])
    made = dict(sent[0]["headers"])[b"x-request-id"].decode()
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert logged == f"{made} in the room\n"


def test_text_logs_name_the_request_id_too():
    buffer = io.StringIO()
    config = logging_config(log_format="text", level="INFO")
    handler_config = config["handlers"]["console"]
    formatter = logging.Formatter(config["formatters"]["text"]["format"])
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    handler.addFilter(config["filters"]["request_id"]["()"]())
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    handler.handle(record)
    assert "[-] hello" in buffer.getvalue()
    assert handler_config["filters"] == ["request_id"]


def test_an_unknown_log_format_is_refused_at_start():
    result = run("manage.py", "check", LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json'" in result.stderr


def test_production_logs_json_lines_when_asked():
    code = "import django, logging; django.setup(); logging.getLogger('meetings').error('hello')"
    result = run("-c", code, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "hello" and record["request_id"] == "-" and record["level"] == "ERROR"


def test_sentry_is_off_without_a_dsn():
    assert production_settings("SENTRY_ENABLED") == {"SENTRY_ENABLED": False}


def test_sentry_starts_with_a_dsn_and_sends_no_personal_data():
    code = (
        "import django, json, sentry_sdk; django.setup(); from django.conf import settings; "
        "client = sentry_sdk.get_client(); "
        "print(json.dumps([settings.SENTRY_ENABLED, client.is_active(), client.options['send_default_pii'], "
        "client.options['environment']]))"
    )
    result = run("-c", code, SENTRY_DSN="https://public@sentry.example.invalid/1", SENTRY_ENVIRONMENT="staging")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [True, True, False, "staging"]


def test_the_production_server_writes_json_lines_naming_the_request_id(tmp_path):
    """The Procfile's server with LOG_FORMAT=json: its own lines and its access lines are JSON objects, a page's
    and a WebSocket's (as it opens and as it closes, with the close code) each naming the request id."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = production_env(LOG_FORMAT="json", GUNICORN_ACCESS_LOG="-", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0")
    env["MEDIA_ROOT"] = str(tmp_path / "media")
    env["STATIC_ROOT"] = str(tmp_path)  # as after collectstatic (WhiteNoise warns about a missing folder)
    out, err = (tmp_path / "out.log").open("wb"), (tmp_path / "err.log").open("wb")
    server = subprocess.Popen(web_command(port), cwd=BASE_DIR, env=env, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-42"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (local)
                    assert response.headers["X-Request-ID"] == "probe-42"
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "err.log").read_text()
                time.sleep(0.2)
        # Anyone not signed in is accepted, then closed with 4403 (meetings/live/consumers.py).
        with connect(
            f"ws://127.0.0.1:{port}/ws/live/runtime/2030-01-08/diego/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"X-Request-ID": "socket-7"},
            open_timeout=10,
        ) as socket_:
            assert socket_.response.headers["X-Request-ID"] == "socket-7"
            with pytest.raises(ConnectionClosed) as closed:
                socket_.recv(timeout=10)
        assert closed.value.rcvd.code == 4403
    finally:
        server.terminate()
        server.wait(timeout=15)
        out.close()
        err.close()
    access = [json.loads(line)["message"] for line in (tmp_path / "out.log").read_text().splitlines()]
    assert any("GET /healthz" in line and "request_id=probe-42" in line for line in access), access
    socket_lines = [line for line in access if "/ws/live/runtime/2030-01-08/diego/" in line]
    assert [line.split(" 101 ")[0] for line in socket_lines] == [
        '127.0.0.1 "GET /ws/live/runtime/2030-01-08/diego/ HTTP/1.1"'
    ] * 2
    assert socket_lines[0].endswith("request_id=socket-7 websocket=open"), socket_lines
    assert socket_lines[1].endswith("request_id=socket-7 websocket=closed code=4403"), socket_lines
    assert not any("GET /healthz" in line and "request_id=" not in line for line in access)  # uvicorn's own lines
    errors = [json.loads(line) for line in (tmp_path / "err.log").read_text().splitlines()]
    assert any("Booting worker" in line["message"] for line in errors), errors
