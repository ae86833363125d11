"""The committee's git mirror: changes of published minutes still to be committed (and pushed) there."""

from django.conf import settings
from django.db import models


class MirrorSyncQuerySet(models.QuerySet):
    def failing(self):
        """Changes a sync already tried and could not mirror: the chair is shown why."""
        return self.exclude(last_error="")


class MirrorSync(models.Model):
    """One saved change of published minutes that the committee's git mirror does not hold yet.

    Written in the transaction of the change itself, so that no change can be
    saved without it; deleted once the change is committed and pushed. A row
    that stays says what went wrong (`last_error`) until `sync_git_mirror`
    or the next change of the committee's minutes succeeds.
    """

    committee = models.ForeignKey("meetings.Committee", on_delete=models.CASCADE, related_name="mirror_syncs")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="mirror_syncs")
    message = models.CharField(max_length=500, help_text="What changed, the commit's subject.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who changed it; empty for an import or the system (the commit then has the site's identity).",
    )  # fmt: skip
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MirrorSyncQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.message} ({self.meeting})"
