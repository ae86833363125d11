"""What the live room's consumers share: a message handled at once, and a closed socket no error.

Channels (4.2 on) awaits `aclose_old_connections()` before every handler: a hop to the one thread that runs all
`sync_to_async` work, so a keystroke waited behind whatever that thread was doing (a save, a rights check), and a
busy room's frames queued there by the thousand (bench k). These consumers' own lookups go through
`database_sync_to_async`, which closes old connections before and after each call itself, a few times a minute
per connection: the hop before every frame buys nothing more.
Remove the override when Channels no longer makes it (`AsyncConsumer.dispatch`).

A send to a socket its client has closed raises in the server (uvicorn's ClientDisconnected), which ended the
consumer there: the frames the client sent before closing were never taken, and `disconnect()` never ran.
"""

import logging

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

logger = logging.getLogger(__name__)


class LiveConsumer(AsyncWebsocketConsumer):
    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send(self, text_data=None, bytes_data=None, close=False):
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Exception:  # the socket is closed: its disconnect is on its way, after what the client sent
            logger.debug("A frame for a closed live socket was dropped", exc_info=True)

    async def close(self, code=None, reason=None):
        try:
            await super().close(code=code, reason=reason)
        except Exception:
            logger.debug("A closed live socket was closed again", exc_info=True)
