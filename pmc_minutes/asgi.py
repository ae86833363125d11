"""ASGI entry point: `daphne pmc_minutes.asgi:application` (Procfile), and `manage.py runserver` in development.

HTTP goes to Django as under WSGI (its middleware, WhiteNoise's static files included); WebSockets to the live
room (meetings/live/), only from the site's own origins (ALLOWED_HOSTS) and with the session's user.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmc_minutes.settings")

# Before anything that imports models: this sets Django up.
http = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402 (needs the settings loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from meetings.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
