"""The values the minutes format knows: kinds of section, roadmap horizons, team statuses.

TextChoices because the models store them; the migrations spell out their
choices lists, so moving them here changed no table.
"""

from django.db import models


class ItemKind(models.TextChoices):
    """What an agenda item holds."""

    AGENDA = "agenda", "Agenda"
    NOTES = "notes", "Notes"
    BACKLOG = "backlog", "Backlog reviews"
    ROADMAP = "roadmap", "Roadmap review"
    ACTIONS = "actions", "Open action items"


class Horizon(models.TextChoices):
    """Roadmap horizons, in the order the table lists them."""

    RECENTLY_COMPLETED = "recently-completed", "Recently Completed"
    SOON = "soon", "Soon"
    NEXT = "next", "Next"
    FUTURE = "future", "Future"

    @classmethod
    def from_label(cls, label: str) -> "Horizon | None":
        wanted = " ".join(label.split()).lower()
        return next((h for h in cls if h.label.lower() == wanted), None)


class TeamStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INCUBATING = "incubating", "Incubating"
    PROPOSED = "proposed", "Proposed"
    RETIRED = "retired", "Retired"


class TeamLayout(models.TextChoices):
    """Where a committee's minutes files write their team sections (blank on a committee: detect it per file)."""

    BACKLOG = "backlog", "### Team under a backlog heading (## Backlog Reviews)"
    PROJECTS = "projects", "### Project under # Projects groups (## _Incubating_)"
    NOTES = "notes", "notes-style: one ## section per team"
