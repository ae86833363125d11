"""The domain of PMC Minutes: committees and their teams, meetings and their minutes."""

from .committee import AgendaTemplateItem, Committee, ItemKind, Team, TeamStatus
from .meeting import AgendaItem, BacklogReport, Horizon, Meeting, MeetingStatus, ReportState, RoadmapEntry
from .people import Attendee, Invitation, ReminderSent
from .revision import Revision, RevisionSource
from .search import SearchDocument

__all__ = [
    "AgendaItem",
    "AgendaTemplateItem",
    "Attendee",
    "BacklogReport",
    "Committee",
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
    "TeamStatus",
]
