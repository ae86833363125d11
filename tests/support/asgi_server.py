"""The site's ASGI application (pages, static files, the live room's sockets) served by uvicorn in a thread of this
process, so that it shares the test database; stopped and started again on the same port as a restart is."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from channels.layers import channel_layers
from channels.routing import ProtocolTypeRouter
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connections

from meetings.services import live
from tests.support.live import drop_rooms


def application():
    """pmc_minutes.asgi's application, with static files served from the finders as the WSGI live server does."""
    from pmc_minutes.asgi import application as site

    routes = site.application_mapping
    return ProtocolTypeRouter({"http": ASGIStaticFilesHandler(routes["http"]), "websocket": routes["websocket"]})


class AsgiServer:
    """One uvicorn server on 127.0.0.1; `url` stays the same across `restart()`."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        # A new process has no channel layer yet: the in-memory one's queues belong to the last server's loop.
        channel_layers.backends.clear()
        config = uvicorn.Config(
            application(), host="127.0.0.1", port=self.port, lifespan="off", ws="websockets-sansio", log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name=f"asgi-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.02)

    def _serve(self) -> None:
        try:
            self._server.run()
        finally:
            connections.close_all()

    def stop(self, *, graceful: bool = True) -> None:
        """Stop serving. Graceful: sockets are closed and each room saves as its last connection leaves, as on
        SIGTERM; otherwise what a killed process leaves: the rooms are dropped with whatever is not yet saved."""
        if self._server is None:
            return
        if not graceful:
            for room in list(live._rooms.values()):
                room._cancel_timers()  # no save may run while the server goes away
            self._server.force_exit = True
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._server = self._thread = None
        drop_rooms()

    def restart(self, *, graceful: bool = True) -> None:
        self.stop(graceful=graceful)
        self.start()
