"""Decisions recorded in the minutes: one row per `> **Decision:**` line of a section (format/decisions.py).

The line in the section's text is the decision; these rows are derived from
it, like the search index, and rebuilt whenever the meeting's text changes, so
that the committee's decisions page and feed need not read every section.
"""

from django.db import models

from ..format.decisions import MAX_LINK_CHARS
from .meeting import MeetingStatus


class DecisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(meeting__status=MeetingStatus.PUBLISHED)

    def matching(self, words: str):
        """Decisions whose text or section holds every word, in any case."""
        query = self
        for word in words.split():
            query = query.filter(models.Q(text__icontains=word) | models.Q(section__icontains=word))
        return query


class Decision(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="decisions")
    team = models.ForeignKey("meetings.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    anchor = models.CharField(max_length=300, help_text="The section's anchor on the meeting page.")
    section = models.CharField(max_length=500, help_text="Its heading: the team or the section title.")
    position = models.PositiveIntegerField(help_text="Its order in the minutes.")
    text = models.TextField()
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(null=True, blank=True)
    link = models.URLField(max_length=MAX_LINK_CHARS, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__date", "position"]
        indexes = [models.Index(fields=["meeting", "position"])]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.anchor}"

    @property
    def has_vote(self) -> bool:
        return self.votes_for is not None
