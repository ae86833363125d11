"""The search index: one row per section of a meeting's minutes (a team's report, a notes item, the roadmap).

The text is kept here, denormalised, so that both full-text engines index the
same thing: PostgreSQL through the `vector` column (tsvector, GIN index),
SQLite through an FTS5 table holding the same rows. meetings/search.py keeps
them up to date and queries them.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="search_documents")
    team = models.ForeignKey("meetings.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    anchor = models.CharField(max_length=300, help_text="The section's anchor on the meeting page.")
    section = models.CharField(max_length=500, help_text="Its heading: team and leads, or the section title.")
    text = models.TextField(blank=True)
    # Filled on PostgreSQL only (SQLite stores NULL and searches its FTS5 table instead).
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["meeting"])]

    def __str__(self) -> str:
        return f"{self.section} ({self.meeting})"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#{self.anchor}"
