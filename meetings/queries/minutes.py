"""A meeting's minutes gathered for display: one query per kind of object.

The HTML page, the PDF and the editor's overview all show the same minutes,
so they all take them from `gather`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.db.models import Max

from ..format.attendance import attendees_after, has_attendees_section
from ..format.choices import Horizon, ItemKind
from ..format.writing import roadmap_cell
from ..models import ActionItem, AgendaItem, Attendee, BacklogReport, Meeting, RoadmapEntry
from .actions import open_actions

_HORIZON_LABELS = dict(Horizon.choices)
_HORIZON_ORDER = {value: index for index, value in enumerate(Horizon.values)}


@dataclass
class HorizonRow:
    label: str
    markdown: str


@dataclass
class Minutes:
    meeting: Meeting
    items: list[AgendaItem]
    reports: list[BacklogReport]
    roadmap: list[HorizonRow]
    amended_at: datetime | None = None  # the latest change after publication
    attendees: list[Attendee] = field(default_factory=list)
    open_actions: list[ActionItem] = field(default_factory=list)

    @property
    def agenda(self) -> list[AgendaItem]:
        listed = [item for item in self.items if item.agenda_position is not None]
        return sorted(listed, key=lambda item: item.agenda_position)

    @property
    def sections(self) -> list[AgendaItem]:
        return [item for item in self.items if item.has_section and item.kind != ItemKind.AGENDA]

    @property
    def attendance(self) -> list[Attendee]:
        """The recorded attendees to show, unless the minutes already have their own Attendees section."""
        return [] if has_attendees_section(self.items) else self.attendees

    @property
    def attendance_after(self) -> AgendaItem | None:
        """The agenda's section, which the attendance follows; None when it opens the minutes."""
        index = attendees_after(self.items)
        return None if index == -1 else self.items[index]

    @property
    def reported_count(self) -> int:
        return sum(1 for report in self.reports if not report.is_empty)


def horizon_rows(entries: list[RoadmapEntry]) -> list[HorizonRow]:
    """The roadmap as one Markdown cell per horizon, in the horizons' order, spacer rows dropped.

    Entries keep their order within a horizon; a horizon written twice or out
    of order (as a chair's outline may) still makes one row in its place.
    """
    rows = []
    in_order = sorted(entries, key=lambda entry: _HORIZON_ORDER[entry.horizon])
    for horizon, group in groupby(in_order, key=lambda entry: entry.horizon):
        blocks = []
        for entry in group:
            if entry.is_spacer:
                continue
            # Heading lines stand as their own paragraph; list lines run together.
            blocks.append(f"\n{entry.text}\n" if entry.is_heading else roadmap_cell(entry))
        rows.append(HorizonRow(label=_HORIZON_LABELS[horizon], markdown="\n".join(blocks).strip()))
    return rows


def number_anchors(items: list[AgendaItem], taken: Iterable[str] = ()) -> None:
    """Give each section a `page_anchor` no other element of the page has.

    Two sections may share a title (the archive has a meeting with two “PMC
    Lifecycle Activities”); the first keeps its anchor, later ones are numbered.
    """
    used = set(taken)
    for item in items:
        anchor, number = item.anchor, 1
        while anchor in used:
            number += 1
            anchor = f"{item.anchor}-{number}"
        used.add(anchor)
        item.page_anchor = anchor


@dataclass(frozen=True)
class WrittenSection:
    """A text of the meeting that the minutes write: a chair's section (its body or footnote) or a report."""

    section: AgendaItem | BacklogReport
    team: object  # the report's Team, None for a chair's section
    anchor: str
    title: str
    text: str
    field: str = "body"  # or "footnote": the backlog item's text after the teams


def written_sections(meeting: Meeting) -> list[WrittenSection]:
    """The meeting's written texts in the order of its minutes, with the anchors its page gives them.

    Reads the items and reports through `.all()` (prefetch them for many meetings); the agenda list and an
    agenda bullet without a section are no text of their own.
    """
    reports = list(meeting.reports.all())
    items = list(meeting.items.all())
    number_anchors(items, taken={report.team.slug for report in reports})
    sections = []
    for item in items:
        if not item.has_section or item.kind in (ItemKind.AGENDA, ItemKind.ACTIONS):
            continue
        sections.append(WrittenSection(item, None, item.page_anchor, item.title, item.body))
        if item.kind == ItemKind.BACKLOG:
            sections += [
                WrittenSection(report, report.team, report.team.slug, report.team_name, report.body)
                for report in reports
            ]
            sections.append(WrittenSection(item, None, item.page_anchor, item.title, item.footnote, "footnote"))
    return sections


def gather(meeting: Meeting) -> Minutes:
    """The meeting's minutes, ready for the page, the PDF and the chair's overview."""
    items = list(meeting.items.all())
    reports = list(meeting.reports.select_related("team__committee", "updated_by__profile"))
    entries = list(meeting.roadmap_entries.all())
    number_anchors(items, taken={report.team.slug for report in reports})
    open_ = open_actions(meeting)
    if open_ and not any(item.kind == ItemKind.ACTIONS for item in items):
        _place_open_actions(items)
        number_anchors(items, taken={report.team.slug for report in reports})
    amended_at = (
        meeting.revisions.amendments().aggregate(last=Max("created_at"))["last"] if meeting.is_published else None
    )
    return Minutes(
        meeting=meeting,
        items=items,
        reports=reports,
        roadmap=horizon_rows(entries),
        amended_at=amended_at,
        attendees=list(meeting.attendees.all()),
        open_actions=open_,
    )


def _place_open_actions(items: list[AgendaItem]) -> None:
    """A section for the open actions where the agenda template has none: after the chair's, before the teams'."""
    section = AgendaItem(level=2, kind=ItemKind.ACTIONS, title=ItemKind.ACTIONS.label)
    at = next((index for index, item in enumerate(items) if item.kind == ItemKind.BACKLOG), len(items))
    items.insert(at, section)


def section_anchor(meeting: Meeting, item: AgendaItem) -> str:
    """The id the item's section has on the meeting's pages (numbered as `gather` numbers it)."""
    items = list(meeting.items.all())
    number_anchors(items, taken=set(meeting.reports.values_list("team__slug", flat=True)))
    return next((other.page_anchor for other in items if other.pk == item.pk), item.anchor)


@dataclass
class PublicationSummary:
    """What publishing sends out: which teams wrote a report, which did not, whether attendance is recorded."""

    written: list[str]
    empty: list[str]
    attendees: int
    attendance_in_notes: bool  # imported minutes with an “Attendees” section of their own
    nameless_owners: list[str] = field(default_factory=list)  # handles of owners readers would read as “a member”

    @property
    def teams(self) -> int:
        return len(self.written) + len(self.empty)

    @property
    def attendance_recorded(self) -> bool:
        return self.attendance_in_notes or self.attendees > 0


def publication_summary(meeting: Meeting) -> PublicationSummary:
    reports = list(meeting.reports.only("team_name", "body", "position"))
    return PublicationSummary(
        written=[report.team_name for report in reports if not report.is_empty],
        empty=[report.team_name for report in reports if report.is_empty],
        attendees=meeting.attendees.count(),
        attendance_in_notes=has_attendees_section(meeting.items.only("level", "title")),
        nameless_owners=sorted(
            {
                action.owner
                for action in meeting.actions.select_related("owner_team", "owner_user__profile")
                if action.owner_is_nameless
            }
        ),
    )
