"""The domain of PMC Minutes: committees and their teams, meetings and their minutes."""

from ..format.choices import Horizon, ItemKind, TeamStatus
from .committee import AgendaTemplateItem, Committee, Team, TeamAlias
from .decision import Decision
from .meeting import AgendaItem, BacklogReport, Meeting, MeetingStatus, ReportState, RoadmapEntry
from .mirror import MirrorSync
from .people import Attendee, Invitation, ReminderSent
from .revision import Revision, RevisionSource
from .search import SearchDocument

__all__ = [
    "AgendaItem",
    "AgendaTemplateItem",
    "Attendee",
    "BacklogReport",
    "Committee",
    "Decision",
    "Horizon",
    "Invitation",
    "ItemKind",
    "Meeting",
    "MeetingStatus",
    "MirrorSync",
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
