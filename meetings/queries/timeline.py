"""A team's reports over time, and the roadmap's entries over time, from the published minutes.

Both read one committee's published meetings in date order and follow what
changed: a team's leads and status label from report to report; a roadmap
entry from horizon to horizon until it leaves the table.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from ..format.choices import Horizon
from ..models import BacklogReport, Committee, Meeting, MeetingStatus, RoadmapEntry, Team
from .reports import with_peek, written_ids

_HORIZON_LABELS = dict(Horizon.choices)


@dataclass
class Gap:
    """Meetings in a row in which the team did not report."""

    count: int
    first: date
    last: date


@dataclass
class Change:
    """A value (leads, status label) and the meetings from and to which it held."""

    value: str
    since: date
    until: date


PAGE_SIZE = 25  # reports (and gaps) a page: a team's whole history stays cheap however long it is


@dataclass
class Timeline:
    team: Team
    entries: list = field(default_factory=list)  # this page's BacklogReports and Gaps, newest first
    leads: list[Change] = field(default_factory=list)  # newest first
    statuses: list[Change] = field(default_factory=list)
    roadmap: list["RoadmapLine"] = field(default_factory=list)
    report_count: int = 0
    page: int = 1
    pages: int = 1

    @property
    def newer_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def older_page(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def _changes(values: list[tuple[date, str]]) -> list[Change]:
    """Runs of equal values, oldest first, as changes."""
    changes: list[Change] = []
    for when, value in values:
        if changes and changes[-1].value == value:
            changes[-1].until = when
        else:
            changes.append(Change(value, when, when))
    return changes


def team_timeline(team: Team, page: int = 1) -> Timeline:
    """The team's published reports, newest first, empty ones folded into gaps, one page of them.

    The whole history is read as a few columns (dates, leads, labels, whether
    written); only the reports of the page shown are read in full.
    """
    read = list(
        with_peek(BacklogReport.objects.filter(team=team, meeting__status=MeetingStatus.PUBLISHED))
        .order_by("meeting__date")
        .values_list("pk", "meeting__date", "leads", "status_label", "length", "start")
    )
    # Placeholders only (“[add here]”, the committee's template lines) fold into gaps as blanks do.
    written = written_ids(
        [(pk, length, start) for pk, _, _, _, length, start in read], team.committee.placeholder_lines
    )
    rows = [(pk, when, leads, label, pk in written) for pk, when, leads, label, _, _ in read]
    entries: list = []  # report ids and Gaps, newest first
    for pk, when, _, _, written in reversed(rows):
        if written:
            entries.append(pk)
        elif entries and isinstance(entries[-1], Gap):
            entries[-1].count, entries[-1].first = entries[-1].count + 1, when
        else:
            entries.append(Gap(1, when, when))
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    reports = BacklogReport.objects.select_related("meeting__committee", "team").in_bulk(
        [entry for entry in shown if not isinstance(entry, Gap)]
    )
    return Timeline(
        team=team,
        entries=[entry if isinstance(entry, Gap) else reports[entry] for entry in shown],
        leads=_changes([(when, leads) for _, when, leads, _, _ in rows])[::-1],
        statuses=_changes([(when, label or "active") for _, when, _, label, _ in rows])[::-1],
        roadmap=roadmap_history(team.committee, team=team),
        report_count=sum(1 for *_, written in rows if written),
        page=page,
        pages=pages,
    )


@dataclass
class Stage:
    horizon: str
    since: date
    until: date

    @property
    def label(self) -> str:
        return _HORIZON_LABELS[self.horizon]


@dataclass
class RoadmapLine:
    """One roadmap entry across meetings: where it stood, from when to when."""

    text: str
    stages: list[Stage] = field(default_factory=list)
    left: date | None = None  # the first meeting whose roadmap no longer had it

    @property
    def first_seen(self) -> date:
        return self.stages[0].since

    @property
    def horizon(self) -> str:
        return self.stages[-1].horizon

    @property
    def current(self) -> bool:
        return self.left is None


def _identity(text: str) -> str:
    """Spacing, case and the trailing team list do not make another entry."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text)
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


def current_roadmap_meeting(committee: Committee) -> Meeting | None:
    """The meeting whose roadmap the roadmap page shows as current: the latest published one with entries."""
    listed = RoadmapEntry.objects.filter(
        meeting__committee=committee, meeting__status=MeetingStatus.PUBLISHED, is_heading=False
    ).exclude(text="")
    latest = listed.order_by("-meeting__date").values_list("meeting_id", flat=True).first()
    return None if latest is None else Meeting.objects.get(pk=latest)


def roadmap_history(committee: Committee, team: Team | None = None) -> list[RoadmapLine]:
    """Every roadmap entry of the committee's published minutes, with its horizons over time.

    Entries still on the latest roadmap come first (in their order there),
    then those that left, most recently left first. An entry that comes back
    after leaving starts a new line: the earlier one keeps its own history.
    """
    all_entries = RoadmapEntry.objects.filter(
        meeting__committee=committee, meeting__status=MeetingStatus.PUBLISHED, is_heading=False
    ).exclude(text="")
    entries = all_entries.filter(teams=team) if team is not None else all_entries
    by_meeting: dict[int, list[tuple[str, str]]] = {}
    for meeting_id, text, horizon in entries.order_by("position").values_list("meeting_id", "text", "horizon"):
        by_meeting.setdefault(meeting_id, []).append((text, horizon))
    if not by_meeting:
        return []  # most teams are on no roadmap: the committee's whole roadmap history is not read for them
    # An entry leaves when a later roadmap no longer lists it (meetings without a roadmap do not count).
    with_roadmap = sorted(set(all_entries.values_list("meeting__date", "meeting_id").distinct()))

    current: dict[str, RoadmapLine] = {}  # by identity: the lines on the roadmap being read
    gone: list[RoadmapLine] = []
    for when, meeting_id in with_roadmap:
        present: dict[str, RoadmapLine] = {}
        for text, horizon in by_meeting.get(meeting_id, []):
            key = _identity(text)
            line = present.get(key) or current.get(key) or RoadmapLine(text=text)
            line.text = text
            if line.stages and line.stages[-1].horizon == horizon:
                line.stages[-1].until = when
            elif key not in present or line.stages[-1].since != when:
                line.stages.append(Stage(horizon, when, when))
            present[key] = line
        for key, line in current.items():
            if key not in present:
                line.left = when
                gone.append(line)
        # Rebuilt from this roadmap, so the lines still on it keep its order.
        current = present
    gone.sort(key=lambda line: line.left, reverse=True)
    return list(current.values()) + gone


def horizons_of(lines: list[RoadmapLine]) -> list[tuple[str, list[RoadmapLine]]]:
    """(horizon label, its lines) in the roadmap's order of horizons."""
    return [
        (label, [line for line in lines if line.horizon == value])
        for value, label in Horizon.choices
        if any(line.horizon == value for line in lines)
    ]
