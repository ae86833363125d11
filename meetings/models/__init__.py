"""The domain of PMC Minutes: committees and their teams, meetings and their minutes."""

from ..format.choices import Horizon, ItemKind, TeamStatus
from .committee import AgendaTemplateItem, Committee, Team, TeamAlias
from .meeting import NO_UPDATE_TEXT, AgendaItem, BacklogReport, Meeting, MeetingStatus, ReportState, RoadmapEntry
from .mirror import MirrorSync
from .people import Attendee, Invitation, ReminderSent
from .question import Question
from .revision import Revision, RevisionSource
from .search import SearchDocument

__all__ = [
    "NO_UPDATE_TEXT",
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
    "MirrorSync",
    "Question",
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
