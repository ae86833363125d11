"""gunicorn's worker for the ASGI application (Procfile): uvicorn in each worker, gunicorn keeping its timeouts,
graceful restarts and max_requests recycling (gunicorn.conf.py)."""

from uvicorn_worker import UvicornWorker


class AsgiWorker(UvicornWorker):
    # The WebSocket implementation the browser tests run (tests/support/asgi_server.py); the lifespan protocol
    # required, not guessed: its shutdown saves the live rooms (pmc_minutes/asgi.py).
    CONFIG_KWARGS = {"loop": "auto", "http": "auto", "ws": "websockets-sansio", "lifespan": "on"}
