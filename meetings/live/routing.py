"""The live room's WebSocket routes (pmc_minutes/asgi.py mounts them)."""

from django.urls import re_path

from . import consumers, meeting_consumer

# A regex, not meetings.urls' converters: registering those twice is deprecated, and the consumers read the date.
websocket_urlpatterns = [
    # The meeting as a whole: its events and who is there, for whoever may read it (meeting_consumer.py).
    re_path(
        r"^ws/live/(?P<committee>[-a-zA-Z0-9_]+)/(?P<date>\d{4}-\d{2}-\d{2})/$",
        meeting_consumer.MeetingConsumer.as_asgi(),
    ),
    # A section by its anchor on the meeting page: a team's slug ("diego") or a chair's section ("section-discussion").
    re_path(
        r"^ws/live/(?P<committee>[-a-zA-Z0-9_]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<anchor>[-a-zA-Z0-9_]+)/$",
        consumers.SectionConsumer.as_asgi(),
    ),
]
