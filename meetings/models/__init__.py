"""The domain of PMC Minutes: committees and their teams, meetings and their minutes."""

from ..format.choices import Horizon, ItemKind, TeamStatus
from .action import ActionItem, ActionOutcome, ActionStatus, CandidateKind, DismissedCandidate, Outcome
from .committee import AgendaTemplateItem, Committee, Team, TeamAlias
from .decision import Decision
from .live import LiveState, LiveUpdate
from .meeting import NO_UPDATE_TEXT, AgendaItem, BacklogReport, Meeting, MeetingStatus, ReportState, RoadmapEntry
from .mirror import MirrorSync
from .people import (
    NAMELESS,
    Attendee,
    HandleClaim,
    Invitation,
    Profile,
    ReminderKind,
    ReminderSent,
    affiliation_of,
    member_name,
    person_name,
    public_name,
)
from .question import Question
from .revision import GitImport, Revision, RevisionSource
from .run import MeetingRun, SectionTime
from .search import SearchDocument
from .tasks import FailedTask
from .token import ApiToken, TokenLimitReached, TokenScope

__all__ = [
    "NAMELESS",
    "NO_UPDATE_TEXT",
    "ActionItem",
    "ActionOutcome",
    "ActionStatus",
    "AgendaItem",
    "AgendaTemplateItem",
    "ApiToken",
    "Attendee",
    "BacklogReport",
    "CandidateKind",
    "Committee",
    "Decision",
    "DismissedCandidate",
    "FailedTask",
    "GitImport",
    "HandleClaim",
    "Horizon",
    "Invitation",
    "ItemKind",
    "LiveState",
    "LiveUpdate",
    "Meeting",
    "MeetingRun",
    "MeetingStatus",
    "MirrorSync",
    "Outcome",
    "Profile",
    "Question",
    "ReminderKind",
    "ReminderSent",
    "ReportState",
    "Revision",
    "RevisionSource",
    "RoadmapEntry",
    "SearchDocument",
    "SectionTime",
    "Team",
    "TeamAlias",
    "TeamStatus",
    "TokenLimitReached",
    "TokenScope",
    "affiliation_of",
    "member_name",
    "person_name",
    "public_name",
]
