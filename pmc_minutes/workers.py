"""gunicorn's worker for the ASGI application (Procfile): uvicorn in each worker, gunicorn keeping its timeouts,
graceful restarts, max_requests recycling and its access lines (gunicorn.conf.py's format, destination and JSON
objects), each naming the request id: one per HTTP request, and a WebSocket's opening and closing."""

import time
from datetime import timedelta
from types import SimpleNamespace

from uvicorn_worker import UvicornWorker


class AsgiWorker(UvicornWorker):
    # The WebSocket implementation the browser tests run (tests/support/asgi_server.py); the lifespan protocol
    # required, not guessed: its shutdown saves the live rooms (pmc_minutes/asgi.py). uvicorn's own access lines
    # are off: they cannot name the request id; AccessLog writes gunicorn's instead.
    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "auto",
        "ws": "websockets-sansio",
        "lifespan": "on",
        "access_log": False,
    }

    def load_wsgi(self) -> None:
        super().load_wsgi()
        self.wsgi = AccessLog(self.wsgi, self.log)


class AccessLog:
    """ASGI middleware: access lines through gunicorn's logger, as its WSGI workers write them.

    A WebSocket gets two: as the handshake is answered (`websocket=open`, or `websocket=refused code=...` when the
    app closes before accepting, which the server answers with 403) and as it ends (`websocket=closed code=...`,
    the first close code of either side, its bytes sent and its duration).
    """

    def __init__(self, app, log):
        self.app = app
        self.log = log

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.log.access_log_enabled:
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket" and self.log.access_log_enabled:
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send):
        started = time.monotonic()
        response = SimpleNamespace(status=500, headers=[], sent=0)  # what uvicorn answers if the app fails first

        async def noting(message):
            if message["type"] == "http.response.start":
                response.status, response.headers = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                response.sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            self._write(scope, response, started)

    async def _websocket(self, scope, receive, send):
        started = time.monotonic()
        response = SimpleNamespace(status=None, headers=[], sent=None)
        closed = SimpleNamespace(code=None)

        async def receiving():
            message = await receive()
            if message["type"] == "websocket.disconnect" and closed.code is None:
                closed.code = message.get("code", 1005)
            return message

        async def sending(message):
            kind = message["type"]
            if kind == "websocket.send":
                response.sent += len(message.get("bytes") or (message.get("text") or "").encode())
            elif kind == "websocket.close" and closed.code is None:
                closed.code = message.get("code", 1000)
            await send(message)
            if kind == "websocket.accept":
                response.status, response.headers, response.sent = 101, message.get("headers", []), 0
                self._write(scope, response, started, websocket="open")

        try:
            await self.app(scope, receiving, sending)
        except BaseException:
            closed.code = closed.code or 1011  # uvicorn closes an accepted socket so, and answers 500 before
            raise
        finally:
            if response.status is None:
                response.status = 500 if closed.code in (None, 1011) else 403
                self._write(scope, response, started, websocket=f"refused code={closed.code or '-'}")
            else:
                self._write(scope, response, started, websocket=f"closed code={closed.code or '-'}")

    def _write(self, scope, response, started: float, *, websocket: str | None = None) -> None:
        """One line in gunicorn.conf.py's access_log_format (a WebSocket's state after it), from the ASGI scope."""
        query = scope.get("query_string", b"").decode("latin-1")
        path = scope.get("raw_path") or scope["path"].encode()
        uri = path.decode("latin-1") + (f"?{query}" if query else "")
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope.get("headers", [])]
        given = {name.lower(): value for name, value in headers}
        environ = {
            "REMOTE_ADDR": scope["client"][0] if scope.get("client") else "-",
            "REQUEST_METHOD": scope.get("method", "GET"),  # a WebSocket's handshake is a GET
            "RAW_URI": uri,
            "PATH_INFO": scope["path"],
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
            "HTTP_REFERER": given.get("referer", "-"),
            "HTTP_USER_AGENT": given.get("user-agent", "-"),
        }
        answered = SimpleNamespace(
            status=response.status,
            sent=response.sent,
            headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in response.headers],
        )
        took = timedelta(seconds=time.monotonic() - started)
        form = self.log.cfg.access_log_format
        try:
            atoms = self.log.atoms(answered, SimpleNamespace(headers=headers), environ, took)
            if websocket is not None:
                form, atoms["websocket"] = f"{form} websocket=%(websocket)s", websocket
            self.log.access_log.info(form, self.log.atoms_wrapper_class(atoms))
        except Exception:
            self.log.exception("An access line could not be written")
