"""The history of every text in the minutes: who changed what, when, from what."""

from django.conf import settings
from django.db import models


class RevisionSource(models.TextChoices):
    WEB = "web", "Edited in PMC Minutes"
    IMPORT = "import", "Imported from a file"
    RESTORE = "restore", "Restored from an earlier revision"


class RevisionQuerySet(models.QuerySet):
    def amendments(self):
        """Changes made to minutes after they were published."""
        return self.filter(after_publication=True)


class Revision(models.Model):
    """One saved change of a report, a chair's section, the agenda or the roadmap.

    `target` names what changed: `report:<team slug>`, `item:<position>`,
    `agenda` or `roadmap`, so the history of one part reads as a single list.
    """

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="revisions")
    report = models.ForeignKey(
        "meetings.BacklogReport", null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    target = models.CharField(max_length=250)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=RevisionSource.choices, default=RevisionSource.WEB)
    after_publication = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["meeting", "target", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.target} of {self.meeting} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def author_name(self) -> str:
        if self.author is not None:
            return self.author.get_username()
        return "import" if self.source == RevisionSource.IMPORT else "unknown"
