"""The domain of PMC Minutes: committees and their teams, meetings and their minutes."""

from ..format.choices import Horizon, ItemKind, TeamStatus
from .committee import AgendaTemplateItem, Committee, Team, TeamAlias
from .meeting import AgendaItem, BacklogReport, Meeting, MeetingStatus, ReportState, RoadmapEntry
from .people import Attendee, Invitation, ReminderSent
from .revision import GitImport, Revision, RevisionSource
from .search import SearchDocument

__all__ = [
    "AgendaItem",
    "AgendaTemplateItem",
    "Attendee",
    "BacklogReport",
    "Committee",
    "GitImport",
    "Horizon",
    "Invitation",
    "ItemKind",
    "Meeting",
    "MeetingStatus",
    "ReminderSent",
    "ReportState",
    "Revision",
    "RevisionSource",
    "RoadmapEntry",
    "SearchDocument",
    "Team",
    "TeamAlias",
    "TeamStatus",
]
