from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and minutes"

    def ready(self) -> None:
        # Registers the system checks, and the PDF's pre-rendering on published_minutes_changed
        # (in every process that changes minutes, the import commands included).
        from . import checks, prerender  # noqa: F401, PLC0415 (the app registry must be ready)
