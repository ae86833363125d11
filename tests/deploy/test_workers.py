"""The ASGI worker's access lines (pmc_minutes/workers.py), written through a gunicorn logger to a buffer.

The production command itself is run in tests/deploy/test_observability.py; here each case an app can make.
"""

import io
import logging

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from pmc_minutes.workers import AccessLog, AsgiWorker
from tests.support.live import run_coroutine


@pytest.fixture
def access():
    """A gunicorn logger as gunicorn.conf.py sets it up with GUNICORN_ACCESS_LOG, and what it wrote."""
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s %(b)s request_id=%({x-request-id}o)s')
    log = Logger(config)
    buffer = io.StringIO()
    saved = log.access_log.handlers[:]
    log.access_log.handlers = [logging.StreamHandler(buffer)]
    yield log, buffer
    log.access_log.handlers = saved


def serve(log, app, scope: dict, inbox: list[dict]) -> list[dict]:
    """Run one connection through AccessLog(app) as a server would; the messages it sent."""
    sent, pending = [], list(inbox)

    async def receive():
        return pending.pop(0)

    async def send(message):
        sent.append(message)

    run_coroutine(AccessLog(app, log), scope, receive, send)
    return sent


def http_scope(path="/healthz", query=b"") -> dict:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "http_version": "1.1",
        "headers": [(b"x-request-id", b"from-the-proxy")],
        "client": ("10.0.0.7", 51000),
    }


def socket_scope() -> dict:
    return http_scope("/ws/live/runtime/2030-01-08/diego/") | {"type": "websocket"}


def test_uvicorn_s_own_access_lines_are_off():
    assert AsgiWorker.CONFIG_KWARGS["access_log"] is False


def test_a_page_s_line_has_gunicorn_s_fields_and_the_request_id_answered(access):
    log, buffer = access

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 404, "headers": [(b"x-request-id", b"made-here")]})
        await send({"type": "http.response.body", "body": b"Not ", "more_body": True})
        await send({"type": "http.response.body", "body": b"Found"})

    serve(log, app, http_scope("/x/", b"page=2"), [{"type": "http.request"}])
    assert buffer.getvalue() == '10.0.0.7 "GET /x/?page=2 HTTP/1.1" 404 9 request_id=made-here\n'


def test_a_page_whose_app_failed_is_logged_as_the_500_the_server_answers(access):
    log, buffer = access

    async def app(scope, receive, send):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        serve(log, app, http_scope(), [{"type": "http.request"}])
    assert buffer.getvalue() == '10.0.0.7 "GET /healthz HTTP/1.1" 500 0 request_id=-\n'


def test_a_socket_has_a_line_as_it_opens_and_one_as_the_client_closes(access):
    log, buffer = access

    async def app(scope, receive, send):
        await receive()
        await send({"type": "websocket.accept", "headers": [(b"x-request-id", b"sock-1")]})
        await send({"type": "websocket.send", "bytes": b"\x00\x00\x01"})
        await send({"type": "websocket.send", "text": "été"})
        assert (await receive())["type"] == "websocket.disconnect"

    serve(log, app, socket_scope(), [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1001}])
    request = '10.0.0.7 "GET /ws/live/runtime/2030-01-08/diego/ HTTP/1.1" 101'
    assert buffer.getvalue().splitlines() == [
        f"{request} 0 request_id=sock-1 websocket=open",
        f"{request} 8 request_id=sock-1 websocket=closed code=1001",
    ]


def test_a_socket_the_app_closes_is_logged_with_the_app_s_code(access):
    log, buffer = access

    async def app(scope, receive, send):
        await receive()
        await send({"type": "websocket.accept", "headers": [(b"x-request-id", b"sock-2")]})
        await send({"type": "websocket.close", "code": 4403})
        await receive()  # the client's answer to the close comes with the same code, or another: not logged

    serve(log, app, socket_scope(), [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}])
    assert buffer.getvalue().splitlines()[-1].endswith(" 101 0 request_id=sock-2 websocket=closed code=4403")


def test_a_socket_refused_at_the_handshake_has_one_line_with_the_403_the_server_answers(access):
    log, buffer = access

    async def app(scope, receive, send):
        await receive()
        await send({"type": "websocket.close", "code": 4403})

    serve(log, app, socket_scope(), [{"type": "websocket.connect"}])
    assert buffer.getvalue().splitlines() == [
        '10.0.0.7 "GET /ws/live/runtime/2030-01-08/diego/ HTTP/1.1" 403 - request_id=- websocket=refused code=4403'
    ]


def test_a_socket_whose_app_failed_after_accepting_is_logged_with_1011(access):
    log, buffer = access

    async def app(scope, receive, send):
        await receive()
        await send({"type": "websocket.accept"})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        serve(log, app, socket_scope(), [{"type": "websocket.connect"}])
    assert buffer.getvalue().splitlines()[-1].endswith(" 101 0 request_id=- websocket=closed code=1011")


def test_nothing_is_written_without_an_access_log(access):
    log, buffer = access
    log.cfg.set("accesslog", None)
    log.setup(log.cfg)  # as gunicorn does on start and on a reload
    log.access_log.handlers = [logging.StreamHandler(buffer)]

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent = serve(log, app, http_scope(), [{"type": "http.request"}])
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert buffer.getvalue() == ""
