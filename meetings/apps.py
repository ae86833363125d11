from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and minutes"

    def ready(self) -> None:
        from . import checks  # noqa: F401, PLC0415 (registers the system checks; the app registry must be ready)
