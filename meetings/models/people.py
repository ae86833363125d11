"""People around a committee's meetings: invitations to lead, reminders sent, attendance."""

from django.conf import settings
from django.db import models


class Invitation(models.Model):
    """A one-time sign-up link that makes an account and attaches it as a lead (or chair)."""

    committee = models.ForeignKey("meetings.Committee", on_delete=models.CASCADE, related_name="invitations")
    team = models.ForeignKey(
        "meetings.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="invitations",
        help_text="The team to lead; empty for an invitation to chair the committee.",
    )  # fmt: skip
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.team or self.committee}"


class ReminderSent(models.Model):
    """A reminder e-mailed to a lead for a meeting: never the same one twice."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_reminder_per_lead_per_meeting")]

    def __str__(self) -> str:
        return f"reminder to {self.user} for {self.meeting}"


class Attendee(models.Model):
    """Someone who came to the meeting: an account, or a name with an affiliation."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "name"], name="one_attendee_name_per_meeting")]

    def __str__(self) -> str:
        return f"{self.name}, {self.affiliation}" if self.affiliation else self.name
