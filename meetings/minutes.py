"""A meeting's minutes gathered for display: one query per kind of object.

The HTML page, the PDF and the editor's overview all show the same minutes,
so they all take them from `gather`.
"""

from dataclasses import dataclass
from itertools import groupby

from .exporting import roadmap_cell
from .models import AgendaItem, BacklogReport, Horizon, ItemKind, Meeting, RoadmapEntry

_HORIZON_LABELS = dict(Horizon.choices)


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

    @property
    def agenda(self) -> list[AgendaItem]:
        listed = [item for item in self.items if item.agenda_position is not None]
        return sorted(listed, key=lambda item: item.agenda_position)

    @property
    def sections(self) -> list[AgendaItem]:
        return [item for item in self.items if item.has_section and item.kind != ItemKind.AGENDA]

    @property
    def reported_count(self) -> int:
        return sum(1 for report in self.reports if not report.is_empty)


def horizon_rows(entries: list[RoadmapEntry]) -> list[HorizonRow]:
    """The roadmap as one Markdown cell per horizon, spacer rows dropped."""
    rows = []
    for horizon, group in groupby(entries, key=lambda entry: entry.horizon):
        blocks = []
        for entry in group:
            if entry.is_spacer:
                continue
            # Heading lines stand as their own paragraph; list lines run together.
            blocks.append(f"\n{entry.text}\n" if entry.is_heading else roadmap_cell(entry))
        rows.append(HorizonRow(label=_HORIZON_LABELS[horizon], markdown="\n".join(blocks).strip()))
    return rows


def gather(meeting: Meeting) -> Minutes:
    items = list(meeting.items.all())
    reports = list(meeting.reports.select_related("team", "updated_by"))
    entries = list(meeting.roadmap_entries.all())
    return Minutes(meeting=meeting, items=items, reports=reports, roadmap=horizon_rows(entries))
