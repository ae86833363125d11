"""The live room's WebSocket routes (pmc_minutes/asgi.py mounts them)."""

from django.urls import path, register_converter

from ..converters import IsoDateConverter
from . import consumers

register_converter(IsoDateConverter, "isodate")

# A section by its anchor on the meeting page: a team's slug ("diego") or a chair's section ("section-discussion").
websocket_urlpatterns = [
    path("ws/live/<slug:committee>/<isodate:date>/<slug:anchor>/", consumers.SectionConsumer.as_asgi()),
]
