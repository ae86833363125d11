"""A meeting as it is held in its live room: when it started and ended, the section under discussion, time per section.

Time is kept on the server (accumulated at every switch), so a reload or
another chair's screen shows the same clocks. A section is a chair's item or a
team's report, as in models/live.py; anchors are worked out when shown, so a
renamed section keeps its time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .meeting import AgendaItem, BacklogReport, Meeting

# At most one of the two: the current section is a chair's item or a team's report.
_AT_MOST_ONE_CURRENT = Q(current_item__isnull=True) | Q(current_report__isnull=True)
_ONE_SECTION = Q(report__isnull=False, item__isnull=True) | Q(report__isnull=True, item__isnull=False)


class MeetingRun(models.Model):
    """The meeting's hour: started (by a chair), the section being discussed since when, ended."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="run")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    current_report = models.ForeignKey(
        BacklogReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_since = models.DateTimeField(null=True, blank=True, help_text="When the current section's time began.")

    class Meta:
        constraints = [models.CheckConstraint(condition=_AT_MOST_ONE_CURRENT, name="run_one_current_section")]

    def __str__(self) -> str:
        return f"run of {self.meeting}"

    @property
    def is_running(self) -> bool:
        return self.ended_at is None

    @property
    def current_key(self) -> tuple[str, int] | None:
        """("item" | "report", pk) of the section under discussion, None between sections."""
        if self.current_item_id is not None:
            return ("item", self.current_item_id)
        if self.current_report_id is not None:
            return ("report", self.current_report_id)
        return None


class SectionTime(models.Model):
    """The seconds a section has been under discussion, over every time it was the current one."""

    run = models.ForeignKey(MeetingRun, on_delete=models.CASCADE, related_name="times")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(BacklogReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_ONE_SECTION, name="section_time_of_one_section"),
            models.UniqueConstraint(fields=["run", "item"], name="one_time_per_run_item"),
            models.UniqueConstraint(fields=["run", "report"], name="one_time_per_run_report"),
        ]

    def __str__(self) -> str:
        return f"{self.seconds} s of {self.item or self.report}"

    @property
    def key(self) -> tuple[str, int]:
        return ("item", self.item_id) if self.item_id is not None else ("report", self.report_id)
