"""The live room's document of a section (a report or an agenda item): a Yjs update log and its squashed state.

The section's Markdown body stays the minutes' text; these rows keep the
document's history (the identity of every character) so a room opened again,
in this process or another, merges with what its clients still hold instead of
duplicating it (services/live.py writes them). Every app server appends to one
log, so it is ordered by its auto-incremented key, not by a counter of a process.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .meeting import AgendaItem, BacklogReport

# Exactly one of the two: a section is a team's report or a chair's item.
_ONE_SECTION = Q(report__isnull=False, item__isnull=True) | Q(report__isnull=True, item__isnull=False)


class LiveState(models.Model):
    """A section's document as it was when its text was saved as the section's body (at `version`).

    The rows of the log are what was applied since. A body of a newer version
    was saved outside the room: it is merged into this state, once.
    """

    report = models.OneToOneField(BacklogReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    item = models.OneToOneField(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    state = models.BinaryField()
    # A new one whenever the document is started afresh: a client of another lineage must drop its copy, not merge it.
    lineage = models.UUIDField(default=uuid.uuid4)
    markdown_sha = models.CharField(max_length=64, help_text="SHA-256 of the text the state renders to.")
    version = models.PositiveIntegerField(help_text="The section's version when that text was its body.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_SECTION, name="live_state_of_one_section")]

    def __str__(self) -> str:
        return f"live state of {self.report or self.item} at version {self.version}"


class LiveUpdate(models.Model):
    """One batch of Yjs updates applied to a section's document, in order, with who sent them."""

    report = models.ForeignKey(BacklogReport, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    update = models.BinaryField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=_ONE_SECTION, name="live_update_of_one_section")]

    def __str__(self) -> str:
        return f"live update {self.pk} of {self.report or self.item}"
