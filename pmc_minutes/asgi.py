"""ASGI entry point: gunicorn's uvicorn workers in production (Procfile), `manage.py runserver` (daphne) in development.

HTTP goes to Django as under WSGI (its middleware, WhiteNoise's static files included); WebSockets to the live
room (meetings/live/), only from the site's own origins (ALLOWED_HOSTS), with the session's user and a request id
as a page has. On shutdown (uvicorn's lifespan, after it closed every socket, which saves each room as its last
connection leaves) the live rooms still open are saved.
"""

import logging
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmc_minutes.settings")

# Before anything that imports models: this sets Django up.
http = get_asgi_application()

from asgiref.sync import sync_to_async  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402 (needs the settings loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from meetings.live.routing import websocket_urlpatterns  # noqa: E402
from meetings.services.live import flush_rooms  # noqa: E402
from pmc_minutes.observability import WebSocketRequestId  # noqa: E402

logger = logging.getLogger(__name__)


async def lifespan(scope, receive, send):
    """ASGI's lifespan protocol (ProtocolTypeRouter has no handler of its own): save the live rooms on shutdown."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            try:
                await sync_to_async(flush_rooms)()
            except Exception:  # their log (written every 200 ms) still has what they hold
                logger.exception("The live rooms could not all be saved on shutdown")
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": http,
        "websocket": WebSocketRequestId(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
        "lifespan": lifespan,
    }
)
